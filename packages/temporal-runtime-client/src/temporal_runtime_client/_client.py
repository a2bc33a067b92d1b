"""``WorkflowClient``: start, signal, query and manage workflow runs over a temporalio Client."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Concatenate, cast

import temporalio.client

from temporal_runtime_core import (
    DefinitionError,
    Duration,
    WorkflowRegistry,
    default_workflow_registry,
    to_timedelta,
)
from temporal_runtime_workflow import Workflow, WorkflowDefinition, definition_of

from ._handle import MethodHandle, WorkflowStatus, _translated
from ._options import METHOD_MEMO_KEY, StartOptions
from ._proxy import WorkflowProxy

__all__ = ["WorkflowClient"]


class WorkflowClient:
    """Workflow operations bound to one temporalio ``Client`` and a default task queue."""

    def __init__(
        self,
        client: temporalio.client.Client,
        task_queue: str,
        workflow_registry: WorkflowRegistry | None = None,
    ) -> None:
        self._client = client
        self.task_queue = task_queue
        self._registry = workflow_registry if workflow_registry is not None else default_workflow_registry

    @property
    def temporal_client(self) -> temporalio.client.Client:
        return self._client

    # --- starting ------------------------------------------------------------------------------

    async def start_method(
        self,
        workflow: type[Workflow],
        method: str,
        args: tuple[Any, ...] = (),
        kwargs: Mapping[str, Any] | None = None,
        options: StartOptions | None = None,
    ) -> MethodHandle[Any]:
        """Validate the call locally, then start ``workflow.method`` and return its handle."""
        defn = definition_of(workflow)
        spec = defn.entry(method)
        bound = spec.bind(args, kwargs or {})
        opts = options or StartOptions()
        workflow_id = opts.id or f"{defn.name}.{method}-{uuid.uuid4().hex}"
        start = self._client.start_workflow(
            defn.name,
            {"method": method, "kwargs": bound},
            id=workflow_id,
            task_queue=opts.task_queue or self.task_queue,
            result_type=spec.return_type,
            **opts.to_temporal(method),
        )
        handle = await _translated(start, workflow_id, None)
        return MethodHandle(handle, defn, method)

    async def execute_method(
        self,
        workflow: type[Workflow],
        method: str,
        args: tuple[Any, ...] = (),
        kwargs: Mapping[str, Any] | None = None,
        options: StartOptions | None = None,
    ) -> Any:
        """Start ``workflow.method`` and wait for its result."""
        handle = await self.start_method(workflow, method, args, kwargs, options)
        return await handle.result()

    async def start[W: Workflow, **P, R](
        self,
        method: Callable[Concatenate[W, P], Awaitable[R]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> MethodHandle[R]:
        """Precisely typed start: ``await client.start(MyWorkflow.process, data)``."""
        workflow, name = _resolve_method(method)
        return cast(MethodHandle[R], await self.start_method(workflow, name, args, kwargs))

    async def execute[W: Workflow, **P, R](
        self,
        method: Callable[Concatenate[W, P], Awaitable[R]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> R:
        """Precisely typed start-and-wait: ``await client.execute(MyWorkflow.process, data)``."""
        workflow, name = _resolve_method(method)
        return cast(R, await self.execute_method(workflow, name, args, kwargs))

    def proxy[W: Workflow](self, workflow: type[W]) -> W:
        """The client proxy for ``workflow`` (what ``Workflow.client(engine)`` returns)."""
        return cast(W, WorkflowProxy(lambda: self, workflow))

    # --- existing runs -------------------------------------------------------------------------

    def get_handle(self, workflow_id: str, run_id: str | None = None) -> MethodHandle[Any]:
        """A handle for an existing workflow id (no server call is made; results stay plain JSON)."""
        return MethodHandle(self._client.get_workflow_handle(workflow_id, run_id=run_id))

    async def get_typed_handle(self, workflow_id: str, run_id: str | None = None) -> MethodHandle[Any]:
        """A handle for an existing workflow id that knows its workflow class and entry method.

        One ``describe`` call finds the workflow type (and the entry method recorded at start),
        so results, signals and queries are validated and typed as for a handle from a start call.
        Falls back to an untyped handle for workflows this process does not define.
        """
        description = await self.get_handle(workflow_id, run_id).describe()
        found = self._registry.get(description.workflow_type)
        if not isinstance(found, WorkflowDefinition):
            return self.get_handle(workflow_id, run_id)
        memo = await description.memo()
        method = memo.get(METHOD_MEMO_KEY)
        spec = found.entry_methods.get(method) if isinstance(method, str) else None
        handle = self._client.get_workflow_handle(
            workflow_id, run_id=run_id, result_type=spec.return_type if spec is not None else None
        )
        return MethodHandle(handle, found, spec.name if spec is not None else None)

    async def signal(self, workflow_id: str, name: str, *args: Any) -> None:
        await (await self.get_typed_handle(workflow_id)).signal(name, *args)

    async def query(self, workflow_id: str, name: str, *args: Any) -> Any:
        return await (await self.get_typed_handle(workflow_id)).query(name, *args)

    async def update(self, workflow_id: str, name: str, *args: Any) -> Any:
        return await (await self.get_typed_handle(workflow_id)).update(name, *args)

    async def get_status(self, workflow_id: str) -> WorkflowStatus:
        return await self.get_handle(workflow_id).status()

    async def cancel(self, workflow_id: str) -> None:
        await self.get_handle(workflow_id).cancel()

    async def terminate(self, workflow_id: str, reason: str | None = None) -> None:
        await self.get_handle(workflow_id).terminate(reason)

    async def get_result(self, workflow_id: str, timeout_seconds: Duration | None = None) -> Any:
        if timeout_seconds is not None:
            to_timedelta(timeout_seconds, "timeout_seconds")
        return await (await self.get_typed_handle(workflow_id)).result(timeout=timeout_seconds)


def _resolve_method(method: Callable[..., Any]) -> tuple[type[Workflow], str]:
    """The workflow class and entry-method name of an unbound method like ``MyWorkflow.process``."""
    qualname = getattr(method, "__qualname__", "")
    owner_path, _, name = qualname.rpartition(".")
    target: Any = sys.modules.get(getattr(method, "__module__", ""), None)
    for part in owner_path.split(".") if owner_path else []:
        target = getattr(target, part, None)
    if not (isinstance(target, type) and issubclass(target, Workflow)):
        raise DefinitionError(
            f"{qualname or method!r} is not a method of a module-level Workflow class; pass "
            "MyWorkflow.method (the unbound method)"
        )
    defn: WorkflowDefinition = definition_of(target)
    defn.entry(name)
    return target, name
