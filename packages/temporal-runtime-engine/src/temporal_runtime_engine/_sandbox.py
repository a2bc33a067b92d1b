"""Which modules Temporal's workflow sandbox may share with the host process.

The sandbox re-imports a workflow's module for every run. Modules that are pure data (the SDK's own
core and workflow layers, pydantic, the user's DTO modules) can be shared instead, which keeps
per-run cost low. Modules that define workflows are never shared: their isolation is the point.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from temporal_runtime_core import ActivityDefinition
from temporal_runtime_workflow import WorkflowDefinition

__all__ = ["SDK_PASSTHROUGH", "passthrough_modules"]

SDK_PASSTHROUGH: tuple[str, ...] = (
    "temporal_runtime_core",
    "temporal_runtime_workflow",
    "pydantic",
    "pydantic_core",
    "annotated_types",
    "typing_extensions",
    "typing_inspection",
)


def _model_modules(hint: Any, seen: set[int]) -> Iterable[str]:
    if id(hint) in seen:
        return
    seen.add(id(hint))
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        yield hint.__module__
        for field in hint.model_fields.values():
            yield from _model_modules(field.annotation, seen)
        return
    for arg in typing.get_args(hint):
        yield from _model_modules(arg, seen)


def passthrough_modules(
    workflows: Iterable[WorkflowDefinition],
    activities: Iterable[ActivityDefinition[Any, Any]],
    extra: Iterable[str] = (),
) -> list[str]:
    """SDK modules, DTO modules used by ``workflows``/``activities``, and ``extra``."""
    workflow_list = list(workflows)
    workflow_modules = {d.workflow_class.__module__ for d in workflow_list}
    hints: list[Any] = []
    for defn in workflow_list:
        for spec in (*defn.entry_methods.values(), *defn.signals.values(), *defn.queries.values()):
            hints.extend(spec.hints.values())
    for act in activities:
        hints.extend([act.args_type, act.result_type])
    seen: set[int] = set()
    dto_modules = {m for hint in hints for m in _model_modules(hint, seen)}
    shareable = {
        m
        for m in dto_modules
        if m not in workflow_modules and m != "__main__" and not m.startswith("builtins")
    }
    return sorted({*SDK_PASSTHROUGH, *shareable, *extra})
