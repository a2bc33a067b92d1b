"""``MethodHandle``: a started workflow run, typed by its entry method's result."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from enum import Enum
from typing import Any, cast

import temporalio.client

from temporal_runtime_core import Duration, to_timedelta
from temporal_runtime_workflow import MessageKind, MethodSpec, WorkflowDefinition

from ._errors import raise_translated

__all__ = ["MethodHandle", "WorkflowStatus"]


class WorkflowStatus(Enum):
    """The status of a workflow execution."""

    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"
    TERMINATED = "TERMINATED"
    CONTINUED_AS_NEW = "CONTINUED_AS_NEW"
    TIMED_OUT = "TIMED_OUT"
    UNKNOWN = "UNKNOWN"

    @classmethod
    def from_temporal(cls, status: temporalio.client.WorkflowExecutionStatus | None) -> WorkflowStatus:
        return cls.UNKNOWN if status is None else cls.__members__.get(status.name, cls.UNKNOWN)


async def _translated[T](call: Awaitable[T], workflow_id: str, run_id: str | None) -> T:
    try:
        return await call
    except Exception as exc:
        raise_translated(exc, workflow_id=workflow_id, run_id=run_id)


class MethodHandle[R]:
    """A workflow run started through temporal-runtime.

    ``await handle.result()`` returns the entry method's result, typed ``R``.
    """

    def __init__(
        self,
        handle: temporalio.client.WorkflowHandle[Any, Any],
        definition: WorkflowDefinition | None = None,
        method: str | None = None,
    ) -> None:
        self._handle = handle
        self._definition = definition
        self._method = method

    @property
    def id(self) -> str:
        """The workflow id."""
        return self._handle.id

    @property
    def run_id(self) -> str | None:
        """The run id of the run this handle was created for (None for a handle by id only)."""
        return self._handle.result_run_id or self._handle.run_id

    @property
    def method(self) -> str | None:
        """The entry method this run executes, when known."""
        return self._method

    @property
    def temporal_handle(self) -> temporalio.client.WorkflowHandle[Any, Any]:
        """The underlying temporalio handle, for what this API does not cover."""
        return self._handle

    async def result(self, timeout: Duration | None = None) -> R:
        """Wait for the run to finish and return its result.

        Raises :class:`TimeoutError` if ``timeout`` (seconds or timedelta) passes first (the workflow
        keeps running), or a :class:`WorkflowError` subclass if the run failed, was cancelled,
        terminated or timed out.
        """
        if timeout is None:  # the common case, without the extra coroutine layer of _translated
            try:
                return cast(R, await self._handle.result())
            except Exception as exc:
                raise_translated(exc, workflow_id=self.id, run_id=self.run_id)
        limit = to_timedelta(timeout, "result timeout")  # before creating a coroutine it would leak
        call = _translated(self._handle.result(), self.id, self.run_id)
        deadline = asyncio.timeout(limit.total_seconds())
        try:
            async with deadline:
                return cast(R, await call)
        except TimeoutError:
            if not deadline.expired():
                raise  # the workflow itself timed out (WorkflowTimedOutError)
            raise TimeoutError(
                f"Workflow {self.id!r} did not finish within {limit}; it is still running"
            ) from None

    async def signal(self, name: str, *args: Any) -> None:
        """Send signal ``name`` with ``args`` (validated against the handler when the type is known)."""
        values = _bind(self._handler("signal", name), args)
        await _translated(self._handle.signal(name, args=values), self.id, self.run_id)

    async def query(self, name: str, *args: Any) -> Any:
        """Ask query ``name`` and return its answer (typed by the handler when the type is known)."""
        spec = self._handler("query", name)
        values = _bind(spec, args)
        result_type = spec.return_type if spec is not None else None
        return await _translated(
            self._handle.query(name, args=values, result_type=result_type), self.id, self.run_id
        )

    async def update(self, name: str, *args: Any) -> Any:
        """Send update ``name`` with ``args`` and wait for the handler's answer.

        Raises :class:`UpdateFailedError` when the handler raises or the arguments are rejected.
        """
        spec = self._handler("update", name)
        values = _bind(spec, args)
        result_type = spec.return_type if spec is not None else None
        return await _translated(
            self._handle.execute_update(name, args=values, result_type=result_type), self.id, self.run_id
        )

    async def cancel(self) -> None:
        """Ask the workflow to cancel (it may clean up before it ends)."""
        await _translated(self._handle.cancel(), self.id, self.run_id)

    async def terminate(self, reason: str | None = None) -> None:
        """End the workflow at once, recording ``reason``; no workflow code runs."""
        await _translated(self._handle.terminate(reason=reason), self.id, self.run_id)

    async def describe(self) -> temporalio.client.WorkflowExecutionDescription:
        """The server's description of this execution (status, times, type, ...)."""
        return await _translated(self._handle.describe(), self.id, self.run_id)

    async def status(self) -> WorkflowStatus:
        """The execution's current status."""
        return WorkflowStatus.from_temporal((await self.describe()).status)

    def _handler(self, kind: MessageKind, name: str) -> MethodSpec | None:
        """The handler's spec when the workflow class is known (None for a handle by id only)."""
        return None if self._definition is None else self._definition.handler(kind, name)

    def __repr__(self) -> str:
        return f"<MethodHandle id={self.id!r} run_id={self.run_id!r} method={self._method!r}>"


def _bind(spec: MethodSpec | None, args: tuple[Any, ...]) -> list[Any]:
    """Validate signal/query/update arguments against ``spec`` (as given when it is unknown)."""
    return list(args) if spec is None else list(spec.bind_positional(args).values())
