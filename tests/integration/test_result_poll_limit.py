"""``ResultPollLimit``: a client keeps at most so many result long polls at the server at once; the
other waiting callers queue and still get their results.

Measured on the real dev server: with a limit of 2 and 5 callers awaiting 5 open runs, the
engine's counters (``engine.result_polls``) show 2 long polls at the server and 3 queued; once the
runs close, every caller has its result (those queued included) and the counters are back at 0.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import pytest
from temporalio.client import WorkflowHistoryEventAsyncIterator

from temporal_runtime import InvalidOptionError, MethodHandle, TemporalEngine, Workflow, wf_signal
from temporal_runtime.testing import TemporalTestServer
from temporal_runtime_client import DEFAULT_RESULT_POLL_LIMIT, ResultPollLimit

pytestmark = pytest.mark.integration


class HeldWorkflow(Workflow):
    def __init__(self) -> None:
        self.released = False

    @wf_signal("release")
    async def release(self) -> None:
        self.released = True

    async def run(self, n: int) -> int:
        await self.wait_until(lambda: self.released)
        return n


async def _until(condition: Callable[[], bool], what: str) -> None:
    try:
        async with asyncio.timeout(20):
            while not condition():  # noqa: ASYNC110 - counters of another task, no event to wait on
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"never saw {what}") from None


async def test_callers_beyond_the_limit_queue_and_all_get_their_results(
    temporal_server: TemporalTestServer,
) -> None:
    queue = f"polls-{uuid.uuid4().hex[:8]}"
    async with temporal_server.engine(queue, result_poll_limit=2) as engine:
        limit = engine.result_polls
        assert limit is not None
        handles = [await engine.start_workflow(HeldWorkflow.run, n) for n in range(5)]
        waits = [asyncio.create_task(h.result(timeout=30)) for h in handles]
        await _until(lambda: limit.polling == 2 and limit.waiting == 3, "2 polling, 3 queued")
        assert not any(w.done() for w in waits)
        for handle in handles:
            await handle.signal(HeldWorkflow.release)
        assert await asyncio.gather(*waits) == [0, 1, 2, 3, 4]
        assert (limit.polling, limit.waiting) == (0, 0)


async def test_a_queued_caller_whose_run_already_closed_gets_its_result_when_a_turn_frees(
    temporal_server: TemporalTestServer,
) -> None:
    limit = ResultPollLimit(1)
    queue = f"polls-{uuid.uuid4().hex[:8]}"
    async with temporal_server.engine(queue, interceptors=[limit]) as engine:
        held = await engine.start_workflow(HeldWorkflow.run, 1)
        done = await engine.start_workflow(HeldWorkflow.run, 2)
        await done.signal(HeldWorkflow.release)
        first = asyncio.create_task(held.result(timeout=30))
        await _until(lambda: limit.polling == 1, "the held run's wait at the server")
        second = asyncio.create_task(done.result(timeout=30))
        await _until(lambda: limit.waiting == 1, "the closed run's wait queued")
        await held.signal(HeldWorkflow.release)  # frees the one turn
        assert await second == 2
        assert await first == 1


async def test_a_caller_that_timed_out_while_queued_keeps_its_runs_place(
    temporal_server: TemporalTestServer,
) -> None:
    limit = ResultPollLimit(1)
    queue = f"polls-{uuid.uuid4().hex[:8]}"
    async with temporal_server.engine(queue, interceptors=[limit]) as engine:
        held = await engine.start_workflow(HeldWorkflow.run, 0)
        early = await engine.start_workflow(HeldWorkflow.run, 1)
        late = await engine.start_workflow(HeldWorkflow.run, 2)
        for closed in (early, late):
            await closed.signal(HeldWorkflow.release)
        holding = asyncio.create_task(held.result(timeout=30))
        await _until(lambda: limit.polling == 1, "the held run's wait at the server")
        with pytest.raises(TimeoutError):  # early's caller gives up while queued
            await early.result(timeout=0.5)
        got: list[int] = []

        async def wait(handle: MethodHandle[int, HeldWorkflow]) -> None:
            got.append(await handle.result(timeout=30))

        late_wait = asyncio.create_task(wait(late))
        await _until(lambda: limit.waiting == 1, "late's wait queued")
        early_wait = asyncio.create_task(wait(early))  # early's caller asks again, after late's
        await _until(lambda: limit.waiting == 2, "both waits queued")
        await held.signal(HeldWorkflow.release)
        await asyncio.gather(holding, late_wait, early_wait)
        assert got == [1, 2]  # the run awaited longest first: early, although late queued first


async def test_history_reads_that_do_not_wait_pass_untouched(temporal_server: TemporalTestServer) -> None:
    limit = ResultPollLimit(1)
    queue = f"polls-{uuid.uuid4().hex[:8]}"
    async with temporal_server.engine(queue, interceptors=[limit]) as engine:
        held = await engine.start_workflow(HeldWorkflow.run, 1)
        waiting = asyncio.create_task(held.result(timeout=30))
        await _until(lambda: limit.polling == 1, "the wait at the server")
        events = held.temporal_handle.fetch_history_events()
        assert type(events) is WorkflowHistoryEventAsyncIterator  # not the turn-taking one
        assert [e async for e in events]  # read while the one turn is taken
        await held.signal(HeldWorkflow.release)
        assert await waiting == 1


async def test_the_engine_installs_the_default_limit_unless_turned_off(
    temporal_server: TemporalTestServer,
) -> None:
    queue = f"polls-{uuid.uuid4().hex[:8]}"
    async with temporal_server.engine(queue, start_worker=False) as engine:
        assert engine.result_polls is not None
        assert engine.result_polls.limit == DEFAULT_RESULT_POLL_LIMIT == 1000
        assert (engine.result_polls.polling, engine.result_polls.waiting) == (0, 0)
    async with temporal_server.engine(queue, start_worker=False, result_poll_limit=None) as engine:
        assert engine.result_polls is None


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "10"])
def test_a_limit_that_is_not_a_positive_int_is_refused(bad: object) -> None:
    with pytest.raises(InvalidOptionError, match=r"result_poll_limit must be a positive int"):
        TemporalEngine(result_poll_limit=bad)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    with pytest.raises(InvalidOptionError, match=repr(bad)):
        ResultPollLimit(bad)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
