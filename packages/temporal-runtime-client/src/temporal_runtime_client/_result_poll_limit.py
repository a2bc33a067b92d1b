"""``ResultPollLimit``: at most so many result long polls of one client at the server at once.

Waiting for a run's result is a long poll: temporalio asks for the run's close event with
``GetWorkflowExecutionHistory(wait_new_event=True)``, which the server holds open until the run
closes or its long-poll interval (20 s by default) passes, and then asks again. A namespace admits
a bounded number of concurrent long polls per frontend (dynamic config ``frontend.namespaceCount``,
1,200 by default), and the worker's own task polls count against the same budget. 5,000 callers
awaiting 5,000 results from one process therefore made the server refuse most of them
(RESOURCE_EXHAUSTED, ``namespace concurrent poller limit exceeded``), the worker's polls included,
and the refused ones came back after backoff: the server spent its time refusing and throughput fell.

This client interceptor gives each long poll of a result wait a turn: at most ``limit`` of them are
at the server at once, and each turn lasts one long poll (until the run closes, or the server's
interval passes). The others wait, and the next turn goes to the run that has been awaited longest,
not to the caller that queued first: a caller that waits with a timeout (``get_result(id,
timeout_seconds=20)`` in a loop) and times out while queued keeps its run's place when it asks
again, so short timeouts cannot starve it behind newer callers. A run whose turn ends without its
close event (the interval passed; the run is still open) goes to the back, behind runs not yet
polled. A run is forgotten once a wait for it sees its close event, or when nobody has waited for it
for five minutes. Other reads of history (``fetch_history``, replays) and every other call pass
untouched.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import temporalio.api.history.v1
import temporalio.client

from temporal_runtime_core import InvalidOptionError

__all__ = ["DEFAULT_RESULT_POLL_LIMIT", "ResultPollLimit"]

DEFAULT_RESULT_POLL_LIMIT: Final = 1000
"""What ``ResultPollLimit()`` allows by default (the engine installs none unless asked): below
the server's default per-namespace limit of 1,200 (``frontend.namespaceCount``), leaving room for
the workers' polls."""

_FORGET_AFTER: Final = 300.0
"""Seconds after its last waiter left that a run's place in the queue is forgotten."""


@dataclass(slots=True)
class _Awaited:
    """A run some caller waits for: its place in the queue (the loop time it has been awaited
    since), how many waits for it are queued or polling now, and when the last of them left."""

    since: float
    waits: int = 0
    left: float = 0.0


class ResultPollLimit(temporalio.client.Interceptor):
    """A temporalio client interceptor: at most ``limit`` result long polls at once (see the module).

    ``TemporalEngine`` installs one on its client (``TemporalEngine(result_poll_limit=...)``); for a
    client of your own, pass one in ``Client.connect(..., interceptors=[ResultPollLimit()])``.
    ``polling`` and ``waiting`` count the result long polls at the server and queued now. Raises
    :class:`InvalidOptionError` unless ``limit`` is a positive int.
    """

    def __init__(self, limit: int = DEFAULT_RESULT_POLL_LIMIT) -> None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise InvalidOptionError(
                f"result_poll_limit must be a positive int (result long polls at once), got {limit!r}; "
                "None turns the limit off"
            )
        self.limit = limit
        self.polling = 0
        """Result long polls at the server now."""
        self.waiting = 0
        """Result long polls queued for a turn now."""
        self._free = limit
        self._queue: list[tuple[float, int, asyncio.Future[None]]] = []  # a heap: oldest run first
        self._order = itertools.count()  # ties: first come, first served
        self._runs: dict[tuple[str, str], _Awaited] = {}
        self._sweep_at = 1024  # forget runs nobody waits for when this many are known

    def intercept_client(
        self, next: temporalio.client.OutboundInterceptor
    ) -> temporalio.client.OutboundInterceptor:
        return _Outbound(next, self)

    async def _poll(
        self,
        events: temporalio.client.WorkflowHistoryEventAsyncIterator,
        page_size: int | None,
        run: tuple[str, str],
    ) -> None:
        loop = asyncio.get_running_loop()
        awaited = self._runs.get(run)
        if awaited is None:
            awaited = self._runs[run] = _Awaited(since=loop.time())
        awaited.waits += 1  # (before a sweep: this one is in use)
        if len(self._runs) >= self._sweep_at:
            self._sweep(loop.time())
        try:
            await self._take_turn(awaited.since)
            self.polling += 1
            try:
                await events.fetch_next_page(page_size=page_size)
            finally:
                self.polling -= 1
                self._give_turn()
            if events.current_page:  # what the wait waited for (a result's close event)
                self._runs.pop(run, None)
            else:  # the interval passed, the run is still open: behind the runs not yet polled
                awaited.since = loop.time()
        finally:  # (a caller that timed out keeps its run's place: ``since`` is unchanged)
            awaited.waits -= 1
            awaited.left = loop.time()

    async def _take_turn(self, since: float) -> None:
        if self._free > 0 and not self._queue:
            self._free -= 1
            return
        turn = asyncio.get_running_loop().create_future()
        heapq.heappush(self._queue, (since, next(self._order), turn))
        self.waiting += 1
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():  # given the turn, then cancelled: pass it on
                self._give_turn()
            raise  # (a cancelled turn left in the queue is skipped by _give_turn)
        finally:
            self.waiting -= 1

    def _give_turn(self) -> None:
        while self._queue:
            _, _, turn = heapq.heappop(self._queue)
            if not turn.done():
                turn.set_result(None)
                return
        self._free += 1

    def _sweep(self, now: float) -> None:
        """Forget the runs nobody has waited for in ``_FORGET_AFTER`` seconds."""
        for run in [
            run
            for run, awaited in self._runs.items()
            if not awaited.waits and awaited.left < now - _FORGET_AFTER
        ]:
            del self._runs[run]
        self._sweep_at = max(1024, 2 * len(self._runs))

    def __repr__(self) -> str:
        return f"ResultPollLimit(limit={self.limit}, polling={self.polling}, waiting={self.waiting})"


class _Outbound(temporalio.client.OutboundInterceptor):
    def __init__(self, next: temporalio.client.OutboundInterceptor, limit: ResultPollLimit) -> None:
        super().__init__(next)
        self._limit = limit

    def fetch_workflow_history_events(
        self, input: temporalio.client.FetchWorkflowHistoryEventsInput
    ) -> temporalio.client.WorkflowHistoryEventAsyncIterator:
        events = self.next.fetch_workflow_history_events(input)
        if not input.wait_new_event:
            return events
        return _TurnTakingEvents(events, self._limit, (input.id, input.run_id or ""))


class _TurnTakingEvents(temporalio.client.WorkflowHistoryEventAsyncIterator):
    """``events`` with each page fetch (one long poll) taken in a turn of ``limit``.

    It walks the pages through ``events``' public API (``fetch_next_page``, ``current_page``,
    ``next_page_token``), so whatever the interceptors after this one do still happens.
    """

    def __init__(
        self,
        events: temporalio.client.WorkflowHistoryEventAsyncIterator,
        limit: ResultPollLimit,
        run: tuple[str, str],
    ) -> None:  # not super().__init__: every method and property is this class's own
        self._events = events
        self._limit = limit
        self._run = run
        self._index = 0

    @property
    def current_page_index(self) -> int:
        return self._index

    @property
    def current_page(self) -> Sequence[temporalio.api.history.v1.HistoryEvent] | None:
        return self._events.current_page

    @property
    def next_page_token(self) -> bytes | None:
        return self._events.next_page_token

    async def fetch_next_page(self, *, page_size: int | None = None) -> None:
        await self._limit._poll(self._events, page_size, self._run)  # pyright: ignore[reportPrivateUsage]
        self._index = 0

    def __aiter__(self) -> temporalio.client.WorkflowHistoryEventAsyncIterator:
        return self

    async def __anext__(self) -> temporalio.api.history.v1.HistoryEvent:
        while True:  # as temporalio's iterator, with the fetches taken in turns
            page = self._events.current_page
            if page is None:
                await self.fetch_next_page()
                continue
            if self._index >= len(page):
                if self._events.next_page_token is None:
                    raise StopAsyncIteration
                await self.fetch_next_page()
                continue
            self._index += 1
            return page[self._index - 1]
