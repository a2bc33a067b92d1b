"""Schedules as plain data: the :class:`ScheduleOverlap` policy, a :class:`ScheduleDescription` and the
:class:`ScheduleAction` entries it lists (the runs the schedule started).

The client layer fills these in from the server's answer; nothing here knows temporalio.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

__all__ = ["ScheduleAction", "ScheduleDescription", "ScheduleOverlap"]


class ScheduleOverlap(Enum):
    """What a schedule does when an action is due while the run it started last is still running."""

    SKIP = "SKIP"
    """Start nothing; the next due time after that run ends is considered (the default)."""
    BUFFER_ONE = "BUFFER_ONE"
    """Start one more run as soon as the running one ends; further due times meanwhile are dropped."""
    BUFFER_ALL = "BUFFER_ALL"
    """Start a run for every due time, one after another, each once the previous one ends."""
    CANCEL_OTHER = "CANCEL_OTHER"
    """Cancel the running run, and start the new one once it has ended."""
    TERMINATE_OTHER = "TERMINATE_OTHER"
    """Terminate the running run and start the new one at once."""
    ALLOW_ALL = "ALLOW_ALL"
    """Start every run at its time, however many are running (what a backfill wants)."""


@dataclass(frozen=True, slots=True)
class ScheduleAction:
    """A run the schedule started."""

    workflow_id: str
    """The run's workflow id: the schedule's ``workflow_id`` prefix, a dash and the due time in UTC
    (``"nightly-2026-01-31T02:00:00Z"``)."""
    run_id: str
    """The id of the first run of that workflow (a retry or continue-as-new adds more runs)."""
    scheduled_at: datetime
    """When the action was due (jitter included), aware and in UTC."""
    started_at: datetime
    """When the server actually started the run, aware and in UTC."""


@dataclass(frozen=True, slots=True)
class ScheduleDescription:
    """What the server knows about one schedule (``await schedule.describe()``,
    ``engine.list_schedules()``).

    For what this type does not cover, temporalio's own description is
    ``await schedule.temporal_handle.describe()``.
    """

    id: str
    """The schedule id."""
    workflow_type: str
    """The Temporal workflow type the schedule starts: the workflow class's ``name=``, by default its
    class name."""
    method: str | None
    """The entry method each run executes (as in :attr:`WorkflowDescription.method`), when the schedule
    was created through temporal-runtime."""
    cron: str | None
    """The calendar the schedule follows, as a cron expression: five fields (``"0 2 * * *"``), or
    seven (seconds first, year last) when it needs them. The server stores the calendar, not the text
    given, so ``"@daily"`` reads back as ``"0 0 * * *"``. None for an interval schedule."""
    every: timedelta | None
    """The interval of an interval schedule (None for a cron schedule)."""
    time_zone: str | None
    """The IANA time zone the cron expression is read in; None is UTC."""
    start_at: datetime | None
    """No action is taken before this time (None: from creation on)."""
    end_at: datetime | None
    """No action is taken after this time (None: forever)."""
    jitter: timedelta | None
    """Each action is delayed by a random time up to this long (None: none)."""
    overlap: ScheduleOverlap
    """What happens when an action is due while the last run still runs."""
    paused: bool
    note: str | None
    """The note given with the last pause or unpause (or at creation)."""
    workflow_id: str
    """The prefix of the runs' workflow ids (see :attr:`ScheduleAction.workflow_id`)."""
    task_queue: str
    """The task queue the runs are started on."""
    next_action_times: tuple[datetime, ...]
    """The next times an action is due, soonest first (the server computes up to ten)."""
    recent_actions: tuple[ScheduleAction, ...]
    """The last actions taken (up to ten), oldest first."""
    running_workflow_ids: tuple[str, ...]
    """The workflow ids of the runs this schedule started that are still running."""
    num_actions: int
    """How many actions the schedule has taken so far (triggers and backfills included)."""
    created_at: datetime | None = None
    """When the schedule was created."""
