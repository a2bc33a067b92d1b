"""How a Temporal failure is described to users: the error type, message and details it carries."""

from __future__ import annotations

import temporalio.exceptions

__all__ = ["FailureFields", "activity_failure_fields", "failure_fields"]

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
