"""Cancelling a run ends it CANCELED wherever it waits: an activity, a timer, ``wait_until``, an update
handler; a workflow may catch the cancellation, clean up with an activity and re-raise; and the
cancellation reaches a heartbeating activity (it sees ``CancelledError``, ``is_cancelled()`` is True)
within its heartbeat timeout."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import defaultdict

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    TemporalEngine,
    UpdateFailedError,
    Workflow,
    WorkflowCancelledError,
    WorkflowStatus,
    activity_def,
    heartbeat,
    is_cancelled,
    wf_query,
    wf_update,
)

pytestmark = pytest.mark.integration


class Job(BaseModel):
    job_id: str


STARTED: defaultdict[str, asyncio.Event] = defaultdict(asyncio.Event)
CLEANED: list[str] = []


@activity_def("cx_heartbeat_forever", Args=Job)
async def heartbeat_forever(job: Job) -> None:
    STARTED[job.job_id].set()
    while True:  # until cancelled: a heartbeat is how the worker learns of the cancellation
        heartbeat()
        await asyncio.sleep(0.2)


SAW_CANCEL: dict[str, tuple[float, bool]] = {}  # job id -> (monotonic time, is_cancelled())


@activity_def("cx_heartbeat_until_cancelled", Args=Job)
async def heartbeat_until_cancelled(job: Job) -> str:
    STARTED[job.job_id].set()
    try:
        while True:
            heartbeat()
            await asyncio.sleep(0.1)
    except asyncio.CancelledError:
        SAW_CANCEL[job.job_id] = (time.monotonic(), is_cancelled())
        raise


@activity_def("cx_clean_up", Args=Job)
async def clean_up(job: Job) -> None:
    CLEANED.append(job.job_id)


class LongJobWorkflow(Workflow):
    def __init__(self) -> None:
        self.updating = False

    async def on_activity(self, job: Job) -> None:
        await self.exec(heartbeat_forever, job, timeout=60, heartbeat_timeout=2)

    async def on_timer(self, job: Job) -> None:
        await self.sleep(3600)

    async def cleaning_up(self, job: Job) -> None:
        try:
            await self.exec(heartbeat_forever, job, timeout=60, heartbeat_timeout=2)
        except asyncio.CancelledError:
            await self.exec(clean_up, job, timeout=10)
            raise

    async def cleaning_up_after_timer(self, job: Job) -> None:
        try:
            await self.sleep(3600)
        except asyncio.CancelledError:
            await self.exec(clean_up, job, timeout=10)
            raise

    async def on_condition(self, job: Job) -> None:
        try:
            await self.wait_until(lambda: False)
        except asyncio.CancelledError:
            await self.exec(clean_up, job, timeout=10)
            raise

    async def heartbeating(self, job: Job) -> str:
        return await self.exec(heartbeat_until_cancelled, job, timeout=60, heartbeat_timeout=2)

    async def serving_updates(self, job: Job) -> None:
        await self.wait_until(lambda: False)

    @wf_update("work")
    async def work(self, job: Job) -> str:
        self.updating = True
        await self.exec(heartbeat_forever, job, timeout=60, heartbeat_timeout=2)
        return "done"

    @wf_query("updating")
    def is_updating(self) -> bool:
        return self.updating


def _job() -> Job:
    return Job(job_id=f"job-{uuid.uuid4().hex[:8]}")


async def _until_started(job: Job) -> None:
    await asyncio.wait_for(STARTED[job.job_id].wait(), 20)


async def test_cancel_while_awaiting_an_activity_ends_the_run_canceled(engine: TemporalEngine) -> None:
    job = _job()
    handle = await engine.start_workflow(LongJobWorkflow.on_activity, job)
    await _until_started(job)
    await asyncio.sleep(1.5)
    await handle.cancel()
    with pytest.raises(WorkflowCancelledError):
        await handle.result(timeout=20)
    assert await handle.status() is WorkflowStatus.CANCELED


async def test_cancel_while_awaiting_a_timer_ends_the_run_canceled(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(LongJobWorkflow.on_timer, _job())
    await asyncio.sleep(1.5)
    await handle.cancel()
    with pytest.raises(WorkflowCancelledError):
        await handle.result(timeout=20)
    assert await handle.status() is WorkflowStatus.CANCELED


@pytest.mark.parametrize("method", [LongJobWorkflow.cleaning_up, LongJobWorkflow.cleaning_up_after_timer])
async def test_a_workflow_may_catch_the_cancellation_clean_up_and_re_raise(
    engine: TemporalEngine, method: object
) -> None:
    job = _job()
    handle = await engine.start_workflow(method, job)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType, reportUnknownVariableType]  # a parametrized method
    if method is LongJobWorkflow.cleaning_up:
        await _until_started(job)
    await asyncio.sleep(1.5)
    await handle.cancel()
    with pytest.raises(WorkflowCancelledError):
        await handle.result(timeout=20)
    assert await handle.status() is WorkflowStatus.CANCELED
    assert CLEANED.count(job.job_id) == 1  # the clean-up activity ran, once


@pytest.mark.filterwarnings("ignore::temporalio.workflow.UnfinishedUpdateHandlersWarning")
async def test_cancel_while_an_update_handler_runs_ends_the_run_canceled(engine: TemporalEngine) -> None:
    job = _job()
    handle = await engine.start_workflow(LongJobWorkflow.serving_updates, job)
    update = asyncio.create_task(handle.update("work", job))
    await _until_started(job)
    assert await handle.query("updating") is True
    await handle.cancel()
    with pytest.raises(WorkflowCancelledError):
        await handle.result(timeout=20)
    assert await handle.status() is WorkflowStatus.CANCELED
    # the update's caller learns that the run ended before the update finished
    with pytest.raises(UpdateFailedError, match="completed before the Update completed"):
        await asyncio.wait_for(update, 20)


async def test_cancel_while_waiting_on_a_condition_allows_clean_up(engine: TemporalEngine) -> None:
    job = _job()
    handle = await engine.start_workflow(LongJobWorkflow.on_condition, job)
    await asyncio.sleep(1.0)
    await handle.cancel()
    with pytest.raises(WorkflowCancelledError):
        await handle.result(timeout=20)
    assert await handle.status() is WorkflowStatus.CANCELED
    assert CLEANED.count(job.job_id) == 1


async def test_cancellation_reaches_a_heartbeating_activity_within_its_heartbeat_timeout(
    engine: TemporalEngine,
) -> None:
    job = _job()
    handle = await engine.start_workflow(LongJobWorkflow.heartbeating, job)
    await _until_started(job)
    await asyncio.sleep(0.5)
    cancelled_at = time.monotonic()
    await handle.cancel()
    with pytest.raises(WorkflowCancelledError):
        await handle.result(timeout=20)
    for _ in range(100):  # the worker delivers it on the activity's next heartbeat
        if job.job_id in SAW_CANCEL:
            break
        await asyncio.sleep(0.05)
    seen_at, flagged = SAW_CANCEL[job.job_id]
    assert flagged  # is_cancelled() is True where the activity sees CancelledError
    assert seen_at - cancelled_at < 2.0  # within the heartbeat timeout
