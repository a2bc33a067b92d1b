"""Activities of every kind on a real Temporal dev server (sandbox on): thread activities in the
engine's pool (heartbeat, cancellation, activity_info), non-retryable errors, retry policies naming
exception classes, heartbeat details resumed after a retry, local activities, activity cancellation
types, and the remote stack trace on failures."""

from __future__ import annotations

import asyncio
import itertools
import sys
import threading
import time
import uuid
from collections import defaultdict
from typing import Any

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    ActivityCancellation,
    ActivityDefinition,
    ActivityFailedError,
    NonRetryableError,
    Registry,
    RetryPolicy,
    TemporalEngine,
    Workflow,
    WorkflowFailedError,
    WorkflowFailure,
    activity_def,
    activity_info,
    heartbeat,
    is_cancelled,
)
from temporal_runtime.testing import select_registries

pytestmark = pytest.mark.integration

# Own activity registry: the suite's shared engine serves the default one, and the method activity
# here needs an instance.
KINDS: Registry[ActivityDefinition[Any, Any]] = Registry("activity")


class Job(BaseModel):
    job_id: str
    count: int = 0


class CardDeclined(NonRetryableError):
    """A business failure no retry can fix."""


class OutOfStock(Exception):
    """Named in a retry policy's non_retryable_errors."""


ATTEMPTS: defaultdict[str, int] = defaultdict(int)
STARTED: defaultdict[str, threading.Event] = defaultdict(threading.Event)
EVENTS: defaultdict[str, list[str]] = defaultdict(list)


SPANS: defaultdict[str, list[tuple[float, float]]] = defaultdict(list)


@activity_def("kinds.where", Args=Job, registry=KINDS)
def where(job: Job) -> str:
    info = activity_info()
    began = time.monotonic()
    time.sleep(0.5)  # blocking: fine in a thread activity
    SPANS[job.job_id.rpartition("-")[0]].append((began, time.monotonic()))
    return f"{threading.current_thread().name}|{info.activity_name}|{info.attempt}|{info.local}"


@activity_def("kinds.until_cancelled", Args=Job, registry=KINDS)
def until_cancelled(job: Job) -> str:
    STARTED[job.job_id].set()
    try:
        while True:
            heartbeat("working")
            time.sleep(0.1)
    except asyncio.CancelledError:
        EVENTS[job.job_id].append(f"cancelled:{is_cancelled()}")
        time.sleep(0.5)  # clean-up takes a while
        EVENTS[job.job_id].append("cleaned")
        raise


@activity_def("kinds.ignores_cancel", Args=Job, registry=KINDS)
async def ignores_cancel(job: Job) -> None:
    STARTED[job.job_id].set()
    await asyncio.sleep(2)
    EVENTS[job.job_id].append(f"finished:{is_cancelled()}")


@activity_def("kinds.charge", Args=Job, registry=KINDS)
def charge(job: Job) -> str:
    ATTEMPTS[job.job_id] += 1
    raise CardDeclined("card declined", details=[{"code": "do_not_honor"}, job.count])


@activity_def("kinds.reserve", Args=Job, registry=KINDS)
async def reserve(job: Job) -> str:
    ATTEMPTS[job.job_id] += 1
    if job.count == 0:
        raise OutOfStock(f"no stock for {job.job_id}")
    raise KeyError(job.job_id)


@activity_def("kinds.process", Args=Job, registry=KINDS)
async def process(job: Job) -> list[int]:
    """Process items 0..count-1, heartbeating progress; attempt 1 fails after item 4."""
    info = activity_info()
    start = info.heartbeat_details[0] + 1 if info.heartbeat_details else 0
    done: list[int] = []
    for item in range(start, job.count):
        done.append(item)
        heartbeat(item)
        if info.attempt == 1 and item == 4:
            await asyncio.sleep(1.5)  # let the heartbeat reach the server before failing
            raise RuntimeError("connection lost mid-way")
    EVENTS[job.job_id].append(f"attempt {info.attempt} from {start}")
    return done


@activity_def("kinds.local_fails", Args=Job, registry=KINDS)
async def local_fails(job: Job) -> str:
    ATTEMPTS[job.job_id] += 1
    raise CardDeclined("declined locally")


class Counter:
    def __init__(self) -> None:
        self.value = 0
        self.lock = threading.Lock()


class CounterActivities:
    def __init__(self, counter: Counter) -> None:
        self._counter = counter

    @activity_def("kinds.bump", Args=Job, registry=KINDS)
    def bump(self, job: Job) -> int:  # a thread method activity
        with self._counter.lock:
            self._counter.value += job.count
            return self._counter.value


class KindsWorkflow(Workflow):
    async def in_threads(self, job: Job) -> list[str]:
        calls = [self.exec(where, Job(job_id=f"{job.job_id}-{i}"), timeout=10) for i in range(3)]
        return list(await asyncio.gather(*calls))

    async def cancel_waiting(self, job: Job) -> str:
        try:
            await self.exec(
                until_cancelled,
                job,
                timeout=60,
                heartbeat_timeout=2,
                cancellation=ActivityCancellation.WAIT,
            )
        except asyncio.CancelledError:
            return "cancelled after the activity ended"
        return "not cancelled"

    async def cancel_abandoning(self, job: Job) -> str:
        try:
            await self.exec(ignores_cancel, job, timeout=60, cancellation=ActivityCancellation.ABANDON)
        except asyncio.CancelledError:
            return "abandoned"
        return "not cancelled"

    async def declined(self, job: Job) -> str:
        policy = RetryPolicy(initial_interval=0.1, maximum_attempts=5)
        return await self.exec(charge, job, timeout=10, retry_policy=policy)

    async def declined_caught(self, job: Job) -> list[Any]:
        try:
            await self.exec(charge, job, timeout=10, retry_policy=RetryPolicy(maximum_attempts=5))
        except ActivityFailedError as exc:
            return [exc.error_type, exc.message, list(exc.details), exc.remote_traceback is not None]
        return []

    async def out_of_stock(self, job: Job) -> str:
        policy = RetryPolicy(
            initial_interval=0.1, maximum_attempts=5, non_retryable_errors=[OutOfStock, "KeyError"]
        )
        return await self.exec(reserve, job, timeout=10, retry_policy=policy)

    async def resumed(self, job: Job) -> list[int]:
        policy = RetryPolicy(initial_interval=0.1, maximum_attempts=3)
        return await self.exec(process, job, timeout=30, heartbeat_timeout=10, retry_policy=policy)

    async def local(self, job: Job) -> list[str]:
        first = await self.exec_local(where, job, timeout=10)
        total = await self.exec_local(CounterActivities.bump, job, timeout=10)
        try:
            await self.exec_local(local_fails, job, timeout=10, retry_policy=RetryPolicy(maximum_attempts=4))
        except ActivityFailedError as exc:
            return [first, str(total), f"{exc.activity_name}|{exc.error_type}|{exc.message}"]
        return [first, str(total)]

    async def method_thread(self, job: Job) -> int:
        return await self.exec(CounterActivities.bump, job, timeout=10)

    async def fails_itself(self, job: Job) -> None:
        raise WorkflowFailure("order rejected", details=[job.job_id])


def _job(count: int = 0) -> Job:
    return Job(job_id=f"job-{uuid.uuid4().hex[:8]}", count=count)


def kinds_engine(address: str, **options: Any) -> TemporalEngine:
    workflows, _ = select_registries([sys.modules[__name__]])
    return TemporalEngine(
        address,
        task_queue=f"kinds-{uuid.uuid4().hex[:8]}",
        workflow_registry=workflows,
        activity_registry=KINDS,
        activity_instances=[CounterActivities(Counter())],
        **options,
    )


async def _wait_started(job: Job) -> None:
    assert await asyncio.to_thread(STARTED[job.job_id].wait, 20)


async def test_thread_activities_run_in_the_engine_pool_in_parallel(temporal_address: str) -> None:
    job = _job()
    async with kinds_engine(temporal_address, activity_threads=3) as engine:
        results = await KindsWorkflow.client(engine).in_threads(job)
    assert len(results) == 3
    for result in results:
        thread, name, attempt, local = result.split("|")
        assert thread.startswith("temporal-runtime-activity-kinds-")
        assert (name, attempt, local) == ("kinds.where", "1", "False")
    spans = SPANS[job.job_id]
    assert max(start for start, _ in spans) < min(end for _, end in spans)  # all three at once


async def test_one_activity_thread_runs_thread_activities_one_after_another(temporal_address: str) -> None:
    job = _job()
    async with kinds_engine(temporal_address, activity_threads=1) as engine:
        await KindsWorkflow.client(engine).in_threads(job)
    spans = sorted(SPANS[job.job_id])
    assert len(spans) == 3
    assert all(end <= next_start for (_, end), (next_start, _) in itertools.pairwise(spans))


async def test_cancellation_reaches_a_heartbeating_thread_activity_and_wait_lets_it_clean_up(
    temporal_address: str,
) -> None:
    job = _job()
    async with kinds_engine(temporal_address) as engine:
        handle = await engine.start_workflow(KindsWorkflow.cancel_waiting, job)
        await _wait_started(job)
        await asyncio.sleep(0.5)
        cancelled_at = time.monotonic()
        await handle.cancel()
        result = await handle.result(timeout=20)
        elapsed = time.monotonic() - cancelled_at
    assert result == "cancelled after the activity ended"
    # heartbeat() raised CancelledError, is_cancelled() was true, and with WAIT the clean-up was
    # over before the workflow went on; all within the heartbeat timeout (2 s) plus the clean-up.
    assert EVENTS[job.job_id] == ["cancelled:True", "cleaned"]
    assert elapsed < 2 + 0.5 + 1.5, elapsed


async def test_abandon_leaves_the_activity_running_to_its_end(temporal_address: str) -> None:
    job = _job()
    async with kinds_engine(temporal_address) as engine:
        handle = await engine.start_workflow(KindsWorkflow.cancel_abandoning, job)
        await _wait_started(job)
        await handle.cancel()
        assert await handle.result(timeout=20) == "abandoned"
        assert EVENTS[job.job_id] == []  # the workflow went on while the activity still ran
        for _ in range(60):
            if EVENTS[job.job_id]:
                break
            await asyncio.sleep(0.1)
    assert EVENTS[job.job_id] == ["finished:False"]  # never told


async def test_a_non_retryable_error_ends_the_retries_at_once(temporal_address: str) -> None:
    job = _job(count=7)
    async with kinds_engine(temporal_address) as engine:
        with pytest.raises(ActivityFailedError) as info:
            await KindsWorkflow.client(engine).declined(job)
        caught = await KindsWorkflow.client(engine).declined_caught(_job(count=8))
    assert ATTEMPTS[job.job_id] == 1  # maximum_attempts=5, yet one attempt
    error = info.value
    assert error.activity_name == "kinds.charge"
    assert error.error_type == "CardDeclined"
    assert error.message.endswith("CardDeclined: card declined")
    assert error.details == ({"code": "do_not_honor"}, 7)
    assert error.remote_traceback is not None
    assert "in charge" in error.remote_traceback  # the activity's own frame
    # inside the workflow, exec raised ActivityFailedError carrying the same fields
    assert caught == [
        "CardDeclined",
        "Activity 'kinds.charge' failed: CardDeclined: card declined",
        [{"code": "do_not_honor"}, 8],
        True,
    ]


@pytest.mark.parametrize("count", [0, 1], ids=["by-class", "by-name"])
async def test_retry_policy_non_retryable_errors_by_class_or_name(temporal_address: str, count: int) -> None:
    job = _job(count=count)
    async with kinds_engine(temporal_address) as engine:
        with pytest.raises(ActivityFailedError) as info:
            await KindsWorkflow.client(engine).out_of_stock(job)
    assert info.value.error_type == ("OutOfStock" if count == 0 else "KeyError")
    assert ATTEMPTS[job.job_id] == 1


async def test_heartbeat_details_resume_the_next_attempt(temporal_address: str) -> None:
    job = _job(count=8)
    async with kinds_engine(temporal_address) as engine:
        done = await KindsWorkflow.client(engine).resumed(job)
    assert done == [5, 6, 7]  # attempt 2 went on after the last item attempt 1 heartbeated (4)
    assert EVENTS[job.job_id] == ["attempt 2 from 5"]


async def test_local_activities_run_async_thread_and_method_kinds_and_fail_typed(
    temporal_address: str,
) -> None:
    job = _job(count=3)
    async with kinds_engine(temporal_address) as engine:
        first, total, failure = await KindsWorkflow.client(engine).local(job)
    thread, name, attempt, local = first.split("|")
    assert thread.startswith("temporal-runtime-activity-")
    assert (name, attempt, local) == ("kinds.where", "1", "True")
    assert total == "3"
    name_, type_, message = failure.split("|")
    assert (name_, type_) == ("kinds.local_fails", "CardDeclined")
    assert message == "Activity 'kinds.local_fails' failed: CardDeclined: declined locally"
    assert ATTEMPTS[job.job_id] == 1  # a NonRetryableError stops local retries too


async def test_a_thread_method_activity_runs_on_the_instance(temporal_address: str) -> None:
    async with kinds_engine(temporal_address) as engine:
        assert await KindsWorkflow.client(engine).method_thread(_job(count=4)) == 4
        assert await KindsWorkflow.client(engine).method_thread(_job(count=5)) == 9


async def test_a_workflow_failure_carries_the_remote_traceback(temporal_address: str) -> None:
    async with kinds_engine(temporal_address) as engine:
        with pytest.raises(WorkflowFailedError) as info:
            await KindsWorkflow.client(engine).fails_itself(_job())
    assert info.value.error_type == "WorkflowFailure"
    assert info.value.remote_traceback is not None
    assert "fails_itself" in info.value.remote_traceback
