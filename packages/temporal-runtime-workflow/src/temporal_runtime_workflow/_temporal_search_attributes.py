"""Search attributes and summaries inside a workflow on a Temporal worker (``temporalio.workflow``).

A workflow cannot ask the server which attributes its namespace has, so the method attribute
(:data:`METHOD_SEARCH_ATTRIBUTE`) goes on a child or a continued run only when the current run
carries it: then the namespace has it (the client that started the run checked). This is decided from
the run's own start event, so it is the same on replay.
"""

from __future__ import annotations

from typing import Any

import temporalio.common
import temporalio.workflow

from temporal_runtime_core import METHOD_SEARCH_ATTRIBUTE, SearchAttributes, SearchAttributeValue

from ._child_handle import ChildCall
from ._search_attribute_convert import (
    method_pair,
    run_summary,
    search_attributes_from_temporal,
    to_temporal_pairs,
    to_temporal_updates,
)

__all__ = [
    "child_start_visibility",
    "continue_as_new_search_attributes",
    "current_search_attributes",
    "upsert_temporal_search_attributes",
]

_METHOD_KEY = temporalio.common.SearchAttributeKey.for_keyword(METHOD_SEARCH_ATTRIBUTE.name)


def _run_has_method_attribute() -> bool:
    return temporalio.workflow.info().typed_search_attributes.get(_METHOD_KEY) is not None


def child_start_visibility(call: ChildCall) -> dict[str, Any]:
    """``start_child_workflow`` keywords for the child's search attributes and summary."""
    pairs = to_temporal_pairs(call.options.search_attributes)
    if _run_has_method_attribute():
        pairs.append(method_pair(call.workflow_type, call.method))
    return {
        "search_attributes": temporalio.common.TypedSearchAttributes(pairs) if pairs else None,
        "static_summary": run_summary(call.workflow_type, call.method, call.options.summary),
    }


def continue_as_new_search_attributes(method: str) -> temporalio.common.TypedSearchAttributes | None:
    """The next run's search attributes when it runs another entry method than this one: this run's,
    with the method attribute naming ``method`` (None: the server copies this run's as they are)."""
    if not _run_has_method_attribute():
        return None
    info = temporalio.workflow.info()
    current = info.typed_search_attributes
    updated: Any = current.updated  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
    renewed: temporalio.common.TypedSearchAttributes = updated(method_pair(info.workflow_type, method))
    return renewed


def upsert_temporal_search_attributes(values: tuple[SearchAttributeValue[Any], ...]) -> None:
    """Set (or with ``Key.unset()`` remove) attributes of the current run."""
    upsert: Any = temporalio.workflow.upsert_search_attributes  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
    upsert(to_temporal_updates(values))


def current_search_attributes() -> SearchAttributes:
    """The current run's search attributes (those set at start, then upserted)."""
    return search_attributes_from_temporal(temporalio.workflow.info().typed_search_attributes)
