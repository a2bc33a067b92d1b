"""What ``Workflow.start_child``/``execute_child``/``start_child_by_name``/``child`` do.

A child is started like a client start: the entry method is resolved from the reference, the
arguments are bound and validated against its signature (:class:`InvalidArgumentsError` before
anything is started), the envelope ``{"method", "kwargs"}`` is built, and the result is decoded into
the method's return type. The default child id is ``"{parent id}/{Type}.{method}-{n}"`` (the n-th
child this workflow object started): deterministic, so a replay asks for the same child.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from temporal_runtime_core import (
    DefinitionError,
    UnknownMethodError,
    WorkflowRegistry,
    default_workflow_registry,
)

from . import _runtime  # pyright: ignore[reportPrivateUsage]  # this package's own module
from ._child_handle import ChildCall, ChildHandle
from ._child_options import child_options
from ._definition import WorkflowDefinition
from ._handlers import handler_info
from ._methods import MethodSpec

__all__ = ["ChildProxy", "resolve_child_entry", "start_child", "start_child_by_name"]

_COUNTER = "_temporal_runtime_children_started"
_NO_KWARGS: Mapping[str, Any] = {}


def resolve_child_entry(method: object) -> tuple[WorkflowDefinition, MethodSpec]:
    """The definition and entry method of an unbound entry method like ``Payment.charge``."""
    info = handler_info(method)
    qualname = getattr(method, "__qualname__", repr(method))
    if info is not None:
        raise UnknownMethodError(
            f"{qualname} is a {info.kind} handler, not an entry method: it does not start a child; "
            f"send it to a started child with child_handle.{info.kind}({qualname}, ...)"
        )
    owner_path, _, name = str(qualname).rpartition(".")
    target: Any = sys.modules.get(getattr(method, "__module__", ""), None)
    for part in owner_path.split(".") if owner_path else []:
        target = getattr(target, part, None)
    defn = getattr(target, "__workflow_definition__", None)
    if not isinstance(defn, WorkflowDefinition):
        raise DefinitionError(
            f"{qualname!r} is not an entry method of a module-level Workflow class; pass "
            "ChildWorkflow.method (the unbound method), or start_child_by_name(...) for a workflow "
            "this process does not define"
        )
    spec = defn.entry(name)
    if spec.fn is not method:
        raise UnknownMethodError(
            f"{qualname} is not the entry method {spec.qualname} of workflow {defn.name!r}; pass the "
            "workflow class's own method"
        )
    return defn, spec


def _next_child_id(parent: object, workflow_type: str, method: str) -> str:
    count: int = getattr(parent, _COUNTER, 0) + 1
    object.__setattr__(parent, _COUNTER, count)
    return f"{_runtime.workflow_id()}/{workflow_type}.{method}-{count}"


async def _start(
    parent: object,
    *,
    workflow_type: str,
    method: str,
    kwargs: Mapping[str, Any],
    result_type: Any,
    definition: WorkflowDefinition | None,
    options: Mapping[str, Any],
    where: str,
) -> ChildHandle[Any, Any]:
    runtime = _runtime.current_runtime(where.partition("(")[0])
    opts = child_options(options, where)
    child_id = opts.id or _next_child_id(parent, workflow_type, method)
    call = ChildCall(
        workflow_type=workflow_type,
        method=method,
        kwargs=kwargs,
        result_type=result_type,
        id=child_id,
        options=opts,
        definition=definition,
    )
    return ChildHandle(call, await runtime.start_child(call))


async def start_child(
    parent: object,
    method: Callable[..., Awaitable[Any]],
    args: tuple[Any, ...],
    options: Mapping[str, Any],
    kwargs: Mapping[str, Any] = _NO_KWARGS,
) -> ChildHandle[Any, Any]:
    """Start child ``method`` (a reference) with ``args``/``kwargs`` validated against it."""
    _runtime.current_runtime("start_child")
    defn, spec = resolve_child_entry(method)
    bound = spec.bind(args, kwargs)
    return await _start(
        parent,
        workflow_type=defn.name,
        method=spec.name,
        kwargs=bound,
        result_type=spec.return_type,
        definition=defn,
        options=options,
        where=f"start_child({spec.qualname})",
    )


async def start_child_by_name(
    parent: object,
    workflow_type: str,
    method: str,
    kwargs: Mapping[str, Any] | None,
    result_type: Any,
    options: Mapping[str, Any],
    registry: WorkflowRegistry = default_workflow_registry,
) -> ChildHandle[Any, Any]:
    """Start entry ``method`` of workflow type ``workflow_type``; its arguments by parameter name.

    When this process defines the type, the arguments are validated against it and the result is
    decoded into its return type (unless ``result_type`` says otherwise)."""
    _runtime.current_runtime("start_child_by_name")
    where = f"start_child_by_name({workflow_type!r}, {method!r})"
    if not isinstance(workflow_type, str) or not workflow_type:  # pyright: ignore[reportUnnecessaryIsInstance]
        raise DefinitionError(f"{where}: the workflow type must be a non-empty string")
    if not isinstance(method, str) or not method:  # pyright: ignore[reportUnnecessaryIsInstance]
        raise DefinitionError(f"{where}: the entry method must be a non-empty string")
    if kwargs is not None and not isinstance(kwargs, Mapping):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise DefinitionError(
            f"{where}: pass the child's arguments as a mapping of parameter name -> value, e.g. "
            '{"order": order}, got ' + type(kwargs).__name__
        )
    found = registry.get(workflow_type)
    defn = found if isinstance(found, WorkflowDefinition) else None
    values: Mapping[str, Any] = dict(kwargs or {})
    if defn is not None:
        spec = defn.entry(method)
        values = spec.bind((), values)
        if result_type is None:
            result_type = spec.return_type
    return await _start(
        parent,
        workflow_type=workflow_type,
        method=method,
        kwargs=values,
        result_type=result_type,
        definition=defn,
        options=options,
        where=where,
    )


class ChildProxy:
    """``self.child(Child, **options)``: entry methods of ``Child`` that run it as a child and return
    its result. Only the immediate style: a handle comes from ``start_child``."""

    __slots__ = ("_definition", "_options", "_parent")

    def __init__(self, parent: object, workflow_class: type, options: Mapping[str, Any]) -> None:
        defn = getattr(workflow_class, "__workflow_definition__", None)
        if not isinstance(defn, WorkflowDefinition):
            what = getattr(workflow_class, "__qualname__", workflow_class)
            raise DefinitionError(f"self.child() takes a Workflow class, got {what!r}")
        child_options(options, f"child({defn.workflow_class.__name__})")  # fail at once on a bad option
        self._parent = parent
        self._definition = defn
        self._options = dict(options)

    def __getattr__(self, name: str) -> Any:
        if name in ("async_", "after", "options"):
            cls = self._definition.workflow_class.__name__
            raise UnknownMethodError(
                f"self.child({cls}).{name} is not offered: the child proxy runs a child and returns its "
                f"result. For a handle use `await self.start_child({cls}.method, arg, ...)`; pass child "
                f"options as keywords of self.child({cls}, id=..., ...) or of start_child"
            )
        if name.startswith("_"):
            raise AttributeError(name)
        spec = self._definition.entry(name)

        async def run_child(*args: Any, **kwargs: Any) -> Any:
            handle = await _start(
                self._parent,
                workflow_type=self._definition.name,
                method=spec.name,
                kwargs=spec.bind(args, kwargs),
                result_type=spec.return_type,
                definition=self._definition,
                options=self._options,
                where=f"child({spec.qualname})",
            )
            return await handle.result()

        run_child.__qualname__ = f"child({spec.qualname})"
        return run_child
