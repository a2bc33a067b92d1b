"""How a child workflow's failure reads in its parent: :class:`ChildWorkflowFailedError`.

A child that raised carries its exception's type, message and details; one that was cancelled,
terminated or timed out carries ``"CancelledError"``, ``"TerminatedError"`` or ``"TimeoutError"``
(with the timeout's kind) as its ``error_type``, so one ``except ChildWorkflowFailedError`` covers
every way a child can end without a result.
"""

from __future__ import annotations

import temporalio.exceptions

from temporal_runtime_core import ChildWorkflowFailedError, describe_failure

from ._failures import FailureFields, activity_failure_fields, failure_fields

__all__ = ["child_failed", "child_failure", "child_failure_fields"]


def child_failure_fields(exc: temporalio.exceptions.ChildWorkflowError) -> FailureFields:
    """(error type, message, details) of what ended the child."""
    cause = exc.cause
    if cause is None:
        return None, exc.message, ()
    if isinstance(cause, temporalio.exceptions.CancelledError):
        return "CancelledError", "the child workflow was cancelled", ()
    if isinstance(cause, temporalio.exceptions.TerminatedError):
        return "TerminatedError", cause.message or "the child workflow was terminated", ()
    if isinstance(cause, temporalio.exceptions.TimeoutError):
        kind = cause.type.name if cause.type is not None else "UNKNOWN"
        return "TimeoutError", f"the child workflow timed out ({kind})", ()
    if isinstance(cause, temporalio.exceptions.ActivityError):
        error_type, message, details = activity_failure_fields(cause)
        return error_type, f"activity {cause.activity_type!r} failed: {message}", details
    if isinstance(cause, temporalio.exceptions.ChildWorkflowError):
        error_type, message, details = child_failure_fields(cause)
        return error_type, f"its child {cause.workflow_id!r} failed: {message}", details
    return failure_fields(cause)


def child_failure(
    *,
    child_id: str,
    child_type: str,
    fields: FailureFields,
    workflow_id: str | None = None,
    run_id: str | None = None,
    context: str = "",
) -> ChildWorkflowFailedError:
    """Our error for child ``child_id`` (of type ``child_type``) that ended with ``fields``;
    ``context`` starts the message (the parent's caller reads "Workflow 'x' failed: Child ...")."""
    error_type, message, details = fields
    return ChildWorkflowFailedError(
        f"{context}Child workflow {child_id!r} ({child_type}) failed: "
        + describe_failure(error_type, message),
        child_workflow_id=child_id,
        child_workflow_type=child_type,
        error_type=error_type,
        details=details,
        workflow_id=child_id if workflow_id is None else workflow_id,
        run_id=run_id,
    )


def child_failed(
    exc: temporalio.exceptions.ChildWorkflowError,
    *,
    workflow_id: str | None = None,
    run_id: str | None = None,
) -> ChildWorkflowFailedError:
    """Our error for temporalio's ``ChildWorkflowError`` (``workflow_id``/``run_id``: the run the
    catcher asked about, default the child)."""
    return child_failure(
        child_id=exc.workflow_id,
        child_type=exc.workflow_type,
        fields=child_failure_fields(exc),
        workflow_id=workflow_id,
        run_id=exc.run_id if workflow_id is None else run_id,
    )
