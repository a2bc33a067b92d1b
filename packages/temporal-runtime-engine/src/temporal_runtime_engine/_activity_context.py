"""What activity code may ask of the activity it runs in, without importing temporalio.

``heartbeat(...)`` reports progress (and keeps a ``heartbeat_timeout`` from expiring),
``is_cancelled()`` says whether cancellation was requested, ``activity_info()`` describes the
current attempt. They work inside an activity run by a worker of :class:`TemporalEngine` and inside
``temporal_runtime.testing.ActivityTester``; anywhere else they raise :class:`NotInActivityError`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final

import temporalio.activity

from temporal_runtime_core import NotInActivityError

__all__ = ["ActivityInfo", "activity_info", "heartbeat", "is_cancelled", "running_in_thread"]

_IN_THREAD: Final[ContextVar[bool]] = ContextVar("temporal_runtime_thread_activity", default=False)


@contextmanager
def running_in_thread() -> Generator[None]:
    """Mark the code run inside as a thread activity's: :func:`heartbeat` raises ``CancelledError``
    there once cancellation was requested (an async activity gets it at its ``await`` instead)."""
    token = _IN_THREAD.set(True)
    try:
        yield
    finally:
        _IN_THREAD.reset(token)


@dataclass(frozen=True, slots=True)
class ActivityInfo:
    """The running activity attempt, as returned by :func:`activity_info`.

    ``workflow_*`` are None for an activity started outside a workflow. ``heartbeat_details`` are the
    details of the last heartbeat of the *previous* attempt (empty on the first one), as plain JSON
    values (a model heartbeated arrives as its dict: validate it back, ``Progress.model_validate(...)``):
    resume from them after a retry. ``local`` is True for a local activity (``Workflow.exec_local``).
    """

    activity_name: str
    activity_id: str
    attempt: int
    workflow_id: str | None
    workflow_run_id: str | None
    workflow_type: str | None
    task_queue: str
    heartbeat_details: tuple[Any, ...]
    local: bool = False


def _require_activity(operation: str) -> None:
    if not temporalio.activity.in_activity():
        raise NotInActivityError(
            f"{operation}() only works inside a running activity (one executed by a worker, or by "
            "temporal_runtime.testing.ActivityTester). To unit-test an activity that uses it, run it "
            "with `await ActivityTester().run(my_activity, args)`."
        )


def heartbeat(*details: Any) -> None:
    """Record progress of the current activity; ``details`` (JSON values or models) are handed to
    the next attempt as ``activity_info().heartbeat_details`` if this one fails.

    Heartbeats are how a worker learns that the activity was cancelled: a long-running activity
    that wants to be cancellable must heartbeat (and declare a ``heartbeat_timeout``). In a thread
    activity (a plain ``def``) ``heartbeat()`` raises ``asyncio.CancelledError`` once cancellation
    was requested: let it propagate (after clean-up) and the activity ends cancelled.
    """
    _require_activity("heartbeat")
    if _IN_THREAD.get() and temporalio.activity.is_cancelled():
        raise asyncio.CancelledError(f"Activity {temporalio.activity.info().activity_type!r} was cancelled")
    temporalio.activity.heartbeat(*details)


def is_cancelled() -> bool:
    """Whether cancellation of the current activity was requested.

    An async activity also receives ``asyncio.CancelledError`` at its next ``await``, a thread
    activity at its next :func:`heartbeat`; this is for code that caught it, or that polls.
    """
    _require_activity("is_cancelled")
    return temporalio.activity.is_cancelled()


def activity_info() -> ActivityInfo:
    """Name, attempt, workflow and task queue of the current activity attempt."""
    _require_activity("activity_info")
    info = temporalio.activity.info()
    return ActivityInfo(
        activity_name=info.activity_type,
        activity_id=info.activity_id,
        attempt=info.attempt,
        workflow_id=info.workflow_id,
        workflow_run_id=info.workflow_run_id,
        workflow_type=info.workflow_type,
        task_queue=info.task_queue,
        heartbeat_details=tuple(info.heartbeat_details),
        local=info.is_local,
    )
