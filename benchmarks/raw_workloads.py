"""Variant (a), raw temporalio as documented: the workloads of figures 8 and 9 (payload sizes, open
workflows), in a module of their own so that figure 6's sandbox re-imports the same module as before.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():
    from benchmarks.models import Blob

__all__ = ["RawBlobWorkflow", "RawWaiter", "echo_blob", "mark_waiting"]


@activity.defn
async def echo_blob(payload: Blob) -> Blob:
    return payload


@workflow.defn
class RawBlobWorkflow:
    """Figure 8's payload sizes: the blob goes in, through one activity and back out."""

    @workflow.run
    async def run(self, payload: Blob) -> Blob:
        return await workflow.execute_activity(
            echo_blob, payload, start_to_close_timeout=timedelta(seconds=30)
        )


WAITING: list[str] = []
"""Ids of the waiters whose first workflow task ran (``mark_waiting`` runs in the worker's process)."""


@activity.defn
async def mark_waiting(workflow_id: str) -> None:
    WAITING.append(workflow_id)


@workflow.defn
class RawWaiter:
    """Figure 9's open workflow: reports once that it runs, then waits for ``release``."""

    def __init__(self) -> None:
        self.released = False

    @workflow.run
    async def run(self, workflow_id: str) -> str:
        await workflow.execute_activity(
            mark_waiting, workflow_id, start_to_close_timeout=timedelta(seconds=30)
        )
        await workflow.wait_condition(lambda: self.released)
        return workflow_id

    @workflow.signal
    def release(self) -> None:
        self.released = True
