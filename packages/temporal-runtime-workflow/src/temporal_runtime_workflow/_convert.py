"""Conversions from the SDK's option types to temporalio's (temporalio's own are accepted as-is)."""

from __future__ import annotations

from datetime import timedelta

import temporalio.common
import temporalio.workflow

from temporal_runtime_core import (
    ActivityCancellation,
    Duration,
    IdConflictPolicy,
    IdReusePolicy,
    InvalidOptionError,
    RetryPolicy,
    to_timedelta,
)

__all__ = [
    "AnyActivityCancellation",
    "AnyIdConflictPolicy",
    "AnyIdReusePolicy",
    "AnyRetryPolicy",
    "optional_timedelta",
    "to_temporal_cancellation",
    "to_temporal_retry_policy",
]

type AnyRetryPolicy = RetryPolicy | temporalio.common.RetryPolicy
"""Our :class:`RetryPolicy`, or temporalio's."""
type AnyIdConflictPolicy = IdConflictPolicy | temporalio.common.WorkflowIDConflictPolicy
"""Our :class:`IdConflictPolicy`, or temporalio's ``WorkflowIDConflictPolicy``."""
type AnyIdReusePolicy = IdReusePolicy | temporalio.common.WorkflowIDReusePolicy
"""Our :class:`IdReusePolicy`, or temporalio's ``WorkflowIDReusePolicy``."""


def to_temporal_retry_policy(policy: AnyRetryPolicy | None) -> temporalio.common.RetryPolicy | None:
    """temporalio's retry policy for ``policy`` (ours or theirs)."""
    if policy is None or isinstance(policy, temporalio.common.RetryPolicy):
        return policy
    if isinstance(policy, RetryPolicy):  # pyright: ignore[reportUnnecessaryIsInstance]
        return temporalio.common.RetryPolicy(
            initial_interval=policy.initial_interval,
            backoff_coefficient=policy.backoff_coefficient,
            maximum_interval=policy.maximum_interval,
            maximum_attempts=policy.maximum_attempts,
            non_retryable_error_types=list(policy.non_retryable_error_types) or None,
        )
    raise InvalidOptionError(
        f"retry_policy must be temporal_runtime.RetryPolicy (or temporalio's RetryPolicy), "
        f"got {type(policy).__name__}"
    )


def optional_timedelta(value: Duration | None, option: str) -> timedelta | None:
    return None if value is None else to_timedelta(value, option)


# --- activity cancellation (#12) -------------------------------------------------------------------

type AnyActivityCancellation = ActivityCancellation | temporalio.workflow.ActivityCancellationType
"""Our :class:`ActivityCancellation`, or temporalio's ``ActivityCancellationType``."""


_CANCELLATION_TYPES = {
    ActivityCancellation.TRY_CANCEL: temporalio.workflow.ActivityCancellationType.TRY_CANCEL,
    ActivityCancellation.WAIT: temporalio.workflow.ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    ActivityCancellation.ABANDON: temporalio.workflow.ActivityCancellationType.ABANDON,
}


def to_temporal_cancellation(
    value: AnyActivityCancellation, call: str
) -> temporalio.workflow.ActivityCancellationType:
    """temporalio's cancellation type for ``exec(..., cancellation=value)`` (ours or theirs)."""
    if value is ActivityCancellation.TRY_CANCEL:  # the default, on nearly every call
        return temporalio.workflow.ActivityCancellationType.TRY_CANCEL
    if isinstance(value, temporalio.workflow.ActivityCancellationType):
        return value
    if isinstance(value, ActivityCancellation):  # pyright: ignore[reportUnnecessaryIsInstance]
        return _CANCELLATION_TYPES[value]
    raise InvalidOptionError(
        f"{call}: cancellation= takes ActivityCancellation.TRY_CANCEL, WAIT or ABANDON "
        f"(from temporal_runtime), got {value!r}"
    )
