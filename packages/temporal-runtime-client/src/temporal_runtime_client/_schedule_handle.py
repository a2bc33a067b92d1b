"""``ScheduleHandle[R, W, A]``: one schedule, typed by the entry method it runs.

``R`` is the method's result and ``W`` its workflow class (the runs' handles are
``MethodHandle[R, W]``); ``A`` is what ``update(arg=...)`` takes: the method's one argument, a
tuple of its arguments when it takes several, :class:`NoArgs` when it takes none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any, Generic, cast

import temporalio.client
from typing_extensions import TypeVar

from temporal_runtime_core import (
    Duration,
    InvalidArgumentsError,
    InvalidOptionError,
    NoArgs,
    ScheduleAction,
    ScheduleDescription,
    ScheduleOverlap,
    aware_datetime,
)
from temporal_runtime_core import ScheduleTiming as _Timing
from temporal_runtime_workflow import MethodHandle, WorkflowDefinition

from ._client import WorkflowClient
from ._options import StartOptions
from ._schedule_convert import AnyScheduleOverlap, description_from_temporal, to_temporal_overlap
from ._schedule_errors import raise_schedule_error

__all__ = ["ScheduleHandle"]

R = TypeVar("R", covariant=True, default=Any)
W = TypeVar("W", covariant=True, default=Any)
A = TypeVar("A", contravariant=True, default=Any)

_KEEP: Any = object()
"""``update``'s default for ``arg``: keep the arguments (``None`` may be an argument)."""


class ScheduleHandle(Generic[R, W, A]):
    """A schedule: describe, trigger, pause, unpause, update, backfill or delete it, and get typed
    handles of the runs it started. Every call on a schedule that does not exist (any more) raises
    :class:`ScheduleNotFoundError`."""

    def __init__(
        self,
        handle: temporalio.client.ScheduleHandle,
        client: WorkflowClient,
        definition: WorkflowDefinition | None = None,
        method: str | None = None,
    ) -> None:
        self._handle = handle
        self._client = client
        self._definition = definition
        self._method = method

    @property
    def id(self) -> str:
        """The schedule id."""
        return self._handle.id

    @property
    def temporal_handle(self) -> temporalio.client.ScheduleHandle:
        """The underlying temporalio handle, for what this API does not cover."""
        return self._handle

    def __repr__(self) -> str:
        return f"ScheduleHandle({self.id!r})"

    async def _call[T](self, call: Coroutine[Any, Any, T], given: str | None = None) -> T:
        try:
            return await call
        except Exception as exc:
            raise_schedule_error(exc, self.id, self._client.temporal_client.namespace, given=given)

    async def describe(self) -> ScheduleDescription:
        """What the server knows about the schedule: its timing, state, recent and next actions."""
        described = await self._call(self._handle.describe())
        return await description_from_temporal(described)

    async def trigger(self, overlap: AnyScheduleOverlap | None = None) -> None:
        """Take one action now (``overlap``: this action's policy instead of the schedule's)."""
        policy = None if overlap is None else to_temporal_overlap(overlap)
        await self._call(self._handle.trigger(overlap=policy))

    async def pause(self, note: str | None = None) -> None:
        """Stop taking actions until :meth:`unpause`; ``note`` says why (``describe`` and the CLI show it)."""
        await self._call(self._handle.pause(note=_note(note, "Paused through temporal-runtime")))

    async def unpause(self, note: str | None = None) -> None:
        """Take actions again from the next due time on (missed ones are not made up)."""
        await self._call(self._handle.unpause(note=_note(note, "Unpaused through temporal-runtime")))

    async def update(
        self,
        *,
        arg: A = _KEEP,
        cron: str | None = None,
        every: Duration | None = None,
        time_zone: str | None = None,
        overlap: AnyScheduleOverlap | None = None,
    ) -> None:
        """Change the schedule: ``cron`` or ``every`` replaces its timing (a cron keeps the time zone
        unless ``time_zone`` is given), ``arg`` the arguments of its future runs (the method's one
        argument, or a tuple of its arguments when it takes several), ``overlap`` its policy."""
        if cron is None and every is None and time_zone is None and overlap is None and arg is _KEEP:
            raise InvalidOptionError(
                "update() was given nothing to change; pass cron=, every=, time_zone=, overlap= or arg="
            )
        if cron is not None or every is not None:
            timing: _Timing | None = _Timing.of(cron=cron, every=every, time_zone=time_zone)
        else:
            timing = None
            if time_zone is not None:
                _Timing.of(cron="* * * * *", time_zone=time_zone)  # checks the name alone
        policy = None if overlap is None else to_temporal_overlap(overlap)
        arguments = None if arg is _KEEP else self._arguments(arg)
        updater = _Updater(self._client, self._definition, self._method, timing, time_zone, policy, arguments)
        given = f"cron={cron!r}" if cron is not None else f"every={every!r}" if every is not None else None
        await self._call(self._handle.update(updater), given)

    def _arguments(self, arg: Any) -> tuple[Any, ...]:
        if self._definition is None or self._method is None:
            raise InvalidArgumentsError(
                f"Schedule {self.id!r} starts a workflow this process does not define, so new arguments "
                "cannot be checked; import the module that defines its workflow class, then get the "
                "schedule again with engine.get_schedule(id)"
            )
        count = len(self._definition.entry(self._method).parameters)
        if count == 0:
            if not isinstance(arg, NoArgs):
                raise InvalidArgumentsError(
                    f"{self._definition.name}.{self._method} takes no argument, so update(arg={arg!r}) has "
                    "nothing to change; leave arg out"
                )
            return ()
        arguments: tuple[Any, ...] = (arg,)
        if count > 1 and isinstance(arg, tuple):
            arguments = tuple(cast("tuple[object, ...]", arg))
        return arguments

    async def backfill(
        self, start: datetime, end: datetime, overlap: AnyScheduleOverlap = ScheduleOverlap.ALLOW_ALL
    ) -> None:
        """Take the actions due between ``start`` and ``end`` (aware datetimes) now, as if that time
        were passing now: a run for each due time, under ``overlap`` (default ALLOW_ALL: all of them,
        however many run at once). Backfilled runs' ids carry the time they were due."""
        begin, finish = aware_datetime(start, "start"), aware_datetime(end, "end")
        if finish <= begin:
            raise InvalidOptionError(
                f"backfill end={finish.isoformat()} is not after start={begin.isoformat()}; pass start < end"
            )
        backfill = temporalio.client.ScheduleBackfill(
            start_at=begin, end_at=finish, overlap=to_temporal_overlap(overlap)
        )
        await self._call(self._handle.backfill(backfill))

    async def delete(self) -> None:
        """Delete the schedule; the runs it started go on."""
        await self._call(self._handle.delete())

    def run_handle(self, action: ScheduleAction | str) -> MethodHandle[R, W]:
        """The typed handle of a run the schedule started (an action, or its workflow id); no server
        call. Its ``result()`` is ``R``, as for a run started with ``engine.start_workflow``."""
        workflow_id = action if isinstance(action, str) else action.workflow_id
        if self._definition is None or self._method is None:
            return cast(MethodHandle[R, W], self._client.get_handle(workflow_id))
        method = cast(Callable[[Any], Awaitable[Any]], self._definition.entry(self._method).fn)
        return cast(MethodHandle[R, W], self._client.get_handle_for(method, workflow_id))


def _note(note: str | None, default: str) -> str:
    if note is not None and not isinstance(note, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise InvalidOptionError(f"note must be a string, got {type(note).__name__} {note!r}")
    return note or default


class _Updater:
    """The callback temporalio's ``update`` calls with the current schedule (perhaps more than once)."""

    def __init__(
        self,
        client: WorkflowClient,
        definition: WorkflowDefinition | None,
        method: str | None,
        timing: _Timing | None,
        time_zone: str | None,
        overlap: temporalio.client.ScheduleOverlapPolicy | None,
        arguments: tuple[Any, ...] | None,
    ) -> None:
        self._client = client
        self._definition = definition
        self._method = method
        self._timing = timing
        self._time_zone = time_zone
        self._overlap = overlap
        self._arguments = arguments

    def __call__(self, update: temporalio.client.ScheduleUpdateInput) -> temporalio.client.ScheduleUpdate:
        schedule = update.description.schedule
        spec = schedule.spec
        if self._timing is not None and self._timing.cron is not None:
            spec.cron_expressions, spec.calendars, spec.intervals = [self._timing.cron], [], []
            if self._time_zone is not None:
                spec.time_zone_name = self._time_zone
        elif self._timing is not None and self._timing.every is not None:
            spec.cron_expressions, spec.calendars, spec.time_zone_name = [], [], None
            spec.intervals = [temporalio.client.ScheduleIntervalSpec(every=self._timing.every)]
        elif self._time_zone is not None:
            if not spec.calendars and not spec.cron_expressions:
                raise InvalidOptionError(
                    f"update(time_zone={self._time_zone!r}) applies to a cron schedule, and schedule "
                    f"{update.description.id!r} runs at an interval; pass cron= with it"
                )
            spec.time_zone_name = self._time_zone
        if self._overlap is not None:
            schedule.policy.overlap = self._overlap
        action = schedule.action
        if self._arguments is not None and isinstance(action, temporalio.client.ScheduleActionStartWorkflow):
            assert self._definition is not None  # checked by _arguments
            assert self._method is not None
            start = self._client.prepare_start(
                self._definition.workflow_class,
                self._method,
                self._arguments,
                None,
                StartOptions(id=action.id, task_queue=action.task_queue),
            )
            action.args = [start.payload]
        return temporalio.client.ScheduleUpdate(schedule=schedule)
