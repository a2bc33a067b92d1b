"""Child workflows on a Temporal worker: ``temporalio.workflow.start_child_workflow`` behind a
:class:`ChildRun`."""

from __future__ import annotations

import asyncio
from typing import Any, Final

import temporalio.exceptions
import temporalio.workflow

from temporal_runtime_core import WorkflowAlreadyStartedError

from ._child_failures import child_failed
from ._child_handle import ChildCall
from ._temporal_search_attributes import child_start_visibility

__all__ = ["CHILD_METHOD_MEMO_KEY", "TemporalChildRun", "start_temporal_child"]

CHILD_METHOD_MEMO_KEY: Final = "temporal_runtime.method"
"""The memo key recording the entry method (the client layer's ``METHOD_MEMO_KEY``; a test checks
they agree), so ``describe()`` of a child names its method as for a client start."""


class TemporalChildRun:
    """A temporalio child handle (an asyncio task resolving to the child's result)."""

    __slots__ = ("_call", "_handle")

    def __init__(self, call: ChildCall, handle: temporalio.workflow.ChildWorkflowHandle[Any, Any]) -> None:
        self._call = call
        self._handle = handle

    @property
    def id(self) -> str:
        return self._handle.id

    @property
    def run_id(self) -> str | None:
        return self._handle.first_execution_run_id

    async def result(self) -> Any:
        try:
            return await self._handle
        except temporalio.exceptions.ChildWorkflowError as exc:
            task = asyncio.current_task()
            if (
                isinstance(exc.cause, temporalio.exceptions.CancelledError)
                and task is not None
                and task.cancelling()
            ):
                # This workflow is being cancelled (so its child was too): it sees CancelledError at
                # its current await, as with an activity or a timer, and may clean up.
                raise asyncio.CancelledError(f"Child workflow {self.id!r} was cancelled") from exc
            raise child_failed(exc) from exc

    async def signal(self, name: str, args: list[Any]) -> None:
        await self._handle.signal(name, args=args)

    def cancel(self) -> None:
        self._handle.cancel()


async def start_temporal_child(call: ChildCall) -> TemporalChildRun:
    """Start the child of ``call`` and return once the server has it."""
    kwargs = call.options.to_temporal()
    kwargs["memo"] = {**kwargs.get("memo", {}), CHILD_METHOD_MEMO_KEY: call.method}
    kwargs.update(child_start_visibility(call))  # search attributes and summary (#13)
    try:
        handle = await temporalio.workflow.start_child_workflow(
            call.workflow_type, call.envelope, id=call.id, result_type=call.result_type, **kwargs
        )
    except temporalio.exceptions.WorkflowAlreadyStartedError as exc:
        raise WorkflowAlreadyStartedError(
            f"Child workflow {call.id!r} ({call.workflow_type}) is already running; pass another id= "
            "(the default id counts the children this run started)",
            workflow_id=call.id,
        ) from exc
    return TemporalChildRun(call, handle)
