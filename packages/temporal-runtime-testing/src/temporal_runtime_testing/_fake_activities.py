"""The :class:`WorkflowTester`'s fake activities: calling a fake, its failures, retries in virtual time.

A fake stands in for an activity implementation: a function of the validated ``Args``, an
exception (instance or class) to raise, or a value to return. A fake is called the way a worker
calls the implementation (arguments and result through JSON); a raising fake becomes the
``ApplicationError`` a worker would report, and ``exec``'s retry policy decides, in virtual time,
whether and when the next attempt runs.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import temporalio.common
import temporalio.exceptions

from temporal_runtime_core import (
    ActivityDefinition,
    InvalidArgumentsError,
    MissingFakeError,
    default_codec,
    type_name,
)
from temporal_runtime_workflow import ActivityCall, AnyRetryPolicy

from ._json_round_trip import through_json
from ._virtual_clock import Scheduler

__all__ = [
    "UNLIMITED_ATTEMPTS_CAP",
    "ActivityCallRecord",
    "activity_args_json",
    "activity_error",
    "as_application_error",
    "call_fake",
    "check_fake",
    "missing_fake_error",
    "next_retry",
]

UNLIMITED_ATTEMPTS_CAP = 100
"""With a retry policy of unlimited attempts, the tester gives up after this many failures."""


@dataclass(frozen=True, slots=True)
class ActivityCallRecord[A]:
    """One attempt of one activity call the workflow made (see :attr:`WorkflowTester.calls`)."""

    activity: ActivityDefinition[A, Any]
    """The activity handle the workflow passed to ``exec``."""
    args: A
    """The validated argument (a copy, as the activity received it)."""
    attempt: int
    """1 for the first attempt, 2 for the first retry, ..."""
    time: datetime
    """The virtual time the attempt started at."""
    timeout: timedelta
    """``timeout=`` of the ``exec`` call (start-to-close; recorded, not enforced)."""
    schedule_to_close_timeout: timedelta | None
    heartbeat_timeout: timedelta | None
    retry_policy: AnyRetryPolicy | None
    task_queue: str | None

    @property
    def name(self) -> str:
        """The activity's registered name."""
        return self.activity.name


# --- registering and calling fakes -----------------------------------------------------------------


def check_fake(activity: object, fake: object) -> ActivityDefinition[Any, Any]:
    """``activity`` as a handle, once ``fake`` is known to fit it (else :class:`TypeError`)."""
    if not isinstance(activity, ActivityDefinition):
        raise TypeError(
            "WorkflowTester fakes are keyed by activity handles (what activity_def(...) returned), "
            f"got {activity!r}"
            + (" (pass the handle itself, not its name)" if isinstance(activity, str) else "")
        )
    handle: ActivityDefinition[Any, Any] = activity
    if callable(fake) and not _is_exception_class(fake):
        try:
            signature = inspect.signature(fake)
        except (TypeError, ValueError):
            pass
        else:
            try:
                signature.bind(None)
            except TypeError:
                raise TypeError(
                    f"The fake for activity {handle.name!r} ({fake!r}) must accept one positional "
                    f"argument, the activity's {type_name(handle.args_type)} value"
                ) from None
    return handle


def activity_args_json(activity: ActivityDefinition[Any, Any], args: object) -> Any:
    """The argument of ``activity`` as plain JSON, as a worker receives it."""
    return through_json(args, f"the arguments of activity {activity.name!r}")


async def call_fake(
    scheduler: Scheduler, activity: ActivityDefinition[Any, Any], fake: object, args: Any
) -> Any:
    """One attempt: call the fake like a worker calls the implementation; plain JSON back."""
    if isinstance(fake, BaseException):
        raise fake
    if _is_exception_class(fake):
        raise _instantiate(cast(type[BaseException], fake), activity.name)
    if callable(fake):
        value = activity.validate_args(activity_args_json(activity, args))
        scheduler.activity_started()
        try:
            result = fake(value)
            if inspect.isawaitable(result):
                result = await result
        finally:
            scheduler.activity_finished()
    else:
        result = fake
    try:
        validated = activity.validate_result(result)
        return json.loads(default_codec.encode(validated))
    except InvalidArgumentsError as exc:
        raise temporalio.exceptions.ApplicationError(
            f"{exc} (returned by the fake {fake!r})", type="InvalidResultError", non_retryable=True
        ) from None


def missing_fake_error(
    activity: ActivityDefinition[Any, Any], method: str, workflow_class: str, faked: Iterable[str]
) -> MissingFakeError:
    """The error for ``method`` (of ``workflow_class``) calling ``activity``, which has no fake."""
    faked_names = ", ".join(sorted(faked)) or "none"
    return MissingFakeError(
        f"Activity {activity.name!r} has no fake in this WorkflowTester, so {method} "
        f"cannot run it. Add one: WorkflowTester({workflow_class}, activities={{<handle>: fake}}) or "
        f"tester.fake(<handle>, fake), where <handle> is what activity_def({activity.name!r}, ...) "
        f"returned (implementation {activity.origin}) and fake is a value to return, an exception "
        f"to raise, or a function taking {type_name(activity.args_type)}. Activities with fakes: "
        f"{faked_names}.",
        activity_name=activity.name,
    )


def _is_exception_class(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, BaseException)


def _instantiate(cls: type[BaseException], activity_name: str) -> BaseException:
    try:
        return cls(f"raised by the fake of activity {activity_name!r}")
    except TypeError:
        return cls()


# --- failures and retries --------------------------------------------------------------------------


def as_application_error(exc: Exception) -> temporalio.exceptions.ApplicationError:
    """The failure a worker reports for ``exc`` (an ApplicationError keeps its own type and flags)."""
    if isinstance(exc, temporalio.exceptions.ApplicationError):
        return exc
    failure = temporalio.exceptions.ApplicationError(str(exc), type=type(exc).__name__)
    failure.__cause__ = exc
    return failure


def activity_error(
    name: str,
    activity_id: str,
    retry_state: temporalio.exceptions.RetryState,
    failure: temporalio.exceptions.ApplicationError,
) -> temporalio.exceptions.ActivityError:
    """The ``ActivityError`` Temporal raises in the workflow once activity ``name`` failed for good."""
    error = temporalio.exceptions.ActivityError(
        "Activity task failed",
        scheduled_event_id=0,
        started_event_id=0,
        identity="WorkflowTester",
        activity_type=name,
        activity_id=activity_id,
        retry_state=retry_state,
    )
    error.__cause__ = failure
    return error


def next_retry(
    policy: temporalio.common.RetryPolicy | None,
    failure: temporalio.exceptions.ApplicationError,
    attempt: int,
    elapsed: timedelta,
    call: ActivityCall,
) -> tuple[timedelta | None, temporalio.exceptions.RetryState]:
    """The backoff before the next attempt, or None and why there is none."""
    states = temporalio.exceptions.RetryState
    if policy is None:
        return None, states.RETRY_POLICY_NOT_SET
    if failure.non_retryable or failure.type in (policy.non_retryable_error_types or ()):
        return None, states.NON_RETRYABLE_FAILURE
    if policy.maximum_attempts and attempt >= policy.maximum_attempts:
        return None, states.MAXIMUM_ATTEMPTS_REACHED
    delay = failure.next_retry_delay or _backoff(policy, attempt)
    limit = call.schedule_to_close_timeout
    if limit is not None and elapsed + delay >= limit:
        return None, states.TIMEOUT
    return delay, states.IN_PROGRESS


def _backoff(policy: temporalio.common.RetryPolicy, attempt: int) -> timedelta:
    """Temporal's backoff after failed attempt ``attempt``: initial * coefficient^(attempt-1), capped."""
    maximum = (policy.maximum_interval or policy.initial_interval * 100).total_seconds()
    try:
        grown = policy.initial_interval.total_seconds() * policy.backoff_coefficient ** (attempt - 1)
    except OverflowError:
        grown = maximum
    return timedelta(seconds=min(grown, maximum))
