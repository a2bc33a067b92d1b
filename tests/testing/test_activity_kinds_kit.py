"""The testing kit with the activity kinds of #12: ActivityTester runs thread (and thread method)
activities; WorkflowTester runs local activities on the same fakes, stops retrying on a
NonRetryableError or a policy's non_retryable_errors, and records the cancellation type."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, assert_type

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    ActivityCancellation,
    ActivityDefinition,
    ActivityFailedError,
    DefinitionError,
    NonRetryableError,
    Registry,
    RetryPolicy,
    Workflow,
    activity_def,
    activity_info,
    activity_stub,
    heartbeat,
    is_cancelled,
)
from temporal_runtime.testing import ActivityTester, WorkflowTester


class Chunk(BaseModel):
    size: int


class KitDeclined(NonRetryableError):
    pass


class KitGone(Exception):
    pass


@activity_def("kit_kinds.copy", Args=Chunk)
def kit_copy(chunk: Chunk) -> str:
    info = activity_info()
    start = int(info.heartbeat_details[0]) + 1 if info.heartbeat_details else 0
    for block in range(start, chunk.size):
        heartbeat(block)
    return f"{threading.current_thread().name}|{info.attempt}|{start}"


@activity_def("kit_kinds.spin", Args=Chunk)
def kit_spin(chunk: Chunk) -> str:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        heartbeat("spinning")  # raises CancelledError once cancelled
        time.sleep(0.01)
    return f"never cancelled {is_cancelled()}"


@activity_def("kit_kinds.lookup", Args=Chunk)
async def kit_lookup(chunk: Chunk) -> int:
    return chunk.size


kit_remote = activity_stub("kit_kinds.remote", Args=Chunk, Result=int)


# Own registry: a method activity in the default one would need an instance in every engine of the suite.
TOTALS: Registry[ActivityDefinition[Any, Any]] = Registry("activity")


class KitTotals:
    def __init__(self) -> None:
        self.total = 0

    @activity_def("kit_kinds.add", Args=Chunk, registry=TOTALS)
    def add(self, chunk: Chunk) -> int:
        self.total += chunk.size
        return self.total


class KitKindsWorkflow(Workflow):
    async def local(self, size: int) -> int:
        first = await self.exec_local(kit_lookup, Chunk(size=size), timeout=5)
        second = await self.exec_local(
            kit_lookup, Chunk(size=size + 1), timeout=5, retry_policy=RetryPolicy(maximum_attempts=3)
        )
        return first + second

    async def local_stub(self, size: int) -> int:
        return await self.exec_local(kit_remote, Chunk(size=size), timeout=5)

    async def retried(self, size: int) -> list[Any]:
        policy = RetryPolicy(initial_interval=1, maximum_attempts=5, non_retryable_errors=[KitGone])
        try:
            await self.exec(kit_lookup, Chunk(size=size), timeout=5, retry_policy=policy)
        except ActivityFailedError as exc:
            return [exc.error_type, list(exc.details), exc.remote_traceback is not None]
        return []

    async def waiting(self, size: int) -> int:
        return await self.exec(
            kit_lookup, Chunk(size=size), timeout=5, cancellation=ActivityCancellation.WAIT
        )


# --- ActivityTester ---------------------------------------------------------------------------------


async def test_activity_tester_runs_a_thread_activity_in_a_thread_with_heartbeats() -> None:
    tester = ActivityTester()
    result = await tester.run(kit_copy, Chunk(size=3))
    assert_type(result, str)
    thread, attempt, start = result.split("|")
    assert thread != threading.current_thread().name
    assert (attempt, start) == ("1", "0")
    assert tester.heartbeats == [(0,), (1,), (2,)]


async def test_activity_tester_hands_heartbeat_details_to_a_retried_thread_activity() -> None:
    tester = ActivityTester(attempt=2, heartbeat_details=[1])
    result = await tester.run(kit_copy, {"size": 4})
    assert result.split("|")[1:] == ["2", "2"]
    assert tester.heartbeats == [(2,), (3,)]


async def test_cancelling_a_thread_activity_raises_cancelled_error_at_its_heartbeat() -> None:
    tester = ActivityTester()
    running = asyncio.create_task(tester.run(kit_spin, Chunk(size=1)))
    await tester.wait_for_heartbeats(1)
    tester.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(running, 3)


async def test_activity_tester_runs_a_thread_method_activity_on_an_instance() -> None:
    totals = KitTotals()
    assert await ActivityTester().run(totals.add, Chunk(size=2)) == 2
    assert await ActivityTester().run(totals.add, Chunk(size=3)) == 5


# --- WorkflowTester ---------------------------------------------------------------------------------


async def test_local_activities_run_on_the_fakes_and_are_recorded_as_local() -> None:
    def times_ten(chunk: Chunk) -> int:
        return chunk.size * 10

    tester = WorkflowTester(KitKindsWorkflow, activities={kit_lookup: times_ten})
    assert await tester.run(KitKindsWorkflow.local, 2) == 50
    assert [(c.name, c.local) for c in tester.calls] == [("kit_kinds.lookup", True)] * 2


async def test_a_stub_cannot_run_as_a_local_activity() -> None:
    tester = WorkflowTester(KitKindsWorkflow, activities={kit_remote: 1})
    with pytest.raises(DefinitionError, match=r"exec_local\('kit_kinds\.remote'\).*is a stub"):
        await tester.run(KitKindsWorkflow.local_stub, 2)


@pytest.mark.parametrize(
    ("fake", "error_type", "details"),
    [(KitDeclined("declined", details=["d", 1]), "KitDeclined", ["d", 1]), (KitGone("gone"), "KitGone", [])],
    ids=["NonRetryableError", "non_retryable_errors"],
)
async def test_no_retry_after_a_non_retryable_failure(
    fake: Exception, error_type: str, details: list[Any]
) -> None:
    tester = WorkflowTester(KitKindsWorkflow, activities={kit_lookup: fake})
    assert await tester.run(KitKindsWorkflow.retried, 1) == [error_type, details, True]
    assert len(tester.calls) == 1  # maximum_attempts=5, one attempt


async def test_a_retryable_failure_is_retried_up_to_the_maximum() -> None:
    tester = WorkflowTester(KitKindsWorkflow, activities={kit_lookup: KeyError("k")})
    assert await tester.run(KitKindsWorkflow.retried, 1) == ["KeyError", [], True]
    assert len(tester.calls) == 5


async def test_the_cancellation_type_is_recorded() -> None:
    tester = WorkflowTester(KitKindsWorkflow, activities={kit_lookup: 4})
    assert await tester.run(KitKindsWorkflow.waiting, 1) == 4
    [call] = tester.calls
    assert (call.cancellation, call.local) == (ActivityCancellation.WAIT, False)
