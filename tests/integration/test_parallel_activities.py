"""Parallel work in a workflow is plain asyncio: ``asyncio.gather`` over ``self.exec(...)`` calls runs
the activities at the same time (every one of five starts before the first finishes). The
overlap is the proof; how long the run takes depends on the machine's load, and is left to the
benchmark harness."""

from __future__ import annotations

import asyncio
import time

import pytest

from temporal_runtime import TemporalEngine, Workflow, activity_def

pytestmark = pytest.mark.integration


SPANS: list[tuple[float, float]] = []  # (start, end) of each activity, monotonic


@activity_def("par_slow_square", Args=int)
async def slow_square(n: int) -> int:
    start = time.monotonic()
    await asyncio.sleep(0.5)
    SPANS.append((start, time.monotonic()))
    return n * n


class ParallelWorkflow(Workflow):
    async def squares(self, count: int) -> list[int]:
        return list(await asyncio.gather(*(self.exec(slow_square, n, timeout=10) for n in range(count))))

    async def first_failure_wins(self, count: int) -> str:
        try:
            await asyncio.gather(
                self.exec(slow_square, 1, timeout=10),
                self.sleep(0.1),
                self.wait_until(lambda: False, timeout=0.2),
            )
        except TimeoutError:
            return "timed out"
        return "finished"


async def test_five_activities_in_parallel_overlap(
    engine: TemporalEngine,
) -> None:
    # Warm the worker up first: its first workflow task also loads the module into the sandbox.
    assert await engine.execute_workflow(ParallelWorkflow.squares, 1) == [0]
    SPANS.clear()
    handle = await engine.start_workflow(ParallelWorkflow.squares, 5)
    assert await handle.result(timeout=30) == [0, 1, 4, 9, 16]
    # Every activity started before the first one finished: they overlapped.
    assert len(SPANS) == 5
    assert max(start for start, _ in SPANS) < min(end for _, end in SPANS)


async def test_an_exception_in_one_branch_reaches_the_gather(engine: TemporalEngine) -> None:
    assert await engine.execute_workflow(ParallelWorkflow.first_failure_wins, 2) == "timed out"
