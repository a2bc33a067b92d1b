"""Activity definitions: ``activity_def`` and the typed handle it returns."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Awaitable, Callable
from typing import Any, Final, final, overload

from ._codec import DtoCodec, default_codec, type_name
from ._errors import DefinitionError, InvalidArgumentsError, InvalidResultError
from ._registry import Registry

__all__ = [
    "ActivityDefinition",
    "ActivityRegistry",
    "NoArgs",
    "activity_def",
    "default_activity_registry",
]


@final
class NoArgs:
    """The ``Args`` type parameter of an activity that takes no argument (``activity_def("tick")``).

    ``ActivityDefinition[NoArgs, R]`` makes ``exec(tick, timeout=5)`` take no ``args`` argument.
    """

    __slots__ = ()


_UNRESOLVED: Final = object()


class ActivityDefinition[A, R]:
    """A registered activity: its name, DTO types and implementation.

    Workflows pass this handle to ``self.exec(...)``; its type parameters make ``exec`` return
    ``R``. Awaiting ``handle(args)`` (``handle()`` for an activity without ``Args``) outside a
    workflow runs the implementation directly, with the same input and output validation the
    worker applies. Without a declared ``Result`` the result is validated into the
    implementation's return annotation (plain JSON when it has none).
    """

    __slots__ = ("_codec", "_inferred_result", "args_type", "fn", "name", "result_type")

    def __init__(
        self,
        name: str,
        fn: Callable[..., Awaitable[R]],
        *,
        args_type: Any,
        result_type: Any | None,
        codec: DtoCodec = default_codec,
    ) -> None:
        self.name = name
        self.fn = fn
        self.args_type = args_type
        self.result_type = result_type
        self._codec = codec
        self._inferred_result: object = _UNRESOLVED

    @property
    def takes_args(self) -> bool:
        """Whether the activity takes an argument (``False`` for ``activity_def(name)`` without ``Args``)."""
        return self.args_type is not NoArgs

    @property
    def origin(self) -> str:
        """``module.qualname`` of the implementation, used in error messages."""
        module = getattr(self.fn, "__module__", "?")
        qualname = getattr(self.fn, "__qualname__", repr(self.fn))
        return f"{module}.{qualname}"

    @property
    def result_validation_type(self) -> object | None:
        """The type results are validated into: ``Result=`` if declared, else the implementation's
        return annotation (resolved on first use), else ``None`` (plain JSON, unchanged)."""
        declared: object | None = self.result_type
        if declared is not None:
            return declared
        if self._inferred_result is _UNRESOLVED:
            self._inferred_result = _return_annotation(self.name, self.fn)
        return self._inferred_result

    def validate_args(self, value: object) -> A:
        """Validate ``value`` as this activity's ``Args`` type (JSON semantics).

        An activity without ``Args`` has no argument: the value is ignored and ``None`` returned.
        """
        if not self.takes_args:
            return None  # type: ignore[return-value]  # no argument: nothing to validate
        try:
            validated: A = self._codec.validate(value, self.args_type)
        except InvalidArgumentsError as exc:
            raise InvalidArgumentsError(f"Activity {self.name!r} got invalid arguments. {exc}") from None
        return validated

    def decode_args(self, data: bytes | str) -> A:
        """Parse JSON ``data`` and validate it as this activity's ``Args`` type, in one pass."""
        try:
            decoded: A = self._codec.decode(data, self.args_type)
        except InvalidArgumentsError as exc:
            raise InvalidArgumentsError(f"Activity {self.name!r} got invalid arguments. {exc}") from None
        return decoded

    def validate_result(self, value: object) -> R:
        """Validate ``value`` as this activity's result type (see :attr:`result_validation_type`).

        Raises :class:`InvalidResultError` (an :class:`InvalidArgumentsError`) naming the activity.
        """
        target = self.result_validation_type
        if target is None:
            return value  # type: ignore[return-value]  # no annotation: plain JSON, as returned
        try:
            validated: R = self._codec.validate(value, target)
        except InvalidArgumentsError as exc:
            raise InvalidResultError(
                f"Activity {self.name!r} ({self.origin}) returned an invalid result. {exc}"
            ) from None
        return validated

    async def run_impl(self, value: A) -> object:
        """Call the implementation with the validated argument (none for an activity without ``Args``)."""
        if self.takes_args:
            return await self.fn(value)
        return await self.fn()

    @overload
    async def __call__(self: ActivityDefinition[NoArgs, R]) -> R: ...
    @overload
    async def __call__(self, args: A, /) -> R: ...
    async def __call__(self, *args: Any) -> R:
        """Run the implementation in-process with input and output validation."""
        if len(args) != (1 if self.takes_args else 0):
            wanted = (
                f"one argument, its {type_name(self.args_type)} value" if self.takes_args else "no argument"
            )
            raise InvalidArgumentsError(
                f"Activity {self.name!r} takes {wanted}; it was called with {len(args)}"
            )
        value = self.validate_args(args[0]) if args else self.validate_args(None)
        result = await self.run_impl(value)
        return self.validate_result(result)

    def __repr__(self) -> str:
        args = type_name(self.args_type) if self.takes_args else None
        result = None if self.result_type is None else type_name(self.result_type)
        return f"<activity {self.name!r} Args={args} Result={result} impl={self.origin}>"


def _return_annotation(name: str, fn: Callable[..., object]) -> object | None:
    """The implementation's return annotation as a type pydantic validates, or ``None`` if absent."""
    target = inspect.unwrap(fn)
    raw = getattr(target, "__annotations__", {}).get("return", inspect.Parameter.empty)
    if raw is inspect.Parameter.empty:
        return None
    try:
        hints = typing.get_type_hints(target, include_extras=True)
    except Exception as exc:
        raise DefinitionError(
            f"Activity {name!r}: the return annotation {raw!r} of {getattr(fn, '__qualname__', fn)} "
            f"cannot be resolved ({exc}). Define the types it names at module level, or pass "
            "Result= to activity_def()."
        ) from None
    hint = hints.get("return", None)
    hint = type(None) if hint is None else hint
    try:
        default_codec.adapter(hint)
    except Exception as exc:
        raise _UnsupportedAnnotation(
            f"Activity {name!r}: the return annotation {hint!r} of {getattr(fn, '__qualname__', fn)} "
            f"is not a type pydantic can validate ({type(exc).__name__}). Return a pydantic model or "
            "JSON value, or pass Result= the type to validate into."
        ) from None
    return hint


class _UnsupportedAnnotation(DefinitionError):
    """A return annotation that resolves but cannot be validated: reported at definition time."""


type ActivityRegistry = Registry[ActivityDefinition[Any, Any]]

default_activity_registry: Final[ActivityRegistry] = Registry("activity")
"""The process-wide activity registry ``activity_def`` uses unless given another."""


class _ActivityDecorator[A, R]:
    """Returned by ``activity_def(...)`` when ``Args`` and ``Result`` are declared as classes."""

    def __init__(self, name: str, args_type: object, result_type: object, registry: ActivityRegistry) -> None:
        self._name = name
        self._args_type = args_type
        self._result_type = result_type
        self._registry = registry

    def __call__(self, fn: Callable[[A], Awaitable[R]]) -> ActivityDefinition[A, R]:
        return _define(self._name, fn, self._args_type, self._result_type, self._registry)


class _InferredResultDecorator[A]:
    """Returned by ``activity_def(...)`` without ``Result``: the result type comes from the function."""

    def __init__(self, name: str, args_type: object, result_type: object, registry: ActivityRegistry) -> None:
        self._name = name
        self._args_type = args_type
        self._result_type = result_type
        self._registry = registry

    def __call__[R](self, fn: Callable[[A], Awaitable[R]]) -> ActivityDefinition[A, R]:
        return _define(self._name, fn, self._args_type, self._result_type, self._registry)


class _InferredDecorator:
    """Returned by ``activity_def(...)`` when ``Args`` is a type form that is not a class
    (``str | None``, ``Annotated[...]``): both types come from the function for type checkers."""

    def __init__(self, name: str, args_type: object, result_type: object, registry: ActivityRegistry) -> None:
        self._name = name
        self._args_type = args_type
        self._result_type = result_type
        self._registry = registry

    def __call__[A, R](self, fn: Callable[[A], Awaitable[R]]) -> ActivityDefinition[A, R]:
        return _define(self._name, fn, self._args_type, self._result_type, self._registry)


class _NoArgsDecorator[R]:
    """Returned by ``activity_def(name, Result=R)`` without ``Args``: an activity with no argument."""

    def __init__(self, name: str, result_type: object, registry: ActivityRegistry) -> None:
        self._name = name
        self._result_type = result_type
        self._registry = registry

    def __call__(self, fn: Callable[[], Awaitable[R]]) -> ActivityDefinition[NoArgs, R]:
        return _define(self._name, fn, NoArgs, self._result_type, self._registry)


class _NoArgsInferredDecorator:
    """Returned by ``activity_def(name)`` without ``Args`` or ``Result``: no argument, inferred result."""

    def __init__(self, name: str, result_type: object, registry: ActivityRegistry) -> None:
        self._name = name
        self._result_type = result_type
        self._registry = registry

    def __call__[R](self, fn: Callable[[], Awaitable[R]]) -> ActivityDefinition[NoArgs, R]:
        return _define(self._name, fn, NoArgs, self._result_type, self._registry)


@overload
def activity_def[A, R](  # type: ignore[overload-overlap]  # narrower (class-typed) forms first
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
def activity_def[R](  # type: ignore[overload-overlap]  # narrower (class-typed) forms first
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
    a decorator. ``Args`` and ``Result`` take any type pydantic validates (a model, ``str | None``,
    ``list[Item]``, ``Annotated[...]``). Omit ``Args`` for an activity that takes no argument
    (``async def tick() -> int``). Omit ``Result`` to validate the result into the implementation's
    return annotation (plain JSON when it has none). The returned :class:`ActivityDefinition` is
    registered in ``registry`` (the default registry if omitted).
    """
    if not isinstance(name, str) or not name.strip():
        raise DefinitionError(f"activity_def() needs a non-empty name string, got {name!r}")
    if Args is None or not _is_type_like(Args):
        raise DefinitionError(
            f"activity_def({name!r}) needs Args= the type of its single argument (e.g. a pydantic "
            f"model, or str | None), or no Args= at all for an activity without argument; got {Args!r}"
        )
    if Result is not None and not _is_type_like(Result):
        raise DefinitionError(f"activity_def({name!r}): Result= must be a type, got {Result!r}")
    target = default_activity_registry if registry is None else registry
    if Args is NoArgs:
        return _NoArgsInferredDecorator(name, Result, target)
    return _InferredDecorator(name, Args, Result, target)


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
    fn: Callable[..., Awaitable[R]],
    args_type: object,
    result_type: object,
    registry: ActivityRegistry,
) -> ActivityDefinition[Any, R]:
    if isinstance(fn, ActivityDefinition):
        raise DefinitionError(
            f"activity_def({name!r}) was applied to an activity that is already defined ({fn!r})"
        )
    takes_args = args_type is not NoArgs
    shape = "taking one argument" if takes_args else "taking no argument"
    if not inspect.iscoroutinefunction(fn):
        raise DefinitionError(
            f"Activity {name!r}: the implementation {getattr(fn, '__qualname__', fn)!r} must be an "
            f"`async def` function {shape}. Run blocking code with `await asyncio.to_thread(...)`."
        )
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # callables without a signature: trust the caller
        signature = None
    if signature is not None:
        params = list(signature.parameters.values())
        required = [
            p
            for p in params
            if p.default is inspect.Parameter.empty
            and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        ]
        if takes_args and (len(required) > 1 or not _accepts_one_positional(params)):
            raise DefinitionError(
                f"Activity {name!r}: {fn.__qualname__}{signature} must take exactly one "
                f"argument, the {type_name(args_type)} value given as Args=. Put several values in "
                "one model, or drop Args= if the activity takes no argument."
            )
        if not takes_args and required:
            raise DefinitionError(
                f"Activity {name!r}: {fn.__qualname__}{signature} takes an argument but "
                f"activity_def({name!r}) has no Args=. Pass Args= the argument's type, or remove the "
                "parameter."
            )
    defn: ActivityDefinition[Any, R] = ActivityDefinition(
        name, fn, args_type=args_type, result_type=result_type
    )
    try:
        # Resolve the return annotation now if it can be; a forward reference is resolved at first use.
        _ = defn.result_validation_type
    except _UnsupportedAnnotation as exc:
        raise DefinitionError(str(exc)) from None
    except DefinitionError:
        pass
    return registry.register(defn)


def _accepts_one_positional(params: list[inspect.Parameter]) -> bool:
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return any(p.kind in positional or p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)
