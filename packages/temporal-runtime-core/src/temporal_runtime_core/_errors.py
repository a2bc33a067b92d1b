"""The exception hierarchy of temporal-runtime.

Every exception the SDK raises on purpose derives from :class:`TemporalRuntimeError`, so callers can
catch the whole family with one ``except``. Messages name the culprit and say how to fix it.
"""

from __future__ import annotations

__all__ = [
    "ActivityFailedError",
    "ActivityNotRegisteredError",
    "DefinitionError",
    "DuplicateNameError",
    "EngineConnectionError",
    "EngineError",
    "EngineNotStartedError",
    "InvalidArgumentsError",
    "InvalidOptionError",
    "LocalServerError",
    "NotInWorkflowError",
    "TemporalRuntimeError",
    "UnknownMethodError",
    "UpdateFailedError",
    "WorkflowAlreadyStartedError",
    "WorkflowCancelledError",
    "WorkflowError",
    "WorkflowFailedError",
    "WorkflowNotFoundError",
    "WorkflowTerminatedError",
    "WorkflowTimedOutError",
]


class TemporalRuntimeError(Exception):
    """Base class of every error raised by temporal-runtime."""


# --- definitions -------------------------------------------------------------------------------


class DefinitionError(TemporalRuntimeError, TypeError):
    """A workflow or activity is defined in a way the SDK cannot run (raised at definition time)."""


class DuplicateNameError(DefinitionError):
    """Two different workflows (or two different activities) claim the same name."""

    def __init__(self, kind: str, name: str, existing: str, new: str) -> None:
        self.kind = kind
        self.name = name
        self.existing = existing
        self.new = new
        super().__init__(
            f"Conflicting {kind} name {name!r}: already registered by {existing}, "
            f"now defined again by {new}. Give one of them a different name "
            f"(names must be unique per registry)."
        )


class InvalidOptionError(TemporalRuntimeError, ValueError):
    """An option (timeout, retry policy, id policy, ...) has a value the SDK cannot use."""


# --- calls -------------------------------------------------------------------------------------


class InvalidArgumentsError(TemporalRuntimeError, ValueError):
    """Arguments or a DTO did not validate against the declared types.

    Raised on the caller's side before anything is sent, and reported (non-retryable) when a worker
    receives arguments that do not validate.
    """


class UnknownMethodError(TemporalRuntimeError, AttributeError):
    """A workflow has no entry method, signal or query of the requested name."""


class NotInWorkflowError(TemporalRuntimeError, RuntimeError):
    """A workflow-only operation (``exec``, ``sleep``, ``wait_until``) ran outside a running workflow."""


# --- engine ------------------------------------------------------------------------------------


class EngineError(TemporalRuntimeError):
    """The engine cannot do what was asked (not started, cannot connect, server missing)."""


class EngineNotStartedError(EngineError):
    """The engine was used before ``await engine.start()`` (or after ``stop()``)."""


class EngineConnectionError(EngineError, ConnectionError):
    """The engine could not reach the Temporal server or namespace."""


class LocalServerError(EngineError):
    """The embedded local Temporal server could not be found or started."""


class ActivityNotRegisteredError(TemporalRuntimeError, LookupError):
    """An activity was scheduled that no worker of this engine can run."""


# --- workflow outcomes as seen by a caller -----------------------------------------------------


class WorkflowError(TemporalRuntimeError):
    """A workflow execution did not complete successfully, as seen by the caller."""

    def __init__(
        self,
        message: str,
        *,
        workflow_id: str | None = None,
        run_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.workflow_id = workflow_id
        self.run_id = run_id


class WorkflowFailedError(WorkflowError):
    """The workflow failed. ``error_type`` names the exception type raised inside it."""

    def __init__(
        self,
        message: str,
        *,
        error_type: str | None = None,
        workflow_id: str | None = None,
        run_id: str | None = None,
        details: tuple[object, ...] = (),
    ) -> None:
        super().__init__(message, workflow_id=workflow_id, run_id=run_id)
        self.error_type = error_type
        self.details = details


class ActivityFailedError(WorkflowFailedError):
    """The workflow failed because one of its activities failed.

    ``error_type`` and ``message`` are those of the exception the activity raised.
    """

    def __init__(
        self,
        message: str,
        *,
        activity_name: str | None,
        error_type: str | None = None,
        workflow_id: str | None = None,
        run_id: str | None = None,
        details: tuple[object, ...] = (),
    ) -> None:
        super().__init__(
            message,
            error_type=error_type,
            workflow_id=workflow_id,
            run_id=run_id,
            details=details,
        )
        self.activity_name = activity_name


class UpdateFailedError(WorkflowError):
    """An update was rejected or its handler raised; the workflow itself keeps running.

    ``error_type`` names the exception type raised by the handler.
    """

    def __init__(
        self,
        message: str,
        *,
        error_type: str | None = None,
        workflow_id: str | None = None,
        run_id: str | None = None,
    ) -> None:
        super().__init__(message, workflow_id=workflow_id, run_id=run_id)
        self.error_type = error_type


class WorkflowCancelledError(WorkflowError):
    """The workflow was cancelled."""


class WorkflowTerminatedError(WorkflowError):
    """The workflow was terminated."""


class WorkflowTimedOutError(WorkflowError, TimeoutError):
    """The workflow exceeded its execution or run timeout."""


class WorkflowAlreadyStartedError(WorkflowError):
    """A workflow with this id is already running and the id conflict policy is FAIL."""


class WorkflowNotFoundError(WorkflowError, LookupError):
    """No workflow execution exists with this id in the engine's namespace."""
