"""The typed activity handle, ``ActivityDefinition``, and the registry that holds them.

``activity_def`` (in ``_activity_def``) makes them; a method activity (``_method_activity``) and a
stub for an activity served elsewhere (``_activity_stub``) are kinds of it.
"""

from __future__ import annotations

import asyncio
import inspect
import typing
from collections.abc import Awaitable, Callable
from typing import Any, Final, cast, final, overload

from ._codec import DtoCodec, default_codec, type_name
from ._errors import DefinitionError, InvalidArgumentsError, InvalidResultError
from ._registry import Registry

__all__ = [
    "ActivityDefinition",
    "ActivityRegistry",
    "NoArgs",
    "UnsupportedAnnotation",
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

    A *thread activity* (a plain ``def`` implementation, :attr:`is_thread`) runs in the worker's
    thread pool; awaiting it directly runs it in a thread too (``asyncio.to_thread``).
    """

    __slots__ = ("_codec", "_inferred_result", "args_type", "fn", "name", "result_type")

    def __init__(
        self,
        name: str,
        fn: Callable[..., Awaitable[R]] | Callable[..., R],
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
    def is_stub(self) -> bool:
        """Whether this declares an activity served by another process (``activity_stub``): no
        worker of this process serves it, so the "not registered" check of ``exec`` skips it."""
        return False

    @property
    def is_thread(self) -> bool:
        """Whether the implementation is a plain ``def`` (a thread activity), which a worker runs in
        its thread pool (``TemporalEngine(activity_threads=N)``) rather than on its event loop."""
        return not inspect.iscoroutinefunction(self.fn)

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
            return None  # type: ignore[return-value]  # pyright: ignore[reportReturnType]  # no argument: nothing to validate
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
            return value  # type: ignore[return-value]  # pyright: ignore[reportReturnType]  # no annotation: plain JSON, as returned
        try:
            validated: R = self._codec.validate(value, target)
        except InvalidArgumentsError as exc:
            raise InvalidResultError(
                f"Activity {self.name!r} ({self.origin}) returned an invalid result. {exc}"
            ) from None
        return validated

    def require_implementation(self) -> None:
        """Raise if this handle has no implementation to run in this process (an unbound method
        activity, a stub); a plain activity has one."""

    async def run_impl(self, value: A) -> object:
        """Call the implementation with the validated argument (none for an activity without ``Args``);
        a thread activity runs in a thread (``asyncio.to_thread``)."""
        self.require_implementation()
        if self.is_thread:
            return await asyncio.to_thread(self.call_sync, value)
        call = cast(Awaitable[object], self.fn(value) if self.takes_args else self.fn())  # an async def
        return await call

    def call_sync(self, value: A) -> object:
        """Call a thread activity's implementation in the current thread (what a worker's thread does)."""
        self.require_implementation()
        return self.fn(value) if self.takes_args else self.fn()

    @overload
    async def __call__(self: ActivityDefinition[NoArgs, R]) -> R: ...
    @overload
    async def __call__(self, args: A, /) -> R: ...
    async def __call__(self, *args: Any) -> R:
        """Run the implementation in-process with input and output validation."""
        self.require_implementation()
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

    def _with_implementation(
        self, fn: Callable[..., Awaitable[R]] | Callable[..., R]
    ) -> ActivityDefinition[A, R]:
        """The same activity (name, types, resolved result type) running ``fn``: a method activity
        bound to an instance."""
        copy: ActivityDefinition[A, R] = ActivityDefinition(
            self.name, fn, args_type=self.args_type, result_type=self.result_type, codec=self._codec
        )
        copy._inferred_result = self._inferred_result
        return copy

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
        raise UnsupportedAnnotation(
            f"Activity {name!r}: the return annotation {hint!r} of {getattr(fn, '__qualname__', fn)} "
            f"is not a type pydantic can validate ({type(exc).__name__}). Return a pydantic model or "
            "JSON value, or pass Result= the type to validate into."
        ) from None
    return hint


class UnsupportedAnnotation(DefinitionError):
    """A return annotation that resolves but cannot be validated: reported at definition time."""


type ActivityRegistry = Registry[ActivityDefinition[Any, Any]]
"""A registry of activity definitions by name (``activity_def(..., registry=...)``, ``TemporalEngine(
activity_registry=...)``); :data:`default_activity_registry` is the process-wide one."""

default_activity_registry: Final[ActivityRegistry] = Registry("activity")
"""The process-wide activity registry ``activity_def`` uses unless given another."""
