"""Typed search attribute keys and values (core, no server)."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from temporal_runtime_core import (
    METHOD_SEARCH_ATTRIBUTE,
    DefinitionError,
    InvalidOptionError,
    SearchAttribute,
    SearchAttributes,
    SearchAttributeType,
    declared_search_attributes,
    method_search_attribute_value,
)
from temporal_runtime_core import _search_attributes as declared_keys  # pyright: ignore[reportPrivateUsage]


@pytest.fixture(autouse=True)
def _forget_keys_declared_here() -> Iterator[None]:
    # The keys these tests declare are throwaway: the session's dev server registers every key
    # declared when it starts and has few columns per type (10 Keyword, 3 of each other type).
    saved = dict(declared_keys._declared)  # pyright: ignore[reportPrivateUsage]
    yield
    declared_keys._declared.clear()  # pyright: ignore[reportPrivateUsage]
    declared_keys._declared.update(saved)  # pyright: ignore[reportPrivateUsage]


def test_constructors_give_the_index_type_temporal_names() -> None:
    cases: dict[SearchAttribute[Any], str] = {
        SearchAttribute.keyword("CoreKw"): "Keyword",
        SearchAttribute.text("CoreText"): "Text",
        SearchAttribute.int("CoreInt"): "Int",
        SearchAttribute.float("CoreFloat"): "Double",
        SearchAttribute.bool("CoreBool"): "Bool",
        SearchAttribute.datetime("CoreWhen"): "Datetime",
        SearchAttribute.keyword_list("CoreTags"): "KeywordList",
    }
    for key, temporal_name in cases.items():
        assert key.type.value == temporal_name
    assert repr(SearchAttribute.keyword_list("CoreTags")) == "SearchAttribute.keyword_list('CoreTags')"


def test_values_are_checked_and_normalised() -> None:
    assert SearchAttribute.float("CoreTotal").value(3).value == 3.0
    assert isinstance(SearchAttribute.float("CoreTotal").value(3).value, float)
    assert SearchAttribute.keyword_list("CoreLabels").value(["a", "b"]).value == ("a", "b")
    when = datetime(2026, 1, 2, tzinfo=timezone(timedelta(hours=2)))
    assert SearchAttribute.datetime("CoreDue").value(when).value == when
    assert SearchAttribute.int("CoreCount").unset().value is None


# Keys are made in the test, not at collection: the session's dev server registers the keys declared
# when it starts, and has few columns per type (the integration tests' keys come first).
@pytest.mark.parametrize(
    ("make", "name", "value", "expected"),
    [
        (SearchAttribute.keyword, "CoreBadKw", 42, "takes a str, got int 42"),
        (SearchAttribute.int, "CoreBadInt", True, "takes an int, got bool True"),
        (SearchAttribute.int, "CoreBadInt", 1.5, "takes an int, got float 1.5"),
        (SearchAttribute.bool, "CoreBadBool", "yes", "takes a bool"),
        (SearchAttribute.keyword_list, "CoreBadTags", "vip", "takes a list of str, got str 'vip'"),
        (SearchAttribute.keyword_list, "CoreBadTags", ["a", 1], "takes a list of str"),
        (SearchAttribute.datetime, "CoreBadDue", "2026-01-01", "takes a timezone-aware datetime"),
    ],
)
def test_a_wrong_value_names_the_key_and_what_it_takes(
    make: Callable[[str], SearchAttribute[object]], name: str, value: object, expected: str
) -> None:
    key = make(name)
    with pytest.raises(InvalidOptionError, match=expected) as caught:
        key.value(value)
    assert repr(key.name) in str(caught.value)


def test_a_naive_datetime_is_refused_with_the_fix() -> None:
    with pytest.raises(InvalidOptionError, match=r"timezone-aware.*tzinfo=UTC"):
        SearchAttribute.datetime("CoreNaive").value(datetime(2026, 1, 1))


@pytest.mark.parametrize("name", ["", "1st", "has space", "dash-ed", None])
def test_invalid_names_are_refused(name: object) -> None:
    with pytest.raises(InvalidOptionError, match="not valid"):
        SearchAttribute.keyword(name)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def test_a_name_declared_with_two_types_is_a_definition_error() -> None:
    SearchAttribute.keyword("CoreTwice")
    SearchAttribute.keyword("CoreTwice")  # the same declaration again is fine (re-imports)
    with pytest.raises(DefinitionError, match=r"'CoreTwice' is declared as Keyword and again as Int"):
        SearchAttribute.int("CoreTwice")


def test_declared_keys_are_remembered_once_each_with_the_method_attribute() -> None:
    SearchAttribute.keyword("CoreDeclared")
    SearchAttribute.keyword("CoreDeclared")
    declared = declared_search_attributes()
    names = [key.name for key in declared]
    assert names.count("CoreDeclared") == 1
    assert METHOD_SEARCH_ATTRIBUTE in declared
    assert SearchAttribute.keyword("EntryMethod") == METHOD_SEARCH_ATTRIBUTE
    assert METHOD_SEARCH_ATTRIBUTE.type is SearchAttributeType.KEYWORD


def test_search_attributes_read_typed_and_like_a_mapping() -> None:
    customer = SearchAttribute.keyword("CoreCustomer")
    total = SearchAttribute.float("CoreAmount")
    missing = SearchAttribute.int("CoreMissing")
    when = datetime(2026, 1, 1, tzinfo=UTC)
    attributes = SearchAttributes({"CoreCustomer": "c-1", "CoreAmount": 9.5, "At": when})
    assert attributes.get(customer) == "c-1"
    assert attributes.get(total) == 9.5
    assert attributes.get(missing) is None
    assert attributes.get("At") == when
    assert attributes.get("nope", 0) == 0
    assert attributes["CoreCustomer"] == "c-1"
    assert customer in attributes
    assert "CoreAmount" in attributes
    assert missing not in attributes
    assert len(attributes) == 3
    assert sorted(attributes) == ["At", "CoreAmount", "CoreCustomer"]
    assert dict(attributes) == {"CoreCustomer": "c-1", "CoreAmount": 9.5, "At": when}
    assert attributes == {"CoreCustomer": "c-1", "CoreAmount": 9.5, "At": when}
    assert attributes != {"CoreCustomer": "c-2"}
    assert isinstance(attributes, Mapping)
    assert pickle.loads(pickle.dumps(attributes)) == attributes
    with pytest.raises(KeyError):
        attributes["nope"]


def test_the_reserved_temporal_prefix_is_refused_with_the_reason() -> None:
    # A cluster's AddSearchAttributes answers "Search attribute TemporalX is reserved by system".
    with pytest.raises(InvalidOptionError, match=r"'TemporalOrderId' starts with 'Temporal'.*'OrderId'"):
        SearchAttribute.keyword("TemporalOrderId")
    assert not METHOD_SEARCH_ATTRIBUTE.name.startswith("Temporal")


def test_the_method_attribute_value_is_workflow_dot_method() -> None:
    assert method_search_attribute_value("OrderWorkflow", "process") == "OrderWorkflow.process"
