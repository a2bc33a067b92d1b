"""``activity_def``: define an activity from a function or method, and register it.

An ``async def`` runs on the worker's event loop; a plain ``def`` (a *thread activity*, for blocking
libraries) runs in the worker's thread pool (``TemporalEngine(activity_threads=N)``).

Each decorator class below is what one form of ``activity_def(...)`` returns, so type checkers see
the handle's ``Args``/``Result`` types: from the declared classes, or from the implementation's
signature. Each takes a function (an :class:`ActivityDefinition`) or a method, whose first
parameter is ``self`` (a :class:`MethodActivity`).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, overload

from ._activity import (
    ActivityDefinition,
    ActivityRegistry,
    NoArgs,
    UnsupportedAnnotation,
    default_activity_registry,
)
from ._codec import type_name
from ._errors import DefinitionError
from ._method_activity import MethodActivity, defined_in_class

__all__ = ["activity_def", "check_types"]


class _Decorator:
    def __init__(self, name: str, args_type: object, result_type: object, registry: ActivityRegistry) -> None:
        self._name = name
        self._args_type = args_type
        self._result_type = result_type
        self._registry = registry

    def _define(self, fn: Callable[..., Any]) -> Any:
        return _define(self._name, fn, self._args_type, self._result_type, self._registry)


class _ActivityDecorator[A, R](_Decorator):
    """Returned by ``activity_def(...)`` when ``Args`` and ``Result`` are declared as classes."""

    @overload
    def __call__(self, fn: Callable[[A], Awaitable[R]], /) -> ActivityDefinition[A, R]: ...
    @overload
    def __call__(self, fn: Callable[[Any, A], Awaitable[R]], /) -> MethodActivity[A, R]: ...
    @overload
    def __call__(self, fn: Callable[[A], R], /) -> ActivityDefinition[A, R]: ...
    @overload
    def __call__(self, fn: Callable[[Any, A], R], /) -> MethodActivity[A, R]: ...
    def __call__(self, fn: Callable[..., Any], /) -> ActivityDefinition[A, R]:
        return self._define(fn)  # type: ignore[no-any-return]


class _InferredResultDecorator[A](_Decorator):
    """Returned by ``activity_def(...)`` without ``Result``: the result type comes from the function."""

    @overload
    def __call__[R](self, fn: Callable[[A], Awaitable[R]], /) -> ActivityDefinition[A, R]: ...
    @overload
    def __call__[R](self, fn: Callable[[Any, A], Awaitable[R]], /) -> MethodActivity[A, R]: ...
    @overload
    def __call__[R](self, fn: Callable[[A], R], /) -> ActivityDefinition[A, R]: ...
    @overload
    def __call__[R](self, fn: Callable[[Any, A], R], /) -> MethodActivity[A, R]: ...
    def __call__(self, fn: Callable[..., Any], /) -> ActivityDefinition[A, Any]:
        return self._define(fn)  # type: ignore[no-any-return]


class _InferredDecorator(_Decorator):
    """Returned by ``activity_def(...)`` when ``Args`` is a type form that is not a class
    (``str | None``, ``Annotated[...]``): both types come from the function for type checkers."""

    @overload
    def __call__[A, R](self, fn: Callable[[A], Awaitable[R]], /) -> ActivityDefinition[A, R]: ...
    @overload
    def __call__[A, R](self, fn: Callable[[Any, A], Awaitable[R]], /) -> MethodActivity[A, R]: ...
    @overload
    def __call__[A, R](self, fn: Callable[[A], R], /) -> ActivityDefinition[A, R]: ...
    @overload
    def __call__[A, R](self, fn: Callable[[Any, A], R], /) -> MethodActivity[A, R]: ...
    def __call__(self, fn: Callable[..., Any], /) -> ActivityDefinition[Any, Any]:
        return self._define(fn)  # type: ignore[no-any-return]


class _NoArgsDecorator[R](_Decorator):
    """Returned by ``activity_def(name, Result=R)`` without ``Args``: an activity with no argument."""

    @overload
    def __call__(self, fn: Callable[[], Awaitable[R]], /) -> ActivityDefinition[NoArgs, R]: ...
    @overload
    def __call__(self, fn: Callable[[Any], Awaitable[R]], /) -> MethodActivity[NoArgs, R]: ...
    @overload
    def __call__(self, fn: Callable[[], R], /) -> ActivityDefinition[NoArgs, R]: ...
    @overload
    def __call__(self, fn: Callable[[Any], R], /) -> MethodActivity[NoArgs, R]: ...
    def __call__(self, fn: Callable[..., Any], /) -> ActivityDefinition[NoArgs, R]:
        return self._define(fn)  # type: ignore[no-any-return]


class _NoArgsInferredDecorator(_Decorator):
    """Returned by ``activity_def(name)`` without ``Args`` or ``Result``: no argument, inferred result."""

    @overload
    def __call__[R](self, fn: Callable[[], Awaitable[R]], /) -> ActivityDefinition[NoArgs, R]: ...
    @overload
    def __call__[R](self, fn: Callable[[Any], Awaitable[R]], /) -> MethodActivity[NoArgs, R]: ...
    @overload
    def __call__[R](self, fn: Callable[[], R], /) -> ActivityDefinition[NoArgs, R]: ...
    @overload
    def __call__[R](self, fn: Callable[[Any], R], /) -> MethodActivity[NoArgs, R]: ...
    def __call__(self, fn: Callable[..., Any], /) -> ActivityDefinition[NoArgs, Any]:
        return self._define(fn)  # type: ignore[no-any-return]


@overload
def activity_def[A, R](  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]  # class-typed forms first: a class is also a type form
    name: str,
    *,
    Args: type[A],
    Result: type[R],
    registry: ActivityRegistry | None = None,
) -> _ActivityDecorator[A, R]: ...


@overload
def activity_def[A](  # type: ignore[overload-overlap]  # narrower (class-typed) forms first
    name: str,
    *,
    Args: type[A],
    Result: object = None,
    registry: ActivityRegistry | None = None,
) -> _InferredResultDecorator[A]: ...


@overload
def activity_def(
    name: str,
    *,
    Args: object,
    Result: object = None,
    registry: ActivityRegistry | None = None,
) -> _InferredDecorator: ...


@overload
def activity_def[R](  # type: ignore[overload-overlap]  # pyright: ignore[reportOverlappingOverload]  # class-typed forms first: a class is also a type form
    name: str,
    *,
    Result: type[R],
    registry: ActivityRegistry | None = None,
) -> _NoArgsDecorator[R]: ...


@overload
def activity_def(
    name: str,
    *,
    Result: object = None,
    registry: ActivityRegistry | None = None,
) -> _NoArgsInferredDecorator: ...


def activity_def(
    name: str,
    *,
    Args: object = NoArgs,
    Result: object = None,
    registry: ActivityRegistry | None = None,
) -> (
    _ActivityDecorator[Any, Any]
    | _InferredResultDecorator[Any]
    | _InferredDecorator
    | _NoArgsDecorator[Any]
    | _NoArgsInferredDecorator
):
    """Define an activity named ``name`` taking one ``Args`` value and returning ``Result``.

    Use it on an implementation, ``send = activity_def("send", Args=A, Result=R)(send_impl)``, or as
    a decorator, on an ``async def`` or on a plain ``def``: a thread activity, which the worker runs
    in its thread pool (``TemporalEngine(activity_threads=N)``) so blocking code does not stall the
    event loop. ``Args`` and ``Result`` take any type pydantic validates (a model, ``str | None``,
    ``list[Item]``, ``Annotated[...]``). Omit ``Args`` for an activity that takes no argument
    (``async def tick() -> int``). Omit ``Result`` to validate the result into the implementation's
    return annotation (plain JSON when it has none). The returned :class:`ActivityDefinition` is
    registered in ``registry`` (the default registry if omitted).

    On a method in a class body (``async def send(self, email: Email) -> Receipt``) it makes a
    :class:`MethodActivity`: workflows exec ``EmailActivities.send``, and a worker runs it on the
    instance given as ``TemporalEngine(activity_instances=[EmailActivities(...)])``.
    """
    check_types("activity_def", name, Args, Result)
    target = default_activity_registry if registry is None else registry
    if Args is NoArgs:
        return _NoArgsInferredDecorator(name, NoArgs, Result, target)
    return _InferredDecorator(name, Args, Result, target)


def check_types(function: str, name: object, args_type: object, result_type: object) -> None:
    """The name and types given to ``activity_def``/``activity_stub``, or a :class:`DefinitionError`."""
    if not isinstance(name, str) or not name.strip():
        raise DefinitionError(f"{function}() needs a non-empty name string, got {name!r}")
    if args_type is None or not _is_type_like(args_type):
        raise DefinitionError(
            f"{function}({name!r}) needs Args= the type of its single argument (e.g. a pydantic "
            f"model, or str | None), or no Args= at all for an activity without argument; got {args_type!r}"
        )
    if result_type is not None and not _is_type_like(result_type):
        raise DefinitionError(f"{function}({name!r}): Result= must be a type, got {result_type!r}")


def _is_type_like(value: object) -> bool:
    # Classes, and typing constructs such as list[Model], Model | None or Annotated[int, ...].
    return (
        isinstance(value, type)
        or hasattr(value, "__origin__")
        or type(value).__module__
        in {
            "typing",
            "types",
            "typing_extensions",
        }
    )


def _define[R](
    name: str,
    fn: Callable[..., Awaitable[R]] | Callable[..., R],
    args_type: object,
    result_type: object,
    registry: ActivityRegistry,
) -> ActivityDefinition[Any, R]:
    if isinstance(fn, ActivityDefinition):
        raise DefinitionError(
            f"activity_def({name!r}) was applied to an activity that is already defined ({fn!r})"
        )
    takes_args = args_type is not NoArgs
    method = defined_in_class(fn)
    shape = "taking one argument" if takes_args else "taking no argument"
    if method:
        shape = f"method {shape} after self"
    if not (inspect.isfunction(fn) or inspect.iscoroutinefunction(fn)):
        raise DefinitionError(
            f"Activity {name!r}: the implementation {fn!r} must be a function (`async def`, or a "
            f"plain `def` run in the worker's thread pool) {shape}"
        )
    if inspect.isasyncgenfunction(fn) or inspect.isgeneratorfunction(fn):
        raise DefinitionError(
            f"Activity {name!r}: the implementation {getattr(fn, '__qualname__', fn)!r} is a generator; "
            f"an activity is an `async def` or a plain `def` {shape} that returns its result"
        )
    _check_signature(name, fn, args_type, method)
    defn: ActivityDefinition[Any, R]
    if method:
        defn = MethodActivity[Any, R](name, fn, args_type=args_type, result_type=result_type)
    else:
        defn = ActivityDefinition[Any, R](name, fn, args_type=args_type, result_type=result_type)
    try:
        # Resolve the return annotation now if it can be; a forward reference is resolved at first use.
        _ = defn.result_validation_type
    except UnsupportedAnnotation as exc:
        raise DefinitionError(str(exc)) from None
    except DefinitionError:
        pass
    return registry.register(defn)


def _check_signature(name: str, fn: Callable[..., object], args_type: object, method: bool) -> None:
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # callables without a signature: trust the caller
        return
    params = list(signature.parameters.values())
    if method:
        if not params or params[0].kind not in _POSITIONAL:
            raise DefinitionError(
                f"Activity {name!r}: {fn.__qualname__}{signature} is defined in a class, so it must be a "
                "method whose first parameter is self"
            )
        params = params[1:]
    takes_args = args_type is not NoArgs
    required = [
        p
        for p in params
        if p.default is inspect.Parameter.empty
        and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    ]
    after_self = " after self" if method else ""
    if takes_args and (len(required) > 1 or not _accepts_one_positional(params)):
        raise DefinitionError(
            f"Activity {name!r}: {fn.__qualname__}{signature} must take exactly one "
            f"argument{after_self}, the {type_name(args_type)} value given as Args=. Put several values "
            "in one model, or drop Args= if the activity takes no argument."
        )
    if not takes_args and required:
        raise DefinitionError(
            f"Activity {name!r}: {fn.__qualname__}{signature} takes an argument{after_self} but "
            f"activity_def({name!r}) has no Args=. Pass Args= the argument's type, or remove the "
            "parameter."
        )


_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _accepts_one_positional(params: list[inspect.Parameter]) -> bool:
    return any(p.kind in _POSITIONAL or p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)
