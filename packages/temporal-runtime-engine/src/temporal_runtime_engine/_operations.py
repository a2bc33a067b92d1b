"""The operations ``TemporalEngine`` offers on workflow runs: start, execute, message and manage them.

Two ways to start a run, each with the same options (:class:`StartOptionsDict`):

- by method reference, typed: ``await engine.start_workflow(Wf.method, arg, id="x")`` returns a
  ``MethodHandle[R, Wf]``; ``await engine.execute_workflow(...)`` waits for ``R``. Entry arguments
  are positional (typed by arity overloads, up to 6), options keyword-only.
- by class and name, as the design document shows: ``engine.start_method(Wf, "method", arg,
  workflow_id="x")``, for names chosen at run time (typed ``Any``).

(The client proxy, ``Wf.client(engine)``, is the third face of the same calls.) Signal-with-start
and update-with-start are ``engine.with_start(...)`` (in ``_with_start_operations``). Each operation
delegates to the engine's :class:`~temporal_runtime_client.WorkflowClient`; they live apart from the
engine's lifecycle so that each file holds one concept.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any, Concatenate, Unpack, cast, overload

from temporal_runtime_client import (
    MethodHandle,
    StartOptions,
    StartOptionsDict,
    UpdateHandle,
    WorkflowClient,
    WorkflowDescription,
    WorkflowStatus,
    resolve_entry,
)
from temporal_runtime_core import Duration, InvalidOptionError
from temporal_runtime_workflow import QueryMethod, SignalMethod, UpdateMethod, Workflow

from ._with_start_operations import WithStartOperations

__all__ = ["RunOperations"]


class RunOperations(WithStartOperations, ABC):
    """Start, execute, signal, query, update, describe, cancel and terminate runs, and wait for their
    results, through :attr:`client` (implemented by ``TemporalEngine``)."""

    __slots__ = ()

    @property
    @abstractmethod
    def client(self) -> WorkflowClient:
        """The workflow client the operations go through."""

    # --- by method reference, typed ------------------------------------------------------------

    @overload
    async def start_workflow[W: Workflow, R](
        self,
        method: Callable[[W], Awaitable[R]],
        /,
        **options: Unpack[StartOptionsDict],
    ) -> MethodHandle[R, W]: ...
    @overload
    async def start_workflow[W: Workflow, A1, R](
        self,
        method: Callable[[W, A1], Awaitable[R]],
        a1: A1,
        /,
        **options: Unpack[StartOptionsDict],
    ) -> MethodHandle[R, W]: ...
    @overload
    async def start_workflow[W: Workflow, A1, A2, R](
        self,
        method: Callable[[W, A1, A2], Awaitable[R]],
        a1: A1,
        a2: A2,
        /,
        **options: Unpack[StartOptionsDict],
    ) -> MethodHandle[R, W]: ...
    @overload
    async def start_workflow[W: Workflow, A1, A2, A3, R](
        self,
        method: Callable[[W, A1, A2, A3], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        /,
        **options: Unpack[StartOptionsDict],
    ) -> MethodHandle[R, W]: ...
    @overload
    async def start_workflow[W: Workflow, A1, A2, A3, A4, R](
        self,
        method: Callable[[W, A1, A2, A3, A4], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        a4: A4,
        /,
        **options: Unpack[StartOptionsDict],
    ) -> MethodHandle[R, W]: ...
    @overload
    async def start_workflow[W: Workflow, A1, A2, A3, A4, A5, R](
        self,
        method: Callable[[W, A1, A2, A3, A4, A5], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        a4: A4,
        a5: A5,
        /,
        **options: Unpack[StartOptionsDict],
    ) -> MethodHandle[R, W]: ...
    @overload
    async def start_workflow[W: Workflow, A1, A2, A3, A4, A5, A6, R](
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
    ) -> MethodHandle[R, W]: ...
    async def start_workflow(
        self, method: Callable[..., Awaitable[Any]], /, *args: Any, **options: Unpack[StartOptionsDict]
    ) -> MethodHandle[Any, Any]:
        """Start a run of entry method ``method`` (e.g. ``OrderWorkflow.process``) with ``args``
        and return its typed handle once the server has it: ``MethodHandle[R, Wf]``."""
        workflow, name = resolve_entry(method)
        return await self.client.start_method(workflow, name, args, None, StartOptions().merge(**options))

    @overload
    async def execute_workflow[W: Workflow, R](
        self,
        method: Callable[[W], Awaitable[R]],
        /,
        **options: Unpack[StartOptionsDict],
    ) -> R: ...
    @overload
    async def execute_workflow[W: Workflow, A1, R](
        self,
        method: Callable[[W, A1], Awaitable[R]],
        a1: A1,
        /,
        **options: Unpack[StartOptionsDict],
    ) -> R: ...
    @overload
    async def execute_workflow[W: Workflow, A1, A2, R](
        self,
        method: Callable[[W, A1, A2], Awaitable[R]],
        a1: A1,
        a2: A2,
        /,
        **options: Unpack[StartOptionsDict],
    ) -> R: ...
    @overload
    async def execute_workflow[W: Workflow, A1, A2, A3, R](
        self,
        method: Callable[[W, A1, A2, A3], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        /,
        **options: Unpack[StartOptionsDict],
    ) -> R: ...
    @overload
    async def execute_workflow[W: Workflow, A1, A2, A3, A4, R](
        self,
        method: Callable[[W, A1, A2, A3, A4], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        a4: A4,
        /,
        **options: Unpack[StartOptionsDict],
    ) -> R: ...
    @overload
    async def execute_workflow[W: Workflow, A1, A2, A3, A4, A5, R](
        self,
        method: Callable[[W, A1, A2, A3, A4, A5], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        a4: A4,
        a5: A5,
        /,
        **options: Unpack[StartOptionsDict],
    ) -> R: ...
    @overload
    async def execute_workflow[W: Workflow, A1, A2, A3, A4, A5, A6, R](
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
    ) -> R: ...
    async def execute_workflow(
        self, method: Callable[..., Awaitable[Any]], /, *args: Any, **options: Unpack[StartOptionsDict]
    ) -> Any:
        """Start a run of ``method`` with ``args`` and wait for its result, typed ``R``."""
        handle = await self.start_workflow(method, *args, **options)
        return await handle.result()

    def get_handle_for[W: Workflow, R](
        self,
        method: Callable[Concatenate[W, ...], Awaitable[R]],
        workflow_id: str,
        *,
        run_id: str | None = None,
    ) -> MethodHandle[R, W]:
        """A typed handle for an existing run of ``method`` (no server call): its result is ``R``,
        its messages are checked against ``W``."""
        return self.client.get_handle_for(method, workflow_id, run_id=run_id)

    # --- by class and method name ----------------------------------------------------------------

    async def start_method(
        self,
        workflow: type[Workflow],
        method: str,
        *args: Any,
        workflow_id: str | None = None,
        kwargs: Mapping[str, Any] | None = None,
        **options: Unpack[StartOptionsDict],
    ) -> MethodHandle[Any]:
        """Start ``workflow.method(*args, **kwargs)`` and return its handle (``workflow_id=`` is the
        ``id`` option, as the design document names it)."""
        return await self.client.start_method(workflow, method, args, kwargs, _options(workflow_id, options))

    async def execute_method(
        self,
        workflow: type[Workflow],
        method: str,
        *args: Any,
        workflow_id: str | None = None,
        kwargs: Mapping[str, Any] | None = None,
        **options: Unpack[StartOptionsDict],
    ) -> Any:
        """Start ``workflow.method(*args, **kwargs)`` and wait for its result."""
        handle = await self.start_method(
            workflow, method, *args, workflow_id=workflow_id, kwargs=kwargs, **options
        )
        return await handle.result()

    # --- existing runs, by workflow id -----------------------------------------------------------

    def get_handle(self, workflow_id: str, run_id: str | None = None) -> MethodHandle[Any]:
        """A handle for an existing workflow id (untyped: results are plain JSON values)."""
        return self.client.get_handle(workflow_id, run_id)

    async def get_typed_handle(self, workflow_id: str, run_id: str | None = None) -> MethodHandle[Any]:
        """A handle for an existing workflow id, typed at run time by its workflow class and entry
        method (one ``describe`` call); ``get_handle_for`` is the statically typed form."""
        return await self.client.get_typed_handle(workflow_id, run_id)

    @overload
    async def signal[W: Workflow, **P](
        self, workflow_id: str, signal: SignalMethod[W, P, Any], /, *args: P.args, **kwargs: P.kwargs
    ) -> None: ...
    @overload
    async def signal(self, workflow_id: str, signal: str, /, *args: Any) -> None: ...
    async def signal(self, workflow_id: str, signal: object, /, *args: Any, **kwargs: Any) -> None:
        """Send a signal (``Wf.approve`` or its name) with ``args`` to workflow ``workflow_id``."""
        await _any(await self.client.get_typed_handle(workflow_id)).signal(signal, *args, **kwargs)

    @overload
    async def query[W: Workflow, **P, A](
        self,
        workflow_id: str,
        query: QueryMethod[W, P, Coroutine[Any, Any, A]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> A: ...
    @overload
    async def query[W: Workflow, **P, A](
        self, workflow_id: str, query: QueryMethod[W, P, A], /, *args: P.args, **kwargs: P.kwargs
    ) -> A: ...
    @overload
    async def query(self, workflow_id: str, query: str, /, *args: Any) -> Any: ...
    async def query(self, workflow_id: str, query: object, /, *args: Any, **kwargs: Any) -> Any:
        """Ask a query (``Wf.status`` or its name) of workflow ``workflow_id``."""
        return await _any(await self.client.get_typed_handle(workflow_id)).query(query, *args, **kwargs)

    @overload
    async def update[W: Workflow, **P, A](
        self,
        workflow_id: str,
        update: UpdateMethod[W, P, Coroutine[Any, Any, A]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> A: ...
    @overload
    async def update[W: Workflow, **P, A](
        self, workflow_id: str, update: UpdateMethod[W, P, A], /, *args: P.args, **kwargs: P.kwargs
    ) -> A: ...
    @overload
    async def update(self, workflow_id: str, update: str, /, *args: Any) -> Any: ...
    async def update(self, workflow_id: str, update: object, /, *args: Any, **kwargs: Any) -> Any:
        """Send an update (``Wf.set_limit`` or its name) to workflow ``workflow_id``; return its answer."""
        return await _any(await self.client.get_typed_handle(workflow_id)).update(update, *args, **kwargs)

    @overload
    async def start_update[W: Workflow, **P, A](
        self,
        workflow_id: str,
        update: UpdateMethod[W, P, Coroutine[Any, Any, A]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> UpdateHandle[A]: ...
    @overload
    async def start_update[W: Workflow, **P, A](
        self, workflow_id: str, update: UpdateMethod[W, P, A], /, *args: P.args, **kwargs: P.kwargs
    ) -> UpdateHandle[A]: ...
    @overload
    async def start_update(self, workflow_id: str, update: str, /, *args: Any) -> UpdateHandle[Any]: ...
    async def start_update(
        self, workflow_id: str, update: object, /, *args: Any, **kwargs: Any
    ) -> UpdateHandle[Any]:
        """Send an update to workflow ``workflow_id``; return once the run accepted it."""
        handle = _any(await self.client.get_typed_handle(workflow_id))
        return cast(UpdateHandle[Any], await handle.start_update(update, *args, **kwargs))

    async def get_status(self, workflow_id: str) -> WorkflowStatus:
        """The status of workflow ``workflow_id``."""
        return await self.client.get_status(workflow_id)

    async def describe(self, workflow_id: str, run_id: str | None = None) -> WorkflowDescription:
        """Workflow ``workflow_id``'s description; ``last_task_failure`` says why a stuck run is stuck."""
        return await self.client.describe(workflow_id, run_id)

    async def cancel(self, workflow_id: str) -> None:
        """Request cancellation of workflow ``workflow_id``."""
        await self.client.cancel(workflow_id)

    async def terminate(self, workflow_id: str, reason: str | None = None) -> None:
        """Terminate workflow ``workflow_id`` immediately."""
        await self.client.terminate(workflow_id, reason)

    async def get_result(self, workflow_id: str, timeout_seconds: Duration | None = None) -> Any:
        """Wait for workflow ``workflow_id``'s result; ``TimeoutError`` after ``timeout_seconds``."""
        return await self.client.get_result(workflow_id, timeout_seconds)


def _options(workflow_id: str | None, options: StartOptionsDict) -> StartOptions:
    if workflow_id is not None and options.get("id") is not None:
        raise InvalidOptionError(
            f"Both workflow_id={workflow_id!r} and id={options.get('id')!r} were given: they are the same "
            "option; pass one"
        )
    if workflow_id is not None:
        return StartOptions().merge(**{**options, "id": workflow_id})
    return StartOptions().merge(**options)


def _any(handle: MethodHandle[Any]) -> Any:
    """``handle`` for forwarding a message whose reference the caller's overload already checked."""
    return handle
