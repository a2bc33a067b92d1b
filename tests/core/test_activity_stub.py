"""``activity_stub``: an activity handle for an activity served by another process or language."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from temporal_runtime_core import (
    ActivityDefinition,
    ActivityNotRegisteredError,
    DefinitionError,
    InvalidArgumentsError,
    InvalidResultError,
    NoArgs,
    Registry,
    activity_def,
    activity_stub,
    default_activity_registry,
)


class ChargeArgs(BaseModel):
    cents: int


class Receipt(BaseModel):
    receipt_id: str


def test_a_stub_is_an_activity_handle_with_the_declared_types() -> None:
    charge = activity_stub("stub.charge", Args=ChargeArgs, Result=Receipt)
    assert isinstance(charge, ActivityDefinition)
    assert charge.is_stub
    assert (charge.name, charge.args_type, charge.result_type) == ("stub.charge", ChargeArgs, Receipt)
    assert charge.takes_args
    assert charge.validate_args({"cents": 5}) == ChargeArgs(cents=5)
    assert charge.validate_result({"receipt_id": "r"}) == Receipt(receipt_id="r")
    with pytest.raises(InvalidArgumentsError, match=r"'stub\.charge' got invalid arguments"):
        charge.validate_args({"cents": "many"})
    with pytest.raises(InvalidResultError, match=rf"{__name__}\.activity_stub\('stub\.charge'\)"):
        charge.validate_result({"nope": 1})
    assert charge.origin == f"{__name__}.activity_stub('stub.charge')"
    assert repr(charge) == (
        f"<activity stub 'stub.charge' Args=ChargeArgs Result=Receipt declared in {__name__}>"
    )


def test_no_argument_and_untyped_result_forms() -> None:
    ping = activity_stub("stub.ping")
    assert ping.args_type is NoArgs
    assert not ping.takes_args
    assert ping.result_validation_type is None
    assert ping.validate_result({"any": ["json"]}) == {"any": ["json"]}  # plain JSON, unchanged
    tick = activity_stub("stub.tick", Result=int)
    assert tick.validate_result("7") == 7
    optional = activity_stub("stub.optional", Args=str | None)
    assert optional.validate_args(None) is None


def test_ordinary_activities_are_not_stubs() -> None:
    @activity_def("stub.real_one", registry=Registry("activity"))
    async def real() -> int:
        return 1

    assert not real.is_stub


def test_a_stub_is_never_registered() -> None:
    before = default_activity_registry.names()
    activity_stub("stub.not_registered", Args=ChargeArgs)
    assert default_activity_registry.names() == before
    assert "stub.not_registered" not in default_activity_registry


def test_a_stub_named_like_a_registered_activity_leaves_it_in_place() -> None:
    # Both name the same remote activity: the registry keeps serving the real one, which a worker of
    # this process runs when a workflow execs the stub on its queue. Nothing is swapped or hidden.
    registry: Registry[ActivityDefinition[Any, Any]] = Registry("activity")

    @activity_def("stub.shared", Args=ChargeArgs, registry=registry)
    async def charge_here(args: ChargeArgs) -> Receipt:
        return Receipt(receipt_id=str(args.cents))

    stub = activity_stub("stub.shared", Args=ChargeArgs, Result=Receipt)
    assert registry.get("stub.shared") is charge_here
    assert registry.names() == ["stub.shared"]
    assert stub.name == charge_here.name


async def test_calling_a_stub_in_process_says_it_is_served_elsewhere() -> None:
    charge = activity_stub("stub.charge_call", Args=ChargeArgs, Result=Receipt)
    with pytest.raises(ActivityNotRegisteredError) as info:
        await charge(ChargeArgs(cents=1))
    message = str(info.value)
    assert "Activity 'stub.charge_call' is a stub (activity_stub in" in message
    assert "served by another process" in message
    assert "self.exec(stub, ...)" in message
    assert "WorkflowTester" in message
    with pytest.raises(ActivityNotRegisteredError, match="is a stub"):
        await charge("wrong")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # the stub error comes first, not validation
    with pytest.raises(ActivityNotRegisteredError, match="is a stub"):
        await charge.run_impl(ChargeArgs(cents=1))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"Args": None}, r"activity_stub\('stub.bad'\) needs Args="),
        ({"Args": 5}, r"activity_stub\('stub.bad'\) needs Args="),
        ({"Result": "Receipt"}, r"activity_stub\('stub.bad'\): Result= must be a type"),
    ],
)
def test_invalid_types_are_definition_errors(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(DefinitionError, match=match):
        activity_stub("stub.bad", **kwargs)


@pytest.mark.parametrize("name", ["", "  ", None])
def test_a_stub_needs_a_name(name: Any) -> None:
    with pytest.raises(DefinitionError, match=r"activity_stub\(\) needs a non-empty name string"):
        activity_stub(name)
