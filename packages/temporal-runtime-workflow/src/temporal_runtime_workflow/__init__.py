"""temporal-runtime workflow layer: the ``Workflow`` base class, its metaclass and hidden adapters."""

import temporalio.workflow

from temporal_runtime_core import add_registration_guard

from ._adapter import adapter_name, to_failure
from ._convert import AnyRetryPolicy, optional_timedelta, to_temporal_retry_policy
from ._definition import WorkflowDefinition
from ._handlers import HandlerInfo, handler_info, wf_query, wf_signal
from ._methods import MethodSpec
from ._runtime import activity_failed, register_worker_activities
from ._workflow import Workflow, WorkflowClientFactory, definition_of

# Classes and activities re-created inside Temporal's workflow sandbox (which re-imports user
# modules for every run) must not replace the host process's registrations.
add_registration_guard(temporalio.workflow.unsafe.in_sandbox)

__all__ = [
    "AnyRetryPolicy",
    "HandlerInfo",
    "MethodSpec",
    "Workflow",
    "WorkflowClientFactory",
    "WorkflowDefinition",
    "activity_failed",
    "adapter_name",
    "definition_of",
    "handler_info",
    "optional_timedelta",
    "register_worker_activities",
    "to_failure",
    "to_temporal_retry_policy",
    "wf_query",
    "wf_signal",
]
