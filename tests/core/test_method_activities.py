"""Method activities: ``activity_def`` on methods, class access (the handle) and instance access
(the activity bound to an instance)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from temporal_runtime_core import (
    ActivityDefinition,
    DefinitionError,
    InvalidArgumentsError,
    InvalidResultError,
    MethodActivity,
    NoArgs,
    Registry,
    activity_def,
)

REGISTRY: Registry[ActivityDefinition[Any, Any]] = Registry("activity")


class Email(BaseModel):
    to: str


class Receipt(BaseModel):
    message_id: str


class Outbox:
    """A resource the activities need: it records what was sent."""

    def __init__(self) -> None:
        self.sent: list[str] = []


class EmailActivities:
    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    @activity_def("meth.send", Args=Email, registry=REGISTRY)
    async def send(self, email: Email) -> Receipt:
        self.outbox.sent.append(email.to)
        return {"message_id": f"m-{len(self.outbox.sent)}"}  # type: ignore[return-value]  # pyright: ignore[reportReturnType]  # validated

    @activity_def("meth.count", registry=REGISTRY)
    async def count(self) -> int:
        return len(self.outbox.sent)

    @activity_def("meth.bad_result", Args=Email, Result=int, registry=REGISTRY)
    async def bad_result(self, email: Email) -> int:
        return "not a number"  # type: ignore[return-value]  # pyright: ignore[reportReturnType]  # the test's point

    def plain(self) -> str:
        return "not an activity"


def test_class_access_is_the_registered_method_activity() -> None:
    handle = EmailActivities.send
    assert isinstance(handle, MethodActivity)
    assert handle.name == "meth.send"
    assert handle.args_type is Email
    assert handle.result_validation_type is Receipt
    assert handle.owner is EmailActivities
    assert handle.attribute == "send"
    assert handle.class_name == "EmailActivities"
    assert handle.origin == f"{__name__}.EmailActivities.send"
    assert REGISTRY.get("meth.send") is handle
    assert EmailActivities.count.args_type is NoArgs
    assert not EmailActivities.count.takes_args
    assert repr(handle).startswith("<method activity 'meth.send' Args=Email")


async def test_instance_access_runs_the_method_on_that_instance() -> None:
    first, second = EmailActivities(Outbox()), EmailActivities(Outbox())
    bound = first.send
    assert isinstance(bound, ActivityDefinition)
    assert not isinstance(bound, MethodActivity)
    assert (bound.name, bound.origin) == ("meth.send", EmailActivities.send.origin)
    receipt = await bound(Email(to="a@x"))
    assert receipt == Receipt(message_id="m-1")  # validated into the return annotation
    assert await first.send({"to": "b@x"}) == Receipt(message_id="m-2")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # JSON-like
    assert first.outbox.sent == ["a@x", "b@x"]
    assert second.outbox.sent == []
    assert await first.count() == 2
    assert await second.count() == 0
    assert REGISTRY.get("meth.send") is EmailActivities.send  # binding registers nothing


async def test_a_bound_method_activity_validates_input_and_output() -> None:
    activities = EmailActivities(Outbox())
    with pytest.raises(InvalidArgumentsError, match=r"'meth\.send' got invalid arguments"):
        await activities.send({"nope": 1})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    with pytest.raises(InvalidResultError, match=r"EmailActivities\.bad_result\) returned an invalid result"):
        await activities.bad_result(Email(to="a"))
    with pytest.raises(InvalidArgumentsError, match=r"takes no argument; it was called with 1"):
        await activities.count(1)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]


async def test_calling_the_unbound_handle_says_to_call_it_on_an_instance() -> None:
    with pytest.raises(DefinitionError) as info:
        await EmailActivities.send(Email(to="a"))
    message = str(info.value)
    assert "EmailActivities.send is a method activity ('meth.send')" in message
    assert "await EmailActivities(...).send(args)" in message
    assert "activity_instances=[EmailActivities(...)]" in message
    with pytest.raises(DefinitionError, match=r"await EmailActivities\(\.\.\.\)\.count\(\)"):
        await EmailActivities.count()


def test_bind_refuses_an_instance_of_another_class() -> None:
    with pytest.raises(DefinitionError, match="can only be bound to an instance of EmailActivities"):
        EmailActivities.send.bind(object())


def test_of_class_lists_the_method_activities_including_inherited_ones() -> None:
    class Base:
        @activity_def("meth.base_a", registry=Registry("activity"))
        async def a(self) -> int:
            return 1

        @activity_def("meth.base_b", registry=Registry("activity"))
        async def b(self) -> int:
            return 2

    class Child(Base):
        async def b(self) -> int:  # type: ignore[override]  # pyright: ignore[reportIncompatibleVariableOverride]  # redefined without activity_def: not one here
            return 3

        @activity_def("meth.child_c", registry=Registry("activity"))
        async def c(self) -> int:
            return 4

    assert [m.name for m in MethodActivity.of_class(Base)] == ["meth.base_a", "meth.base_b"]
    assert sorted(m.name for m in MethodActivity.of_class(Child)) == ["meth.base_a", "meth.child_c"]
    assert MethodActivity.of_class(EmailActivities) == [
        EmailActivities.send,
        EmailActivities.count,
        EmailActivities.bad_result,
    ]


async def test_a_method_activity_of_a_subclass_instance_runs_on_it() -> None:
    class Loud(EmailActivities):
        pass

    loud = Loud(Outbox())
    assert await loud.send(Email(to="x")) == Receipt(message_id="m-1")
    assert loud.outbox.sent == ["x"]


def test_a_class_body_method_without_self_is_a_definition_error() -> None:
    with pytest.raises(DefinitionError, match=r"must take exactly one argument after self"):

        class Bad:  # pyright: ignore[reportUnusedClass]
            @activity_def("meth.no_self", Args=Email, registry=Registry("activity"))
            async def send(email: Email) -> Receipt:  # pyright: ignore[reportGeneralTypeIssues]  # no self: the test's point
                raise AssertionError

    with pytest.raises(DefinitionError, match=r"takes an argument after self but activity_def"):

        class Bad2:  # pyright: ignore[reportUnusedClass]
            @activity_def("meth.extra", registry=Registry("activity"))  # type: ignore[arg-type]  # pyright: ignore[reportCallIssue, reportArgumentType, reportUntypedFunctionDecorator]  # the point
            async def tick(self, extra: int) -> int:
                return extra


def test_a_sync_method_is_a_thread_method_activity() -> None:
    class Sync:
        @activity_def("meth.sync", Args=Email, registry=Registry("activity"))
        def send(self, email: Email) -> Receipt:
            raise AssertionError

    assert isinstance(Sync.send, MethodActivity)
    assert Sync.send.is_thread
    assert Sync().send.is_thread


def test_functions_defined_inside_functions_stay_function_activities() -> None:
    async def local(email: Email) -> Receipt:
        return Receipt(message_id=email.to)

    defn = activity_def("meth.local", Args=Email, registry=Registry("activity"))(local)
    assert type(defn) is ActivityDefinition


def test_two_method_activities_of_one_name_conflict_like_functions() -> None:
    registry: Registry[ActivityDefinition[Any, Any]] = Registry("activity")

    class One:  # pyright: ignore[reportUnusedClass]
        @activity_def("meth.same", registry=registry)
        async def a(self) -> int:
            return 1

    with pytest.raises(DefinitionError, match=r"Conflicting activity name 'meth\.same'"):

        class Two:  # pyright: ignore[reportUnusedClass]
            @activity_def("meth.same", registry=registry)
            async def b(self) -> int:
                return 2
