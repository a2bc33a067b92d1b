"""The search attributes and summary of a run under :class:`WorkflowTester`, as a server keeps them.

A run starts with the tester's ``search_attributes=`` plus the method attribute
(``EntryMethod = "Workflow.method"``, as on the embedded server, which always registers it); each
``self.upsert_search_attributes(...)`` is recorded and changes what ``self.search_attributes``
reads; a run it continues as starts with the attributes the previous run ended with (the method
attribute naming the new method), as Temporal copies them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from temporal_runtime_core import (
    METHOD_SEARCH_ATTRIBUTE,
    InvalidOptionError,
    SearchAttributes,
    SearchAttributeValue,
    method_search_attribute_value,
)
from temporal_runtime_workflow import check_search_attribute_values, run_summary

__all__ = ["RunSearchAttributes", "tester_search_attributes"]


def tester_search_attributes(
    values: object, summary: object
) -> tuple[tuple[SearchAttributeValue[Any], ...], str | None]:
    """The tester's ``search_attributes=`` and ``summary=``, checked as a start checks them."""
    checked = check_search_attribute_values(values, "WorkflowTester(search_attributes=...)")
    if summary is not None and (not isinstance(summary, str) or not summary):
        raise InvalidOptionError(f"WorkflowTester(summary=...) must be a non-empty string, got {summary!r}")
    return checked, summary


class RunSearchAttributes:
    """One run's search attributes: the current values by name, and the upserts made."""

    def __init__(
        self, workflow: str, method: str, values: Sequence[SearchAttributeValue[Any]], summary: str | None
    ) -> None:
        self.workflow = workflow
        self.summary: str | None = run_summary(workflow, method, summary)
        """The run's summary, as the Web UI would show it: ``"Workflow.method[: summary=]"``."""
        self.values: dict[str, object] = {v.key.name: v.value for v in values}
        self.values[METHOD_SEARCH_ATTRIBUTE.name] = method_search_attribute_value(workflow, method)
        self.upserts: list[tuple[SearchAttributeValue[Any], ...]] = []
        """Every ``upsert_search_attributes`` call, in order, with the values given."""

    def upsert(self, values: tuple[SearchAttributeValue[Any], ...]) -> None:
        self.upserts.append(values)
        for value in values:
            if value.value is None:
                self.values.pop(value.key.name, None)
            else:
                self.values[value.key.name] = value.value

    def current(self) -> SearchAttributes:
        return SearchAttributes(self.values)

    def continued(self, method: str) -> RunSearchAttributes:
        """The attributes of the run this one continues as, executing ``method``."""
        successor = RunSearchAttributes(self.workflow, method, (), None)
        method_name = METHOD_SEARCH_ATTRIBUTE.name
        successor.values = {**self.values, method_name: successor.values[method_name]}
        successor.summary = None  # temporalio's continue_as_new sends no summary: the new run has none
        return successor
