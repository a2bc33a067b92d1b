"""temporal-runtime client layer: the workflow client proxy, ``MethodHandle`` and start options."""

from ._client import WorkflowClient
from ._errors import translate_error
from ._handle import MethodHandle, WorkflowStatus
from ._options import AnyIdConflictPolicy, AnyIdReusePolicy, StartOptions
from ._proxy import WorkflowProxy

__all__ = [
    "AnyIdConflictPolicy",
    "AnyIdReusePolicy",
    "MethodHandle",
    "StartOptions",
    "WorkflowClient",
    "WorkflowProxy",
    "WorkflowStatus",
    "translate_error",
]
