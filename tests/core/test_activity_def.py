"""activity_def: definition checks, registration and in-process calls with validation."""

from collections.abc import Awaitable, Callable, Iterator
from typing import Any, cast

import pytest
from pydantic import BaseModel

from temporal_runtime_core import (
    ActivityDefinition,
    DefinitionError,
    DuplicateNameError,
    InvalidArgumentsError,
    Registry,
    activity_def,
    default_activity_registry,
)


class GreetArgs(BaseModel):
    name: str
    times: int = 1


class Greeting(BaseModel):
    text: str


class Other(BaseModel):
    value: int


# --- module-level activities, defined in a registry of their own ------------------------------------

REGISTRY: Registry[ActivityDefinition[Any, Any]] = Registry("activity")


async def greet_impl(args: GreetArgs) -> Greeting:
    return Greeting(text=" ".join([f"hello {args.name}"] * args.times))


greet = activity_def("unit.greet", Args=GreetArgs, Result=Greeting, registry=REGISTRY)(greet_impl)


@activity_def("unit.count_letters", Args=GreetArgs, registry=REGISTRY)
async def count_letters(args: GreetArgs) -> int:
    return len(args.name) * args.times


@activity_def("unit.bad_result", Args=GreetArgs, Result=Greeting, registry=REGISTRY)
async def bad_result(args: GreetArgs) -> Greeting:
    return Other(value=1)  # type: ignore[return-value]  # pyright: ignore[reportReturnType]  # deliberately wrong


@activity_def("unit.dict_result", Args=GreetArgs, Result=Greeting, registry=REGISTRY)
async def dict_result(args: GreetArgs) -> Greeting:
    return {"text": f"hi {args.name}"}  # type: ignore[return-value]  # pyright: ignore[reportReturnType]  # coerced by Result validation


@activity_def("unit.returns_none", Args=GreetArgs, registry=REGISTRY)
async def returns_none(args: GreetArgs) -> None:
    return None


# --- both forms -------------------------------------------------------------------------------------


def test_function_form_returns_definition_and_registers() -> None:
    assert isinstance(greet, ActivityDefinition)
    assert greet.name == "unit.greet"
    assert greet.fn is greet_impl
    assert greet.args_type is GreetArgs
    assert greet.result_type is Greeting
    assert REGISTRY.get("unit.greet") is greet


def test_decorator_form_returns_definition_and_registers() -> None:
    assert isinstance(count_letters, ActivityDefinition)
    assert count_letters.name == "unit.count_letters"
    assert count_letters.args_type is GreetArgs
    assert count_letters.result_type is None  # Result is optional
    assert REGISTRY.get("unit.count_letters") is count_letters


def test_custom_registry_does_not_touch_default_registry() -> None:
    for name in REGISTRY.names():
        assert name not in default_activity_registry


def test_origin_names_module_and_function() -> None:
    assert greet.origin == f"{greet_impl.__module__}.greet_impl"
    assert "greet_impl" in repr(greet)
    assert "unit.greet" in repr(greet)


def test_default_registry_used_when_none_given() -> None:
    name = "unit.test_activity_def.default_registry_probe"

    async def probe(args: GreetArgs) -> None:
        return None

    try:
        defn = activity_def(name, Args=GreetArgs)(probe)
        assert default_activity_registry.get(name) is defn
    finally:
        default_activity_registry.unregister(name)
    assert name not in default_activity_registry


# --- definition errors ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   ", None, 42])
def test_invalid_name_rejected(name: object) -> None:
    with pytest.raises(DefinitionError):
        activity_def(name, Args=GreetArgs, registry=Registry("activity"))  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType, reportCallIssue]


@pytest.mark.parametrize("args_type", [None, "GreetArgs", 42, GreetArgs(name="x")])
def test_invalid_args_type_rejected(args_type: object) -> None:
    with pytest.raises(DefinitionError) as info:
        activity_def("unit.x", Args=args_type, registry=Registry("activity"))
    assert "Args" in str(info.value)


def test_invalid_result_type_rejected() -> None:
    with pytest.raises(DefinitionError) as info:
        activity_def("unit.x", Args=GreetArgs, Result="Greeting", registry=Registry("activity"))
    assert "Result" in str(info.value)


def test_generic_args_and_result_types_accepted() -> None:
    reg: Registry[ActivityDefinition[Any, Any]] = Registry("activity")

    async def many(args: list[GreetArgs]) -> list[Greeting] | None:
        return None

    # A union is a valid runtime type hint but not a ``type[...]`` to a static checker, hence the cast.
    result_type = cast("type[list[Greeting] | None]", list[Greeting] | None)
    defn = activity_def("unit.many", Args=list[GreetArgs], Result=result_type, registry=reg)(many)
    assert defn.args_type == list[GreetArgs]
    assert "unit.many" in reg


def test_sync_implementation_is_a_thread_activity() -> None:
    reg: Registry[ActivityDefinition[Any, Any]] = Registry("activity")

    def sync_impl(args: GreetArgs) -> Greeting:
        return Greeting(text=f"hi {args.name}")

    defn = activity_def("unit.sync", Args=GreetArgs, registry=reg)(sync_impl)
    assert defn.is_thread
    assert "unit.sync" in reg


def test_generator_implementation_rejected() -> None:
    reg: Registry[ActivityDefinition[Any, Any]] = Registry("activity")

    def gen(args: GreetArgs) -> Iterator[Greeting]:
        yield Greeting(text="x")

    with pytest.raises(DefinitionError, match="is a generator"):
        activity_def("unit.gen", Args=GreetArgs, registry=reg)(gen)
    assert "unit.gen" not in reg


def test_two_argument_implementation_rejected() -> None:
    reg: Registry[ActivityDefinition[Any, Any]] = Registry("activity")

    async def two(args: GreetArgs, extra: int) -> None:
        return None

    with pytest.raises(DefinitionError) as info:
        activity_def("unit.two", Args=GreetArgs, registry=reg)(two)  # type: ignore[arg-type]  # pyright: ignore[reportCallIssue, reportArgumentType]
    assert "one" in str(info.value)
    assert "unit.two" not in reg


def test_keyword_only_implementation_rejected() -> None:
    reg: Registry[ActivityDefinition[Any, Any]] = Registry("activity")

    async def kw_only(*, args: GreetArgs) -> None:
        return None

    with pytest.raises(DefinitionError):
        activity_def("unit.kw", Args=GreetArgs, registry=reg)(kw_only)  # type: ignore[arg-type]  # pyright: ignore[reportCallIssue, reportArgumentType]


def test_zero_argument_implementation_rejected() -> None:
    # The worker always calls the implementation with one Args value; a function taking none would
    # only fail later, when the activity runs.
    reg: Registry[ActivityDefinition[Any, Any]] = Registry("activity")

    async def zero() -> None:
        return None

    with pytest.raises(DefinitionError):
        activity_def("unit.zero", Args=GreetArgs, registry=reg)(zero)  # type: ignore[arg-type]  # pyright: ignore[reportCallIssue, reportArgumentType]
    assert "unit.zero" not in reg


def test_one_required_plus_optional_argument_accepted() -> None:
    reg: Registry[ActivityDefinition[Any, Any]] = Registry("activity")

    async def with_default(args: GreetArgs, flag: bool = False) -> None:
        return None

    defn = activity_def("unit.default", Args=GreetArgs, registry=reg)(with_default)
    assert reg.get("unit.default") is defn


def test_applying_to_an_existing_definition_rejected() -> None:
    with pytest.raises(DefinitionError):
        activity_def("unit.again", Args=GreetArgs, registry=Registry("activity"))(greet)


# --- duplicates -------------------------------------------------------------------------------------


async def first_impl(args: GreetArgs) -> None:
    return None


async def second_impl(args: GreetArgs) -> None:
    return None


def test_duplicate_name_across_two_implementations() -> None:
    reg: Registry[ActivityDefinition[Any, Any]] = Registry("activity")
    first = activity_def("unit.dup", Args=GreetArgs, registry=reg)(first_impl)
    with pytest.raises(DuplicateNameError) as info:
        activity_def("unit.dup", Args=GreetArgs, registry=reg)(second_impl)
    message = str(info.value)
    assert "unit.dup" in message
    assert "first_impl" in message
    assert "second_impl" in message
    assert reg.get("unit.dup") is first


def test_duplicate_activity_name_shows_how_to_rename() -> None:
    reg: Registry[ActivityDefinition[Any, Any]] = Registry("activity")
    activity_def("unit.dup2", Args=GreetArgs, registry=reg)(first_impl)
    with pytest.raises(DuplicateNameError) as info:
        activity_def("unit.dup2", Args=GreetArgs, registry=reg)(second_impl)
    assert 'activity_def("new-name", Args=...)(second_impl)' in str(info.value)


async def test_arguments_of_another_model_class_name_that_class() -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        await greet(Other(value=1))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # deliberately the wrong DTO
    assert str(info.value) == (
        "Activity 'unit.greet' got invalid arguments. Got an Other where GreetArgs is expected. "
        "Invalid GreetArgs: name: Field required"
    )


def test_same_implementation_registered_again_replaces_quietly() -> None:
    reg: Registry[ActivityDefinition[Any, Any]] = Registry("activity")
    activity_def("unit.same", Args=GreetArgs, registry=reg)(first_impl)
    again = activity_def("unit.same", Args=GreetArgs, registry=reg)(first_impl)
    assert reg.get("unit.same") is again
    assert len(reg) == 1


# --- calling the handle directly --------------------------------------------------------------------


async def test_call_with_model() -> None:
    result = await greet(GreetArgs(name="ada", times=2))
    assert result == Greeting(text="hello ada hello ada")
    assert type(result) is Greeting


async def test_call_coerces_dict_into_model() -> None:
    received: list[object] = []

    async def capture(args: GreetArgs) -> str:
        received.append(args)
        return args.name

    handle = activity_def("unit.capture", Args=GreetArgs, registry=Registry("activity"))(capture)
    result = await handle({"name": "bob"})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    assert result == "bob"
    assert len(received) == 1
    assert type(received[0]) is GreetArgs
    assert received[0] == GreetArgs(name="bob", times=1)


async def test_call_with_invalid_args_names_activity() -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        await greet({"name": "ada", "times": "many"})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    message = str(info.value)
    assert "unit.greet" in message
    assert "times" in message
    assert "GreetArgs" in message


async def test_call_with_wrong_model_type_rejected() -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        await greet(Other(value=1))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    assert "unit.greet" in str(info.value)
    assert "name" in str(info.value)


async def test_invalid_args_do_not_run_the_implementation() -> None:
    calls: list[object] = []

    async def impl(args: GreetArgs) -> None:
        calls.append(args)

    handle = activity_def("unit.norun", Args=GreetArgs, registry=Registry("activity"))(impl)
    with pytest.raises(InvalidArgumentsError):
        await handle({"times": 1})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    assert calls == []


async def test_wrong_result_type_rejected() -> None:
    with pytest.raises(InvalidArgumentsError) as info:
        await bad_result(GreetArgs(name="x"))
    message = str(info.value)
    assert "unit.bad_result" in message
    assert "result" in message
    assert "Greeting" in message


async def test_result_is_coerced_into_result_model() -> None:
    result = await dict_result(GreetArgs(name="x"))
    assert type(result) is Greeting
    assert result.text == "hi x"


async def test_result_without_declared_type_is_returned_unchanged() -> None:
    assert await count_letters(GreetArgs(name="abc", times=2)) == 6
    # Seen as returning ``object`` so the checker accepts testing a None-returning call's result.
    call_returns_none: Callable[[GreetArgs], Awaitable[object]] = returns_none
    assert await call_returns_none(GreetArgs(name="abc")) is None


async def test_implementation_exception_propagates() -> None:
    class Boom(Exception):
        pass

    async def failing(args: GreetArgs) -> None:
        raise Boom("nope")

    handle = activity_def("unit.failing", Args=GreetArgs, registry=Registry("activity"))(failing)
    with pytest.raises(Boom, match="nope"):
        await handle(GreetArgs(name="x"))


def test_validate_args_and_result_methods() -> None:
    assert greet.validate_args({"name": "z"}) == GreetArgs(name="z")
    assert greet.validate_result({"text": "t"}) == Greeting(text="t")
    with pytest.raises(InvalidArgumentsError):
        greet.validate_result({"nope": 1})
