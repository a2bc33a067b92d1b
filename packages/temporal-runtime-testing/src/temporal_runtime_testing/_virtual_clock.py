"""The :class:`WorkflowTester`'s virtual clock: timers, ``wait_until`` conditions, settling.

Workflow code under test never waits for real time. Timers and conditions are registered with a
:class:`VirtualClock`; the tester lets workflow code run until it blocks (``settle``) and, when only a
timer can help, jumps the clock straight to that timer (``drive``).
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import itertools
from collections.abc import Callable, Sized
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["VirtualClock"]

_SETTLE_ROUNDS = 10_000  # upper bound of event-loop turns to wait for workflow code to block
_SETTLE_ROUNDS_WITHOUT_READY_QUEUE = 50  # event loops that do not expose their ready queue


@dataclass(eq=False, slots=True)
class _Timer:
    fire_at: datetime
    fire: Callable[[], None]
    cancelled: bool = False


@dataclass(eq=False, slots=True)
class _Waiter:
    predicate: Callable[[], bool]
    future: asyncio.Future[None]
    context: contextvars.Context
    owner: object


class VirtualClock:
    """Virtual time, timers, ``wait_until`` conditions and the count of fakes in flight."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        self._timers: list[tuple[datetime, int, _Timer]] = []
        self._seq = itertools.count()
        self._waiters: list[_Waiter] = []
        self._in_flight = 0
        self._progress: asyncio.Event | None = None

    # timers ---------------------------------------------------------------------------------------

    def add_timer(self, delay: timedelta, fire: Callable[[], None]) -> _Timer:
        timer = _Timer(self.now + delay, fire)
        heapq.heappush(self._timers, (timer.fire_at, next(self._seq), timer))
        return timer

    def next_timer(self) -> _Timer | None:
        while self._timers and self._timers[0][2].cancelled:
            heapq.heappop(self._timers)
        return self._timers[0][2] if self._timers else None

    def fire_until(self, at: datetime) -> None:
        """Move the clock to ``at``, firing every timer due by then (in order)."""
        while (timer := self.next_timer()) is not None and timer.fire_at <= at:
            heapq.heappop(self._timers)
            self.now = max(self.now, timer.fire_at)
            timer.cancelled = True
            timer.fire()
        self.now = max(self.now, at)

    async def sleep(self, duration: timedelta) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        timer = self.add_timer(duration, lambda: _resolve(future, None))
        try:
            await future
        finally:
            timer.cancelled = True

    # conditions -----------------------------------------------------------------------------------

    async def wait_until(
        self, predicate: Callable[[], bool], timeout: timedelta | None, owner: object
    ) -> None:
        if predicate():
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiter = _Waiter(predicate, future, contextvars.copy_context(), owner)
        self._waiters.append(waiter)
        timer: _Timer | None = None
        if timeout is not None:
            timer = self.add_timer(timeout, lambda: _resolve(future, TimeoutError()))
        try:
            await future
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
            if timer is not None:
                timer.cancelled = True

    def conditions_of(self, owner: object) -> list[Callable[[], bool]]:
        """The predicates ``owner``'s code is waiting on in ``wait_until`` (for deadlock messages)."""
        return [w.predicate for w in self._waiters if w.owner is owner]

    def check_conditions(self) -> bool:
        """Resolve every waiter whose predicate is now true; whether any was resolved."""
        resolved = False
        for waiter in list(self._waiters):
            if waiter.future.done():
                continue
            try:
                ok = waiter.context.run(waiter.predicate)
            except Exception as exc:  # the workflow sees its predicate's error at wait_until
                waiter.future.set_exception(exc)
                resolved = True
                continue
            if ok:
                waiter.future.set_result(None)
                resolved = True
        return resolved

    # activities in flight -------------------------------------------------------------------------

    def _progress_event(self) -> asyncio.Event:
        if self._progress is None:
            self._progress = asyncio.Event()
        return self._progress

    def activity_started(self) -> None:
        self._in_flight += 1

    def activity_finished(self) -> None:
        self._in_flight -= 1
        self.wake()

    def wake(self) -> None:
        """Something happened outside the clock (a task finished): let :meth:`drive` look again."""
        self._progress_event().set()

    # driving --------------------------------------------------------------------------------------

    async def settle(self) -> None:
        """Let workflow code run until it blocks, re-checking ``wait_until`` conditions meanwhile.

        Does not move the clock and does not wait for fake activities that are still running.
        """
        loop = asyncio.get_running_loop()
        ready = getattr(loop, "_ready", None)  # CPython's queue of runnable callbacks
        ready_queue = ready if isinstance(ready, Sized) else None
        while True:
            for turn in range(_SETTLE_ROUNDS):
                await asyncio.sleep(0)
                if ready_queue is not None:
                    if len(ready_queue) == 0:
                        break
                elif turn >= _SETTLE_ROUNDS_WITHOUT_READY_QUEUE:
                    break
            if not self.check_conditions():
                return

    async def advance_to(self, target: datetime) -> None:
        """Move the clock forward to ``target``, firing the timers due by then.

        Workflow code runs after each timer (until it blocks); fakes still running are not waited for.
        """
        while True:
            await self.settle()
            timer = self.next_timer()
            if timer is None or timer.fire_at > target:
                break
            self.fire_until(timer.fire_at)
        self.fire_until(target)
        await self.settle()

    async def drive(
        self, until: Callable[[], bool], deadline: datetime | None, stuck: Callable[[], Exception]
    ) -> bool:
        """Run workflow code, jumping the clock to the next timer whenever only timers can help.

        Returns True once ``until()`` holds, False when the virtual ``deadline`` passed first.
        Raises the error ``stuck()`` returns (a deadlock error) when nothing can ever happen.
        """
        while True:
            await self.settle()
            if until():
                return True
            if self._in_flight:
                event = self._progress_event()
                event.clear()
                if self._in_flight:
                    await event.wait()
                continue
            timer = self.next_timer()
            if timer is not None and (deadline is None or timer.fire_at <= deadline):
                self.fire_until(timer.fire_at)
                continue
            if deadline is None:
                raise stuck()
            if self.now < deadline:
                self.fire_until(deadline)
                continue
            return False


def _resolve(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)
