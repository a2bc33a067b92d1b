"""Workers serving a chosen subset, several task queues on one engine, worker tuning, and the
time-skipping test server's clock, on real Temporal servers (the session's dev server, and a
time-skipping test server of its own)."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import cast

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    ActivityRegistry,
    EngineError,
    InvalidOptionError,
    Registry,
    TemporalEngine,
    Workflow,
    WorkflowRegistry,
    WorkflowStatus,
    activity_def,
)
from temporal_runtime_engine import activity_info

pytestmark = pytest.mark.integration

_WORKFLOWS: WorkflowRegistry = Registry("workflow")
_ACTIVITIES: ActivityRegistry = Registry("activity")

SPANS: list[tuple[float, float]] = []


class Text(BaseModel):
    text: str


@activity_def("subsets.shout", Args=Text, registry=_ACTIVITIES)
async def shout(args: Text) -> str:
    return f"{args.text.upper()}! (on {activity_info().task_queue})"


@activity_def("subsets.host_only", Args=float, registry=_ACTIVITIES)
def host_only(seconds: float) -> str:  # a thread activity: runs in the host worker's thread pool
    started = time.monotonic()
    time.sleep(seconds)
    SPANS.append((started, time.monotonic()))
    return activity_info().task_queue


class PipelineWorkflow(Workflow, registry=_WORKFLOWS):
    async def run(self, text: str, activity_queue: str | None) -> str:
        return await self.exec(shout, Text(text=text), timeout=20, task_queue=activity_queue)

    async def on_host(self, host_queue: str) -> list[str]:
        # Two at once on a worker with one activity slot: they run one after the other.
        return list(
            await asyncio.gather(
                self.exec(host_only, 0.3, timeout=20, task_queue=host_queue),
                self.exec(host_only, 0.3, timeout=20, task_queue=host_queue),
            )
        )


class ReportWorkflow(Workflow, registry=_WORKFLOWS):
    async def run(self, n: int) -> int:
        return n * 2


class SleeperWorkflow(Workflow, registry=_WORKFLOWS):
    async def run(self, days: int) -> str:
        started = self.now()
        await self.sleep(timedelta(days=days))
        return f"slept {(self.now() - started).days} days"


def _queue(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _engine(address: str, queue: str, **options: object) -> TemporalEngine:
    return TemporalEngine(
        address,
        task_queue=queue,
        workflow_registry=_WORKFLOWS,
        activity_registry=_ACTIVITIES,
        **options,  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    )


def _worker_tasks(queue: str) -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if t.get_name() == f"temporal-runtime worker {queue}"]


async def test_workflows_and_activities_served_by_two_engines(temporal_address: str) -> None:
    # Two processes' worth: one engine runs only the workflows, the other only the activities, on
    # its own queue and (add_worker) on the workflows' queue too.
    workflow_queue, activity_queue = _queue("subset-wf"), _queue("subset-act")
    activities = _engine(temporal_address, activity_queue, workflows=[], activities=[shout])
    activities.add_worker(workflow_queue, activities=[shout])
    # Started second, so that a record of "no activities on the workflow queue" would win.
    workflows = _engine(temporal_address, workflow_queue, workflows=[PipelineWorkflow], activities=[])
    async with activities, workflows:
        # Started through the activity engine: it serves no workflows anywhere, so it refuses none.
        routed = await activities.execute_workflow(
            PipelineWorkflow.run, "hi", activity_queue, task_queue=workflow_queue
        )
        same_queue = await activities.execute_workflow(
            PipelineWorkflow.run, "yo", None, task_queue=workflow_queue
        )
        # The workflow engine serves PipelineWorkflow only: ReportWorkflow on its queue would wait forever.
        with pytest.raises(EngineError, match="is not served by this engine's worker on task queue") as err:
            await workflows.start_workflow(ReportWorkflow.run, 1)
        assert "add ReportWorkflow to that worker's workflows=[...]" in str(err.value)
        assert [len(w.served.workflows) for w in workflows._workers] == [1]  # pyright: ignore[reportPrivateUsage]
    assert routed == f"HI! (on {activity_queue})"
    assert same_queue == f"YO! (on {workflow_queue})"


async def test_add_worker_routes_activities_to_a_host_queue_with_its_own_tuning(
    temporal_address: str, caplog: pytest.LogCaptureFixture
) -> None:
    SPANS.clear()
    queue, host, reports = _queue("main"), _queue("gpu-host"), _queue("reports")
    engine = _engine(
        temporal_address,
        queue,
        workflows=[PipelineWorkflow],
        activities=[shout],
        max_concurrent_workflow_tasks=7,
        max_cached_workflows=30,
        max_concurrent_activities=3,
        graceful_shutdown_timeout=2,
    )
    engine.add_worker(host, activities=[host_only], max_concurrent_activities=1, activity_threads=2)
    engine.add_worker(
        reports, workflows=[ReportWorkflow], max_cached_workflows=0, max_concurrent_workflow_tasks=1
    )
    assert engine.task_queues == (queue, host, reports)
    with caplog.at_level(logging.INFO, logger="temporal_runtime"):
        await engine.start()
    try:
        line = next(r.getMessage() for r in caplog.records if "ready:" in r.getMessage())
        assert line == (
            f"temporal-runtime: ready: server {temporal_address}, namespace 'default', "
            f"task queue {queue!r}, worker serving 1 workflow and 1 activity, "
            f"task queue {host!r}, worker serving 0 workflows and 1 activity, "
            f"task queue {reports!r}, worker serving 1 workflow and 0 activities"
        )
        assert await engine.execute_workflow(PipelineWorkflow.on_host, host) == [host, host]
        first, second = sorted(SPANS)
        assert first[1] <= second[0]  # one activity slot on the host queue: never two at once
        assert await engine.execute_workflow(ReportWorkflow.run, 21, task_queue=reports) == 42
        with pytest.raises(EngineError, match=f"on task queue {reports!r}, which serves ReportWorkflow"):
            await engine.start_workflow(PipelineWorkflow.run, "x", None, task_queue=reports)
        with pytest.raises(EngineError, match=r"engine.add_worker\('late'\) after engine.start\(\)"):
            engine.add_worker("late", activities=[shout])

        # What each temporalio Worker was built with: the engine's tuning, overridden per queue.
        configs = {
            w.task_queue: cast(Mapping[str, object], w.temporal_worker.config())
            for w in engine._workers  # pyright: ignore[reportPrivateUsage]
        }
        main, gpu, rep = configs[queue], configs[host], configs[reports]
        assert (main.get("max_concurrent_workflow_tasks"), main.get("max_cached_workflows")) == (7, 30)
        assert main.get("max_concurrent_activities") == 3
        assert main.get("graceful_shutdown_timeout") == timedelta(seconds=2)
        assert main.get("activity_executor") is None  # no thread activity served there
        assert (gpu.get("max_concurrent_workflow_tasks"), gpu.get("max_cached_workflows")) == (7, 30)
        assert gpu.get("max_concurrent_activities") == 1
        assert gpu.get("graceful_shutdown_timeout") == timedelta(seconds=2)
        assert getattr(gpu.get("activity_executor"), "_max_workers", None) == 2
        assert (rep.get("max_concurrent_workflow_tasks"), rep.get("max_cached_workflows")) == (1, 0)
        assert [len(_worker_tasks(q)) for q in (queue, host, reports)] == [1, 1, 1]
    finally:
        await engine.stop()
    assert [_worker_tasks(q) for q in (queue, host, reports)] == [[], [], []]


async def test_a_client_only_engine_with_a_worker_for_another_queue(
    temporal_address: str, caplog: pytest.LogCaptureFixture
) -> None:
    api, jobs = _queue("api"), _queue("jobs")
    engine = _engine(temporal_address, api, start_worker=False)
    engine.add_worker(jobs, workflows=[ReportWorkflow])
    with pytest.raises(InvalidOptionError, match=f"already runs a worker for task queue {jobs!r}"):
        engine.add_worker(jobs, activities=[shout])
    with caplog.at_level(logging.INFO, logger="temporal_runtime"):
        async with engine:
            assert await engine.execute_workflow(ReportWorkflow.run, 4, task_queue=jobs) == 8
            handle = await engine.start_workflow(PipelineWorkflow.run, "x", None)  # api: not served here
            await handle.terminate()
    [line] = [r.getMessage() for r in caplog.records if "ready:" in r.getMessage()]
    assert line.endswith(
        f"task queue {api!r}, no worker (start_worker=False), task queue {jobs!r}, worker serving 1 workflow "
        "and 0 activities"
    )


async def test_advance_time_moves_the_test_server_clock_exactly() -> None:
    engine = TemporalEngine(
        time_skipping=True,
        task_queue=_queue("clock"),
        workflow_registry=_WORKFLOWS,
        activity_registry=_ACTIVITIES,
        workflows=[SleeperWorkflow],
        activities=[],
    )
    async with engine:
        before = await engine.now()
        handle = await engine.start_workflow(SleeperWorkflow.run, 30)
        await engine.advance_time(timedelta(days=31))  # no result awaited: the clock moves anyway
        after = await engine.now()
        assert (await handle.describe()).status is WorkflowStatus.COMPLETED
        assert await handle.result() == "slept 30 days"
        assert before.tzinfo is UTC
        assert after.tzinfo is UTC
        assert timedelta(days=31) <= after - before < timedelta(days=31, minutes=1)
        await engine.advance_time(90)  # seconds
        assert timedelta(seconds=90) <= await engine.now() - after < timedelta(seconds=150)
        with pytest.raises(InvalidOptionError, match="advance_time"):
            await engine.advance_time(0)


async def test_without_time_skipping_the_clock_is_real(temporal_address: str) -> None:
    async with TemporalEngine(
        temporal_address, task_queue=_queue("real-clock"), start_worker=False
    ) as engine:
        with pytest.raises(EngineError, match=r"TemporalEngine\(time_skipping=True\)"):
            await engine.advance_time(timedelta(days=1))
        now = await engine.now()
    assert now.tzinfo is not None
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)
