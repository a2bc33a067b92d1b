"""``ScheduleOptionsDict``: the keyword options of ``engine.create_schedule``, as a TypedDict a type
checker checks: the schedule's own (``schedule_id``, ``cron`` or ``every``, ``overlap``, ...) on top of
every start option of :class:`StartOptionsDict`, which the schedule's runs are started with."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Required

from temporal_runtime_core import Duration, InvalidOptionError, ScheduleOverlap, ScheduleTiming
from temporal_runtime_workflow import StartOptionsDict

from ._options import StartOptions
from ._schedule_convert import AnyScheduleOverlap, to_temporal_overlap
from ._schedules import check_schedule_id

__all__ = ["ScheduleOptionsDict", "ScheduleSettings"]


class ScheduleOptionsDict(StartOptionsDict, total=False):
    """Keyword options of ``engine.create_schedule``: ``schedule_id`` and exactly one of ``cron`` and
    ``every`` are required; the start options (``execution_timeout``, ``retry_policy``, ``memo``,
    ``task_queue``, ...) apply to each run, except ``id`` (see ``workflow_id``), the id policies and
    ``start_delay``."""

    schedule_id: Required[str]
    """The schedule's id, unique in the namespace (``temporal schedule describe --schedule-id ...``)."""
    cron: str | None
    """A cron expression, ``"minute hour day-of-month month day-of-week"``, read in ``time_zone``."""
    every: Duration | None
    """An interval (seconds or a timedelta, at least one second), counted from the Unix epoch."""
    time_zone: str | None
    """The IANA time zone of ``cron`` (``"Europe/Paris"``; default UTC)."""
    overlap: AnyScheduleOverlap
    """What happens when an action is due while the last run still runs (default ``SKIP``)."""
    paused: bool
    """Create it paused (default False)."""
    note: str | None
    """A note shown with the schedule (e.g. why it is paused)."""
    start_at: datetime | None
    """No action before this aware datetime."""
    end_at: datetime | None
    """No action after this aware datetime."""
    jitter: Duration | None
    """Delay each action by a random time up to this long, to spread the load of many schedules."""
    workflow_id: str | None
    """The prefix of the runs' workflow ids (default: the schedule id); each run's id is it, a dash
    and the time the run was due (``"nightly-2026-01-31T02:00:00Z"``)."""


_OWN = frozenset(ScheduleOptionsDict.__annotations__) - frozenset(StartOptionsDict.__annotations__)


@dataclass(frozen=True, slots=True)
class ScheduleSettings:
    """``create_schedule``'s options, checked and split into the schedule's own and its runs' start
    options."""

    schedule_id: str
    timing: ScheduleTiming
    overlap: AnyScheduleOverlap
    paused: bool
    note: str | None
    workflow_id: str
    start_options: StartOptions

    @classmethod
    def of(cls, options: Mapping[str, Any]) -> ScheduleSettings:
        """The settings ``options`` give; :class:`InvalidOptionError` names a wrong one."""
        own = {key: value for key, value in options.items() if key in _OWN}
        if "schedule_id" not in own:
            raise InvalidOptionError(
                "create_schedule() needs schedule_id=..., the name of the schedule (e.g. 'nightly-report')"
            )
        schedule_id = check_schedule_id(own["schedule_id"])
        overlap = own.get("overlap", ScheduleOverlap.SKIP)
        to_temporal_overlap(overlap)
        workflow_id = own.get("workflow_id") or schedule_id
        if not isinstance(workflow_id, str):
            raise InvalidOptionError(
                f"workflow_id must be a string, the prefix of the runs' ids, got {type(workflow_id).__name__}"
            )
        paused = own.get("paused", False)
        if not isinstance(paused, bool):
            raise InvalidOptionError(f"paused must be True or False, got {paused!r}")
        note = own.get("note")
        if note is not None and not isinstance(note, str):
            raise InvalidOptionError(f"note must be a string, got {type(note).__name__} {note!r}")
        return cls(
            schedule_id=schedule_id,
            timing=ScheduleTiming.of(
                cron=own.get("cron"),
                every=own.get("every"),
                time_zone=own.get("time_zone"),
                start_at=own.get("start_at"),
                end_at=own.get("end_at"),
                jitter=own.get("jitter"),
            ),
            overlap=overlap,
            paused=paused,
            note=note,
            workflow_id=workflow_id,
            start_options=StartOptions().merge(**{k: v for k, v in options.items() if k not in _OWN}),
        )
