"""temporal-runtime core: registries, the DTO codec, option types and the error hierarchy.

This distribution never imports temporalio; the layers above translate to and from it.
"""

from ._activity import ActivityDefinition, ActivityRegistry, activity_def, default_activity_registry
from ._codec import DtoCodec, default_codec, describe_validation_error, type_name
from ._errors import (
    ActivityFailedError,
    ActivityNotRegisteredError,
    DefinitionError,
    DuplicateNameError,
    EngineConnectionError,
    EngineError,
    EngineNotStartedError,
    InvalidArgumentsError,
    InvalidOptionError,
    LocalServerError,
    NotInWorkflowError,
    TemporalRuntimeError,
    UnknownMethodError,
    UpdateFailedError,
    WorkflowAlreadyStartedError,
    WorkflowCancelledError,
    WorkflowError,
    WorkflowFailedError,
    WorkflowNotFoundError,
    WorkflowTerminatedError,
    WorkflowTimedOutError,
)
from ._options import Duration, IdConflictPolicy, IdReusePolicy, RetryPolicy, to_timedelta
from ._registry import Registrable, Registry, add_registration_guard
from ._workflow_registry import WorkflowRegistry, WorkflowSpec, default_workflow_registry

__all__ = [
    "ActivityDefinition",
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
    "NotInWorkflowError",
    "Registrable",
    "Registry",
    "RetryPolicy",
    "TemporalRuntimeError",
    "UnknownMethodError",
    "UpdateFailedError",
    "WorkflowAlreadyStartedError",
    "WorkflowCancelledError",
    "WorkflowError",
    "WorkflowFailedError",
    "WorkflowNotFoundError",
    "WorkflowRegistry",
    "WorkflowSpec",
    "WorkflowTerminatedError",
    "WorkflowTimedOutError",
    "activity_def",
    "add_registration_guard",
    "default_activity_registry",
    "default_codec",
    "default_workflow_registry",
    "describe_validation_error",
    "to_timedelta",
    "type_name",
]
