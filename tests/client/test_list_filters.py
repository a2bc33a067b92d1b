"""``list``/``count`` filters: the query sent to the server for each combination, and the errors for
filters that cannot work, raised before anything is sent."""

from __future__ import annotations

import pytest

from temporal_runtime import (
    InvalidOptionError,
    UnknownMethodError,
    Workflow,
    WorkflowStatus,
    wf_signal,
)
from temporal_runtime_client._list_query import LIST_FILTER_DOCS, list_filter, quote


class FilterOrders(Workflow, name="orders.filter"):
    @wf_signal("poke")
    async def poke(self) -> None:
        pass

    async def process(self, order_id: str) -> str:
        return order_id

    async def refund(self, order_id: str) -> str:
        return order_id


async def not_a_workflow_method(order_id: str) -> str:
    return order_id


def test_no_filter_lists_everything() -> None:
    assert list_filter(None, None, None).query(method_attribute=True) is None
    assert list_filter("  ", None, None).query(method_attribute=False) is None


def test_the_user_query_is_parenthesized_and_anded_with_the_keyword_filters() -> None:
    chosen = list_filter("CustomerId = 'c-1' OR Total > 5", FilterOrders, WorkflowStatus.RUNNING)
    assert chosen.query(method_attribute=True) == (
        "(CustomerId = 'c-1' OR Total > 5) AND (ExecutionStatus = 'Running') "
        "AND (WorkflowType = 'orders.filter')"
    )
    assert list_filter("CustomerId = 'c-1'", None, None).query(method_attribute=True) == "CustomerId = 'c-1'"


def test_several_statuses_match_any_of_them_once_each() -> None:
    chosen = list_filter(None, None, [WorkflowStatus.FAILED, WorkflowStatus.TIMED_OUT, WorkflowStatus.FAILED])
    assert chosen.query(method_attribute=False) == "ExecutionStatus IN ('Failed', 'TimedOut')"
    names = {
        status: list_filter(None, None, status).query(method_attribute=False)
        for status in WorkflowStatus
        if status is not WorkflowStatus.UNKNOWN
    }
    assert names[WorkflowStatus.CONTINUED_AS_NEW] == "ExecutionStatus = 'ContinuedAsNew'"
    assert names[WorkflowStatus.CANCELED] == "ExecutionStatus = 'Canceled'"


def test_an_entry_method_is_filtered_by_the_attribute_or_by_type_and_memo() -> None:
    chosen = list_filter(None, FilterOrders.process, None)
    assert (chosen.workflow_type, chosen.method) == ("orders.filter", "orders.filter.process")
    # With the attribute: runs carrying it, and runs of the class without it (checked by memo).
    assert chosen.query(method_attribute=True) == (
        "EntryMethod = 'orders.filter.process' OR (WorkflowType = 'orders.filter' AND EntryMethod IS NULL)"
    )
    assert chosen.marked_query() == "(EntryMethod = 'orders.filter.process')"
    assert chosen.query(method_attribute=True, unmarked_only=True) == (
        "WorkflowType = 'orders.filter' AND EntryMethod IS NULL"
    )
    # Without it: every run of the class, checked by memo client-side.
    assert chosen.query(method_attribute=False) == "WorkflowType = 'orders.filter'"
    with_status = list_filter("WorkflowId STARTS_WITH 'o-'", FilterOrders.refund, WorkflowStatus.COMPLETED)
    assert with_status.marked_query() == (
        "(WorkflowId STARTS_WITH 'o-') AND (ExecutionStatus = 'Completed') "
        "AND (EntryMethod = 'orders.filter.refund')"
    )


def test_string_literals_are_escaped() -> None:
    assert quote("it's") == "'it\\'s'"
    assert quote("a\\b") == "'a\\\\b'"


def test_a_signal_handler_is_not_an_entry_method() -> None:
    with pytest.raises(UnknownMethodError, match=r"FilterOrders\.poke is a signal handler"):
        list_filter(None, FilterOrders.poke, None)


def test_a_function_or_class_that_is_not_a_workflow_is_refused() -> None:
    with pytest.raises(InvalidOptionError, match="not_a_workflow_method is not an entry method"):
        list_filter(None, not_a_workflow_method, None)
    with pytest.raises(InvalidOptionError, match="workflow=str is not a Workflow class"):
        list_filter(None, str, None)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def test_statuses_that_cannot_be_listed_by_are_refused() -> None:
    with pytest.raises(InvalidOptionError, match=r"status=<WorkflowStatus.UNKNOWN.*WorkflowStatus\.RUNNING"):
        list_filter(None, None, WorkflowStatus.UNKNOWN)
    with pytest.raises(InvalidOptionError, match="status='Running' is not a status"):
        list_filter(None, None, "Running")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def test_a_query_that_is_not_a_string_is_refused_with_the_docs() -> None:
    with pytest.raises(InvalidOptionError, match=f"query must be a str.*{LIST_FILTER_DOCS}"):
        list_filter(42, None, None)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
