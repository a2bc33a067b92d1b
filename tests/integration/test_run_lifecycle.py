"""Continue-as-new, run info, the replay-safe logger, uuid/random, patched and handlers, on the
real dev server with the sandbox on (#12)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator

import pytest

from temporal_runtime import (
    InvalidArgumentsError,
    TemporalEngine,
    WorkflowFailedError,
    WorkflowStatus,
)
from tests.integration.run_lifecycle_workflows import Counter, Inspector, Relay, Report, Tally, workflows

pytestmark = pytest.mark.integration


def _engine(address: str, queue: str) -> TemporalEngine:
    return TemporalEngine(
        url=address, task_queue=queue, workflow_registry=workflows, graceful_shutdown_timeout=1
    )


@pytest.fixture
async def engine(temporal_address: str) -> AsyncIterator[TemporalEngine]:
    async with _engine(temporal_address, f"rl-{uuid.uuid4().hex[:12]}") as started:
        yield started


async def test_continue_as_new_keeps_the_history_bounded(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(Counter.count, 0, 2000, 250)
    first_run = handle.run_id
    tally = await asyncio.wait_for(handle.result(), 60)  # the first run's handle follows the chain
    assert tally == Tally(iterations=2000, runs=8)
    latest = engine.get_handle_for(Counter.count, handle.id)
    description = await latest.describe()
    assert description.status is WorkflowStatus.COMPLETED
    assert description.run_id != first_run
    # 2 timers per run: under 20 events; one run of 2000 iterations would have over 80.
    assert description.history_length is not None
    assert description.history_length < 25


async def test_continue_as_new_to_another_entry_method(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(Relay.start, "parcel")
    assert await asyncio.wait_for(handle.result(), 30) == "parcel via start, finished by finish after 2 hops"
    description = await engine.get_handle_for(Relay.start, handle.id).describe()
    assert description.method == "finish"


async def test_continue_as_new_validates_arguments_before_the_run_ends(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(Relay.broken)
    with pytest.raises(WorkflowFailedError) as caught:
        await asyncio.wait_for(handle.result(), 30)
    assert caught.value.error_type == InvalidArgumentsError.__name__
    assert "hops" in str(caught.value)
    assert (await handle.describe()).run_id == handle.run_id  # no new run was started


async def test_info_uuid_random_patched_and_handlers(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(Inspector.run, "t1")
    assert await handle.update(Inspector.slow_update) is False  # the update itself was running
    await handle.signal(Inspector.go)
    report = await asyncio.wait_for(handle.result(), 30)
    assert report.workflow_id == handle.id
    assert report.run_id == handle.run_id
    assert (report.workflow_type, report.method) == ("rl_Inspector", "run")
    assert (report.namespace, report.task_queue, report.attempt) == ("default", engine.task_queue, 1)
    assert report.history_grew
    assert report.continue_as_new_suggested is False
    assert report.parent_workflow_id is None
    assert uuid.UUID(report.first_uuid).version == 4
    assert report.first_uuid != report.uuid_after
    assert 0 <= report.random_before < 1
    assert report.new_path is True  # a new run takes the new path
    assert report.handlers_finished is True


async def test_a_replayed_run_logs_each_line_once_with_its_fields(
    temporal_address: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The worker is replaced while the run waits: the new worker replays the history (re-running
    the code before the wait) and logs nothing twice; uuid and random are the same on replay."""
    caplog.set_level(logging.INFO, logger=Inspector.__module__)
    queue = f"rl-{uuid.uuid4().hex[:12]}"
    async with _engine(temporal_address, queue) as first:
        handle = await first.start_workflow(Inspector.run, "t2")
        for _ in range(100):
            if any("before the wait t2" in r.getMessage() for r in caplog.records):
                break
            await asyncio.sleep(0.05)
    async with _engine(temporal_address, queue) as second:
        resumed = second.get_handle_for(Inspector.run, handle.id)
        await resumed.signal(Inspector.go)
        report: Report = await asyncio.wait_for(resumed.result(), 30)
    messages = [r.getMessage() for r in caplog.records if r.name == Inspector.__module__]
    before = [m for m in messages if "before the wait t2" in m]
    assert len(before) == 1, messages
    assert [m for m in messages if "after the wait t2" in m] == ["after the wait t2"]
    assert f"uuid={report.first_uuid}" in before[0]  # the replayed run drew the same uuid
    assert f"random={report.random_before!r}" in before[0]
    record = next(r for r in caplog.records if "after the wait t2" in r.getMessage())
    assert record.__dict__["workflow_id"] == handle.id
    assert record.__dict__["run_id"] == handle.run_id
    assert record.__dict__["workflow_type"] == "rl_Inspector"
    assert record.__dict__["method"] == "run"
