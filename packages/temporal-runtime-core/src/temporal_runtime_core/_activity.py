"""Activity definitions: ``activity_def`` and the typed handle it returns."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, Final, overload

from ._codec import DtoCodec, default_codec
from ._errors import DefinitionError, InvalidArgumentsError, InvalidResultError
from ._registry import Registry

__all__ = [
    "ActivityDefinition",
    "ActivityRegistry",
    "activity_def",
    "default_activity_registry",
]


class ActivityDefinition[A, R]:
    """A registered activity: its name, DTO types and implementation.

    Workflows pass this handle to ``self.exec(...)``; its type parameters make ``exec`` return
    ``R``. Awaiting ``handle(args)`` outside a workflow runs the implementation directly, with the
    same input and output validation the worker applies.
    """

    __slots__ = ("_codec", "args_type", "fn", "name", "result_type")

    def __init__(
        self,
        name: str,
        fn: Callable[[A], Awaitable[R]],
        *,
        args_type: type[A],
        result_type: type[R] | None,
        codec: DtoCodec = default_codec,
    ) -> None:
        self.name = name
        self.fn = fn
        self.args_type = args_type
        self.result_type = result_type
        self._codec = codec

    @property
    def origin(self) -> str:
        """``module.qualname`` of the implementation, used in error messages."""
        module = getattr(self.fn, "__module__", "?")
        qualname = getattr(self.fn, "__qualname__", repr(self.fn))
        return f"{module}.{qualname}"

    def validate_args(self, value: object) -> A:
        """Validate ``value`` as this activity's ``Args`` type (JSON semantics)."""
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
        """Validate ``value`` as this activity's ``Result`` type (unchanged when none is declared).

        Raises :class:`InvalidResultError` (an :class:`InvalidArgumentsError`) naming the activity.
        """
        if self.result_type is None:
            return value  # type: ignore[return-value]  # R is inferred from the implementation
        try:
            validated: R = self._codec.validate(value, self.result_type)
        except InvalidArgumentsError as exc:
            raise InvalidResultError(
                f"Activity {self.name!r} ({self.origin}) returned an invalid result. {exc}"
            ) from None
        return validated

    async def __call__(self, args: A) -> R:
        """Run the implementation in-process with input and output validation."""
        result = await self.fn(self.validate_args(args))
        return self.validate_result(result)

    def __repr__(self) -> str:
        result = getattr(self.result_type, "__name__", None)
        return (
            f"<activity {self.name!r} Args={getattr(self.args_type, '__name__', self.args_type)}"
            f" Result={result} impl={self.origin}>"
        )


type ActivityRegistry = Registry[ActivityDefinition[Any, Any]]

default_activity_registry: Final[ActivityRegistry] = Registry("activity")
"""The process-wide activity registry ``activity_def`` uses unless given another."""


class _ActivityDecorator[A, R]:
    """Returned by ``activity_def(...)`` when ``Result`` is declared."""

    def __init__(
        self, name: str, args_type: type[A], result_type: type[R] | None, registry: ActivityRegistry
    ) -> None:
        self._name = name
        self._args_type = args_type
        self._result_type = result_type
        self._registry = registry

    def __call__(self, fn: Callable[[A], Awaitable[R]]) -> ActivityDefinition[A, R]:
        return _define(self._name, fn, self._args_type, self._result_type, self._registry)


class _InferredResultDecorator[A]:
    """Returned by ``activity_def(...)`` without ``Result``: the result type comes from the function."""

    def __init__(self, name: str, args_type: type[A], registry: ActivityRegistry) -> None:
        self._name = name
        self._args_type = args_type
        self._registry = registry

    def __call__[R](self, fn: Callable[[A], Awaitable[R]]) -> ActivityDefinition[A, R]:
        return _define(self._name, fn, self._args_type, None, self._registry)


@overload
def activity_def[A, R](
    name: str,
    *,
    Args: type[A],
    Result: type[R],
    registry: ActivityRegistry | None = None,
) -> _ActivityDecorator[A, R]: ...


@overload
def activity_def[A](
    name: str,
    *,
    Args: type[A],
    Result: None = None,
    registry: ActivityRegistry | None = None,
) -> _InferredResultDecorator[A]: ...


def activity_def(
    name: str,
    *,
    Args: type[Any],
    Result: type[Any] | None = None,
    registry: ActivityRegistry | None = None,
) -> _ActivityDecorator[Any, Any] | _InferredResultDecorator[Any]:
    """Define an activity named ``name`` taking one ``Args`` DTO and returning ``Result``.

    Use it on an implementation, ``send = activity_def("send", Args=A, Result=R)(send_impl)``, or as
    a decorator. Omit ``Result`` when the activity returns a primitive or None. The returned
    :class:`ActivityDefinition` is registered in ``registry`` (the default registry if omitted).
    """
    if not isinstance(name, str) or not name.strip():
        raise DefinitionError(f"activity_def() needs a non-empty name string, got {name!r}")
    if Args is None or not _is_type_like(Args):
        raise DefinitionError(
            f"activity_def({name!r}) needs Args= the DTO type of its single argument "
            f"(e.g. a pydantic model), got {Args!r}"
        )
    if Result is not None and not _is_type_like(Result):
        raise DefinitionError(f"activity_def({name!r}): Result= must be a type, got {Result!r}")
    target = default_activity_registry if registry is None else registry
    if Result is None:
        return _InferredResultDecorator(name, Args, target)
    return _ActivityDecorator(name, Args, Result, target)


def _is_type_like(value: object) -> bool:
    # Classes, and typing constructs such as list[Model] or Model | None.
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


def _define[A, R](
    name: str,
    fn: Callable[[A], Awaitable[R]],
    args_type: type[A],
    result_type: type[R] | None,
    registry: ActivityRegistry,
) -> ActivityDefinition[A, R]:
    if isinstance(fn, ActivityDefinition):
        raise DefinitionError(
            f"activity_def({name!r}) was applied to an activity that is already defined ({fn!r})"
        )
    if not inspect.iscoroutinefunction(fn):
        raise DefinitionError(
            f"Activity {name!r}: the implementation {getattr(fn, '__qualname__', fn)!r} must be an "
            "`async def` function taking one argument. Run blocking code with `await asyncio.to_thread(...)`."
        )
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):  # callables without a signature: trust the caller
        return registry.register(ActivityDefinition(name, fn, args_type=args_type, result_type=result_type))
    required = [
        p
        for p in params
        if p.default is inspect.Parameter.empty
        and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    ]
    if len(required) > 1 or not _accepts_one_positional(params):
        raise DefinitionError(
            f"Activity {name!r}: {fn.__qualname__}{inspect.signature(fn)} must take exactly one "
            f"argument, the {getattr(args_type, '__name__', args_type)} DTO. Put several values in one model."
        )
    return registry.register(ActivityDefinition(name, fn, args_type=args_type, result_type=result_type))


def _accepts_one_positional(params: list[inspect.Parameter]) -> bool:
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return any(p.kind in positional or p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)
