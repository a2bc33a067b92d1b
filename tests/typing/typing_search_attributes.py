"""Static typing checks of search attribute keys and values (checked by mypy and pyright, never run).

``assert_type`` fails type checking if an inferred type drifts; the ``# type: ignore`` /
``# pyright: ignore`` lines are negative cases that must stay errors for both checkers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, assert_type

from temporal_runtime import (
    MethodHandle,
    SearchAttribute,
    SearchAttributes,
    SearchAttributeValue,
    StartOptions,
    TemporalEngine,
    Workflow,
)
from temporal_runtime.testing import WorkflowTester

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


def read_in_context(attributes: SearchAttributes) -> str:
    # a context of type object (an f-string, an annotation) must not break the key's inference
    held: object = attributes.get(CustomerId)
    return f"{attributes.get(CustomerId)} {held}"


# --- start options, upserts and the workflow's own attributes (#13) --------------------------------


class TypingOrders(Workflow):
    async def process(self, order: str) -> int:
        self.upsert_search_attributes(CustomerId.value("c-2"), Total.value(12.5), Items.unset())
        assert_type(self.search_attributes, SearchAttributes)
        assert_type(self.search_attributes.get(Tags), Sequence[str] | None)
        self.upsert_search_attributes("CustomerId", "c-2")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        self.upsert_search_attributes(CustomerId.value(3))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        await self.start_child(
            TypingOrders.process, "o-2", search_attributes=[CustomerId.value("c-3")], summary="child"
        )
        await self.start_child(TypingOrders.process, "o-2", summary=7)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]
        return 1


async def start_with_attributes(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(
        TypingOrders.process,
        "o-1",
        search_attributes=[CustomerId.value("c-1"), Due.value(datetime.now(UTC)), Tags.value(["vip"])],
        summary="order 1",
    )
    assert_type(handle, MethodHandle[int, TypingOrders])
    proxy = TypingOrders.client(engine).options(search_attributes=[Paid.value(True)], summary="s")
    assert_type(proxy, TypingOrders)
    StartOptions(search_attributes=[Items.value(3)], summary="s")
    await engine.start_workflow(TypingOrders.process, "o-1", search_attributes=["CustomerId"])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    await engine.start_workflow(TypingOrders.process, "o-1", summary=1)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]
    assert_type(await engine.register_search_attributes(), tuple[str, ...])
    assert_type(await engine.register_search_attributes(CustomerId, Tags), tuple[str, ...])


async def in_the_tester() -> None:
    tester = WorkflowTester(TypingOrders, search_attributes=[CustomerId.value("c-1")], summary="s")
    handle = await tester.start(TypingOrders.process, "o-1")
    assert_type(handle.search_attributes, SearchAttributes)
    assert_type(handle.search_attribute_upserts, list[tuple[SearchAttributeValue[Any], ...]])
    assert_type(handle.summary, str | None)
