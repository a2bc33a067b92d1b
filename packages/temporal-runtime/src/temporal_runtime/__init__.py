"""temporal-runtime: typed, pydantic-first workflows and activities on Temporal.

Business code imports everything from here::

    from temporal_runtime import TemporalEngine, Workflow, activity_def, wf_query, wf_signal
"""

from temporal_runtime_client import (
    MethodHandle,
    PendingActivity,
    PendingActivityState,
    ResultPollLimit,  # --- scale (#16) ---
    ScheduleAction,  # --- schedules (#13) ---
    ScheduleDescription,  # --- schedules (#13) ---
    ScheduleHandle,  # --- schedules (#13) ---
    ScheduleOptionsDict,  # --- schedules (#13) ---
    ScheduleOverlap,  # --- schedules (#13) ---
    StartOptions,
    WorkflowDescription,
    WorkflowExecution,
    WorkflowProxy,
    WorkflowStatus,
    WorkflowTaskFailure,
)
from temporal_runtime_core import (
    METHOD_SEARCH_ATTRIBUTE,
    ActivityCancellation,
    ActivityDefinition,
    ActivityFailedError,
    ActivityNotRegisteredError,
    ActivityRegistry,
    ChildWorkflowFailedError,
    DefinitionError,
    DtoCodec,
    DuplicateNameError,
    Duration,
    EngineConnectionError,
    EngineError,
    EngineNotStartedError,
    IdConflictPolicy,
    IdReusePolicy,
    InvalidArgumentsError,
    InvalidOptionError,
    InvalidResultError,
    LocalServerError,
    MethodActivity,
    NoArgs,
    NonRetryableError,
    NotInActivityError,
    NotInWorkflowError,
    ParentClosePolicy,
    PayloadDecryptionError,  # --- encryption (#14) ---
    PayloadTooLargeError,  # --- payload limit (#14) ---
    QueryFailedError,
    QueryWaitError,
    Registry,
    RetryPolicy,
    SandboxViolationError,
    ScheduleAlreadyExistsError,  # --- schedules (#13) ---
    ScheduleError,  # --- schedules (#13) ---
    ScheduleNotFoundError,  # --- schedules (#13) ---
    SearchAttribute,
    SearchAttributeNotRegisteredError,
    SearchAttributeRegistrationError,
    SearchAttributes,
    SearchAttributeType,
    SearchAttributeValue,
    TemporalRuntimeError,
    UnknownMethodError,
    UpdateFailedError,
    WorkflowAlreadyStartedError,
    WorkflowCancelledError,
    WorkflowError,
    WorkflowFailedError,
    WorkflowFailure,
    WorkflowNotFoundError,
    WorkflowRegistry,
    WorkflowTerminatedError,
    WorkflowTimedOutError,
    activity_def,
    activity_stub,
    default_activity_registry,
    default_workflow_registry,
)
from temporal_runtime_engine import (
    ActivityInfo,
    ActivityLogger,  # --- observability (#14) ---
    AesGcmCodec,  # --- encryption (#14) ---
    TemporalEngine,
    activity_info,
    activity_logger,  # --- observability (#14) ---
    heartbeat,
    is_cancelled,
)
from temporal_runtime_workflow import (
    ChildHandle,
    ChildOptionsDict,
    QueryMethod,
    SignalMethod,
    StartingView,
    StartOptionsDict,
    UpdateHandle,
    UpdateMethod,
    WithStart,
    Workflow,
    WorkflowInfo,
    WorkflowLogger,
    wf_query,
    wf_signal,
    wf_update,
)

# The one place the version is written (a literal: importlib.metadata would slow the import down).
from ._version import __version__

__all__ = [
    "ActivityCancellation",
    "ActivityDefinition",
    "ActivityInfo",
    "ActivityLogger",  # --- observability (#14) ---
    "ActivityFailedError",
    "AesGcmCodec",  # --- encryption (#14) ---
    "ActivityNotRegisteredError",
    "ActivityRegistry",
    "ChildHandle",
    "ChildOptionsDict",
    "ChildWorkflowFailedError",
    "DefinitionError",
    "DtoCodec",
    "DuplicateNameError",
    "Duration",
    "EngineConnectionError",
    "EngineError",
    "EngineNotStartedError",
    "IdConflictPolicy",
    "IdReusePolicy",
    "InvalidArgumentsError",
    "InvalidOptionError",
    "InvalidResultError",
    "PayloadTooLargeError",
    "LocalServerError",
    "METHOD_SEARCH_ATTRIBUTE",
    "MethodActivity",
    "MethodHandle",
    "NoArgs",
    "NonRetryableError",
    "NotInActivityError",
    "NotInWorkflowError",
    "ParentClosePolicy",
    "PayloadDecryptionError",  # --- encryption (#14) ---
    "PendingActivity",
    "PendingActivityState",
    "QueryFailedError",
    "QueryWaitError",
    "QueryMethod",
    "Registry",
    "ResultPollLimit",
    "RetryPolicy",
    "SandboxViolationError",
    "SearchAttributeNotRegisteredError",
    "SearchAttributeRegistrationError",
    "SearchAttribute",
    "SearchAttributeType",
    "SearchAttributeValue",
    "SearchAttributes",
    "ScheduleAction",
    "ScheduleAlreadyExistsError",
    "ScheduleDescription",
    "ScheduleError",
    "ScheduleHandle",
    "ScheduleNotFoundError",
    "ScheduleOptionsDict",
    "ScheduleOverlap",
    "SignalMethod",
    "StartOptions",
    "StartOptionsDict",
    "StartingView",
    "TemporalEngine",
    "TemporalRuntimeError",
    "UnknownMethodError",
    "UpdateFailedError",
    "UpdateHandle",
    "UpdateMethod",
    "WithStart",
    "Workflow",
    "WorkflowAlreadyStartedError",
    "WorkflowCancelledError",
    "WorkflowDescription",
    "WorkflowError",
    "WorkflowExecution",
    "WorkflowFailedError",
    "WorkflowFailure",
    "WorkflowInfo",
    "WorkflowLogger",
    "WorkflowNotFoundError",
    "WorkflowProxy",
    "WorkflowRegistry",
    "WorkflowStatus",
    "WorkflowTaskFailure",
    "WorkflowTerminatedError",
    "WorkflowTimedOutError",
    "__version__",
    "activity_def",
    "activity_info",
    "activity_logger",  # --- observability (#14) ---
    "activity_stub",
    "default_activity_registry",
    "default_workflow_registry",
    "heartbeat",
    "is_cancelled",
    "wf_query",
    "wf_signal",
    "wf_update",
]


# Errors print under the name users import them by: `temporal_runtime.DefinitionError: ...` in a
# traceback, not `temporal_runtime_core._errors.DefinitionError` (httpx does the same). pickle finds a
# class by this name, and every class renamed here is an attribute of this module.
def _print_errors_as_ours(names: list[str]) -> None:
    for name in names:
        value = globals()[name]
        if isinstance(value, type) and issubclass(value, TemporalRuntimeError):
            value.__module__ = __name__


_print_errors_as_ours(__all__)
del _print_errors_as_ours
