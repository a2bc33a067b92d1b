"""A workflow module that imports a third-party module the workflow sandbox restricts (httpx), for
test_sandbox_advice.py. Its workflow is kept in a registry of its own, so that only the tests that
ask for it build a worker for it."""

import httpx

from temporal_runtime import Registry, Workflow, WorkflowRegistry

REGISTRY: WorkflowRegistry = Registry("workflow")


class HttpxImportingWorkflow(Workflow, registry=REGISTRY):
    async def run(self) -> str:
        return httpx.__name__
