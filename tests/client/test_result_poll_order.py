"""The order of ``ResultPollLimit``'s turns: the run awaited longest goes first, a caller that timed
out while queued keeps its run's place, a run whose long poll ended without its close event goes
behind the runs not yet polled, and the runs it knows of do not pile up.

Each "long poll" here is a page fetch of a stand-in history iterator that returns when the test
hands it a page, so the order of turns is observed exactly (the dev-server tests in
``tests/integration/test_result_poll_limit.py`` show the same limit on real long polls).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, cast

import pytest
import temporalio.api.history.v1
from temporalio.client import WorkflowHistoryEventAsyncIterator

from temporal_runtime_client import ResultPollLimit
from temporal_runtime_client._result_poll_limit import _TurnTakingEvents  # pyright: ignore[reportPrivateUsage]

_CLOSE = [temporalio.api.history.v1.HistoryEvent(event_id=9)]


class _Run:
    """One run's history as the server would page it: each fetch waits for the page the test gives."""

    def __init__(self, name: str, polls: list[str]) -> None:
        self.name = name
        self._polls = polls
        self._pages: asyncio.Queue[list[temporalio.api.history.v1.HistoryEvent]] = asyncio.Queue()
        self._page: Sequence[temporalio.api.history.v1.HistoryEvent] | None = None
        self.next_page_token: bytes | None = None
        self.on_read: Callable[[], object] = lambda: None
        """Called when the limit reads the fetched page: just after it handed its turn on."""

    @property
    def current_page(self) -> Sequence[temporalio.api.history.v1.HistoryEvent] | None:
        self.on_read()
        return self._page

    async def fetch_next_page(self, *, page_size: int | None = None) -> None:
        self._polls.append(self.name)  # the turn is taken: this long poll is at the "server"
        self._page = await self._pages.get()
        self.next_page_token = None if self._page else b"more"

    def close(self) -> None:
        self._pages.put_nowait(_CLOSE)

    def interval_passes(self) -> None:
        self._pages.put_nowait([])


def _wait(limit: ResultPollLimit, run: _Run) -> _TurnTakingEvents:
    events = cast(WorkflowHistoryEventAsyncIterator, cast(Any, run))
    return _TurnTakingEvents(events, limit, (run.name, ""))


async def _done(*waits: Awaitable[None]) -> None:
    """All of ``waits`` finish (a wrong order of turns leaves one waiting for good: fail instead)."""
    await asyncio.wait_for(asyncio.gather(*waits), 5)


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_the_next_turn_goes_to_the_run_awaited_longest_not_to_the_first_in_line() -> None:
    limit, polls = ResultPollLimit(1), list[str]()
    holder, early, late = _Run("holder", polls), _Run("early", polls), _Run("late", polls)
    holding = asyncio.create_task(_wait(limit, holder).fetch_next_page())
    await _settle()
    with pytest.raises(TimeoutError):  # early's caller gives up while queued...
        async with asyncio.timeout(0.05):
            await _wait(limit, early).fetch_next_page()
    assert (limit.polling, limit.waiting) == (1, 0)
    late_wait = asyncio.create_task(_wait(limit, late).fetch_next_page())
    await _settle()
    early_wait = asyncio.create_task(_wait(limit, early).fetch_next_page())  # ...and asks again
    await _settle()
    assert (limit.polling, limit.waiting) == (1, 2)
    holder.close()
    early.close()
    late.close()
    await _done(holding, late_wait, early_wait)
    assert polls == ["holder", "early", "late"]  # first come first served would give late first
    assert (limit.polling, limit.waiting) == (0, 0)


async def test_a_run_whose_long_poll_ended_open_goes_behind_the_runs_not_yet_polled() -> None:
    limit, polls = ResultPollLimit(1), list[str]()
    approval, first, second = _Run("approval", polls), _Run("first", polls), _Run("second", polls)
    poll = asyncio.create_task(_wait(limit, approval).fetch_next_page())
    await _settle()
    waits = [asyncio.create_task(_wait(limit, run).fetch_next_page()) for run in (first, second)]
    await _settle()
    approval.interval_passes()  # the server's interval passed, the approval is still open
    await _done(poll)
    poll = asyncio.create_task(_wait(limit, approval).fetch_next_page())  # its caller asks again
    await _settle()
    first.close()
    second.close()
    await _done(*waits)
    approval.close()
    await _done(poll)
    assert polls == ["approval", "first", "second", "approval"]


async def test_a_caller_cancelled_just_after_its_turn_came_passes_the_turn_on() -> None:
    limit, polls = ResultPollLimit(1), list[str]()
    holder, cancelled, next_run = _Run("holder", polls), _Run("cancelled", polls), _Run("next", polls)
    holding = asyncio.create_task(_wait(limit, holder).fetch_next_page())
    await _settle()
    doomed = asyncio.create_task(_wait(limit, cancelled).fetch_next_page())
    await _settle()
    waiting = asyncio.create_task(_wait(limit, next_run).fetch_next_page())
    await _settle()
    holder.on_read = doomed.cancel  # the turn is handed to doomed's wait, cancelled before it runs
    holder.close()
    await _done(holding)
    with pytest.raises(asyncio.CancelledError):
        await doomed
    next_run.close()
    await _done(waiting)
    assert polls == ["holder", "next"]
    assert (limit.polling, limit.waiting) == (0, 0)


async def test_runs_whose_close_was_seen_are_forgotten() -> None:
    limit, polls = ResultPollLimit(3), list[str]()
    runs = [_Run(f"run-{n}", polls) for n in range(3000)]
    for run in runs:
        run.close()
    await _done(*(_wait(limit, run).fetch_next_page() for run in runs))
    assert len(polls) == 3000
    assert not limit._runs  # pyright: ignore[reportPrivateUsage]
