"""The filters of ``list``/``count`` (a workflow class or entry method, statuses, a user query) turned
into one query in Temporal's list filter language, plus the check a run must pass client-side.

An entry method is found on the server by the ``EntryMethod`` keyword attribute where the
namespace has it; a run without the attribute (started before the namespace had it, or by an
older temporal-runtime) is found by its workflow type and checked against the memo here. Where the
namespace lacks the attribute, every run of the class is listed and checked against the memo.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final

from temporal_runtime_core import (
    METHOD_SEARCH_ATTRIBUTE,
    DefinitionError,
    InvalidOptionError,
    UnknownMethodError,
    WorkflowExecution,
    WorkflowStatus,
    method_search_attribute_value,
)
from temporal_runtime_workflow import Workflow, definition_of, handler_info

__all__ = ["LIST_FILTER_DOCS", "ListFilter", "list_filter"]

LIST_FILTER_DOCS: Final = "https://docs.temporal.io/list-filter"
"""Temporal's documentation of the list filter language."""

type WorkflowFilter = type[Workflow] | Callable[..., Awaitable[object]]

_STATUS_NAMES: Final = {
    WorkflowStatus.RUNNING: "Running",
    WorkflowStatus.COMPLETED: "Completed",
    WorkflowStatus.FAILED: "Failed",
    WorkflowStatus.CANCELED: "Canceled",
    WorkflowStatus.TERMINATED: "Terminated",
    WorkflowStatus.CONTINUED_AS_NEW: "ContinuedAsNew",
    WorkflowStatus.TIMED_OUT: "TimedOut",
}
"""Temporal's visibility name of each status (``ExecutionStatus = 'Running'``)."""


@dataclass(frozen=True, slots=True)
class ListFilter:
    """What ``list``/``count`` ask the server for, and what a listed run must also satisfy."""

    user_query: str | None
    """The caller's query, as given (for error messages)."""
    base: tuple[str, ...]
    """The conditions every listed run meets on the server (ANDed): the user query, the statuses."""
    workflow_type: str | None
    """The workflow type asked for, by class or by method."""
    method: str | None
    """The entry method asked for, ``"Workflow.method"``; None for all of the class's runs."""

    def query(self, *, method_attribute: bool, unmarked_only: bool = False) -> str | None:
        """The server query. With an entry method and ``method_attribute`` (the namespace has the
        attribute): the runs carrying it with that value, or of the class without it
        (``unmarked_only``: only the latter, whose memo is then checked client-side)."""
        conditions = list(self.base)
        attribute = METHOD_SEARCH_ATTRIBUTE.name
        if self.workflow_type is not None:
            by_type = f"WorkflowType = {quote(self.workflow_type)}"
            if self.method is None or not method_attribute:
                conditions.append(by_type)
            elif unmarked_only:
                conditions.append(f"{by_type} AND {attribute} IS NULL")
            else:
                conditions.append(
                    f"{attribute} = {quote(self.method)} OR ({by_type} AND {attribute} IS NULL)"
                )
        if not conditions:
            return None
        if len(conditions) == 1:
            return conditions[0]
        return " AND ".join(f"({condition})" for condition in conditions)

    def marked_query(self) -> str:
        """The server query for the runs carrying the method attribute with the wanted value."""
        assert self.method is not None
        marked = f"{METHOD_SEARCH_ATTRIBUTE.name} = {quote(self.method)}"
        return " AND ".join(f"({condition})" for condition in (*self.base, marked))

    def accepts(self, execution: WorkflowExecution) -> bool:
        """Whether a run the server listed is one asked for (its entry method, when one was named)."""
        return self.method is None or execution.method == self.method


def list_filter(
    query: str | None,
    workflow: WorkflowFilter | None,
    status: WorkflowStatus | Iterable[WorkflowStatus] | None,
) -> ListFilter:
    """Check the filters of ``list``/``count`` and combine them (:class:`InvalidOptionError` or
    :class:`UnknownMethodError` naming a bad one)."""
    if query is not None and not isinstance(query, str):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise InvalidOptionError(
            f"query must be a str in Temporal's list filter language (e.g. \"CustomerId = 'c-1'\"), got "
            f"{type(query).__name__} {query!r}; see {LIST_FILTER_DOCS}"
        )
    base = [query.strip()] if query is not None and query.strip() else []
    statuses = _statuses(status)
    if statuses:
        names = ", ".join(quote(_STATUS_NAMES[s]) for s in statuses)
        base.append(f"ExecutionStatus = {names}" if len(statuses) == 1 else f"ExecutionStatus IN ({names})")
    workflow_type, method = _workflow(workflow)
    return ListFilter(query, tuple(base), workflow_type, method)


def _statuses(status: WorkflowStatus | Iterable[WorkflowStatus] | None) -> tuple[WorkflowStatus, ...]:
    if status is None:
        return ()
    given: tuple[object, ...]
    if isinstance(status, WorkflowStatus | str | bytes) or not isinstance(status, Iterable):  # pyright: ignore[reportUnnecessaryIsInstance]
        given = (status,)
    else:
        given = tuple(status)
    chosen: list[WorkflowStatus] = []
    for item in given:
        if not isinstance(item, WorkflowStatus) or item not in _STATUS_NAMES:  # pyright: ignore[reportUnnecessaryIsInstance]
            valid = ", ".join(f"WorkflowStatus.{s.name}" for s in _STATUS_NAMES)
            raise InvalidOptionError(
                f"status={item!r} is not a status runs can be listed by: pass one of {valid}, or "
                "several in a list"
            )
        if item not in chosen:
            chosen.append(item)
    return tuple(chosen)


def _workflow(workflow: WorkflowFilter | None) -> tuple[str | None, str | None]:
    """The workflow type and the ``"Workflow.method"`` name a ``workflow=`` filter stands for."""
    if workflow is None:
        return None, None
    if isinstance(workflow, type):
        if not issubclass(workflow, Workflow):
            raise InvalidOptionError(
                f"workflow={workflow.__qualname__} is not a Workflow class: pass a workflow class "
                "(workflow=OrderWorkflow) or one of its entry methods (workflow=OrderWorkflow.process)"
            )
        return definition_of(workflow).name, None
    return _entry_method(workflow)


def _entry_method(method: Callable[..., Any]) -> tuple[str, str]:
    from ._client import resolve_entry  # the client module imports this one's users

    qualname = getattr(method, "__qualname__", repr(method))
    info = handler_info(method)
    if info is not None:
        raise UnknownMethodError(
            f"workflow={qualname} is a {info.kind} handler, not an entry method: runs are listed by the "
            "entry method they execute; pass one (workflow=OrderWorkflow.process) or the class"
        )
    try:
        workflow_class, name = resolve_entry(method)
    except DefinitionError as exc:
        raise InvalidOptionError(
            f"workflow={qualname} is not an entry method of a module-level Workflow class: pass the "
            "workflow class (workflow=OrderWorkflow) or one of its entry methods "
            "(workflow=OrderWorkflow.process)"
        ) from exc
    workflow_type = definition_of(workflow_class).name
    return workflow_type, method_search_attribute_value(workflow_type, name)


def quote(value: str) -> str:
    """``value`` as a string literal of the list filter language."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"
