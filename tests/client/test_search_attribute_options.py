"""Start options ``search_attributes=`` and ``summary=``: checked, converted to temporalio's types, the
summary naming the entry method; and the server's "not defined" answer as our typed error."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import temporalio.common
import temporalio.service

from temporal_runtime import (
    METHOD_SEARCH_ATTRIBUTE,
    InvalidOptionError,
    SearchAttribute,
    SearchAttributeNotRegisteredError,
    StartOptions,
    Workflow,
)
from temporal_runtime_client import WorkflowClient
from temporal_runtime_client._errors import translate_error
from temporal_runtime_core import _search_attributes as declared_keys  # pyright: ignore[reportPrivateUsage]


def _undeclared[T](make: Callable[[], T]) -> T:
    """``make()`` without leaving its keys declared: this module's throwaway keys must not take the
    session dev server's few columns per type (it registers every key declared when it starts)."""
    saved = dict(declared_keys._declared)  # pyright: ignore[reportPrivateUsage]
    try:
        return make()
    finally:
        declared_keys._declared.clear()  # pyright: ignore[reportPrivateUsage]
        declared_keys._declared.update(saved)  # pyright: ignore[reportPrivateUsage]


OptCustomer, OptTags = _undeclared(
    lambda: (SearchAttribute.keyword("OptCustomer"), SearchAttribute.keyword_list("OptTags"))
)


class OptOrder(Workflow):
    async def process(self, order: str) -> str:
        return order


def test_values_become_temporalio_typed_pairs() -> None:
    kwargs = StartOptions(
        search_attributes=[OptCustomer.value("c-1"), OptTags.value(("a", "b"))]
    ).to_temporal("m")
    attributes = kwargs["search_attributes"]
    assert isinstance(attributes, temporalio.common.TypedSearchAttributes)
    assert attributes.get(temporalio.common.SearchAttributeKey.for_keyword("OptCustomer")) == "c-1"
    assert attributes.get(temporalio.common.SearchAttributeKey.for_keyword_list("OptTags")) == ["a", "b"]
    assert StartOptions().to_temporal("m")["search_attributes"] is None


def test_a_proxy_setting_is_replaced_by_a_later_one() -> None:
    first = StartOptions(search_attributes=[OptCustomer.value("c-1")], summary="one")
    later = first.merge(search_attributes=[OptTags.value(["x"])], summary=None)
    assert later.search_attributes == (OptTags.value(["x"]),)
    assert later.summary == "one"  # None leaves it


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"OptCustomer": "c-1"}, "list of typed values"),
        (OptCustomer.value("c-1"), "list of typed values"),
        ([("OptCustomer", "c-1")], r"not a typed search attribute value.*CustomerId.value\('c-1'\)"),
        ([OptCustomer.unset()], r"unset\(\) removes an attribute from a running workflow"),
        ([OptCustomer.value("a"), OptCustomer.value("b")], "'OptCustomer' is given twice"),
        ([METHOD_SEARCH_ATTRIBUTE.value("X.y")], "set by temporal-runtime itself"),
    ],
)
def test_wrong_search_attributes_are_named(value: Any, expected: str) -> None:
    with pytest.raises(InvalidOptionError, match=expected):
        StartOptions(search_attributes=value)


@pytest.mark.parametrize("summary", ["", 42])
def test_a_summary_must_be_a_non_empty_string(summary: Any) -> None:
    with pytest.raises(InvalidOptionError, match="summary must be a non-empty string"):
        StartOptions(summary=summary)


def _client() -> WorkflowClient:
    # prepare_start makes no call: a client object that was never connected is enough
    return WorkflowClient(object.__new__(_NoConnection), "q")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


class _NoConnection:
    namespace = "default"

    @property
    def data_converter(self) -> Any:
        import temporalio.converter

        return temporalio.converter.DataConverter.default


def test_the_summary_names_the_entry_method_then_the_users_text() -> None:
    client = _client()
    plain = client.prepare_start(OptOrder, "process", ("o-1",))
    assert plain.kwargs["static_summary"] == "OptOrder.process"
    given = client.prepare_start(OptOrder, "process", ("o-1",), options=StartOptions(summary="order 42"))
    assert given.kwargs["static_summary"] == "OptOrder.process: order 42"
    raw = client.prepare_start(
        OptOrder, "process", ("o-1",), options=StartOptions(extra={"static_summary": "raw"})
    )
    assert raw.kwargs["static_summary"] == "raw"  # extra= is passed on as it is


@pytest.mark.parametrize(
    "message",
    [
        "Namespace default has no mapping defined for search attribute OptLate",  # dev server, cluster
        "search attribute OptLate is not defined",  # time-skipping test server
    ],
)
def test_the_servers_not_defined_answer_becomes_our_error(message: str) -> None:
    rpc = temporalio.service.RPCError(message, temporalio.service.RPCStatusCode.INVALID_ARGUMENT, b"")
    error = translate_error(rpc)
    assert isinstance(error, SearchAttributeNotRegisteredError)
    assert error.names == ("OptLate",)
    assert "register_search_attributes()" in str(error)
    assert "temporal operator search-attribute create --name OptLate" in str(error)
    other = temporalio.service.RPCError("bad cron", temporalio.service.RPCStatusCode.INVALID_ARGUMENT, b"")
    assert translate_error(other) is other
