"""``@wf_signal``, ``@wf_query`` and ``@wf_update``: mark workflow methods as Temporal handlers."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Concatenate, Literal, cast, overload

from temporal_runtime_core import DefinitionError, UnknownMethodError

from ._handler_methods import QueryMethod, SignalMethod, UpdateMethod

__all__ = [
    "HANDLER_KINDS",
    "HandlerInfo",
    "HandlerKind",
    "MessageKind",
    "handler_info",
    "message_target",
    "validator_of",
    "wf_query",
    "wf_signal",
    "wf_update",
]

_ATTR = "__temporal_runtime_handler__"
_VALIDATOR_ATTR = "__temporal_runtime_validator__"

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


def _mark(kind: MessageKind, name: str | None, decorator: str, fn: object) -> Any:
    """Record the handler marker on ``fn`` and return it unchanged (typed by the caller)."""
    if not callable(fn):
        raise DefinitionError(f"@{decorator} decorates a workflow method, got {fn!r}")
    existing = getattr(fn, _ATTR, None)
    if existing is not None:
        raise DefinitionError(
            f"{getattr(fn, '__qualname__', fn)} is already a {existing.kind} handler; "
            f"a method can be only one of signal, query or update"
        )
    setattr(fn, _ATTR, HandlerInfo(kind, name if name is not None else getattr(fn, "__name__", "")))
    setattr(fn, f"__wf_{kind}__", True)  # the marker member of SignalMethod/QueryMethod/UpdateMethod
    return fn


def _check_name(name: object, decorator: str) -> str | None:
    if callable(name):
        raise DefinitionError(
            f'Use @{decorator}("name") or @{decorator}() with parentheses, not bare @{decorator}'
        )
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise DefinitionError(f"@{decorator} needs a non-empty name string, got {name!r}")
    return name


class _SignalDecorator:
    """What ``wf_signal(name)`` returns: it accepts only methods that return None."""

    __slots__ = ("_name",)

    def __init__(self, name: str | None) -> None:
        self._name = name

    @overload
    def __call__[W, **P](self, fn: Callable[Concatenate[W, P], None], /) -> SignalMethod[W, P, None]: ...
    @overload
    def __call__[W, **P](
        self, fn: Callable[Concatenate[W, P], Coroutine[Any, Any, None]], /
    ) -> SignalMethod[W, P, Coroutine[Any, Any, None]]: ...
    def __call__(self, fn: Callable[..., Any], /) -> Any:
        return _mark("signal", self._name, "wf_signal", fn)


class _QueryDecorator:
    """What ``wf_query(name)`` returns."""

    __slots__ = ("_name",)

    def __init__(self, name: str | None) -> None:
        self._name = name

    def __call__[W, **P, C](self, fn: Callable[Concatenate[W, P], C], /) -> QueryMethod[W, P, C]:
        result: QueryMethod[W, P, C] = _mark("query", self._name, "wf_query", fn)
        return result


class _UpdateDecorator:
    """What ``wf_update(name)`` returns."""

    __slots__ = ("_name",)

    def __init__(self, name: str | None) -> None:
        self._name = name

    def __call__[W, **P, C](self, fn: Callable[Concatenate[W, P], C], /) -> UpdateMethod[W, P, C]:
        result: UpdateMethod[W, P, C] = _mark("update", self._name, "wf_update", fn)
        fn.validator = _ValidatorSetter(fn)  # type: ignore[attr-defined]  # pyright: ignore[reportFunctionMemberAccess]
        return result


class _ValidatorSetter:
    """``handler.validator``: the decorator that attaches an update's validator to its handler."""

    __slots__ = ("_handler",)

    def __init__(self, handler: Callable[..., Any]) -> None:
        self._handler = handler

    def __call__(self, fn: Any, /) -> Any:  # typed by UpdateMethod.validator
        handler = self._handler
        where = getattr(handler, "__qualname__", repr(handler))
        if not inspect.isfunction(fn):
            raise DefinitionError(f"@{where}.validator decorates a plain method, got {fn!r}")
        if inspect.iscoroutinefunction(fn) or inspect.isasyncgenfunction(fn):
            raise DefinitionError(
                f"{fn.__qualname__}: an update validator must be a plain `def` (it runs before the update "
                "is accepted and may not wait); drop `async`"
            )
        existing = getattr(handler, _VALIDATOR_ATTR, None)
        if existing is not None:
            raise DefinitionError(
                f"{where} already has the validator {existing.__qualname__}; an update has one validator"
            )
        expected = _parameter_names(handler)
        got = _parameter_names(fn)
        if got != expected:
            raise DefinitionError(
                f"{fn.__qualname__} validates {where} but takes ({', '.join(got)}) instead of its "
                f"parameters ({', '.join(expected)}): a validator receives the update's arguments, so "
                "declare the same parameters (and return None)"
            )
        setattr(handler, _VALIDATOR_ATTR, fn)
        return fn


def _parameter_names(fn: Callable[..., Any]) -> list[str]:
    return [p.name for p in inspect.signature(fn).parameters.values()]


def validator_of(handler: object) -> Callable[..., object] | None:
    """The validator attached to update handler ``handler`` with ``@handler.validator``, if any."""
    found: object = getattr(handler, _VALIDATOR_ATTR, None)
    return found if callable(found) else None


def wf_signal(name: str | None = None) -> _SignalDecorator:
    """Make a workflow method the handler of signal ``name`` (default: the method's name).

    The method may be ``def`` or ``async def`` and must return None (a signal has no answer: one that
    returns a value is a type error; use ``@wf_update`` for a message with an answer). Its
    parameters are validated like entry-method parameters.
    """
    return _SignalDecorator(_check_name(name, "wf_signal"))


def wf_query(name: str | None = None) -> _QueryDecorator:
    """Make a workflow method the handler of query ``name`` (default: the method's name).

    The method may be ``def`` or ``async def``; an ``async def`` query must not wait on anything
    (queries are read-only and answered immediately).
    """
    return _QueryDecorator(_check_name(name, "wf_query"))


def wf_update(name: str | None = None) -> _UpdateDecorator:
    """Make a workflow method the handler of update ``name`` (default: the method's name).

    An update is a request the workflow answers: it may change state, wait (``async def``), and
    its return value goes back to the caller, who waits for it. Arguments are validated like
    entry-method arguments; an exception fails the update (the caller gets it), not the workflow.
    """
    return _UpdateDecorator(_check_name(name, "wf_update"))


_SENDERS: dict[MessageKind, str] = {
    "signal": "handle.signal",
    "query": "handle.query",
    "update": "handle.update",
}


def message_target(kind: MessageKind, target: object) -> tuple[str, Callable[..., Any] | None]:
    """The registered name of the ``kind`` handler ``target`` (a name, or a handler method such as
    ``Order.approve``) and the method itself (None for a name).

    Raises :class:`UnknownMethodError` for a method that is not a ``kind`` handler, naming what it is.
    """
    if isinstance(target, str):
        if not target:
            raise UnknownMethodError(f"A {kind} name must be a non-empty string")
        return target, None
    info = handler_info(target)
    qualname = getattr(target, "__qualname__", repr(target))
    if info is None:
        raise UnknownMethodError(
            f"{qualname} is not a @wf_{kind} handler: pass a {kind} handler of the workflow class "
            f"(e.g. MyWorkflow.my_{kind}) or its registered name"
        )
    if info.kind != kind:
        raise UnknownMethodError(
            f"{qualname} is a {info.kind} handler, not a {kind} handler: send it with "
            f"{_SENDERS[info.kind]}({qualname}, ...)"
        )
    return info.name, cast(Callable[..., Any], target)


def handler_info(fn: object) -> HandlerInfo | None:
    """The handler marker on ``fn``, if it is a signal, query or update handler."""
    info = getattr(fn, _ATTR, None)
    return info if isinstance(info, HandlerInfo) else None
