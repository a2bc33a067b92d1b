"""Conversions of the activity options added in #12: cancellation types, retry policies naming
exception classes, NonRetryableError as temporalio's failure, and the remote traceback."""

from __future__ import annotations

import pytest
import temporalio.api.failure.v1
import temporalio.exceptions
import temporalio.workflow

from temporal_runtime_core import ActivityCancellation, InvalidOptionError, NonRetryableError, RetryPolicy
from temporal_runtime_workflow import (
    non_retryable_failure,
    remote_traceback,
    to_temporal_cancellation,
    to_temporal_retry_policy,
)

TYPES = temporalio.workflow.ActivityCancellationType


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (ActivityCancellation.TRY_CANCEL, TYPES.TRY_CANCEL),
        (ActivityCancellation.WAIT, TYPES.WAIT_CANCELLATION_COMPLETED),
        (ActivityCancellation.ABANDON, TYPES.ABANDON),
        (TYPES.ABANDON, TYPES.ABANDON),  # temporalio's own is accepted as-is
    ],
)
def test_cancellation_types_convert(ours: ActivityCancellation, theirs: object) -> None:
    assert to_temporal_cancellation(ours, "exec()") is theirs


def test_a_string_cancellation_is_refused_with_the_fix() -> None:
    with pytest.raises(InvalidOptionError, match=r"exec\(\): cancellation= takes ActivityCancellation"):
        to_temporal_cancellation("WAIT", "exec()")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # the point


class Declined(Exception):
    pass


def test_retry_policy_classes_reach_temporal_as_names() -> None:
    policy = to_temporal_retry_policy(RetryPolicy(non_retryable_errors=[Declined, "KeyError"]))
    assert policy is not None
    assert policy.non_retryable_error_types == ["Declined", "KeyError"]


class CardDeclined(NonRetryableError):
    pass


def _raise_declined() -> None:
    raise CardDeclined("no", details=[1, "x"])


def test_a_non_retryable_error_becomes_a_non_retryable_application_error() -> None:
    with pytest.raises(CardDeclined) as info:
        _raise_declined()
    failure = non_retryable_failure(info.value)
    assert failure.non_retryable
    assert (failure.type, failure.message, tuple(failure.details)) == ("CardDeclined", "no", (1, "x"))
    assert failure.__traceback__ is not None  # the raising frame's traceback, for the stack trace


def test_remote_traceback_reads_the_recorded_stack_trace_through_the_activity_error() -> None:
    proto = temporalio.api.failure.v1.Failure(message="boom", stack_trace='  File "x.py", line 1, in f\n')
    cause = temporalio.exceptions.ApplicationError("boom", type="ValueError")
    cause._failure = proto  # pyright: ignore[reportPrivateUsage]  # as temporalio's failure converter sets it
    error = temporalio.exceptions.ActivityError(
        "Activity task failed",
        scheduled_event_id=1,
        started_event_id=2,
        identity="w",
        activity_type="a",
        activity_id="1",
        retry_state=temporalio.exceptions.RetryState.NON_RETRYABLE_FAILURE,
    )
    error.__cause__ = cause
    assert remote_traceback(error) == '  File "x.py", line 1, in f\n'
    cause._failure = temporalio.api.failure.v1.Failure(message="boom")  # pyright: ignore[reportPrivateUsage]
    assert remote_traceback(error) is None  # nothing recorded
    assert remote_traceback(ValueError("not a failure")) is None
    assert remote_traceback(None) is None
