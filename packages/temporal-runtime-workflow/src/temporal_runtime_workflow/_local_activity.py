"""Local activities (``Workflow.exec_local``): run by the workflow's own worker, recorded in history
by their result only.

A local activity skips the round trip through the server's task queue (no schedule/start events, no
heartbeats, no task queue of its choice), which makes a short call (milliseconds) cheap. Its
implementation must be served by the worker running the workflow; Temporal retries it locally under
its retry policy.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import temporalio.exceptions
import temporalio.workflow

from temporal_runtime_core import ActivityDefinition, ActivityNotRegisteredError, DefinitionError

from ._convert import to_temporal_cancellation, to_temporal_retry_policy

if TYPE_CHECKING:
    from ._runtime import ActivityCall

__all__ = ["check_local", "temporal_local_activity"]


def check_local(activity: ActivityDefinition[Any, Any]) -> None:
    """Refuse an activity that cannot run locally: a stub is served by another process."""
    if activity.is_stub:
        raise DefinitionError(
            f"exec_local({activity.name!r}): {activity.origin} is a stub (activity_stub), served by "
            "another process; a local activity runs in the workflow's own worker. Use "
            f"self.exec({activity.name}, ...) instead."
        )


async def temporal_local_activity(call: ActivityCall) -> Any:
    """Schedule ``call`` as a temporalio local activity and wait for its raw result."""
    from ._runtime import activity_failed, served_activities  # one module imports the other

    name = call.activity.name
    queue = temporalio.workflow.info().task_queue
    served = served_activities(queue)
    if served is not None and name not in served and not temporalio.workflow.unsafe.is_replaying():
        raise ActivityNotRegisteredError(
            f"Local activity {name!r} is not registered on this workflow's worker (task queue "
            f"{queue!r}, which serves: {', '.join(sorted(served)) or 'no activities'}). A local "
            "activity runs in the worker running the workflow: import the module that defines it "
            "before engine.start()."
        )
    positional = (call.args,) if call.activity.takes_args else ()
    try:
        return await temporalio.workflow.execute_local_activity(
            name,
            *positional,
            result_type=call.activity.result_type,
            start_to_close_timeout=call.start_to_close_timeout,
            schedule_to_close_timeout=call.schedule_to_close_timeout,
            retry_policy=to_temporal_retry_policy(call.retry_policy),
            cancellation_type=to_temporal_cancellation(call.cancellation, f"exec_local({name!r})"),
        )
    except temporalio.exceptions.ActivityError as exc:
        if isinstance(exc.cause, temporalio.exceptions.CancelledError):
            raise asyncio.CancelledError(f"Local activity {name!r} was cancelled") from exc
        raise activity_failed(exc, name) from exc
    except temporalio.exceptions.ApplicationError as exc:
        # A local activity's non-retryable failure arrives unwrapped: wrap it as Temporal wraps
        # other activity failures, so the workflow and, if it fails the run, the caller see it the same.
        error = _activity_error(name, exc)
        raise activity_failed(error, name) from error


def _activity_error(
    name: str, cause: temporalio.exceptions.ApplicationError
) -> temporalio.exceptions.ActivityError:
    error = temporalio.exceptions.ActivityError(
        "Local activity failed",
        scheduled_event_id=0,
        started_event_id=0,
        identity="",
        activity_type=name,
        activity_id="",
        retry_state=temporalio.exceptions.RetryState.NON_RETRYABLE_FAILURE,
    )
    error.__cause__ = cause
    return error
