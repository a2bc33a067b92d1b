"""``workflows=[...]`` and ``activities=[...]``: the subset of the registries a worker serves.

``None`` means everything registered when the engine starts (the default of ``TemporalEngine``);
a list means exactly those (an empty list: none of that kind). Each item must be what the engine
would serve anyway: a workflow class of the engine's workflow registry, an activity handle
(``activity_def``) of its activity registry or of one of its ``activity_instances``. A method
activity named by its class (``EmailActivities.send``) runs on the engine's instance of that class;
one named on an instance (``EmailActivities(smtp).send``) runs on that instance. Anything else is an
:class:`InvalidOptionError` naming it and the fix, when the engine is built (or ``add_worker`` is
called), not when a task arrives.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from temporal_runtime_core import (
    ActivityDefinition,
    ActivityRegistry,
    InvalidOptionError,
    MethodActivity,
    WorkflowRegistry,
)
from temporal_runtime_workflow import Workflow, WorkflowDefinition

__all__ = ["select_activities", "select_workflows"]


def _items(where: str, option: str, value: object, example: str) -> list[object] | None:
    if value is None:
        return None
    if isinstance(value, str | bytes | type) or not isinstance(value, Iterable):
        raise InvalidOptionError(
            f"{where}({option}=...) takes a list, e.g. {option}=[{example}] (an empty list: none; leave it "
            f"out for everything registered), got {value!r}"
        )
    items: Iterable[object] = value  # pyright: ignore[reportUnknownVariableType]
    return list(items)


def select_workflows(
    where: str, value: object, registry: WorkflowRegistry
) -> tuple[WorkflowDefinition, ...] | None:
    """The definitions of the workflow classes in ``value`` (None: everything registered)."""
    items = _items(where, "workflows", value, "OrderWorkflow")
    if items is None:
        return None
    chosen: dict[str, WorkflowDefinition] = {}
    for item in items:
        defn = _workflow_definition(where, item)
        registered = registry.get(defn.name)
        if registered is None or registered.origin != defn.origin:
            raise InvalidOptionError(
                f"{where}(workflows=...): workflow {defn.name!r} ({defn.origin}) is not in this engine's "
                "workflow registry; the engine resolves runs with that registry, so it "
                "serves only what it holds. Pass workflow_registry= a registry holding it (the class's "
                "registry= argument), or drop it from workflows="
            )
        chosen.setdefault(defn.name, defn)
    return tuple(chosen.values())


def _workflow_definition(where: str, item: object) -> WorkflowDefinition:
    if not (isinstance(item, type) and issubclass(item, Workflow)):
        thing = cast(object, item)  # type: ignore[redundant-cast]  # pyright: type[Unknown] otherwise
        owner = str(getattr(thing, "__qualname__", "")).rpartition(".")[0]
        hint = f" (pass the class, {owner}, not its method)" if callable(thing) and owner else ""
        raise InvalidOptionError(
            f"{where}(workflows=...) takes workflow classes (subclasses of Workflow), e.g. "
            f"workflows=[OrderWorkflow]; got {item!r}{hint}"
        )
    defn = item.__workflow_definition__
    if not isinstance(defn, WorkflowDefinition) or defn.workflow_class is not item:
        raise InvalidOptionError(
            f"{where}(workflows=...): {item.__module__}.{item.__qualname__} is not a runnable workflow (an "
            "abstract base class, or one without an entry method); list the concrete workflow classes"
        )
    return defn


def select_activities(
    where: str,
    value: object,
    registry: ActivityRegistry,
    instances: Mapping[str, ActivityDefinition[Any, Any]],
) -> tuple[ActivityDefinition[Any, Any], ...] | None:
    """The activities in ``value``, as the worker runs them (None: everything registered).

    ``instances`` are the engine's method activities bound to its ``activity_instances``, by name.
    """
    items = _items(where, "activities", value, "charge_card")
    if items is None:
        return None
    chosen: dict[str, ActivityDefinition[Any, Any]] = {}
    for item in items:
        served = _served_activity(where, item, registry, instances)
        other = chosen.get(served.name)
        if other is not None and other.fn != served.fn:
            raise InvalidOptionError(
                f"{where}(activities=...) names activity {served.name!r} ({served.origin}) twice, on two "
                "instances; a worker runs each activity on one instance, so list it once"
            )
        chosen[served.name] = served
    return tuple(chosen.values())


def _served_activity(
    where: str,
    item: object,
    registry: ActivityRegistry,
    instances: Mapping[str, ActivityDefinition[Any, Any]],
) -> ActivityDefinition[Any, Any]:
    if not isinstance(item, ActivityDefinition):
        raise InvalidOptionError(
            f"{where}(activities=...) takes activity handles (what activity_def(...) returns), e.g. "
            f"activities=[charge_card]; got {item!r}. Decorate the function with @activity_def(...)"
        )
    defn: ActivityDefinition[Any, Any] = item  # pyright: ignore[reportUnknownVariableType]
    if defn.is_stub:
        raise InvalidOptionError(
            f"{where}(activities=...): {defn.name!r} is an activity_stub, served by another process (or "
            "another language); a worker serves implementations: list the activity_def(...) handle in the "
            "process that has the code, and drop the stub here"
        )
    bound = instances.get(defn.name)
    registered = registry.get(defn.name)
    if (bound is None or bound.origin != defn.origin) and (
        registered is None or registered.origin != defn.origin
    ):
        raise InvalidOptionError(
            f"{where}(activities=...): activity {defn.name!r} ({defn.origin}) is not in this engine's "
            "activity registry nor one of its activity_instances. Pass activity_registry= "
            "a registry holding it (activity_def(..., registry=...)), or drop it from activities="
        )
    if not isinstance(defn, MethodActivity):
        return defn  # a function activity, or a method activity bound to an instance (instance.method)
    if bound is None or bound.origin != defn.origin:
        raise InvalidOptionError(
            f"{where}(activities=...): {defn.class_name}.{defn.attribute} is a method activity "
            f"({defn.name!r}): it runs on an instance of {defn.class_name}. Pass one to the engine, "
            f"TemporalEngine(activity_instances=[{defn.class_name}(...)]), or list the method of an "
            f"instance, activities=[{defn.class_name}(...).{defn.attribute}]"
        )
    return bound
