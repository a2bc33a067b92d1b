"""activity_def with every type form pydantic validates, inferred results, and no-argument activities."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field

from temporal_runtime_core import (
    ActivityDefinition,
    DefinitionError,
    InvalidArgumentsError,
    InvalidResultError,
    NoArgs,
    Registry,
    activity_def,
)

REGISTRY: Registry[ActivityDefinition[Any, Any]] = Registry("activity")


class Item(BaseModel):
    sku: str


class Payment(BaseModel):
    amount: int


@activity_def("shapes.pay", Args=Item, registry=REGISTRY)
async def pay(item: Item) -> Payment:
    return {"amount": len(item.sku)}  # type: ignore[return-value]  # pyright: ignore[reportReturnType]  # validated into Payment


@activity_def("shapes.optional", Args=str | None, Result=Payment | None, registry=REGISTRY)
async def optional(text: str | None) -> Payment | None:
    return None if text is None else Payment(amount=len(text))


@activity_def("shapes.items", Args=list[Item], registry=REGISTRY)
async def items(values: list[Item]) -> list[Item]:
    return [*values, Item(sku="extra")]


@activity_def("shapes.positive", Args=Annotated[int, Field(gt=0)], registry=REGISTRY)
async def positive(value: int) -> Annotated[int, Field(lt=100)]:
    return value * 10


@activity_def("shapes.untyped", Args=Item, registry=REGISTRY)
async def untyped(item: Item):  # type: ignore[no-untyped-def]  # no return annotation: plain JSON
    return {"sku": item.sku}


@activity_def("shapes.tick", registry=REGISTRY)
async def tick() -> int:
    return 7


@activity_def("shapes.tock", Result=Payment, registry=REGISTRY)
async def tock() -> Payment:
    return Payment(amount=1)


async def test_result_is_validated_into_the_return_annotation_without_result() -> None:
    result = await pay(Item(sku="abc"))
    assert type(result) is Payment
    assert result == Payment(amount=3)
    assert pay.result_type is None
    assert pay.result_validation_type is Payment


async def test_a_return_value_not_matching_the_annotation_is_an_invalid_result() -> None:
    with pytest.raises(InvalidResultError, match=r"shapes\.positive.*returned an invalid result"):
        await positive(50)  # 500 is not < 100


async def test_union_args_and_result() -> None:
    assert await optional(None) is None
    assert await optional("hello") == Payment(amount=5)
    with pytest.raises(InvalidArgumentsError, match=r"shapes\.optional"):
        await optional(5)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # deliberately wrong


async def test_list_and_annotated_args() -> None:
    assert await items([Item(sku="a")]) == [Item(sku="a"), Item(sku="extra")]
    assert await items([{"sku": "b"}]) == [Item(sku="b"), Item(sku="extra")]  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    assert await positive(3) == 30
    with pytest.raises(InvalidArgumentsError, match="greater than 0"):
        await positive(0)


async def test_without_a_return_annotation_the_result_stays_plain_json() -> None:
    assert untyped.result_validation_type is None
    result = await untyped(Item(sku="x"))
    assert result == {"sku": "x"}
    assert type(result) is dict


async def test_no_argument_activity_runs_in_process() -> None:
    assert tick.takes_args is False
    assert tick.args_type is NoArgs
    assert await tick() == 7
    assert await tock() == Payment(amount=1)
    assert pay.takes_args is True


async def test_no_argument_activity_called_with_an_argument_is_refused() -> None:
    with pytest.raises(InvalidArgumentsError, match=r"'shapes\.tick' takes no argument"):
        await tick(1)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]  # deliberately wrong
    with pytest.raises(InvalidArgumentsError, match=r"'shapes\.pay' takes one argument"):
        await pay()  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]  # deliberately wrong


def test_implementation_taking_an_argument_without_args_is_a_definition_error() -> None:
    async def needs_one(value: int) -> int:
        return value

    with pytest.raises(
        DefinitionError, match=r"takes an argument but activity_def\('shapes.bad1'\) has no Args="
    ):
        # To a type checker a one-parameter function is also a no-argument method (`self` only);
        # at run time it is not defined in a class body, so its parameter is an argument.
        activity_def("shapes.bad1", registry=Registry("activity"))(needs_one)


def test_args_given_to_an_implementation_without_parameters_is_a_definition_error() -> None:
    async def takes_none() -> int:
        return 1

    with pytest.raises(DefinitionError, match=r"must take exactly one argument.*drop Args="):
        activity_def("shapes.bad2", Args=int, registry=Registry("activity"))(takes_none)  # type: ignore[arg-type]  # pyright: ignore[reportCallIssue, reportArgumentType]


class Opaque:
    """Not a type pydantic validates."""


def test_a_return_annotation_pydantic_cannot_validate_is_a_definition_error() -> None:
    async def opaque(value: int) -> Opaque:
        return Opaque()

    with pytest.raises(DefinitionError, match=r"not a type pydantic can validate.*pass Result="):
        activity_def("shapes.bad3", Args=int, registry=Registry("activity"))(opaque)


async def test_a_forward_reference_is_resolved_at_first_use() -> None:
    registry: Registry[ActivityDefinition[Any, Any]] = Registry("activity")

    async def later(value: int) -> LaterModel:
        return LaterModel(n=value)

    defn = activity_def("shapes.later", Args=int, registry=registry)(later)
    assert await defn(2) == LaterModel(n=2)


class LaterModel(BaseModel):
    n: int


def test_repr_names_both_types() -> None:
    assert "Args=str | None" in repr(optional)
    assert "Args=None" in repr(tick)
