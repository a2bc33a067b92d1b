"""Our search attribute values to temporalio's and back, the run summary, and the child options."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import temporalio.common

from temporal_runtime import InvalidOptionError, SearchAttribute
from temporal_runtime_core import _search_attributes as declared_keys  # pyright: ignore[reportPrivateUsage]
from temporal_runtime_workflow import child_options, run_summary, search_attributes_from_temporal
from temporal_runtime_workflow._search_attribute_convert import to_temporal_updates


def _undeclared[T](make: Callable[[], T]) -> T:
    """``make()`` without leaving its keys declared: this module's throwaway keys must not take the
    session dev server's few columns per type (it registers every key declared when it starts)."""
    saved = dict(declared_keys._declared)  # pyright: ignore[reportPrivateUsage]
    try:
        return make()
    finally:
        declared_keys._declared.clear()  # pyright: ignore[reportPrivateUsage]
        declared_keys._declared.update(saved)  # pyright: ignore[reportPrivateUsage]


ConvCustomer, ConvLabels = _undeclared(
    lambda: (SearchAttribute.keyword("ConvCustomer"), SearchAttribute.keyword_list("ConvLabels"))
)


def test_an_upsert_sets_and_unsets() -> None:
    [set_customer, unset_labels] = to_temporal_updates((ConvCustomer.value("c-1"), ConvLabels.unset()))
    assert set_customer.key == temporalio.common.SearchAttributeKey.for_keyword("ConvCustomer")
    assert set_customer.value == "c-1"
    assert unset_labels.key == temporalio.common.SearchAttributeKey.for_keyword_list("ConvLabels")
    assert unset_labels.value is None


def test_read_back_gives_tuples_and_aware_datetimes() -> None:
    naive = datetime(2026, 3, 1, 8, 0)
    typed = temporalio.common.TypedSearchAttributes(
        [
            temporalio.common.SearchAttributePair(
                temporalio.common.SearchAttributeKey.for_keyword_list("ConvLabels"), ["a", "b"]
            ),
            temporalio.common.SearchAttributePair(
                temporalio.common.SearchAttributeKey.for_datetime("ConvWhen"), naive
            ),
        ]
    )
    attributes = search_attributes_from_temporal(typed)
    assert attributes.get(ConvLabels) == ("a", "b")
    assert attributes["ConvWhen"] == naive.replace(tzinfo=UTC)


def test_the_summary_starts_with_the_entry_method() -> None:
    assert run_summary("OrderWorkflow", "process", None) == "OrderWorkflow.process"
    assert run_summary("OrderWorkflow", "process", "order 42") == "OrderWorkflow.process: order 42"
    with pytest.raises(InvalidOptionError, match="non-empty string"):
        run_summary("OrderWorkflow", "process", "")


def test_child_options_take_search_attributes_and_a_summary() -> None:
    options = child_options({"search_attributes": [ConvCustomer.value("c-2")], "summary": "kid"}, "here")
    assert options.search_attributes == (ConvCustomer.value("c-2"),)
    assert options.summary == "kid"
    with pytest.raises(InvalidOptionError, match=r"start_child\(X.y\): search_attributes: .*typed values"):
        child_options({"search_attributes": {"ConvCustomer": "c"}}, "start_child(X.y)")
    with pytest.raises(InvalidOptionError, match="summary must be a non-empty string"):
        child_options({"summary": 3}, "start_child(X.y)")
