"""``WorkflowInfo``: what a running workflow knows about itself (``self.info``).

It lives in the workflow layer, not in core, because it only exists inside a running workflow and
two of its fields are live: ``history_length`` and ``continue_as_new_suggested`` are read from
whatever executes the run (a Temporal worker, or the testing kit) each time they are accessed, so
``if self.info.continue_as_new_suggested: ...`` inside a loop sees the current value. The other
fields are fixed for the run and compare as plain data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Final, Protocol

__all__ = ["METHOD_ATTRIBUTE", "RunProgress", "WorkflowInfo", "note_entry_method"]

METHOD_ATTRIBUTE: Final = "_temporal_runtime_entry_method"
"""The attribute of the adapter instance holding the name of the entry method the run executes."""


class RunProgress(Protocol):
    """Where a :class:`WorkflowInfo` reads its live fields."""

    def history_length(self) -> int: ...

    def continue_as_new_suggested(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class WorkflowInfo:
    """The running workflow's identity and situation (``self.info`` inside a workflow).

    ``method`` is the entry method this run executes (after a continue-as-new, the method it
    continued to); ``attempt`` counts from 1 (it grows when the workflow has a retry policy);
    ``start_time`` is when this run started (UTC); ``parent_workflow_id`` is set for a child
    workflow. ``history_length`` (events so far) and ``continue_as_new_suggested`` (the server
    suggests continuing as new: the history grows large) are read live at each access.
    """

    workflow_id: str
    run_id: str
    workflow_type: str
    method: str
    namespace: str
    task_queue: str
    attempt: int
    start_time: datetime
    parent_workflow_id: str | None
    progress: RunProgress = field(repr=False, compare=False)

    @property
    def history_length(self) -> int:
        """The number of events in the run's history so far (live)."""
        return self.progress.history_length()

    @property
    def continue_as_new_suggested(self) -> bool:
        """Whether Temporal suggests continuing as new now (the history is getting large; live)."""
        return self.progress.continue_as_new_suggested()


def note_entry_method(adapter: object, name: str) -> None:
    """Record, on the adapter instance running it, which entry method this run executes."""
    setattr(adapter, METHOD_ATTRIBUTE, name)
