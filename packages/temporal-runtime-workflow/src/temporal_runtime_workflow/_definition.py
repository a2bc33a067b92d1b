"""What a workflow class defines: entry methods and signal, query and update handlers.

Each check is a plain function; the metaclass only orchestrates them and raises once with every
problem found.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from temporal_runtime_core import DefinitionError, UnknownMethodError

from ._handlers import handler_info
from ._methods import MethodSpec

__all__ = ["CollectedMethods", "WorkflowDefinition", "collect_methods", "definition_problems"]


@dataclass(eq=False)
class WorkflowDefinition:
    """A registered workflow class and everything the engine and client need about it."""

    name: str
    workflow_class: type
    entry_methods: Mapping[str, MethodSpec]
    signals: Mapping[str, MethodSpec]
    queries: Mapping[str, MethodSpec]
    updates: Mapping[str, MethodSpec] = field(default_factory=dict)
    adapter_class: type = field(default=type, repr=False)

    @property
    def origin(self) -> str:
        return f"{self.workflow_class.__module__}.{self.workflow_class.__qualname__}"

    def entry(self, method: str) -> MethodSpec:
        """The entry method called ``method``; :class:`UnknownMethodError` names the valid ones."""
        spec = self.entry_methods.get(method)
        if spec is None:
            raise UnknownMethodError(
                f"Workflow {self.name!r} ({self.origin}) has no entry method {method!r}; "
                f"entry methods are: {', '.join(sorted(self.entry_methods)) or '(none)'}"
            )
        return spec

    def signal(self, name: str) -> MethodSpec:
        """The ``@wf_signal`` handler called ``name``; :class:`UnknownMethodError` lists the valid ones."""
        return self._handler("signal", self.signals, name)

    def query(self, name: str) -> MethodSpec:
        """The ``@wf_query`` handler called ``name``; :class:`UnknownMethodError` lists the valid ones."""
        return self._handler("query", self.queries, name)

    def update(self, name: str) -> MethodSpec:
        """The ``@wf_update`` handler called ``name``; :class:`UnknownMethodError` lists the valid ones."""
        return self._handler("update", self.updates, name)

    def _handler(self, kind: str, table: Mapping[str, MethodSpec], name: str) -> MethodSpec:
        spec = table.get(name)
        if spec is None:
            plural = "queries" if kind == "query" else f"{kind}s"
            raise UnknownMethodError(
                f"Workflow {self.name!r} has no {kind} {name!r}; {plural} are: "
                f'{", ".join(sorted(table)) or "(none)"} (declare one with @wf_{kind}("{name}"))'
            )
        return spec


def _public_functions(cls: type, stop: type) -> dict[str, Any]:
    """Functions defined on ``cls`` and its bases up to (not including) ``stop``, nearest first."""
    found: dict[str, Any] = {}
    for klass in cls.__mro__:
        if klass is stop or klass is object:
            break
        for attr, value in vars(klass).items():
            if attr in found:
                continue
            found[attr] = value
    return found


@dataclass
class CollectedMethods:
    """What :func:`collect_methods` found on a class."""

    entries: dict[str, MethodSpec] = field(default_factory=dict)
    signals: dict[str, MethodSpec] = field(default_factory=dict)
    queries: dict[str, MethodSpec] = field(default_factory=dict)
    updates: dict[str, MethodSpec] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def collect_methods(cls: type, stop: type) -> CollectedMethods:
    """Entry methods and signal/query/update handlers of ``cls``, and the problems found."""
    owner = cls.__qualname__
    found = CollectedMethods()
    tables = {"signal": found.signals, "query": found.queries, "update": found.updates}
    for attr, value in _public_functions(cls, stop).items():
        info = handler_info(value)
        if info is not None:
            if not inspect.isfunction(value):
                found.problems.append(f"{owner}.{attr}: @wf_{info.kind} must decorate a plain method")
                continue
            table = tables[info.kind]
            if info.name in table:
                found.problems.append(
                    f"{info.kind} name {info.name!r} is used by both {owner}.{table[info.name].name} "
                    f"and {owner}.{attr}"
                )
                continue
            try:
                table[info.name] = MethodSpec(owner, attr, value)
            except DefinitionError as exc:
                found.problems.append(str(exc))
            continue
        if attr.startswith("_") or not inspect.iscoroutinefunction(value):
            continue
        try:
            found.entries[attr] = MethodSpec(owner, attr, value)
        except DefinitionError as exc:
            found.problems.append(str(exc))
    return found


def _plain_constructor(cls: type) -> bool:
    """Whether ``cls()`` is object's no-argument constructor: no ``__init__``/``__new__`` of its own
    or a base's (the ``Workflow`` base defines neither) and no metaclass ``__call__``. Checked
    first because ``inspect.signature(cls)`` is a fifth of the cost of defining a workflow class,
    and the sandbox defines each class again when the worker validates it."""
    klass: Any = cls  # mypy rejects reading __init__/__new__ off a class for an identity check
    return (
        klass.__init__ is object.__init__
        and klass.__new__ is object.__new__
        and type(cls).__call__ is type.__call__
    )


def definition_problems(cls: type) -> list[str]:
    """Problems that make ``cls`` impossible to run as a workflow, independent of its methods."""
    problems: list[str] = []
    if "<locals>" in cls.__qualname__:
        problems.append(
            f"{cls.__qualname__} is defined inside a function. Workflow classes must be defined at "
            "module level: Temporal's workflow sandbox re-imports them by module and name"
        )
    if _plain_constructor(cls):
        params = []  # the common case: inspect.signature would only find object's ()
    else:
        try:
            params = list(inspect.signature(cls).parameters.values())
        except (TypeError, ValueError):  # a C-level __init__ without a signature
            params = []
    required = [
        p.name
        for p in params
        if p.default is inspect.Parameter.empty
        and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    ]
    if required:
        problems.append(
            f"{cls.__qualname__}.__init__ requires {', '.join(required)}; a workflow is created with "
            "no arguments, so pass inputs to the entry method instead"
        )
    return problems
