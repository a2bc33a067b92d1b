"""``engine.stop()`` lets running activities finish within ``graceful_shutdown_timeout``."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    ActivityRegistry,
    Registry,
    RetryPolicy,
    TemporalEngine,
    Workflow,
    WorkflowRegistry,
    activity_def,
)
from temporal_runtime_engine import activity_info

pytestmark = pytest.mark.integration

ATTEMPTS: list[int] = []
FINISHED: list[int] = []

_WORKFLOWS: WorkflowRegistry = Registry("workflow")
_ACTIVITIES: ActivityRegistry = Registry("activity")


class Job(BaseModel):
    seconds: float


@activity_def("gs_slow_job", Args=Job, registry=_ACTIVITIES)
async def slow_job(job: Job) -> str:
    attempt = activity_info().attempt
    ATTEMPTS.append(attempt)
    await asyncio.sleep(job.seconds)
    FINISHED.append(attempt)
    return f"done on attempt {attempt}"


class SlowJobWorkflow(Workflow, registry=_WORKFLOWS):
    async def run(self, job: Job) -> str:
        return await self.exec(slow_job, job, timeout=60, retry_policy=RetryPolicy(maximum_attempts=3))


def _engine(address: str, queue: str, **options: object) -> TemporalEngine:
    return TemporalEngine(
        url=address,
        task_queue=queue,
        workflow_registry=_WORKFLOWS,
        activity_registry=_ACTIVITIES,
        **options,  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    )


async def _wait_for(condition: list[int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition:
        assert time.monotonic() < deadline, "the activity never started"
        await asyncio.sleep(0.05)


async def test_stop_lets_a_running_activity_finish_so_it_is_not_retried(temporal_address: str) -> None:
    ATTEMPTS.clear()
    FINISHED.clear()
    queue = f"graceful-{uuid.uuid4().hex[:8]}"
    first = _engine(temporal_address, queue)
    await first.start()
    handle = await SlowJobWorkflow.client(first).async_.run(Job(seconds=2))
    await _wait_for(ATTEMPTS, 20)
    started = time.monotonic()
    await first.stop()  # default graceful_shutdown_timeout: 10 s, far more than the job needs
    assert FINISHED == [1]  # the attempt ran to its end during stop()
    assert 1 < time.monotonic() - started < 10
    async with _engine(temporal_address, queue) as second:
        result = await second.get_handle(handle.id).result(timeout=30)
    assert result == "done on attempt 1"
    assert ATTEMPTS == [1]  # no second attempt: the first one's result reached the server


async def test_a_zero_timeout_cancels_running_activities_at_once(temporal_address: str) -> None:
    ATTEMPTS.clear()
    FINISHED.clear()
    queue = f"graceful-zero-{uuid.uuid4().hex[:8]}"
    first = _engine(temporal_address, queue, graceful_shutdown_timeout=0)
    await first.start()
    handle = await SlowJobWorkflow.client(first).async_.run(Job(seconds=3))
    await _wait_for(ATTEMPTS, 20)
    await first.stop()
    assert FINISHED == []  # cancelled, not finished
    async with _engine(temporal_address, queue) as second:
        assert await second.get_handle(handle.id).result(timeout=30) == "done on attempt 2"
    assert ATTEMPTS == [1, 2]
