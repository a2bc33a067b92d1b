"""``engine.with_start(Wf.method, arg, id=..., **options)``: signal-with-start and update-with-start
by method reference, typed like ``engine.start_workflow`` (entry arguments positional, by arity
overloads; options keyword-only). The message follows on the result: ``.signal(...)``,
``.update(...)`` or ``.start_update(...)`` (see :class:`WithStart`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from typing import Any, Unpack, overload

from temporal_runtime_client import (
    RunWithStart,
    StartOptions,
    StartOptionsDict,
    WithStart,
    WorkflowClient,
    resolve_entry,
)
from temporal_runtime_workflow import Workflow

__all__ = ["WithStartOperations"]


class WithStartOperations(ABC):
    """``with_start`` (part of the engine's run operations)."""

    __slots__ = ()

    @property
    @abstractmethod
    def client(self) -> WorkflowClient:
        """The workflow client the operations go through."""

    @overload
    def with_start[W: Workflow, R](
        self,
        method: Callable[[W], Awaitable[R]],
        /,
        **options: Unpack[StartOptionsDict],
    ) -> WithStart[R, W]: ...
    @overload
    def with_start[W: Workflow, A1, R](
        self,
        method: Callable[[W, A1], Awaitable[R]],
        a1: A1,
        /,
        **options: Unpack[StartOptionsDict],
    ) -> WithStart[R, W]: ...
    @overload
    def with_start[W: Workflow, A1, A2, R](
        self,
        method: Callable[[W, A1, A2], Awaitable[R]],
        a1: A1,
        a2: A2,
        /,
        **options: Unpack[StartOptionsDict],
    ) -> WithStart[R, W]: ...
    @overload
    def with_start[W: Workflow, A1, A2, A3, R](
        self,
        method: Callable[[W, A1, A2, A3], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        /,
        **options: Unpack[StartOptionsDict],
    ) -> WithStart[R, W]: ...
    @overload
    def with_start[W: Workflow, A1, A2, A3, A4, R](
        self,
        method: Callable[[W, A1, A2, A3, A4], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        a4: A4,
        /,
        **options: Unpack[StartOptionsDict],
    ) -> WithStart[R, W]: ...
    @overload
    def with_start[W: Workflow, A1, A2, A3, A4, A5, R](
        self,
        method: Callable[[W, A1, A2, A3, A4, A5], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        a4: A4,
        a5: A5,
        /,
        **options: Unpack[StartOptionsDict],
    ) -> WithStart[R, W]: ...
    @overload
    def with_start[W: Workflow, A1, A2, A3, A4, A5, A6, R](
        self,
        method: Callable[[W, A1, A2, A3, A4, A5, A6], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        a4: A4,
        a5: A5,
        a6: A6,
        /,
        **options: Unpack[StartOptionsDict],
    ) -> WithStart[R, W]: ...
    def with_start(
        self, method: Callable[..., Awaitable[Any]], /, *args: Any, **options: Unpack[StartOptionsDict]
    ) -> WithStart[Any, Any]:
        """The run of ``method`` with ``args`` (validated now) to start if no run with ``id=`` is
        running, for the message sent with it: ``await engine.with_start(Cart.run, cart,
        id="cart-7").update(Cart.add_item, item)``. ``id`` is required; the id conflict policy
        defaults to ``USE_EXISTING`` for updates."""
        workflow, name = resolve_entry(method)
        opts = StartOptions().merge(**options)
        start = self.client.prepare_start(workflow, name, args, None, opts)
        return RunWithStart(self.client, start, id_given=opts.id is not None)
