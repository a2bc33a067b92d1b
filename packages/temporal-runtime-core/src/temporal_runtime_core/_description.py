"""What a caller can learn about a run, as plain data: its :class:`WorkflowStatus`, its
:class:`WorkflowDescription` with the :class:`PendingActivity` entries it waits on, and the
:class:`WorkflowTaskFailure` that keeps a stuck run from going on.

The client layer fills these in from the server's answer; nothing here knows temporalio.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from ._errors import describe_failure
from ._search_attributes import SearchAttributes

__all__ = [
    "PendingActivity",
    "PendingActivityState",
    "WorkflowDescription",
    "WorkflowStatus",
    "WorkflowTaskFailure",
]


class WorkflowStatus(Enum):
    """The status of a workflow execution."""

    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"
    TERMINATED = "TERMINATED"
    CONTINUED_AS_NEW = "CONTINUED_AS_NEW"
    TIMED_OUT = "TIMED_OUT"
    UNKNOWN = "UNKNOWN"


class PendingActivityState(Enum):
    """Where a pending activity is (Temporal's ``PendingActivityState``)."""

    SCHEDULED = "SCHEDULED"
    """Waiting for a worker to pick it up: its first attempt, or a retry whose backoff has passed or
    is running (``PendingActivity.last_failure`` says why the last attempt failed)."""
    STARTED = "STARTED"
    """A worker runs the current attempt."""
    CANCEL_REQUESTED = "CANCEL_REQUESTED"
    """The workflow asked to cancel it; the worker has not answered yet."""
    PAUSED = "PAUSED"
    """Paused by an operator (``temporal activity pause``): no attempt is scheduled until unpaused."""
    PAUSE_REQUESTED = "PAUSE_REQUESTED"
    """Pause asked while an attempt runs: paused once that attempt ends."""
    UNKNOWN = "UNKNOWN"
    """A state the server did not name, or one newer than this version knows."""


@dataclass(frozen=True, slots=True)
class PendingActivity:
    """An activity the run has scheduled and that has not completed yet, with its retries so far."""

    activity_id: str
    """The activity's id within the run (``"1"``, ``"2"``, ... by default)."""
    activity_name: str
    """The activity type: the name given to ``activity_def``."""
    state: PendingActivityState
    attempt: int
    """The attempt it is on (1 for the first; every earlier attempt failed)."""
    maximum_attempts: int | None
    """The retry policy's limit, None when unlimited."""
    last_failure: str | None
    """Why the last attempt failed, as ``"ValueError: card declined"`` (None before any failure)."""
    scheduled_time: datetime | None = None
    """When the current attempt was scheduled (during a retry's backoff: when it will be)."""
    last_started_time: datetime | None = None
    """When a worker started the current attempt (None while the attempt waits for one)."""
    last_attempt_complete_time: datetime | None = None
    """When the last failed attempt ended (None before any)."""
    next_attempt_schedule_time: datetime | None = None
    """During a retry's backoff, when the next attempt is scheduled (None otherwise)."""
    last_heartbeat_time: datetime | None = None
    """When the activity last heartbeated (None if it never did)."""
    heartbeat_details: tuple[object, ...] = ()
    """The details of its last heartbeat, as plain JSON values."""

    def __str__(self) -> str:
        attempt = f"attempt {self.attempt}" + (f"/{self.maximum_attempts}" if self.maximum_attempts else "")
        failed = f", last failure: {self.last_failure}" if self.last_failure is not None else ""
        return f"{self.activity_name} ({self.state.value}, {attempt}{failed})"


@dataclass(frozen=True, slots=True)
class WorkflowTaskFailure:
    """Why a running workflow makes no progress: its workflow task keeps failing.

    A bug, a sandbox violation or nondeterminism in workflow code fails the workflow *task*, not the
    run; Temporal retries the task (each retry replays the run's history) until a worker's code
    completes it, so deploying a fix rescues the run. Temporal records the first failure of such a
    series in the run's history (a ``WorkflowTaskFailed`` event) and counts the attempts; later
    attempts, usually failing the same way, are not recorded.
    """

    message: str
    """The failure's message, e.g. ``"'NoneType' object has no attribute 'total'"``."""
    error_type: str | None
    """The exception class that failed the task (``"AttributeError"``), when known."""
    attempt: int
    """The attempt the workflow task is on now (every earlier attempt failed)."""
    cause: str
    """Temporal's cause: ``"WORKFLOW_WORKER_UNHANDLED_FAILURE"`` for an exception in workflow code,
    ``"NON_DETERMINISTIC_ERROR"``, or ``"TIMED_OUT"`` when a worker did not answer in time."""
    failed_at: datetime | None = None
    """When the recorded failure happened."""
    stack_trace: str = field(default="", repr=False)
    """The worker's stack trace of the recorded failure (empty when not recorded)."""

    def __str__(self) -> str:
        return f"{describe_failure(self.error_type, self.message)} (workflow task attempt {self.attempt})"


@dataclass(frozen=True, slots=True)
class WorkflowDescription:
    """What the server knows about one run (``await handle.describe()``).

    For what this type does not cover, temporalio's own description is
    ``await handle.temporal_handle.describe()``.
    """

    workflow_id: str
    run_id: str
    workflow_type: str
    """The Temporal workflow type: the workflow class's ``name=``, by default its class name."""
    method: str | None
    """The entry method the run executes, when it was started through temporal-runtime."""
    memo: Mapping[str, object]
    """The run's memo as plain JSON values (without the entry method temporal-runtime records)."""
    status: WorkflowStatus
    task_queue: str
    start_time: datetime
    close_time: datetime | None
    history_length: int
    last_task_failure: WorkflowTaskFailure | None
    """Set while the run's workflow task keeps failing (the run is stuck until the code is fixed);
    None for a run that progresses or has ended."""
    search_attributes: SearchAttributes
    """The run's search attributes: ``.get(CustomerId)`` typed by the key, or by name ``str``,
    ``int``, ``float``, ``bool``, ``datetime`` (aware, UTC) values and a tuple of ``str`` for a
    keyword list."""
    pending_activities: tuple[PendingActivity, ...]
    """The activities the run waits on, in the order the server lists them; for a run that has ended,
    those it waited on when it ended (what a timed-out or terminated run was stuck on)."""
