"""The operations ``TemporalEngine`` offers on workflow runs: start, execute, and by workflow id.

Each delegates to the engine's :class:`~temporal_runtime_client.WorkflowClient`; they live apart from
the engine's lifecycle so that each file holds one concept.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Concatenate

from temporal_runtime_client import (
    AnyIdConflictPolicy,
    AnyIdReusePolicy,
    MethodHandle,
    StartOptions,
    WorkflowClient,
    WorkflowDescription,
    WorkflowStatus,
)
from temporal_runtime_core import Duration
from temporal_runtime_workflow import AnyRetryPolicy, Workflow

__all__ = ["RunOperations"]


class RunOperations(ABC):
    """Start, execute, signal, query, update, describe, cancel and terminate runs, and wait for their
    results, through :attr:`client` (implemented by ``TemporalEngine``)."""

    __slots__ = ()

    @property
    @abstractmethod
    def client(self) -> WorkflowClient:
        """The workflow client the operations go through."""

    async def start_method(
        self,
        workflow: type[Workflow],
        method: str,
        *args: Any,
        workflow_id: str | None = None,
        id_conflict_policy: AnyIdConflictPolicy | None = None,
        id_reuse_policy: AnyIdReusePolicy | None = None,
        execution_timeout: Duration | None = None,
        run_timeout: Duration | None = None,
        task_timeout: Duration | None = None,
        retry_policy: AnyRetryPolicy | None = None,
        memo: Mapping[str, Any] | None = None,
        start_delay: Duration | None = None,
        task_queue: str | None = None,
        kwargs: Mapping[str, Any] | None = None,
    ) -> MethodHandle[Any]:
        """Start ``workflow.method(*args, **kwargs)`` and return its handle."""
        options = StartOptions(
            id=workflow_id,
            id_conflict_policy=id_conflict_policy,
            id_reuse_policy=id_reuse_policy,
            execution_timeout=execution_timeout,
            run_timeout=run_timeout,
            task_timeout=task_timeout,
            retry_policy=retry_policy,
            memo=memo,
            start_delay=start_delay,
            task_queue=task_queue,
        )
        return await self.client.start_method(workflow, method, args, kwargs, options)

    async def execute_method(
        self,
        workflow: type[Workflow],
        method: str,
        *args: Any,
        workflow_id: str | None = None,
        id_conflict_policy: AnyIdConflictPolicy | None = None,
        id_reuse_policy: AnyIdReusePolicy | None = None,
        execution_timeout: Duration | None = None,
        run_timeout: Duration | None = None,
        task_timeout: Duration | None = None,
        retry_policy: AnyRetryPolicy | None = None,
        memo: Mapping[str, Any] | None = None,
        start_delay: Duration | None = None,
        task_queue: str | None = None,
        kwargs: Mapping[str, Any] | None = None,
    ) -> Any:
        """Start ``workflow.method(*args, **kwargs)`` and wait for its result."""
        handle = await self.start_method(
            workflow,
            method,
            *args,
            workflow_id=workflow_id,
            id_conflict_policy=id_conflict_policy,
            id_reuse_policy=id_reuse_policy,
            execution_timeout=execution_timeout,
            run_timeout=run_timeout,
            task_timeout=task_timeout,
            retry_policy=retry_policy,
            memo=memo,
            start_delay=start_delay,
            task_queue=task_queue,
            kwargs=kwargs,
        )
        return await handle.result()

    async def execute[W: Workflow, **P, R](
        self, method: Callable[Concatenate[W, P], Awaitable[R]], /, *args: P.args, **kwargs: P.kwargs
    ) -> R:
        """Typed start-and-wait: ``result = await engine.execute(MyWorkflow.process, data)``."""
        return await self.client.execute(method, *args, **kwargs)

    def get_handle(self, workflow_id: str, run_id: str | None = None) -> MethodHandle[Any]:
        """A handle for an existing workflow id (untyped: results are plain JSON values)."""
        return self.client.get_handle(workflow_id, run_id)

    async def get_typed_handle(self, workflow_id: str, run_id: str | None = None) -> MethodHandle[Any]:
        """A handle for an existing workflow id, typed by its workflow class and entry method."""
        return await self.client.get_typed_handle(workflow_id, run_id)

    async def signal(self, workflow_id: str, name: str, *args: Any) -> None:
        """Send signal ``name`` with ``args`` to workflow ``workflow_id``."""
        await self.client.signal(workflow_id, name, *args)

    async def query(self, workflow_id: str, name: str, *args: Any) -> Any:
        """Ask query ``name`` of workflow ``workflow_id``."""
        return await self.client.query(workflow_id, name, *args)

    async def update(self, workflow_id: str, name: str, *args: Any) -> Any:
        """Send update ``name`` with ``args`` to workflow ``workflow_id`` and return its answer."""
        return await self.client.update(workflow_id, name, *args)

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
