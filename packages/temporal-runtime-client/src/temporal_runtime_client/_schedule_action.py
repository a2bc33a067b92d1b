"""What a schedule starts: the same start as ``engine.start_workflow`` (validated arguments in the
``{"method", "kwargs"}`` envelope, the entry method in the memo, the engine's task queue by default),
prepared by :meth:`WorkflowClient.prepare_start` and handed to the server as a
``ScheduleActionStartWorkflow``, so the runs it starts decode and type like any other."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import temporalio.client
import temporalio.common

from temporal_runtime_core import InvalidOptionError
from temporal_runtime_workflow import Workflow

from ._client import PreparedStart, WorkflowClient
from ._options import StartOptions

__all__ = ["action_of", "prepare_scheduled_start"]

_ACTION_OPTIONS: Final = frozenset(
    {
        "execution_timeout",
        "run_timeout",
        "task_timeout",
        "retry_policy",
        "memo",
        "static_summary",
        "static_details",
        "priority",
    }
)
"""``Client.start_workflow`` keywords a schedule's action takes under the same name."""
_NOT_FOR_SCHEDULES: Final = {
    "id_conflict_policy": "each run gets a workflow id of its own; overlap=ScheduleOverlap... says what "
    "happens while the last run still runs",
    "id_reuse_policy": "each run gets a workflow id of its own",
    "start_delay": "the schedule says when runs start; use start_at=, or jitter= to spread them",
}


def prepare_scheduled_start(
    client: WorkflowClient,
    workflow: type[Workflow],
    method: str,
    args: tuple[Any, ...],
    *,
    workflow_id: str,
    options: StartOptions,
) -> PreparedStart:
    """Validate a start of ``workflow.method(*args)`` whose runs' ids begin with ``workflow_id``."""
    if options.id is not None:
        raise InvalidOptionError(
            f"id={options.id!r} names one run, and a schedule starts many: pass workflow_id={options.id!r}, "
            "the prefix of the runs' ids (each run's id is it plus the time the run was due)"
        )
    return client.prepare_start(workflow, method, args, None, options.merge(id=workflow_id))


def action_of(start: PreparedStart) -> temporalio.client.ScheduleActionStartWorkflow:
    """The schedule action starting ``start``'s run; a start option a schedule cannot use raises
    :class:`InvalidOptionError` naming it."""
    defaults = StartOptions().to_temporal(start.spec.name)
    kwargs: dict[str, Any] = {}
    for key, value in start.kwargs.items():
        if key in _ACTION_OPTIONS:
            if value is not None:
                kwargs[key] = value
        elif key == "search_attributes":
            if isinstance(value, temporalio.common.TypedSearchAttributes):
                kwargs["typed_search_attributes"] = value
            elif isinstance(value, Mapping) and value:
                kwargs["untyped_search_attributes"] = value
        elif value != defaults.get(key):
            why = _NOT_FOR_SCHEDULES.get(key, "a schedule's action does not take it")
            raise InvalidOptionError(
                f"Start option {key}={value!r} does not apply to the runs of a schedule ({why}); leave it out"
            )
    return temporalio.client.ScheduleActionStartWorkflow(
        start.definition.name,
        start.payload,
        id=start.workflow_id,
        task_queue=start.task_queue,
        **kwargs,
    )
