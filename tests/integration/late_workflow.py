"""A workflow module that a test imports only after its engine started (so its worker lacks it)."""

from __future__ import annotations

from temporal_runtime import Registry, Workflow, WorkflowRegistry

LATE_REGISTRY: WorkflowRegistry = Registry("workflow")


class LateWorkflow(Workflow, registry=LATE_REGISTRY):
    async def run(self, n: int) -> int:
        return n
