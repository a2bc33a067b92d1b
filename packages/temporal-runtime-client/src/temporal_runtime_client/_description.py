"""What a caller can learn about a run: its status, its :class:`WorkflowDescription`, and the
:class:`WorkflowTaskFailure` that keeps a stuck run from going on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

import temporalio.client

from temporal_runtime_core import describe_failure

__all__ = ["WorkflowDescription", "WorkflowStatus", "WorkflowTaskFailure"]


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

    @classmethod
    def from_temporal(cls, status: temporalio.client.WorkflowExecutionStatus | None) -> WorkflowStatus:
        return cls.UNKNOWN if status is None else cls.__members__.get(status.name, cls.UNKNOWN)


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
    """What the server knows about one run (``await handle.describe()``)."""

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
    temporal_description: temporalio.client.WorkflowExecutionDescription = field(repr=False, compare=False)
    """temporalio's description, for what this type does not cover."""
