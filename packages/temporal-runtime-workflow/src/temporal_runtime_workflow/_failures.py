"""How a Temporal failure is described to users: the error type, message and details it carries."""

from __future__ import annotations

import traceback

import temporalio.exceptions

from temporal_runtime_core import NonRetryableError

__all__ = [
    "FailureFields",
    "activity_failure_fields",
    "failure_fields",
    "non_retryable_failure",
    "remote_traceback",
]

type FailureFields = tuple[str | None, str, tuple[object, ...]]
"""(error type, message, details)."""


def failure_fields(exc: BaseException) -> FailureFields:
    """The application's exception type for an ``ApplicationError``, else the failure's class name."""
    if isinstance(exc, temporalio.exceptions.ApplicationError):
        return exc.type, exc.message, tuple(exc.details)
    if isinstance(exc, temporalio.exceptions.FailureError):
        return type(exc).__name__, exc.message, ()
    return type(exc).__name__, str(exc), ()


def activity_failure_fields(exc: temporalio.exceptions.ActivityError) -> FailureFields:
    """What made an activity fail; a timeout names its kind (``TimeoutError(START_TO_CLOSE)``)."""
    cause = exc.cause
    if cause is None:
        return None, exc.message, ()
    error_type, message, details = failure_fields(cause)
    if isinstance(cause, temporalio.exceptions.TimeoutError):
        error_type = f"TimeoutError({cause.type.name if cause.type is not None else 'UNKNOWN'})"
    return error_type, message, details


_WRAPPERS = (temporalio.exceptions.ActivityError, temporalio.exceptions.ChildWorkflowError)
"""Failures that wrap the one raised where it happened (their ``cause``)."""


def remote_traceback(exc: BaseException | None) -> str | None:
    """The stack trace Temporal recorded for ``exc`` where it was raised (for an activity or child
    failure: of its cause, the exception raised there), or None when none was recorded."""
    while exc is not None:
        if isinstance(exc, temporalio.exceptions.FailureError):
            cause = exc.cause
            if isinstance(
                exc, temporalio.exceptions.ActivityError | temporalio.exceptions.ChildWorkflowError
            ):
                exc = cause
                continue
            failure = exc.failure
            if failure is None:  # raised in this process (the testing kit): the cause's own traceback
                return _local_traceback(exc.__cause__)
            return failure.stack_trace or None
        return None
    return None


def _local_traceback(exc: BaseException | None) -> str | None:
    if exc is None or exc.__traceback__ is None:
        return None
    return "".join(traceback.format_tb(exc.__traceback__)) or None


def non_retryable_failure(exc: NonRetryableError) -> temporalio.exceptions.ApplicationError:
    """The failure an activity reports for a :class:`NonRetryableError`: not retried, typed by the
    class name, with its details. Raise it ``from exc``; the traceback is the one of ``exc``."""
    failure = temporalio.exceptions.ApplicationError(
        exc.message, *exc.details, type=type(exc).__name__, non_retryable=True
    )
    return failure.with_traceback(exc.__traceback__)
