"""Waiting for a run's workflow-task failure, shared by the tests of runs that cannot progress."""

from __future__ import annotations

import asyncio

from temporal_runtime import TemporalEngine, WorkflowTaskFailure


async def until_the_task_failed(engine: TemporalEngine, workflow_id: str) -> WorkflowTaskFailure:
    """The run's workflow-task failure, once the server has retried the task (so a test does not
    depend on how fast a loaded machine gets there)."""
    async with asyncio.timeout(30):
        while True:
            failure = (await engine.describe(workflow_id)).last_task_failure
            if failure is not None:
                return failure
            await asyncio.sleep(0.2)
