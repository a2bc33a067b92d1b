"""Static typing checks of search attribute keys and values (checked by mypy and pyright, never run).

``assert_type`` fails type checking if an inferred type drifts; the ``# type: ignore`` /
``# pyright: ignore`` lines are negative cases that must stay errors for both checkers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import assert_type

from temporal_runtime import SearchAttribute, SearchAttributes, SearchAttributeValue

CustomerId = SearchAttribute.keyword("TypingCustomerId")
Notes = SearchAttribute.text("TypingNotes")
Items = SearchAttribute.int("TypingItems")
Total = SearchAttribute.float("TypingTotal")
Paid = SearchAttribute.bool("TypingPaid")
Due = SearchAttribute.datetime("TypingDue")
Tags = SearchAttribute.keyword_list("TypingTags")

assert_type(CustomerId, SearchAttribute[str])
assert_type(Notes, SearchAttribute[str])
assert_type(Items, SearchAttribute[int])
assert_type(Total, SearchAttribute[float])
assert_type(Paid, SearchAttribute[bool])
assert_type(Due, SearchAttribute[datetime])
assert_type(Tags, SearchAttribute[Sequence[str]])

assert_type(CustomerId.value("c-1"), SearchAttributeValue[str])
assert_type(Total.value(99.5), SearchAttributeValue[float])
assert_type(Total.value(99), SearchAttributeValue[float])  # an int is a float for type checkers too
assert_type(Due.value(datetime.now(UTC)), SearchAttributeValue[datetime])
assert_type(Tags.value(["vip", "eu"]), SearchAttributeValue[Sequence[str]])
assert_type(Items.unset(), SearchAttributeValue[int])


def read(attributes: SearchAttributes) -> None:
    assert_type(attributes.get(CustomerId), str | None)
    assert_type(attributes.get(Items), int | None)
    assert_type(attributes.get(Paid), bool | None)
    assert_type(attributes.get(Due), datetime | None)
    assert_type(attributes.get(Tags), Sequence[str] | None)
    assert_type(attributes.get("TypingCustomerId"), object | None)
    assert_type(attributes["TypingCustomerId"], object)


# negative cases: a value of the wrong type for its key
CustomerId.value(42)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
Items.value("7")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
Paid.value("yes")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
