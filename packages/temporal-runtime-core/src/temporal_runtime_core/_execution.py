"""A run as a list of runs shows it: :class:`WorkflowExecution`, what ``engine.list(...)`` yields.

It is what the server's visibility store holds about a run (no pending activities, no workflow-task
failure: ask ``describe()`` for those), as plain data. The client layer fills it in; nothing here
knows temporalio.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from ._description import WorkflowStatus
from ._search_attributes import SearchAttributes

__all__ = ["WorkflowExecution"]


@dataclass(frozen=True, slots=True)
class WorkflowExecution:
    """One run found by ``engine.list(...)``: what the server's visibility store knows about it.

    For its pending activities or why it is stuck, ``await engine.describe(execution.id,
    execution.run_id)``; to message it, ``engine.get_typed_handle(execution.id, execution.run_id)``.
    """

    id: str
    """The workflow id."""
    run_id: str
    workflow: str
    """The Temporal workflow type: the workflow class's ``name=``, by default its class name."""
    method: str | None
    """The entry method the run executes, as ``"OrderWorkflow.process"`` (the value of the
    ``EntryMethod`` search attribute); None for a run started without temporal-runtime's
    client (e.g. from the ``temporal`` CLI)."""
    status: WorkflowStatus
    start_time: datetime
    close_time: datetime | None
    """When the run ended; None while it runs."""
    execution_time: datetime | None
    """When the run's first workflow task was due: the start time, or later with ``start_delay`` or
    a cron/retry backoff."""
    task_queue: str
    memo: Mapping[str, object]
    """The run's memo as plain JSON values (without the entry method temporal-runtime records)."""
    search_attributes: SearchAttributes
    """The run's search attributes, read back typed with ``.get(CustomerId)``."""
    history_length: int
    """The number of events in the run's history as of its last visibility update (0 for a run whose
    first workflow task has not been recorded yet; the count lags while the run goes on)."""
