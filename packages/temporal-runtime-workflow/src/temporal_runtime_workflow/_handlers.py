"""``@wf_signal``, ``@wf_query`` and ``@wf_update``: mark workflow methods as Temporal handlers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from temporal_runtime_core import DefinitionError

__all__ = [
    "HANDLER_KINDS",
    "HandlerInfo",
    "HandlerKind",
    "MessageKind",
    "handler_info",
    "wf_query",
    "wf_signal",
    "wf_update",
]

_ATTR = "__temporal_runtime_handler__"

type HandlerKind = Literal["entry", "signal", "query", "update"]
"""The kinds of method a workflow's definition holds: entry methods (one starts each run) and the
message handlers a decorator marks."""

type MessageKind = Literal["signal", "query", "update"]
"""The handler kinds a decorator marks (``@wf_signal``, ``@wf_query``, ``@wf_update``)."""

HANDLER_KINDS: tuple[HandlerKind, ...] = ("entry", "signal", "query", "update")
"""Every :data:`HandlerKind`, in the order a definition walks them."""


@dataclass(frozen=True, slots=True)
class HandlerInfo:
    """What a decorator recorded on a method: the handler kind and its Temporal name."""

    kind: MessageKind
    name: str


def _marker[F: Callable[..., Any]](kind: MessageKind, name: str | None, decorator: str) -> Callable[[F], F]:
    if callable(name):
        raise DefinitionError(
            f'Use @{decorator}("name") or @{decorator}() with parentheses, not bare @{decorator}'
        )
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise DefinitionError(f"@{decorator} needs a non-empty name string, got {name!r}")

    def mark(fn: F) -> F:
        if not callable(fn):
            raise DefinitionError(f"@{decorator} decorates a workflow method, got {fn!r}")
        existing = getattr(fn, _ATTR, None)
        if existing is not None:
            raise DefinitionError(
                f"{getattr(fn, '__qualname__', fn)} is already a {existing.kind} handler; "
                f"a method can be only one of signal, query or update"
            )
        setattr(fn, _ATTR, HandlerInfo(kind, name if name is not None else fn.__name__))
        return fn

    return mark


def wf_signal[F: Callable[..., Any]](name: str | None = None) -> Callable[[F], F]:
    """Make a workflow method the handler of signal ``name`` (default: the method's name).

    The method may be ``def`` or ``async def``; its parameters are validated like entry-method
    parameters, and its return value is ignored.
    """
    return _marker("signal", name, "wf_signal")


def wf_query[F: Callable[..., Any]](name: str | None = None) -> Callable[[F], F]:
    """Make a workflow method the handler of query ``name`` (default: the method's name).

    The method may be ``def`` or ``async def``; an ``async def`` query must not wait on anything
    (queries are read-only and answered immediately).
    """
    return _marker("query", name, "wf_query")


def wf_update[F: Callable[..., Any]](name: str | None = None) -> Callable[[F], F]:
    """Make a workflow method the handler of update ``name`` (default: the method's name).

    An update is a request the workflow answers: it may change state, wait (``async def``), and
    its return value goes back to the caller, who waits for it. Arguments are validated like
    entry-method arguments; an exception fails the update (the caller gets it), not the workflow.
    """
    return _marker("update", name, "wf_update")


def handler_info(fn: object) -> HandlerInfo | None:
    """The handler marker on ``fn``, if it is a signal, query or update handler."""
    info = getattr(fn, _ATTR, None)
    return info if isinstance(info, HandlerInfo) else None
