"""What ``Workflow.exec``/``sleep``/``wait_until`` do inside a running workflow.

Everything here talks to ``temporalio.workflow``; outside a workflow each call raises
:class:`NotInWorkflowError` with a hint on how to unit-test instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import temporalio.exceptions
import temporalio.workflow

from temporal_runtime_core import (
    ActivityDefinition,
    ActivityFailedError,
    ActivityNotRegisteredError,
    DefinitionError,
    Duration,
    InvalidArgumentsError,
    NotInWorkflowError,
    to_timedelta,
)

from ._convert import AnyRetryPolicy, optional_timedelta, to_temporal_retry_policy

__all__ = ["execute_activity", "register_worker_activities", "sleep", "wait_until"]

# Activity names a worker of this process serves, by task queue. The engine fills this so a workflow
# that schedules an activity nobody serves fails at once instead of waiting for a worker forever.
_served: dict[str, frozenset[str]] = {}


def register_worker_activities(task_queue: str, names: frozenset[str] | None) -> None:
    """Record (or with None, forget) the activities the worker on ``task_queue`` serves."""
    if names is None:
        _served.pop(task_queue, None)
    else:
        _served[task_queue] = names


def _require_workflow(operation: str) -> None:
    if not temporalio.workflow.in_workflow():
        raise NotInWorkflowError(
            f"Workflow.{operation}() only works inside a workflow running on a worker. To unit-test "
            f"workflow logic without Temporal, patch it (`patch.object(wf, {operation!r}, "
            "new_callable=AsyncMock)`), or run the workflow through an engine."
        )


async def execute_activity[A, R](
    activity: ActivityDefinition[A, R],
    args: A,
    *,
    timeout: Duration,
    retry_policy: AnyRetryPolicy | None,
    heartbeat_timeout: Duration | None,
    task_queue: str | None,
    schedule_to_close_timeout: Duration | None,
) -> R:
    _require_workflow("exec")
    if not isinstance(activity, ActivityDefinition):
        raise DefinitionError(
            f"Workflow.exec() takes an activity handle returned by activity_def(...), got {activity!r}"
        )
    start_to_close = to_timedelta(timeout, f"exec({activity.name!r}) timeout")
    queue = task_queue or temporalio.workflow.info().task_queue
    served = _served.get(queue)
    if served is not None and activity.name not in served:
        raise ActivityNotRegisteredError(
            f"Activity {activity.name!r} is not registered on the worker for task queue {queue!r} "
            f"(it serves: {', '.join(sorted(served)) or 'no activities'}). Import the module that "
            "defines it before engine.start(), or pass task_queue= naming a queue whose worker has it."
        )
    validated = activity.validate_args(args)
    try:
        result = await temporalio.workflow.execute_activity(
            activity.name,
            validated,
            task_queue=task_queue,
            result_type=activity.result_type,
            start_to_close_timeout=start_to_close,
            schedule_to_close_timeout=optional_timedelta(
                schedule_to_close_timeout, "schedule_to_close_timeout"
            ),
            heartbeat_timeout=optional_timedelta(heartbeat_timeout, "heartbeat_timeout"),
            retry_policy=to_temporal_retry_policy(retry_policy),
        )
    except temporalio.exceptions.ActivityError as exc:
        raise activity_failed(exc, activity.name) from exc
    return activity.validate_result(result)


def activity_failed(exc: temporalio.exceptions.ActivityError, name: str) -> ActivityFailedError:
    """Our error for a failed activity: the user's exception type and message on top."""
    cause = exc.cause
    error_type: str | None = None
    message = str(cause) if cause is not None else str(exc)
    details: tuple[object, ...] = ()
    if isinstance(cause, temporalio.exceptions.ApplicationError):
        error_type = cause.type
        message = cause.message
        details = tuple(cause.details)
    elif isinstance(cause, temporalio.exceptions.TimeoutError):
        error_type = f"TimeoutError({cause.type.name if cause.type is not None else 'UNKNOWN'})"
    elif isinstance(cause, temporalio.exceptions.CancelledError):
        error_type = "CancelledError"
    prefix = f"{error_type}: " if error_type else ""
    return ActivityFailedError(
        f"Activity {name!r} failed: {prefix}{message}",
        activity_name=name,
        error_type=error_type,
        details=details,
    )


async def sleep(duration: Duration) -> None:
    _require_workflow("sleep")
    await temporalio.workflow.sleep(to_timedelta(duration, "sleep duration"))


async def wait_until(predicate: Callable[[], bool], timeout: Duration | None) -> None:
    _require_workflow("wait_until")
    if not callable(predicate):
        raise InvalidArgumentsError(f"wait_until() takes a callable returning bool, got {predicate!r}")
    limit: timedelta | None = None if timeout is None else to_timedelta(timeout, "wait_until timeout")
    try:
        await temporalio.workflow.wait_condition(predicate, timeout=limit)
    except TimeoutError:
        raise TimeoutError(f"wait_until() condition not met within {limit}") from None
