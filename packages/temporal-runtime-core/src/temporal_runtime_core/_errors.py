"""The exception hierarchy of temporal-runtime.

Every exception the SDK raises on purpose derives from :class:`TemporalRuntimeError`, so callers can
catch the whole family with one ``except``. Messages name the culprit and say how to fix it. Standard
exceptions a class also derives from are named in brackets, so ``except ValueError`` keeps working::

    TemporalRuntimeError
    ├── DefinitionError (TypeError)
    │   └── DuplicateNameError
    ├── InvalidOptionError (ValueError)
    ├── InvalidArgumentsError (ValueError)
    │   ├── InvalidResultError
    │   └── PayloadTooLargeError
    ├── UnknownMethodError (AttributeError)
    ├── NotInWorkflowError (RuntimeError)
    ├── NotInActivityError (RuntimeError)
    ├── QueryWaitError (RuntimeError)
    ├── SandboxViolationError (RuntimeError)
    ├── WorkflowFailure
    ├── NonRetryableError
    ├── EngineError
    │   ├── EngineNotStartedError
    │   ├── EngineConnectionError (ConnectionError)
    │   ├── LocalServerError
    │   └── SearchAttributeRegistrationError
    ├── ActivityNotRegisteredError (LookupError)
    ├── SearchAttributeNotRegisteredError (LookupError)
    ├── PayloadDecryptionError (ValueError)
    ├── WorkflowError
    │   ├── WorkflowFailedError
    │   │   ├── ChildWorkflowFailedError
    │   │   └── ActivityFailedError
    │   ├── UpdateFailedError
    │   ├── QueryFailedError
    │   ├── WorkflowCancelledError
    │   ├── WorkflowTerminatedError
    │   ├── WorkflowTimedOutError (TimeoutError)
    │   ├── WorkflowAlreadyStartedError
    │   └── WorkflowNotFoundError (LookupError)
    ├── ScheduleError
    │   ├── ScheduleNotFoundError (LookupError)
    │   └── ScheduleAlreadyExistsError
    ├── MissingFakeError (LookupError)
    ├── WorkflowTesterError (RuntimeError)
    │   └── ContinuedAsNewError
    └── ReplayError (AssertionError)

(tests/core/test_errors.py checks this drawing against the classes.) The classes are exported by
``temporal_runtime`` (the testing kit's three by ``temporal_runtime.testing``), which sets their
``__module__`` so that they print under the name users import them by.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ActivityFailedError",
    "ActivityNotRegisteredError",
    "ChildWorkflowFailedError",
    "ContinuedAsNewError",
    "DefinitionError",
    "DuplicateNameError",
    "EngineConnectionError",
    "EngineError",
    "EngineNotStartedError",
    "InvalidArgumentsError",
    "InvalidOptionError",
    "InvalidResultError",
    "LocalServerError",
    "MissingFakeError",
    "NonRetryableError",
    "NotInActivityError",
    "NotInWorkflowError",
    "PayloadDecryptionError",  # --- encryption (#14) ---
    "QueryFailedError",
    "QueryWaitError",
    "ReplayError",
    "ReplayFailure",
    "SandboxViolationError",
    "ScheduleAlreadyExistsError",
    "ScheduleError",
    "ScheduleNotFoundError",
    "SearchAttributeNotRegisteredError",
    "SearchAttributeRegistrationError",
    "TemporalRuntimeError",
    "UnknownMethodError",
    "UpdateFailedError",
    "WorkflowAlreadyStartedError",
    "WorkflowCancelledError",
    "WorkflowError",
    "WorkflowFailedError",
    "WorkflowFailure",
    "WorkflowNotFoundError",
    "WorkflowTerminatedError",
    "WorkflowTesterError",
    "WorkflowTimedOutError",
    "describe_failure",
]


class TemporalRuntimeError(Exception):
    """Base class of every error raised by temporal-runtime."""

    def __reduce__(self) -> tuple[Any, ...]:
        # An exception pickles (and copies) as ``cls(*self.args)`` plus its ``__dict__``; our
        # ``__init__``s take keyword-only fields and format their message from them, so rebuild the
        # error without calling ``__init__``, as pickle does for any other object.
        return _rebuild, (type(self), self.args), self.__dict__ or None


def _rebuild(cls: type[TemporalRuntimeError], args: tuple[Any, ...]) -> TemporalRuntimeError:
    """The error of class ``cls`` with ``args``, before its attributes are restored (see ``__reduce__``)."""
    error = cls.__new__(cls, *args)
    error.args = args  # OSError's __new__ leaves them to __init__ when a subclass defines one
    return error


def describe_failure(error_type: str | None, message: str) -> str:
    """``"ValueError: out of stock"``: a failure's message behind the name of the exception type that
    caused it, or the message alone when the type is unknown. Every failure error's message says it so."""
    return f"{error_type}: {message}" if error_type else message


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
            f"now defined again by {new}. {_rename_hint(kind, new)} "
            f"(names must be unique per registry)."
        )


def _rename_hint(kind: str, new: str) -> str:
    """How to give the definition at ``new`` (``module.qualname``) another name, in code."""
    local = new.rpartition(".")[2]
    if kind == "workflow":
        return (
            f'Give one of them another name in its class statement: class {local}(Workflow, name="new-name")'
        )
    if kind == "activity":
        return f'Give one of them another name: activity_def("new-name", Args=...)({local})'
    return "Give one of them a different name"


class InvalidOptionError(TemporalRuntimeError, ValueError):
    """An option (timeout, retry policy, id policy, ...) has a value the SDK cannot use."""


# --- calls -------------------------------------------------------------------------------------


class InvalidArgumentsError(TemporalRuntimeError, ValueError):
    """Arguments or a DTO did not validate against the declared types.

    Raised on the caller's side before anything is sent, and reported (non-retryable) when a worker
    receives arguments that do not validate.
    """


class InvalidResultError(InvalidArgumentsError):
    """An activity (or a fake standing in for one) returned a value that does not validate against
    its declared ``Result`` type. Never retried: the same code returns the same wrong value."""


class PayloadTooLargeError(InvalidArgumentsError):
    """A payload (an input, argument or result, after encoding and any payload codec) is larger than
    the server accepts (``TemporalEngine(payload_size_limit=...)``, 2 MB by default like the
    server's ``limit.blobSize.error``), or the server refused one as too large.

    ``size`` and ``limit`` are in bytes (None where the server did not say).
    """

    def __init__(self, message: str, *, size: int | None = None, limit: int | None = None) -> None:
        super().__init__(message)
        self.size = size
        self.limit = limit


class UnknownMethodError(TemporalRuntimeError, AttributeError):
    """A workflow has no entry method, signal, query or update of the requested name."""


class NotInWorkflowError(TemporalRuntimeError, RuntimeError):
    """A workflow-only operation (``exec``, ``sleep``, ``wait_until``) ran outside a running workflow."""


class NotInActivityError(TemporalRuntimeError, RuntimeError):
    """An activity-only operation (``heartbeat``, ``is_cancelled``, ``activity_info``) ran outside an
    activity."""


class QueryWaitError(TemporalRuntimeError, RuntimeError):
    """A query handler tried to wait (``exec``, ``sleep``, ``wait_until`` or another ``await`` that
    suspends). Queries are answered at once and may only read workflow state."""


class SandboxViolationError(TemporalRuntimeError, RuntimeError):
    """Workflow code did something Temporal's workflow sandbox forbids: a non-deterministic call
    (the clock, randomness, I/O) or an import of a module that makes one.

    The message names the call and its deterministic replacement. It is a bug in the workflow's
    code, so it fails the workflow *task*, which Temporal retries: deploying the fix lets the run go on.
    """


class WorkflowFailure(TemporalRuntimeError):
    """Raise it in workflow code to fail the run on purpose (a business outcome, not a bug).

    The caller's ``result()`` raises :class:`WorkflowFailedError` with this message, ``error_type``
    the class name (subclass it to name the outcome: ``class OrderRejected(WorkflowFailure)``) and
    ``details`` as given (JSON-serialisable values). ``non_retryable=True`` stops a workflow retry
    policy, if the run was started with one, from starting the workflow again.

    Any other exception raised in workflow code fails only the workflow *task*, which Temporal
    retries until a fixed deploy lets the run go on, unless its type is listed in
    ``class W(Workflow, failure_exceptions=(...))`` or ``TemporalEngine(workflow_failure_exceptions=...)``.
    """

    def __init__(self, message: str, *, details: Sequence[object] = (), non_retryable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.details = tuple(details)
        self.non_retryable = non_retryable


class NonRetryableError(TemporalRuntimeError):
    """Raise it in an activity to fail it at once, without the retries its retry policy allows: a
    failure no retry can fix (a declined card, a record that does not exist).

    The workflow's ``exec`` raises :class:`ActivityFailedError` with this ``message``, ``error_type``
    the class name (subclass it to name the outcome: ``class CardDeclined(NonRetryableError)``) and
    ``details`` as given (JSON-serialisable values). To stop retries for exceptions you do not raise
    yourself, list them in ``RetryPolicy(non_retryable_errors=[...])`` instead.
    """

    def __init__(self, message: str, *, details: Sequence[object] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = tuple(details)


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


# --- search attributes (#13) ---


class SearchAttributeRegistrationError(EngineError):
    """``engine.register_search_attributes()`` could not register a search attribute: the name is
    registered with another type, or the caller lacks the permission to add search attributes."""


class SearchAttributeNotRegisteredError(TemporalRuntimeError, LookupError):
    """A start names a search attribute the namespace does not have (``names``: the missing ones)."""

    def __init__(self, message: str, *, names: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.names = tuple(names)


# --- encryption (#14) ---


class PayloadDecryptionError(TemporalRuntimeError, ValueError):
    """An encrypted payload cannot be decrypted: it names a key id the codec does not have
    (``key_id``), or it fails authentication (another key under that id, or altered bytes).

    Raised by :class:`~temporal_runtime.AesGcmCodec` where temporalio decodes: in the caller of
    ``result()``, a query or ``describe()``; in a worker it fails the workflow *task*, which Temporal
    retries, so deploying the missing key lets the run go on.
    """

    def __init__(self, message: str, *, key_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.key_id = key_id


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


class _FailureError(WorkflowError):
    """A caller's view of an exception raised in workflow code: ``error_type`` names its type (an
    ``ApplicationError``'s ``type``, or the exception's class name) and ``details`` are the
    ``ApplicationError``'s details. Its message names the type, through :func:`describe_failure`.
    ``remote_traceback`` is the stack trace of the exception where it was raised (in the workflow or
    activity worker), as Temporal recorded it, or None when none was recorded."""

    def __init__(
        self,
        message: str,
        *,
        error_type: str | None = None,
        workflow_id: str | None = None,
        run_id: str | None = None,
        details: tuple[object, ...] = (),
        remote_traceback: str | None = None,
    ) -> None:
        super().__init__(message, workflow_id=workflow_id, run_id=run_id)
        self.error_type = error_type
        self.details = details
        self.remote_traceback = remote_traceback


class WorkflowFailedError(_FailureError):
    """The workflow failed. ``error_type`` names the exception type raised inside it."""


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
        remote_traceback: str | None = None,
    ) -> None:
        super().__init__(
            message,
            error_type=error_type,
            workflow_id=workflow_id,
            run_id=run_id,
            details=details,
            remote_traceback=remote_traceback,
        )
        self.activity_name = activity_name


class ChildWorkflowFailedError(WorkflowFailedError):
    """A child workflow did not complete: raised in the parent by ``execute_child``, the child
    proxy and ``ChildHandle.result()``, and to the parent's caller when the parent does not catch it.

    ``error_type``, ``message`` and ``details`` are those of the exception the child raised. A child
    that was cancelled, terminated or timed out has ``error_type`` ``"CancelledError"``,
    ``"TerminatedError"`` or ``"TimeoutError"``. ``child_workflow_id``/``child_workflow_type`` name
    the child; ``workflow_id`` is the run the catcher asked about (the child in the parent, the
    parent for the parent's caller).
    """

    def __init__(
        self,
        message: str,
        *,
        child_workflow_id: str | None,
        child_workflow_type: str | None = None,
        error_type: str | None = None,
        workflow_id: str | None = None,
        run_id: str | None = None,
        details: tuple[object, ...] = (),
    ) -> None:
        super().__init__(
            message, error_type=error_type, workflow_id=workflow_id, run_id=run_id, details=details
        )
        self.child_workflow_id = child_workflow_id
        self.child_workflow_type = child_workflow_type


class UpdateFailedError(_FailureError):
    """An update was rejected or its handler raised; the workflow itself keeps running.

    ``error_type`` names the exception type raised by the handler.
    """


class QueryFailedError(WorkflowError):
    """A query was rejected by the workflow (unknown query, invalid arguments) or its handler raised
    (a :class:`QueryWaitError` on the worker arrives as this). Temporal sends a client the failure's
    message only, so there is no ``error_type``."""


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


# --- schedules (#13) ----------------------------------------------------------------------------


class ScheduleError(TemporalRuntimeError):
    """A schedule operation failed; ``schedule_id`` names the schedule."""

    def __init__(self, message: str, *, schedule_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.schedule_id = schedule_id


class ScheduleNotFoundError(ScheduleError, LookupError):
    """No schedule exists with this id in the engine's namespace (never created, or deleted)."""


class ScheduleAlreadyExistsError(ScheduleError):
    """``create_schedule`` was given the id of a schedule that exists already."""


# --- the testing kit -----------------------------------------------------------------------------


class MissingFakeError(TemporalRuntimeError, LookupError):
    """The workflow called an activity the ``WorkflowTester`` has no fake for.

    Raised inside the workflow at the ``exec`` call, and again by ``run()``/``result()`` even if the
    workflow caught it: a missing fake is always a mistake in the test's setup.
    """

    def __init__(self, message: str, *, activity_name: str) -> None:
        super().__init__(message)
        self.activity_name = activity_name


class WorkflowTesterError(TemporalRuntimeError, RuntimeError):
    """The ``WorkflowTester`` cannot go on: the workflow waits for something that can never happen
    (a deadlock), or a fake keeps failing under a retry policy with unlimited attempts."""


class ContinuedAsNewError(WorkflowTesterError):
    """The run under ``WorkflowTester`` continued as new, and the tester does not follow the chain
    (``follow_continue_as_new=False``, the default): ``method`` and ``arguments`` (validated, as the
    next run would receive them) say what the next run would execute."""

    def __init__(self, message: str, *, method: str, arguments: Mapping[str, Any]) -> None:
        super().__init__(message)
        self.method = method
        self.arguments = dict(arguments)


@dataclass(frozen=True, slots=True)
class ReplayFailure:
    """One recorded history that did not replay (an item of :attr:`ReplayError.failures`)."""

    workflow_id: str
    run_id: str
    workflow_type: str
    nondeterminism: bool
    """True when Temporal reported a nondeterminism error (the code issues other commands now)."""
    cause: Exception
    """temporalio's error (``temporalio.workflow.NondeterminismError`` for nondeterminism)."""


class ReplayError(TemporalRuntimeError, AssertionError):
    """Recorded workflow histories do not replay on the current code, or a history is unusable.

    ``failures`` lists each history that did not replay (empty when the history itself was bad).
    """

    def __init__(self, message: str, failures: Sequence[ReplayFailure] = ()) -> None:
        super().__init__(message)
        self.failures = tuple(failures)
