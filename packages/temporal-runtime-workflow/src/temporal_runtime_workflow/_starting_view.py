"""``StartingView``: the static type of ``proxy.async_`` and ``proxy.after(delay)``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, Protocol

from ._method_handle import MethodHandle

__all__ = ["StartingView"]


class StartingView[W](Protocol):
    """Starts runs of workflow class ``W`` and returns their handles without waiting for results.

    Call it with an entry method for a precisely typed handle::

        handle = await proxy.async_(OrderWorkflow.process, order)  # MethodHandle[Receipt, OrderWorkflow]

    A wrong argument, or a method of another class, is a type error. The attribute style
    ``await proxy.async_.process(order)`` works too, but a type checker sees only
    ``MethodHandle[Any]``: Python's type system has no mapped types, so no annotation can say "the
    methods of ``W``, each returning a handle of its own result".
    """

    def __call__[**P, R](
        self, method: Callable[Concatenate[W, P], Awaitable[R]], /, *args: P.args, **kwargs: P.kwargs
    ) -> Awaitable[MethodHandle[R, W]]: ...

    def __getattr__(self, name: str) -> Callable[..., Awaitable[MethodHandle[Any]]]: ...
