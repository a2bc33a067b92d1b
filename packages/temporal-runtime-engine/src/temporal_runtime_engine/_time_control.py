"""``engine.advance_time(...)`` and ``engine.now()``: the server's clock, for tests.

With ``TemporalEngine(time_skipping=True)`` the engine runs Temporal's time-skipping test server,
whose clock is virtual: it jumps to the next timer whenever nothing is running, but only while
someone lets it (awaiting a result does). ``advance_time(d)`` lets it run for exactly ``d`` of server
time, firing every timer due on the way and letting the workflows woken by them run, then returns:
a workflow sleeping 30 days has finished after ``advance_time(timedelta(days=31))``, with no
result awaited. ``now()`` reads that clock.

On any other server the clock is the real one: ``now()`` is the current UTC time (a Temporal
server's timers follow its host's clock, which is not something a client can read), and
``advance_time`` is an :class:`EngineError` naming ``time_skipping=True``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import UTC, datetime

import google.protobuf.empty_pb2
import temporalio.api.testservice.v1

from temporal_runtime_client import WorkflowClient
from temporal_runtime_core import Duration, EngineError, to_timedelta

__all__ = ["TimeControl"]


class TimeControl(ABC):
    """The server's clock: read it, and move it on a time-skipping test server."""

    __slots__ = ()

    @property
    @abstractmethod
    def client(self) -> WorkflowClient:
        """The workflow client of the started engine."""

    @property
    @abstractmethod
    def time_skipping(self) -> bool:
        """Whether the engine runs Temporal's time-skipping test server."""

    async def advance_time(self, duration: Duration) -> None:
        """Move the time-skipping test server's clock forward by ``duration`` (seconds or a
        timedelta) and return once it got there: timers due on the way fire and the workflows they
        wake run, as if that much time had passed.

        Raises :class:`EngineError` on an engine without ``time_skipping=True`` (a real server's
        clock cannot be moved), :class:`EngineNotStartedError` before ``start()``, and
        :class:`InvalidOptionError` for a duration that is not positive.
        """
        step = to_timedelta(duration, "engine.advance_time(duration)")
        if not self.time_skipping:
            raise EngineError(
                "engine.advance_time() moves the clock of Temporal's time-skipping test server; this "
                "engine runs on a real clock. Use TemporalEngine(time_skipping=True) in the test (no "
                "url=), or wait for real time to pass"
            )
        request = temporalio.api.testservice.v1.SleepRequest()
        request.duration.FromTimedelta(step)
        await self.client.temporal_client.test_service.unlock_time_skipping_with_sleep(request)

    async def now(self) -> datetime:
        """The server's current time, timezone-aware (UTC): the test server's virtual clock with
        ``time_skipping=True``, else the real time. Raises :class:`EngineNotStartedError` before
        ``start()``."""
        client = self.client.temporal_client  # both kinds: the clock of the server started or dialled
        if not self.time_skipping:
            return datetime.now(UTC)
        response = await client.test_service.get_current_time(google.protobuf.empty_pb2.Empty())
        return response.time.ToDatetime(tzinfo=UTC)
