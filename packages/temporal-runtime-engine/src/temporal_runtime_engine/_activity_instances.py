"""``TemporalEngine(activity_instances=[...])``: the instances a worker runs method activities on.

Each instance's class defines method activities (``activity_def`` on ``async def`` methods); the
worker serves every one of them bound to the instance, whether or not the engine's registry holds
it. A method activity the registry holds without an instance to run on fails the worker's start.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from temporal_runtime_core import (
    ActivityDefinition,
    DuplicateNameError,
    InvalidOptionError,
    MethodActivity,
)

__all__ = ["bind_instances", "check_instances_given", "serve_with_instances"]


def bind_instances(instances: Iterable[object]) -> Mapping[str, ActivityDefinition[Any, Any]]:
    """The method activities of ``instances``, bound to them, by activity name.

    Raises :class:`InvalidOptionError` for a class instead of an instance, an instance whose class
    defines no method activity, or two instances serving one activity (two of one class).
    """
    if isinstance(instances, str | bytes) or not isinstance(instances, Iterable):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise InvalidOptionError(
            "TemporalEngine(activity_instances=...) takes a list of instances, e.g. "
            f"activity_instances=[EmailActivities(smtp)], got {instances!r}"
        )
    bound: dict[str, ActivityDefinition[Any, Any]] = {}
    owners: dict[str, object] = {}
    for instance in instances:
        cls = type(instance)
        if isinstance(instance, type):
            raise InvalidOptionError(
                f"TemporalEngine(activity_instances=...) takes instances, got the class "
                f"{instance.__qualname__}: pass {instance.__qualname__}(...) (the worker runs its method "
                "activities on that instance)"
            )
        methods = MethodActivity.of_class(cls)
        if not methods:
            raise InvalidOptionError(
                f"TemporalEngine(activity_instances=...): {cls.__module__}.{cls.__qualname__} defines no "
                "method activity. Decorate its activity methods with @activity_def(...) (e.g. "
                '@activity_def("send_email", Args=Email) on `async def send(self, email: Email)`), or '
                "drop the instance"
            )
        for method in methods:
            other = owners.get(method.name)
            if other is not None:
                raise InvalidOptionError(
                    f"TemporalEngine(activity_instances=...): both {other!r} and {instance!r} serve "
                    f"activity {method.name!r} ({method.origin}); a worker runs each activity on one "
                    "instance, so pass one of them"
                )
            owners[method.name] = instance
            bound[method.name] = method.bind(instance)
    return bound


def serve_with_instances(
    registered: Iterable[ActivityDefinition[Any, Any]], bound: Mapping[str, ActivityDefinition[Any, Any]]
) -> tuple[ActivityDefinition[Any, Any], ...]:
    """What a worker serves: the registry's activities, each method activity replaced by its bound
    copy, plus the instances' other method activities. Stubs are never served.

    A method activity without an instance stays unbound (:func:`check_instances_given` refuses it);
    a registered activity named like an instance's method activity but defined elsewhere is a
    :class:`DuplicateNameError`.
    """
    served: dict[str, ActivityDefinition[Any, Any]] = {}
    for defn in registered:
        if defn.is_stub:
            continue
        instance_copy = bound.get(defn.name)
        if instance_copy is not None and instance_copy.origin != defn.origin:
            raise DuplicateNameError("activity", defn.name, defn.origin, instance_copy.origin)
        served[defn.name] = defn if instance_copy is None else instance_copy
    for name, defn in bound.items():
        served.setdefault(name, defn)
    return tuple(served.values())


def check_instances_given(activities: Sequence[ActivityDefinition[Any, Any]]) -> None:
    """Refuse to start a worker serving a method activity that has no instance to run on."""
    missing: dict[str, list[MethodActivity[Any, Any]]] = {}
    for defn in activities:
        if isinstance(defn, MethodActivity):
            missing.setdefault(defn.class_name, []).append(defn)
    if not missing:
        return
    lines = [
        f"  - {cls}: {', '.join(repr(d.name) for d in defns)} (defined in {defns[0].fn.__module__})"
        for cls, defns in missing.items()
    ]
    classes = ", ".join(f"{cls}(...)" for cls in missing)
    raise InvalidOptionError(
        "The worker serves method activities that have no instance to run on:\n"
        + "\n".join(lines)
        + f"\nPass instances to the engine: TemporalEngine(activity_instances=[{classes}]), or leave "
        "these classes out of the activity registry the worker serves."
    )
