"""temporal-runtime workflow layer: the ``Workflow`` base class, its metaclass and hidden adapters."""

import temporalio.workflow

from temporal_runtime_core import add_registration_guard

from ._adapter import adapter_name, run_without_waiting
from ._adapter_demand import adapter_wanted
from ._child_failures import child_failed, child_failure, child_failure_fields
from ._child_handle import ChildCall, ChildHandle, ChildRun
from ._child_options import AnyParentClosePolicy, ChildOptions, ChildOptionsDict, child_options
from ._children import resolve_child_entry
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
    validator_of,
    wf_query,
    wf_signal,
    wf_update,
)
from ._info import RunProgress, WorkflowInfo
from ._logger import WorkflowLogger
from ._method_handle import MethodHandle
from ._methods import MethodSpec
from ._reserved import RESERVED_NAMES
from ._runtime import (
    METHOD_MEMO_KEY,
    ActivityCall,
    TemporalRuntime,
    WorkflowRuntime,
    activity_failed,
    current_runtime,
    register_worker_activities,
    use_runtime,
)
from ._sandbox_advice import explain_sandbox_violation, is_sandbox_violation
from ._search_attribute_convert import (
    check_search_attribute_values,
    method_pair,
    run_summary,
    search_attributes_from_temporal,
    to_temporal_key,
    to_temporal_pairs,
)
from ._start_options import StartOptionsDict
from ._starting_view import StartingView
from ._task_failures import REPLAY_THREAD_PREFIX
from ._update_handle import UpdateHandle
from ._with_start import WithStart
from ._workflow import Workflow, WorkflowClientFactory, definition_of

# Classes and activities re-created inside Temporal's workflow sandbox (which re-imports user
# modules for every run) must not replace the host process's registrations.
add_registration_guard(temporalio.workflow.unsafe.in_sandbox)

__all__ = [
    "METHOD_MEMO_KEY",
    "RunProgress",
    "WorkflowInfo",
    "WorkflowLogger",
    "REPLAY_THREAD_PREFIX",
    "ActivityCall",
    "AnyActivityCancellation",
    "AnyIdConflictPolicy",
    "AnyIdReusePolicy",
    "FailureFields",
    "AnyParentClosePolicy",
    "AnyRetryPolicy",
    "ChildCall",
    "ChildHandle",
    "ChildOptions",
    "ChildOptionsDict",
    "ChildRun",
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
    "WithStart",
    "activity_failed",
    "activity_failure_fields",
    "adapter_name",
    "adapter_wanted",
    "child_failed",
    "child_failure",
    "child_failure_fields",
    "check_search_attribute_values",
    "child_options",
    "current_runtime",
    "definition_of",
    "explain_sandbox_violation",
    "failure_fields",
    "non_retryable_failure",
    "remote_traceback",
    "run_summary",
    "search_attributes_from_temporal",
    "to_temporal_key",
    "to_temporal_pairs",
    "failure_to_raise",
    "handler_info",
    "is_sandbox_violation",
    "message_target",
    "method_pair",
    "optional_timedelta",
    "register_worker_activities",
    "resolve_child_entry",
    "run_without_waiting",
    "to_temporal_cancellation",
    "to_temporal_retry_policy",
    "update_failure",
    "use_runtime",
    "validator_of",
    "wf_query",
    "wf_signal",
    "wf_update",
]
