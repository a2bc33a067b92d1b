"""``RunUpdateHandle``: the :class:`UpdateHandle` of an update sent to a run on a Temporal server."""

from __future__ import annotations

import asyncio
from typing import Any

import temporalio.client

from temporal_runtime_core import Duration, to_timedelta
from temporal_runtime_workflow import UpdateHandle

from ._errors import raise_translated

__all__ = ["RunUpdateHandle"]


class RunUpdateHandle[R](UpdateHandle[R]):
    """An accepted update, over temporalio's ``WorkflowUpdateHandle``."""

    __slots__ = ("_handle", "_name")

    def __init__(self, handle: temporalio.client.WorkflowUpdateHandle[Any], name: str) -> None:
        self._handle = handle
        self._name = name

    @property
    def id(self) -> str:
        return self._handle.id

    @property
    def workflow_id(self) -> str:
        return self._handle.workflow_id

    @property
    def name(self) -> str:
        return self._name

    @property
    def temporal_handle(self) -> temporalio.client.WorkflowUpdateHandle[Any]:
        """The underlying temporalio update handle."""
        return self._handle

    async def result(self, timeout: Duration | None = None) -> R:
        limit = None if timeout is None else to_timedelta(timeout, "update result timeout")
        deadline = asyncio.timeout(None if limit is None else limit.total_seconds())
        try:
            async with deadline:
                answer: R = await self._handle.result()
                return answer
        except Exception as exc:
            # temporalio turns the deadline's cancellation into WorkflowUpdateRPCTimeoutOrCancelledError
            if not deadline.expired():
                raise_translated(exc, workflow_id=self.workflow_id)
        raise TimeoutError(
            f"Update {self._name!r} ({self.id}) of workflow {self.workflow_id!r} did not finish "
            f"within {limit}; it is still running"
        )

    def __repr__(self) -> str:
        return f"<UpdateHandle {self._name!r} id={self.id!r} workflow_id={self.workflow_id!r}>"
