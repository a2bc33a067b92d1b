"""temporal-runtime client layer: the workflow client proxy, ``MethodHandle``, run descriptions and
start options."""

from temporal_runtime_core import (
    PendingActivity,
    PendingActivityState,
    ScheduleAction,  # --- schedules (#13) ---
    ScheduleDescription,  # --- schedules (#13) ---
    ScheduleOverlap,  # --- schedules (#13) ---
    WorkflowDescription,
    WorkflowExecution,
    WorkflowStatus,
    WorkflowTaskFailure,
)
from temporal_runtime_workflow import MethodHandle, StartOptionsDict, UpdateHandle, WithStart

from ._client import PreparedStart, WorkflowClient, resolve_entry
from ._errors import translate_error
from ._handle import RunHandle
from ._list_query import LIST_FILTER_DOCS  # --- listing (#13) ---
from ._listing import DEFAULT_PAGE_SIZE, RunListing
from ._options import METHOD_MEMO_KEY, AnyIdConflictPolicy, AnyIdReusePolicy, StartOptions
from ._proxy import WorkflowProxy
from ._result_poll_limit import DEFAULT_RESULT_POLL_LIMIT, ResultPollLimit  # --- scale (#16) ---
from ._schedule_action import prepare_scheduled_start  # --- schedules (#13) ---
from ._schedule_convert import AnyScheduleOverlap  # --- schedules (#13) ---
from ._schedule_handle import ScheduleHandle  # --- schedules (#13) ---
from ._schedule_options import ScheduleOptionsDict, ScheduleSettings  # --- schedules (#13) ---
from ._schedules import (  # --- schedules (#13) ---
    check_schedule_id,
    create_schedule,
    get_schedule,
    list_schedules,
)
from ._update_handle import RunUpdateHandle
from ._with_start import RunWithStart

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "DEFAULT_RESULT_POLL_LIMIT",
    "LIST_FILTER_DOCS",
    "METHOD_MEMO_KEY",
    "AnyIdConflictPolicy",
    "AnyIdReusePolicy",
    "AnyScheduleOverlap",
    "MethodHandle",
    "PendingActivity",
    "PendingActivityState",
    "PreparedStart",
    "ResultPollLimit",
    "RunHandle",
    "RunListing",
    "RunUpdateHandle",
    "RunWithStart",
    "ScheduleAction",
    "ScheduleDescription",
    "ScheduleHandle",
    "ScheduleOptionsDict",
    "ScheduleOverlap",
    "ScheduleSettings",
    "StartOptions",
    "StartOptionsDict",
    "UpdateHandle",
    "WithStart",
    "WorkflowClient",
    "WorkflowDescription",
    "WorkflowExecution",
    "WorkflowProxy",
    "WorkflowStatus",
    "WorkflowTaskFailure",
    "check_schedule_id",
    "create_schedule",
    "get_schedule",
    "list_schedules",
    "prepare_scheduled_start",
    "resolve_entry",
    "translate_error",
]
