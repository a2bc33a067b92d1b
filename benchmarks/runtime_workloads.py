"""Variant (b), temporal-runtime: the workloads of figures 8 and 9 (payload sizes, open workflows),
in a module of their own so that figure 6's sandbox re-imports the same module as before.
"""

from __future__ import annotations

from benchmarks.models import Blob
from temporal_runtime import Workflow, activity_def, wf_signal

__all__ = ["BlobWorkflow", "Waiter", "echo_blob", "mark_waiting"]


@activity_def("echo_blob", Args=Blob, Result=Blob)
async def echo_blob(payload: Blob) -> Blob:
    return payload


class BlobWorkflow(Workflow):
    """Figure 8's payload sizes: the blob goes in, through one activity and back out."""

    async def echo(self, payload: Blob) -> Blob:
        return await self.exec(echo_blob, payload, timeout=30)


WAITING: list[str] = []
"""Ids of the waiters whose first workflow task ran (``mark_waiting`` runs in the worker's process)."""


@activity_def("mark_waiting", Args=str, Result=None)
async def mark_waiting(workflow_id: str) -> None:
    WAITING.append(workflow_id)


class Waiter(Workflow):
    """Figure 9's open workflow: reports once that it runs, then waits for ``release``."""

    def __init__(self) -> None:
        self.released = False

    async def wait(self, workflow_id: str) -> str:
        await self.exec(mark_waiting, workflow_id, timeout=30)
        await self.wait_until(lambda: self.released)
        return workflow_id

    @wf_signal()
    def release(self) -> None:
        self.released = True
