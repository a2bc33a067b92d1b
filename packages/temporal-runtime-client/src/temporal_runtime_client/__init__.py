"""temporal-runtime client layer: the workflow client proxy, ``MethodHandle``, run descriptions and
start options."""

from temporal_runtime_core import (
    PendingActivity,
    PendingActivityState,
    WorkflowDescription,
    WorkflowStatus,
    WorkflowTaskFailure,
)

from ._client import WorkflowClient
from ._errors import translate_error
from ._handle import MethodHandle
from ._options import METHOD_MEMO_KEY, AnyIdConflictPolicy, AnyIdReusePolicy, StartOptions
from ._proxy import WorkflowProxy

__all__ = [
    "METHOD_MEMO_KEY",
    "AnyIdConflictPolicy",
    "AnyIdReusePolicy",
    "MethodHandle",
    "PendingActivity",
    "PendingActivityState",
    "StartOptions",
    "WorkflowClient",
    "WorkflowDescription",
    "WorkflowProxy",
    "WorkflowStatus",
    "WorkflowTaskFailure",
    "translate_error",
]
