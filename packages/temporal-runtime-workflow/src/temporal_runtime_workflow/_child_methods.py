"""The typed child-workflow methods of ``Workflow``: ``start_child``, ``execute_child``, ``child``
and the by-name forms. ``Workflow`` inherits them from :class:`ChildWorkflowMethods` (kept apart so
that the arity overloads do not crowd ``_workflow.py``); the logic is in ``_children``.

Entry arguments are positional, typed by arity overloads (0..6, as ``asyncio.gather`` does, and as
``engine.start_workflow``), options keyword-only and typed by :class:`ChildOptionsDict`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Unpack, cast, overload

from . import _children  # pyright: ignore[reportPrivateUsage]  # this package's own module
from ._child_handle import ChildHandle
from ._child_options import ChildOptionsDict

if TYPE_CHECKING:
    from ._workflow import Workflow

__all__ = ["ChildWorkflowMethods"]


class ChildWorkflowMethods:
    """Child workflows, from inside a running workflow (mixed into ``Workflow``)."""

    __slots__ = ()

    @overload
    async def start_child[W: Workflow, R](
        self,
        method: Callable[[W], Awaitable[R]],
        /,
        **options: Unpack[ChildOptionsDict],
    ) -> ChildHandle[R, W]: ...
    @overload
    async def start_child[W: Workflow, A1, R](
        self,
        method: Callable[[W, A1], Awaitable[R]],
        a1: A1,
        /,
        **options: Unpack[ChildOptionsDict],
    ) -> ChildHandle[R, W]: ...
    @overload
    async def start_child[W: Workflow, A1, A2, R](
        self,
        method: Callable[[W, A1, A2], Awaitable[R]],
        a1: A1,
        a2: A2,
        /,
        **options: Unpack[ChildOptionsDict],
    ) -> ChildHandle[R, W]: ...
    @overload
    async def start_child[W: Workflow, A1, A2, A3, R](
        self,
        method: Callable[[W, A1, A2, A3], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        /,
        **options: Unpack[ChildOptionsDict],
    ) -> ChildHandle[R, W]: ...
    @overload
    async def start_child[W: Workflow, A1, A2, A3, A4, R](
        self,
        method: Callable[[W, A1, A2, A3, A4], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        a4: A4,
        /,
        **options: Unpack[ChildOptionsDict],
    ) -> ChildHandle[R, W]: ...
    @overload
    async def start_child[W: Workflow, A1, A2, A3, A4, A5, R](
        self,
        method: Callable[[W, A1, A2, A3, A4, A5], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        a4: A4,
        a5: A5,
        /,
        **options: Unpack[ChildOptionsDict],
    ) -> ChildHandle[R, W]: ...
    @overload
    async def start_child[W: Workflow, A1, A2, A3, A4, A5, A6, R](
        self,
        method: Callable[[W, A1, A2, A3, A4, A5, A6], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        a4: A4,
        a5: A5,
        a6: A6,
        /,
        **options: Unpack[ChildOptionsDict],
    ) -> ChildHandle[R, W]: ...
    async def start_child(
        self, method: Callable[..., Awaitable[Any]], /, *args: Any, **options: Unpack[ChildOptionsDict]
    ) -> ChildHandle[Any, Any]:
        """Start a child run of entry method ``method`` (e.g. ``Payment.charge``) with ``args`` and
        return its :class:`ChildHandle` once the server has it. Arguments are validated first
        (:class:`InvalidArgumentsError`); the default id is ``"{this id}/{Type}.{method}-{n}"``."""
        return await _children.start_child(self, method, args, options)

    @overload
    async def execute_child[W: Workflow, R](
        self,
        method: Callable[[W], Awaitable[R]],
        /,
        **options: Unpack[ChildOptionsDict],
    ) -> R: ...
    @overload
    async def execute_child[W: Workflow, A1, R](
        self,
        method: Callable[[W, A1], Awaitable[R]],
        a1: A1,
        /,
        **options: Unpack[ChildOptionsDict],
    ) -> R: ...
    @overload
    async def execute_child[W: Workflow, A1, A2, R](
        self,
        method: Callable[[W, A1, A2], Awaitable[R]],
        a1: A1,
        a2: A2,
        /,
        **options: Unpack[ChildOptionsDict],
    ) -> R: ...
    @overload
    async def execute_child[W: Workflow, A1, A2, A3, R](
        self,
        method: Callable[[W, A1, A2, A3], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        /,
        **options: Unpack[ChildOptionsDict],
    ) -> R: ...
    @overload
    async def execute_child[W: Workflow, A1, A2, A3, A4, R](
        self,
        method: Callable[[W, A1, A2, A3, A4], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        a4: A4,
        /,
        **options: Unpack[ChildOptionsDict],
    ) -> R: ...
    @overload
    async def execute_child[W: Workflow, A1, A2, A3, A4, A5, R](
        self,
        method: Callable[[W, A1, A2, A3, A4, A5], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        a4: A4,
        a5: A5,
        /,
        **options: Unpack[ChildOptionsDict],
    ) -> R: ...
    @overload
    async def execute_child[W: Workflow, A1, A2, A3, A4, A5, A6, R](
        self,
        method: Callable[[W, A1, A2, A3, A4, A5, A6], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        a4: A4,
        a5: A5,
        a6: A6,
        /,
        **options: Unpack[ChildOptionsDict],
    ) -> R: ...
    async def execute_child(
        self, method: Callable[..., Awaitable[Any]], /, *args: Any, **options: Unpack[ChildOptionsDict]
    ) -> Any:
        """Start a child run of ``method`` with ``args`` and wait for its result, typed ``R``; a
        child that does not complete raises :class:`ChildWorkflowFailedError`."""
        handle = await _children.start_child(self, method, args, options)
        return await handle.result()

    def child[C: Workflow](self, workflow: type[C], /, **options: Unpack[ChildOptionsDict]) -> C:
        """A proxy whose entry methods run ``workflow`` as a child and return its result:
        ``await self.child(Payment, id="pay-1").charge(order)``. It offers the immediate style only
        (its ``async_``/``after``/``options`` raise); ``start_child`` returns a handle."""
        proxy = _children.ChildProxy(self, workflow, options)
        return cast(C, proxy)  # typed as the class: its entry methods, with their parameters and results

    @overload
    async def start_child_by_name[R](
        self,
        workflow_type: str,
        method: str,
        kwargs: Mapping[str, Any] | None = None,
        /,
        *,
        result_type: type[R],
        **options: Unpack[ChildOptionsDict],
    ) -> ChildHandle[R]: ...
    @overload
    async def start_child_by_name(
        self,
        workflow_type: str,
        method: str,
        kwargs: Mapping[str, Any] | None = None,
        /,
        *,
        result_type: None = None,
        **options: Unpack[ChildOptionsDict],
    ) -> ChildHandle[Any]: ...
    async def start_child_by_name(
        self,
        workflow_type: str,
        method: str,
        kwargs: Mapping[str, Any] | None = None,
        /,
        *,
        result_type: type[Any] | None = None,
        **options: Unpack[ChildOptionsDict],
    ) -> ChildHandle[Any]:
        """Start entry ``method`` of workflow type ``workflow_type``, which another process may
        serve: the arguments go by parameter name (``{"order": order}``, the envelope's ``kwargs``,
        since this process may not know the signature), the result is decoded into ``result_type``
        (plain JSON without one). When this process defines the type, the arguments are validated."""
        return await _children.start_child_by_name(self, workflow_type, method, kwargs, result_type, options)

    @overload
    async def execute_child_by_name[R](
        self,
        workflow_type: str,
        method: str,
        kwargs: Mapping[str, Any] | None = None,
        /,
        *,
        result_type: type[R],
        **options: Unpack[ChildOptionsDict],
    ) -> R: ...
    @overload
    async def execute_child_by_name(
        self,
        workflow_type: str,
        method: str,
        kwargs: Mapping[str, Any] | None = None,
        /,
        *,
        result_type: None = None,
        **options: Unpack[ChildOptionsDict],
    ) -> Any: ...
    async def execute_child_by_name(
        self,
        workflow_type: str,
        method: str,
        kwargs: Mapping[str, Any] | None = None,
        /,
        *,
        result_type: type[Any] | None = None,
        **options: Unpack[ChildOptionsDict],
    ) -> Any:
        """As :meth:`start_child_by_name`, and wait for the child's result."""
        handle = await _children.start_child_by_name(
            self, workflow_type, method, kwargs, result_type, options
        )
        return await handle.result()
