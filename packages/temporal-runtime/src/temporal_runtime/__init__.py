"""temporal-runtime: typed, pydantic-first workflows and activities on Temporal.

Business code imports everything from here::

    from temporal_runtime import TemporalEngine, Workflow, activity_def, wf_query, wf_signal
"""

from importlib.metadata import PackageNotFoundError, version

from temporal_runtime_client import MethodHandle, StartOptions, WorkflowProxy, WorkflowStatus
from temporal_runtime_core import (
    ActivityDefinition,
    ActivityFailedError,
    ActivityNotRegisteredError,
    ActivityRegistry,
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
    LocalServerError,
    NotInWorkflowError,
    Registry,
    RetryPolicy,
    TemporalRuntimeError,
    UnknownMethodError,
    UpdateFailedError,
    WorkflowAlreadyStartedError,
    WorkflowCancelledError,
    WorkflowError,
    WorkflowFailedError,
    WorkflowNotFoundError,
    WorkflowRegistry,
    WorkflowTerminatedError,
    WorkflowTimedOutError,
    activity_def,
    default_activity_registry,
    default_workflow_registry,
)
from temporal_runtime_engine import (
    ActivityInfo,
    NotInActivityError,
    TemporalEngine,
    activity_info,
    heartbeat,
    is_cancelled,
)
from temporal_runtime_workflow import Workflow, wf_query, wf_signal, wf_update

try:
    __version__ = version("temporal-runtime")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without metadata
    __version__ = "0+unknown"

__all__ = [
    "ActivityDefinition",
    "ActivityInfo",
    "ActivityFailedError",
    "ActivityNotRegisteredError",
    "ActivityRegistry",
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
    "LocalServerError",
    "MethodHandle",
    "NotInActivityError",
    "NotInWorkflowError",
    "Registry",
    "RetryPolicy",
    "StartOptions",
    "TemporalEngine",
    "TemporalRuntimeError",
    "UnknownMethodError",
    "UpdateFailedError",
    "Workflow",
    "WorkflowAlreadyStartedError",
    "WorkflowCancelledError",
    "WorkflowError",
    "WorkflowFailedError",
    "WorkflowNotFoundError",
    "WorkflowProxy",
    "WorkflowRegistry",
    "WorkflowStatus",
    "WorkflowTerminatedError",
    "WorkflowTimedOutError",
    "__version__",
    "activity_def",
    "activity_info",
    "default_activity_registry",
    "default_workflow_registry",
    "heartbeat",
    "is_cancelled",
    "wf_query",
    "wf_signal",
    "wf_update",
]
