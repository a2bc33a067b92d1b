"""``TemporalEngine(activity_instances=[...])``: checked at construction, bound for the worker, and a
method activity without an instance refused when the worker starts (no server involved)."""

from __future__ import annotations

from types import MethodType
from typing import Any, cast

import pytest
import temporalio.common
import temporalio.testing
from pydantic import BaseModel

from temporal_runtime import (
    ActivityDefinition,
    DuplicateNameError,
    InvalidOptionError,
    MethodActivity,
    Registry,
    TemporalEngine,
    WorkflowRegistry,
    activity_def,
    activity_stub,
)
from temporal_runtime_engine import RuntimePayloadConverter
from temporal_runtime_engine._activities import temporal_activity
from temporal_runtime_engine._worker import EngineWorker, WorkerSettings

ACTIVITIES: Registry[ActivityDefinition[Any, Any]] = Registry("activity")


class Note(BaseModel):
    text: str


class Counter:
    def __init__(self) -> None:
        self.value = 0


class CounterActivities:
    def __init__(self, counter: Counter) -> None:
        self.counter = counter

    @activity_def("inst.add", Args=Note, registry=ACTIVITIES)
    async def add(self, note: Note) -> int:
        self.counter.value += len(note.text)
        return self.counter.value

    @activity_def("inst.read", registry=ACTIVITIES)
    async def read(self) -> int:
        return self.counter.value


class MoreCounterActivities(CounterActivities):
    pass


class NoActivities:
    async def add(self, note: Note) -> int:
        return 0


@activity_def("inst.plain", registry=ACTIVITIES)
async def plain() -> str:
    return "plain"


def settings(registry: Registry[ActivityDefinition[Any, Any]], *instances: object) -> WorkerSettings:
    engine = TemporalEngine(
        "h:7233", workflow_registry=cast(WorkflowRegistry, Registry("workflow")), activity_registry=registry,
        activity_instances=list(instances),
    )  # fmt: skip
    return engine._worker_settings  # pyright: ignore[reportPrivateUsage]


def test_each_method_activity_is_served_bound_to_its_instance() -> None:
    counter = Counter()
    instance = CounterActivities(counter)
    served = {d.name: d for d in settings(ACTIVITIES, instance).served().activities}
    assert sorted(served) == ["inst.add", "inst.plain", "inst.read"]
    assert served["inst.plain"] is plain
    for name in ("inst.add", "inst.read"):
        assert not isinstance(served[name], MethodActivity)
        fn = served[name].fn
        assert isinstance(fn, MethodType)
        assert fn.__self__ is instance
        assert served[name].origin == f"{__name__}.CounterActivities.{name.partition('.')[2]}"


async def test_the_worker_entry_point_runs_the_method_on_the_instance() -> None:
    counter = Counter()
    served = {d.name: d for d in settings(ACTIVITIES, CounterActivities(counter)).served().activities}
    env = temporalio.testing.ActivityEnvironment()
    env.payload_converter = RuntimePayloadConverter()
    [payload] = env.payload_converter.to_payloads([{"text": "abc"}])
    assert await env.run(temporal_activity(served["inst.add"]), temporalio.common.RawValue(payload)) == 3
    assert counter.value == 3
    assert await env.run(temporal_activity(served["inst.read"])) == 3


def test_instances_serve_their_method_activities_even_outside_the_registry() -> None:
    served = settings(Registry("activity"), CounterActivities(Counter())).served().activities
    assert sorted(d.name for d in served) == ["inst.add", "inst.read"]


def test_an_instance_of_a_subclass_serves_the_inherited_method_activities() -> None:
    instance = MoreCounterActivities(Counter())
    served = {d.name: d for d in settings(ACTIVITIES, instance).served().activities}
    fn = served["inst.add"].fn
    assert isinstance(fn, MethodType)
    assert fn.__self__ is instance


def test_stubs_are_never_served() -> None:
    registry: Registry[ActivityDefinition[Any, Any]] = Registry("activity")
    registry.register(activity_stub("inst.remote", Args=Note))  # registered by hand: still skipped
    registry.register(plain)
    assert [d.name for d in settings(registry).served().activities] == ["inst.plain"]


def test_a_method_activity_without_an_instance_is_refused_at_worker_start() -> None:
    worker_settings = settings(ACTIVITIES)
    served = worker_settings.served()  # a client-only engine would not mind
    assert CounterActivities.add in served.activities
    with pytest.raises(InvalidOptionError) as info:
        EngineWorker.start(cast(Any, None), worker_settings, served)
    message = str(info.value)
    assert "method activities that have no instance to run on" in message
    assert "CounterActivities: 'inst.add', 'inst.read'" in message
    assert f"(defined in {__name__})" in message
    assert "TemporalEngine(activity_instances=[CounterActivities(...)])" in message


def test_a_registered_activity_named_like_an_instance_method_activity_conflicts() -> None:
    registry: Registry[ActivityDefinition[Any, Any]] = Registry("activity")

    @activity_def("inst.add", Args=Note, registry=registry)
    async def other_add(note: Note) -> int:
        return 0

    with pytest.raises(DuplicateNameError, match=r"Conflicting activity name 'inst\.add'"):
        settings(registry, CounterActivities(Counter())).served()


def test_a_class_instead_of_an_instance_is_an_invalid_option() -> None:
    with pytest.raises(InvalidOptionError, match=r"takes instances, got the class CounterActivities"):
        TemporalEngine("h:7233", activity_instances=[CounterActivities])


def test_an_instance_without_method_activities_is_an_invalid_option() -> None:
    with pytest.raises(InvalidOptionError) as info:
        TemporalEngine("h:7233", activity_instances=[NoActivities()])
    assert f"{__name__}.NoActivities defines no method activity" in str(info.value)
    assert "@activity_def(" in str(info.value)


def test_two_instances_of_one_class_are_an_invalid_option() -> None:
    with pytest.raises(InvalidOptionError, match=r"serve activity 'inst\.add'.*pass one of them"):
        TemporalEngine(
            "h:7233", activity_instances=[CounterActivities(Counter()), CounterActivities(Counter())]
        )
    with pytest.raises(InvalidOptionError, match=r"serve activity 'inst\.add'"):
        TemporalEngine(
            "h:7233", activity_instances=[CounterActivities(Counter()), MoreCounterActivities(Counter())]
        )


@pytest.mark.parametrize("value", [CounterActivities(Counter()), "abc", 5])
def test_activity_instances_must_be_a_list(value: Any) -> None:
    with pytest.raises(InvalidOptionError, match=r"activity_instances=\.\.\.\) takes a list of instances"):
        TemporalEngine("h:7233", activity_instances=value)
