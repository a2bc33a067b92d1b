"""The static types of ``@wf_signal``, ``@wf_query`` and ``@wf_update`` handlers.

At run time a decorated handler stays the plain function it was (the decorator only marks it), so
calling it on a workflow instance, as unit tests do, works as before. To type checkers the decorators
return one of these protocols: a descriptor that behaves like the method on an instance and, on the
class (``Order.approve``), is a reference that handles accept by kind. ``handle.query(Order.approve)``
is a type error because a :class:`SignalMethod` is not a :class:`QueryMethod`; each protocol has a
marker member of its own (set on the function at run time too) so that they never match each other.

An :class:`UpdateMethod` also has ``validator``, the decorator of its validator (typed: a validator
whose parameters differ from the handler's is a type error).

Type parameters: ``W`` the workflow class, ``P`` the handler's parameters after ``self``, ``C`` what
calling it returns (``None``/a value, or a coroutine for an ``async def`` handler).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, Literal, Protocol, Self, overload

__all__ = ["QueryMethod", "SignalMethod", "UpdateMethod"]


class SignalMethod[W, **P, C](Protocol):
    """A ``@wf_signal`` handler of workflow class ``W`` taking ``P``."""

    @property
    def __wf_signal__(self) -> Literal[True]: ...

    def __call__(self, workflow: W, /, *args: P.args, **kwargs: P.kwargs) -> C: ...

    @overload
    def __get__(self, instance: None, owner: type[Any], /) -> Self: ...
    @overload
    def __get__(self, instance: W, owner: type[Any], /) -> Callable[P, C]: ...


class QueryMethod[W, **P, C](Protocol):
    """A ``@wf_query`` handler of workflow class ``W`` taking ``P``; its answer is ``C`` (or what the
    coroutine ``C`` returns, for an ``async def`` query)."""

    @property
    def __wf_query__(self) -> Literal[True]: ...

    def __call__(self, workflow: W, /, *args: P.args, **kwargs: P.kwargs) -> C: ...

    @overload
    def __get__(self, instance: None, owner: type[Any], /) -> Self: ...
    @overload
    def __get__(self, instance: W, owner: type[Any], /) -> Callable[P, C]: ...


class UpdateMethod[W, **P, C](Protocol):
    """A ``@wf_update`` handler of workflow class ``W`` taking ``P``; its answer is ``C`` (or what the
    coroutine ``C`` returns, for an ``async def`` update)."""

    @property
    def __wf_update__(self) -> Literal[True]: ...

    def validator(self, fn: Callable[Concatenate[W, P], None], /) -> Callable[Concatenate[W, P], None]:
        """Attach ``fn`` as this update's validator: ``@set_limit.validator`` on a plain ``def`` with
        the update's parameters that returns None. It runs before the update is accepted, with the
        workflow's state; raising rejects the update (the caller gets ``UpdateFailedError`` and the
        run's history keeps nothing). It must not change state and cannot wait."""
        ...

    def __call__(self, workflow: W, /, *args: P.args, **kwargs: P.kwargs) -> C: ...

    @overload
    def __get__(self, instance: None, owner: type[Any], /) -> Self: ...
    @overload
    def __get__(self, instance: W, owner: type[Any], /) -> Callable[P, C]: ...
