"""``self.continue_as_new(Cls.method, *args, **kwargs)``: end this run, start a fresh one.

The arguments are bound and validated against the target entry method here, before anything ends,
so a wrong argument raises :class:`InvalidArgumentsError` in the workflow (which fails the run, as
every SDK error does) instead of a new run that fails on its first task. The new run receives the
same ``{"method", "kwargs"}`` envelope a client sends, so it may execute another entry method of
the same class. The runtime then ends the run: on a worker temporalio raises its
``ContinueAsNewError``, a ``BaseException`` that the adapter's ``except Exception`` and the
failure policy never see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from temporal_runtime_core import InvalidArgumentsError

from ._definition import WorkflowDefinition
from ._runtime import current_runtime

__all__ = ["continue_as_new"]


def continue_as_new(
    workflow: object,
    defn: WorkflowDefinition,
    method: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> NoReturn:
    runtime = current_runtime("continue_as_new")
    cls = type(workflow)
    name = getattr(method, "__name__", None)
    entries = defn.entry_methods
    if not isinstance(name, str) or name not in entries or getattr(cls, name, None) is not method:
        choices = ", ".join(f"{cls.__qualname__}.{n}" for n in sorted(entries))
        raise InvalidArgumentsError(
            f"continue_as_new() takes an entry method of {cls.__qualname__}, the running workflow's class "
            f"(unbound, e.g. {cls.__qualname__}.{next(iter(entries))}), got "
            f"{getattr(method, '__qualname__', method)!r}; its entry methods: {choices}"
        )
    spec = entries[name]
    bound = spec.bind(args, kwargs)
    runtime.continue_as_new(spec, bound)
