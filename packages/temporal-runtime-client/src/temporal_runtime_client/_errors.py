"""Translate temporalio's client-side exceptions into temporal-runtime's error hierarchy."""

from __future__ import annotations

import re
from typing import Final, NoReturn, TypedDict

import temporalio.client
import temporalio.exceptions
import temporalio.service

from temporal_runtime_core import (
    ActivityFailedError,
    PayloadTooLargeError,
    QueryFailedError,
    TemporalRuntimeError,
    UpdateFailedError,
    WorkflowAlreadyStartedError,
    WorkflowCancelledError,
    WorkflowError,
    WorkflowFailedError,
    WorkflowNotFoundError,
    WorkflowTerminatedError,
    WorkflowTimedOutError,
    describe_failure,
)
from temporal_runtime_workflow import (
    activity_failure_fields,
    child_failure,
    child_failure_fields,
    failure_fields,
    remote_traceback,
)

from ._namespace_search_attributes import not_registered_error, unregistered_attribute
from ._transient_wait import is_transient, refusal_error
from ._unanswered_call import is_unanswered, unanswered_error

__all__ = ["raise_translated", "translate_error"]


class _RunIds(TypedDict):
    """The run an error is about, passed on to every error class."""

    workflow_id: str | None
    run_id: str | None


def _from_workflow_failure(
    exc: temporalio.client.WorkflowFailureError, workflow_id: str | None, run_id: str | None
) -> WorkflowError:
    cause = exc.cause
    ids = _RunIds(workflow_id=workflow_id, run_id=run_id)
    where = f"Workflow {workflow_id!r}" if workflow_id else "Workflow"
    if isinstance(cause, temporalio.exceptions.CancelledError):
        return WorkflowCancelledError(f"{where} was cancelled", **ids)
    if isinstance(cause, temporalio.exceptions.TerminatedError):
        reason = (
            f": {cause.message}" if cause.message and cause.message != "Workflow execution terminated" else ""
        )
        return WorkflowTerminatedError(f"{where} was terminated{reason}", **ids)
    if isinstance(cause, temporalio.exceptions.TimeoutError):
        return WorkflowTimedOutError(f"{where} timed out ({cause.message})", **ids)
    if isinstance(cause, temporalio.exceptions.ActivityError):
        error_type, message, details = activity_failure_fields(cause)
        return ActivityFailedError(
            f"{where} failed: activity {cause.activity_type!r} failed: "
            f"{describe_failure(error_type, message)}",
            activity_name=cause.activity_type,
            error_type=error_type,
            details=details,
            remote_traceback=remote_traceback(cause),
            **ids,
        )
    if isinstance(cause, temporalio.exceptions.ChildWorkflowError):
        return child_failure(
            child_id=cause.workflow_id,
            child_type=cause.workflow_type,
            fields=child_failure_fields(cause),
            context=f"{where} failed: ",
            **ids,
        )
    if cause is None:  # pyright: ignore[reportUnnecessaryComparison]  # typed, not always set
        return WorkflowFailedError(f"{where} failed: {exc}", **ids)
    error_type, message, details = failure_fields(cause)
    return WorkflowFailedError(
        f"{where} failed: {describe_failure(error_type, message)}",
        error_type=error_type,
        details=details,
        remote_traceback=remote_traceback(cause),
        **ids,
    )


# The server's words for a payload over limit.blobSize.error, and gRPC's for a message over its size cap.
_SERVER_SIZE_REFUSAL: Final = re.compile(
    r"blob data size exceeds limit|message larger than max", re.IGNORECASE
)


def translate_error(
    exc: BaseException, *, workflow_id: str | None = None, run_id: str | None = None
) -> BaseException:
    """Our exception for ``exc`` (``exc`` itself if it is not a Temporal error we know)."""
    if isinstance(exc, TemporalRuntimeError):
        return exc
    if isinstance(exc, temporalio.client.WorkflowFailureError):
        return _from_workflow_failure(exc, workflow_id, run_id)
    if isinstance(exc, temporalio.exceptions.WorkflowAlreadyStartedError):
        return WorkflowAlreadyStartedError(
            f"Workflow {exc.workflow_id!r} is already running (type {exc.workflow_type!r}); pass "
            "id_conflict_policy=IdConflictPolicy.USE_EXISTING to attach to it, or use another id",
            workflow_id=exc.workflow_id,
        )
    unregistered = unregistered_attribute(exc)  # search attributes (#13)
    if unregistered is not None:
        return not_registered_error([unregistered], None)
    if isinstance(exc, temporalio.service.RPCError) and _SERVER_SIZE_REFUSAL.search(exc.message):
        # The cluster's limit is lower than TemporalEngine(payload_size_limit=...), or the check is off.
        return PayloadTooLargeError(
            f"The Temporal server refused a payload as too large ({exc.message}): store large data elsewhere "
            "and pass a reference to it, and set TemporalEngine(payload_size_limit=...) to the cluster's "
            "limit.blobSize.error so that such payloads are refused before they are sent"
        )
    if isinstance(exc, temporalio.service.RPCError) and is_transient(exc):  # overloaded or restarting
        return refusal_error(exc, workflow_id)
    if isinstance(exc, temporalio.service.RPCError) and is_unanswered(exc):  # not answered in time
        return unanswered_error(exc, workflow_id)
    if (
        isinstance(exc, temporalio.service.RPCError)
        and exc.status == temporalio.service.RPCStatusCode.NOT_FOUND
    ):
        target = f"{workflow_id!r}" if workflow_id else "the requested workflow"
        return WorkflowNotFoundError(
            f"No workflow execution {target} found: {exc.message}", workflow_id=workflow_id
        )
    if isinstance(exc, temporalio.client.WorkflowUpdateFailedError):
        error_type, message, details = (
            failure_fields(exc.cause)
            if exc.cause is not None  # pyright: ignore[reportUnnecessaryComparison]  # typed, not always set
            else (None, str(exc), ())
        )
        return UpdateFailedError(
            f"Update on workflow {workflow_id!r} failed: {describe_failure(error_type, message)}",
            error_type=error_type,
            details=details,
            remote_traceback=remote_traceback(exc.cause),
            workflow_id=workflow_id,
            run_id=run_id,
        )
    if isinstance(exc, temporalio.client.WorkflowQueryFailedError):
        return QueryFailedError(
            f"Query on workflow {workflow_id!r} failed: {exc.message}", workflow_id=workflow_id, run_id=run_id
        )
    return exc


def raise_translated(exc: Exception, *, workflow_id: str | None, run_id: str | None = None) -> NoReturn:
    """Raise our exception for ``exc``, chained to it, or ``exc`` itself when we have none."""
    translated = translate_error(exc, workflow_id=workflow_id, run_id=run_id)
    if translated is exc:
        raise exc
    raise translated from exc
