"""Which exceptions raised by workflow code fail the run, and which fail only the workflow task.

Business failures fail the run, and the caller's ``result()`` raises ``WorkflowFailedError``: the
SDK's own errors (invalid arguments, an unknown method, an activity or child-workflow failure the
workflow does not catch, ...), :class:`WorkflowFailure` raised on purpose, Temporal's failures, and
the exception types listed in ``class W(Workflow, failure_exceptions=(...))`` or
``TemporalEngine(workflow_failure_exceptions=[...])`` (temporalio applies those two lists itself:
they are its ``workflow.defn(failure_exception_types=...)`` and the worker's
``workflow_failure_exception_types``).

Anything else is a bug (an ``AttributeError`` from a typo, a sandbox violation, nondeterminism) and
fails the workflow *task*, which Temporal retries: the run stays RUNNING and a fixed deploy lets it
go on from where it stopped, instead of every run in flight failing for good. Such a failure is
logged once per run (see ``_task_failures``).
"""

from __future__ import annotations

import temporalio.exceptions
import temporalio.workflow

from temporal_runtime_core import (
    ActivityFailedError,
    ChildWorkflowFailedError,
    SandboxViolationError,
    TemporalRuntimeError,
    WorkflowFailure,
)

from ._definition import WorkflowDefinition
from ._sandbox_advice import explain_sandbox_violation, is_sandbox_violation
from ._task_failures import report_task_failure

__all__ = ["failure_to_raise", "update_failure"]


def failure_to_raise(exc: Exception, defn: WorkflowDefinition, where: str) -> BaseException:
    """What to raise when ``where`` (an entry method or a signal handler of ``defn``) raised ``exc``.

    Business failures come back as a Temporal failure (or unchanged, for the listed types); a bug
    comes back unchanged, or as our :class:`SandboxViolationError`, and is reported once per run.
    The original exception stays the ``__cause__`` of a new one, so its traceback is recorded.
    """
    failure = _business_failure(exc, defn)
    if temporalio.workflow.in_workflow() and _fails_the_task(failure):
        report_task_failure(failure, workflow=_describe(defn), where=where)
    return failure


def update_failure(exc: Exception, defn: WorkflowDefinition) -> BaseException:
    """What to raise when an update handler raised ``exc``: any exception fails only the update
    (the workflow goes on), as a non-retryable application error naming the exception's type."""
    if isinstance(exc, temporalio.exceptions.FailureError):
        return exc
    if is_sandbox_violation(exc):
        exc = _explained(exc, defn)
    message = str(exc) or type(exc).__name__
    failure = temporalio.exceptions.ApplicationError(message, type=type(exc).__name__, non_retryable=True)
    failure.__cause__ = exc
    return failure


def _business_failure(exc: Exception, defn: WorkflowDefinition) -> BaseException:
    native = exc.__cause__
    if isinstance(exc, ActivityFailedError) and isinstance(native, temporalio.exceptions.ActivityError):
        # Temporal's own activity failure, untouched: its cause says whether it was a cancellation
        # (the run then ends CANCELED), and a caller's client reads the activity's name and error.
        return native
    if isinstance(exc, ChildWorkflowFailedError) and isinstance(
        native, temporalio.exceptions.ChildWorkflowError
    ):
        # The same for a child workflow: a cancelled child of a cancelled parent ends it CANCELED,
        # and the parent's caller reads the child's id, type and error (ChildWorkflowFailedError).
        return native
    if is_sandbox_violation(exc):
        return _explained(exc, defn)
    if isinstance(exc, SandboxViolationError) or not isinstance(exc, TemporalRuntimeError):
        return exc  # a bug (the task fails), or a listed type (temporalio fails the run)
    details: tuple[object, ...] = ()
    non_retryable = True
    if isinstance(exc, WorkflowFailure):
        details, non_retryable = exc.details, exc.non_retryable
    failure = temporalio.exceptions.ApplicationError(
        str(exc) or type(exc).__name__, *details, type=type(exc).__name__, non_retryable=non_retryable
    ).with_traceback(exc.__traceback__)  # the recorded stack trace shows where exc was raised
    failure.__cause__ = exc
    return failure


def _fails_the_task(exc: BaseException) -> bool:
    """Whether temporalio will fail the workflow task (not the run) for ``exc``."""
    if type(exc).__name__ == "_NotInWorkflowEventLoopError":  # the run is being evicted
        return False
    return not temporalio.workflow.is_failure_exception(exc)


def _explained(exc: BaseException, defn: WorkflowDefinition) -> SandboxViolationError:
    return explain_sandbox_violation(
        exc, workflow=_describe(defn), workflow_modules={defn.workflow_class.__module__}
    )


def _describe(defn: WorkflowDefinition) -> str:
    return f"Workflow {defn.name!r} ({defn.origin})"
