"""What a workflow class defines: one table of its entry methods and signal, query and update
handlers.

Each check is a plain function; the metaclass only orchestrates them and raises once with every
problem found.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, cast

from temporal_runtime_core import DefinitionError, UnknownMethodError

from ._handlers import HANDLER_KINDS, HandlerKind, handler_info
from ._methods import MethodSpec
from ._reserved import shadowing_problem

__all__ = [
    "CollectedMethods",
    "Handler",
    "WorkflowDefinition",
    "collect_methods",
    "definition_problems",
    "failure_exception_types",
    "reserved_name_problems",
]


@dataclass(frozen=True, slots=True)
class Handler:
    """One row of a workflow's method table."""

    kind: HandlerKind
    name: str
    """The Temporal name: the signal, query or update name, or the entry method's name."""
    spec: MethodSpec


class WorkflowDefinition:
    """A registered workflow class and everything the engine and client need about it.

    Its methods form one table, walked by kind with :meth:`handlers` and looked up with
    :meth:`handler`; ``entry_methods``, ``signals``, ``queries`` and ``updates`` are read-only views
    of it by kind.
    """

    def __init__(
        self,
        name: str,
        workflow_class: type,
        handlers: Iterable[Handler],
        failure_exceptions: tuple[type[BaseException], ...] = (),
    ) -> None:
        self.name = name
        self.workflow_class = workflow_class
        self.failure_exceptions = failure_exceptions
        """Exception types that fail a run of this workflow instead of its workflow task (besides
        the SDK's errors and ``WorkflowFailure``): the class keyword ``failure_exceptions=``."""
        self._adapter_class: type = type  # set by the metaclass once the adapter is built
        self._adapter_builder: Callable[[WorkflowDefinition], type] | None = None
        tables: dict[HandlerKind, dict[str, MethodSpec]] = {kind: {} for kind in HANDLER_KINDS}
        for handler in handlers:
            table = tables[handler.kind]
            if handler.name in table:
                raise DefinitionError(
                    f"{handler.kind} name {handler.name!r} is used by both {table[handler.name].qualname} "
                    f"and {handler.spec.qualname}"
                )
            table[handler.name] = handler.spec
        self._tables: dict[HandlerKind, Mapping[str, MethodSpec]] = {
            kind: MappingProxyType(table) for kind, table in tables.items()
        }

    def __repr__(self) -> str:
        return f"<WorkflowDefinition {self.name!r} ({self.origin})>"

    @property
    def adapter_class(self) -> type:
        """The generated Temporal class a worker runs for this workflow (see ``_adapter``); built on
        first use if the metaclass deferred it (:meth:`defer_adapter`)."""
        builder = self._adapter_builder
        if builder is not None:
            self._adapter_builder = None
            self._adapter_class = builder(self)
        return self._adapter_class

    @adapter_class.setter
    def adapter_class(self, value: type) -> None:
        self._adapter_builder = None
        self._adapter_class = value

    def defer_adapter(self, builder: Callable[[WorkflowDefinition], type]) -> None:
        """Build the adapter with ``builder`` when :attr:`adapter_class` is first read, not now (a
        sandbox run of a sibling class never reads it; see ``_adapter_demand``)."""
        self._adapter_builder = builder

    @property
    def origin(self) -> str:
        return f"{self.workflow_class.__module__}.{self.workflow_class.__qualname__}"

    # --- the one table ---------------------------------------------------------------------------

    def handlers(self, kind: HandlerKind | None = None) -> Iterator[Handler]:
        """The methods of ``kind`` (every kind when None: entry, signal, query, update), each with
        its Temporal name."""
        for k in HANDLER_KINDS if kind is None else (kind,):
            for name, spec in self._tables[k].items():
                yield Handler(k, name, spec)

    def handler(self, kind: HandlerKind, name: str, reference: object = None) -> MethodSpec:
        """The method of ``kind`` whose Temporal name is ``name``; :class:`UnknownMethodError` names
        the valid ones and how to declare one. Given ``reference`` (the handler function a caller
        passed, e.g. ``Order.approve``), that method must be it: a handler of another class under the
        same name is an :class:`UnknownMethodError` too."""
        table = self._tables[kind]
        spec = table.get(name)
        if spec is not None:
            if reference is not None and spec.fn is not reference:
                raise UnknownMethodError(
                    f"{getattr(reference, '__qualname__', reference)} is not a handler of workflow "
                    f"{self.name!r} ({self.origin}), which this run executes: its {kind} {name!r} is "
                    f"{spec.qualname}. Pass a handler of {self.workflow_class.__name__}"
                )
            return spec
        known = ", ".join(sorted(table)) or "(none)"
        if kind == "entry":
            raise UnknownMethodError(
                f"Workflow {self.name!r} ({self.origin}) has no entry method {name!r}; "
                f"entry methods are: {known}"
            )
        plural = "queries" if kind == "query" else f"{kind}s"
        raise UnknownMethodError(
            f"Workflow {self.name!r} has no {kind} {name!r}; {plural} are: "
            f'{known} (declare one with @wf_{kind}("{name}"))'
        )

    # --- conveniences: views and lookups of one kind ---------------------------------------------

    @property
    def entry_methods(self) -> Mapping[str, MethodSpec]:
        """Entry methods by name (read-only)."""
        return self._tables["entry"]

    @property
    def signals(self) -> Mapping[str, MethodSpec]:
        """``@wf_signal`` handlers by signal name (read-only)."""
        return self._tables["signal"]

    @property
    def queries(self) -> Mapping[str, MethodSpec]:
        """``@wf_query`` handlers by query name (read-only)."""
        return self._tables["query"]

    @property
    def updates(self) -> Mapping[str, MethodSpec]:
        """``@wf_update`` handlers by update name (read-only)."""
        return self._tables["update"]

    def entry(self, method: str) -> MethodSpec:
        """The entry method called ``method``; :class:`UnknownMethodError` names the valid ones."""
        return self.handler("entry", method)

    def signal(self, name: str) -> MethodSpec:
        """The ``@wf_signal`` handler called ``name``; :class:`UnknownMethodError` lists the valid ones."""
        return self.handler("signal", name)

    def query(self, name: str) -> MethodSpec:
        """The ``@wf_query`` handler called ``name``; :class:`UnknownMethodError` lists the valid ones."""
        return self.handler("query", name)

    def update(self, name: str) -> MethodSpec:
        """The ``@wf_update`` handler called ``name``; :class:`UnknownMethodError` lists the valid ones."""
        return self.handler("update", name)


def _class_attributes(cls: type, stop: type) -> dict[str, tuple[type, Any]]:
    """Attributes defined on ``cls`` and its bases up to (not including) ``stop``, nearest first,
    each with the class that defines it."""
    found: dict[str, tuple[type, Any]] = {}
    for klass in cls.__mro__:
        if klass is stop or klass is object:
            break
        for attr, value in vars(klass).items():
            if attr not in found:
                found[attr] = (klass, value)
    return found


@dataclass
class CollectedMethods:
    """What :func:`collect_methods` found on a class."""

    handlers: list[Handler] = field(default_factory=list[Handler])
    problems: list[str] = field(default_factory=list[str])

    @property
    def has_entry(self) -> bool:
        return any(h.kind == "entry" for h in self.handlers)


def reserved_name_problems(cls: type, stop: type) -> list[str]:
    """Attributes of ``cls`` (or of its bases below ``stop``) that shadow a member of ``Workflow``
    or of the client proxy (see ``_reserved``)."""
    owner = cls.__qualname__
    problems: list[str] = []
    for attr, (klass, value) in _class_attributes(cls, stop).items():
        problem = shadowing_problem(owner, attr, value, klass.__qualname__)
        if problem is not None:
            problems.append(problem)
    return problems


def collect_methods(cls: type, stop: type) -> CollectedMethods:
    """Entry methods and signal, query and update handlers of ``cls``, and the problems found
    (including attributes that shadow a reserved name)."""
    owner = cls.__qualname__
    found = CollectedMethods()
    claimed: dict[tuple[HandlerKind, str], str] = {}  # (kind, Temporal name) -> attribute
    for attr, (klass, value) in _class_attributes(cls, stop).items():
        problem = shadowing_problem(owner, attr, value, klass.__qualname__)
        if problem is not None:
            found.problems.append(problem)
            continue
        info = handler_info(value)
        kind: HandlerKind
        if info is not None:
            if not inspect.isfunction(value):
                found.problems.append(f"{owner}.{attr}: @wf_{info.kind} must decorate a plain method")
                continue
            kind, temporal_name = info.kind, info.name
        elif attr.startswith("_") or not inspect.iscoroutinefunction(value):
            continue
        else:
            kind, temporal_name = "entry", attr
        other = claimed.get((kind, temporal_name))
        if other is not None:
            found.problems.append(
                f"{kind} name {temporal_name!r} is used by both {owner}.{other} and {owner}.{attr}"
            )
            continue
        try:
            found.handlers.append(Handler(kind, temporal_name, MethodSpec(owner, attr, value)))
        except DefinitionError as exc:
            found.problems.append(str(exc))
            continue
        claimed[kind, temporal_name] = attr
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


def failure_exception_types(
    value: object, bases: Iterable[type], problems: list[str]
) -> tuple[type[BaseException], ...]:
    """The class keyword ``failure_exceptions=`` (exception classes, one or a tuple) joined with those
    of ``bases``; what is not an exception class is added to ``problems``."""
    inherited: list[type[BaseException]] = [
        t for base in bases for t in getattr(base, "__workflow_failure_exceptions__", ())
    ]
    given: Iterable[object]
    if isinstance(value, tuple | list):
        given = cast("tuple[object, ...] | list[object]", value)  # its items are checked below
    else:
        given = () if value is None else (value,)
    for item in given:
        if isinstance(item, type) and issubclass(item, Exception):
            inherited.append(item)
        else:
            problems.append(
                f"failure_exceptions= takes exception classes, e.g. failure_exceptions=(OrderRejected,), "
                f"got {item!r}"
            )
    return tuple(dict.fromkeys(inherited))
