"""temporal-runtime client layer: the workflow client proxy, ``MethodHandle`` and start options."""

from ._client import WorkflowClient
from ._errors import translate_error
from ._handle import MethodHandle, WorkflowStatus
from ._options import METHOD_MEMO_KEY, AnyIdConflictPolicy, AnyIdReusePolicy, StartOptions
from ._proxy import WorkflowProxy

__all__ = [
    "METHOD_MEMO_KEY",
    "AnyIdConflictPolicy",
    "AnyIdReusePolicy",
    "MethodHandle",
    "StartOptions",
    "WorkflowClient",
    "WorkflowProxy",
    "WorkflowStatus",
    "translate_error",
]
