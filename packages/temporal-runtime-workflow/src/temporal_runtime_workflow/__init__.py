"""temporal-runtime workflow layer: the ``Workflow`` base class, its metaclass and hidden adapters."""

import temporalio.workflow

from temporal_runtime_core import add_registration_guard

from ._adapter import adapter_name, run_without_waiting
from ._convert import (
    AnyActivityCancellation,
    AnyIdConflictPolicy,
    AnyIdReusePolicy,
    AnyRetryPolicy,
    optional_timedelta,
    to_temporal_cancellation,
    to_temporal_retry_policy,
)
from ._definition import Handler, WorkflowDefinition
from ._failure_policy import failure_to_raise, update_failure
from ._failures import (
    FailureFields,
    activity_failure_fields,
    failure_fields,
    non_retryable_failure,
    remote_traceback,
)
from ._handler_methods import QueryMethod, SignalMethod, UpdateMethod
from ._handlers import (
    HandlerInfo,
    HandlerKind,
    MessageKind,
    handler_info,
    message_target,
    wf_query,
    wf_signal,
    wf_update,
)
from ._method_handle import MethodHandle
from ._methods import MethodSpec
from ._reserved import RESERVED_NAMES
from ._runtime import (
    ActivityCall,
    TemporalRuntime,
    WorkflowRuntime,
    activity_failed,
    current_runtime,
    register_worker_activities,
    use_runtime,
)
from ._sandbox_advice import explain_sandbox_violation, is_sandbox_violation
from ._start_options import StartOptionsDict
from ._starting_view import StartingView
from ._task_failures import REPLAY_THREAD_PREFIX
from ._update_handle import UpdateHandle
from ._workflow import Workflow, WorkflowClientFactory, definition_of

# Classes and activities re-created inside Temporal's workflow sandbox (which re-imports user
# modules for every run) must not replace the host process's registrations.
add_registration_guard(temporalio.workflow.unsafe.in_sandbox)

__all__ = [
    "REPLAY_THREAD_PREFIX",
    "ActivityCall",
    "AnyActivityCancellation",
    "AnyIdConflictPolicy",
    "AnyIdReusePolicy",
    "FailureFields",
    "AnyRetryPolicy",
    "Handler",
    "HandlerInfo",
    "HandlerKind",
    "MessageKind",
    "MethodHandle",
    "MethodSpec",
    "QueryMethod",
    "SignalMethod",
    "StartOptionsDict",
    "StartingView",
    "UpdateHandle",
    "UpdateMethod",
    "RESERVED_NAMES",
    "Workflow",
    "WorkflowClientFactory",
    "TemporalRuntime",
    "WorkflowDefinition",
    "WorkflowRuntime",
    "activity_failed",
    "activity_failure_fields",
    "adapter_name",
    "current_runtime",
    "definition_of",
    "explain_sandbox_violation",
    "failure_fields",
    "non_retryable_failure",
    "remote_traceback",
    "failure_to_raise",
    "handler_info",
    "is_sandbox_violation",
    "message_target",
    "optional_timedelta",
    "register_worker_activities",
    "run_without_waiting",
    "to_temporal_cancellation",
    "to_temporal_retry_policy",
    "update_failure",
    "use_runtime",
    "wf_query",
    "wf_signal",
    "wf_update",
]
