"""Signatures of workflow methods: binding caller arguments and validating received ones."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, cast

from temporal_runtime_core import DefinitionError, InvalidArgumentsError, default_codec

__all__ = ["MethodSpec"]

_FORBIDDEN_KINDS = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


class MethodSpec:
    """One workflow method (an entry method or a signal, query or update handler) and the types of
    its parameters.

    Type hints are resolved lazily, on first use, because the workflow sandbox re-creates every
    workflow class for each run and most runs call a single method.
    """

    def __init__(self, owner: str, name: str, fn: Callable[..., Any]) -> None:
        self.owner = owner
        self.name = name
        self.fn = fn
        self.is_async = inspect.iscoroutinefunction(fn)
        self.signature = inspect.signature(fn)
        params = list(self.signature.parameters.values())[1:]  # drop self
        for param in params:
            if param.kind in _FORBIDDEN_KINDS:
                raise DefinitionError(
                    f"{owner}.{name}: *args/**kwargs are not supported in workflow methods; "
                    f"declare each parameter by name (parameter {param.name!r})"
                )
            if param.annotation is inspect.Parameter.empty:
                raise DefinitionError(
                    f"{owner}.{name}: parameter {param.name!r} has no type annotation, so its value "
                    f"would not be validated; annotate it (e.g. `{param.name}: MyModel`), or write "
                    f"`{param.name}: typing.Any` if any JSON value is meant"
                )
        self.parameters: tuple[inspect.Parameter, ...] = tuple(params)
        self.cache: dict[str, Any] = {}
        """What readers of this method build once from it (the envelope's ``TypeAdapter``)."""
        # Names that a plain positional call fills in order (None if a parameter is keyword-only).
        self._positional_names: tuple[str, ...] | None = (
            tuple(p.name for p in params)
            if all(p.kind is not inspect.Parameter.KEYWORD_ONLY for p in params)
            else None
        )

    @cached_property
    def _call_signature(self) -> inspect.Signature:
        """The signature without ``self``, as callers bind to it."""
        return self.signature.replace(parameters=self.parameters)

    @property
    def qualname(self) -> str:
        return f"{self.owner}.{self.name}"

    @cached_property
    def hints(self) -> dict[str, Any]:
        try:
            hints = typing.get_type_hints(self.fn, include_extras=True)  # keep Annotated constraints
        except Exception as exc:  # a forward reference that cannot be resolved, say
            raise DefinitionError(f"Cannot resolve the type hints of {self.qualname}: {exc}") from exc
        return hints

    @property
    def return_type(self) -> Any:
        """The declared return type (``None`` when unannotated: plain JSON is returned)."""
        return self.hints.get("return")

    def describe(self) -> str:
        params = ", ".join(str(p) for p in self.parameters)
        return f"{self.qualname}({params})"

    # --- caller side -------------------------------------------------------------------------

    def bind(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """Bind a call's arguments to parameter names, fill defaults and validate every value.

        Raises :class:`InvalidArgumentsError` before anything is sent when the call does not fit.
        """
        names = self._positional_names
        if not kwargs and names is not None and len(args) == len(names):
            # The common call, one value per parameter in order: no inspect.Signature binding; a
            # value of exactly its parameter's class is valid as it is (as DtoCodec.validate says).
            hints = self.hints
            return {
                name: value if hints.get(name) is type(value) else self._validate(name, value)
                for name, value in zip(names, args, strict=True)
            }
        try:
            bound = self._call_signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise InvalidArgumentsError(f"Invalid call to {self.describe()}: {exc}") from None
        bound.apply_defaults()
        return {name: self._validate(name, value) for name, value in bound.arguments.items()}

    def bind_positional(self, args: tuple[Any, ...]) -> dict[str, Any]:
        """Bind positional arguments (signals, queries and updates are sent positionally)."""
        return self.bind(args, {})

    # --- receiver side -----------------------------------------------------------------------

    def validate_received(self, received: object) -> dict[str, Any]:
        """Validate keyword arguments that arrived as JSON values; fill defaults."""
        if not isinstance(received, Mapping):
            raise InvalidArgumentsError(
                f"{self.qualname} expects its arguments as a JSON object of name -> value, "
                f"got {type(received).__name__}"
            )
        arguments = cast("Mapping[str, object]", received)  # JSON object keys are strings
        known = {p.name for p in self.parameters}
        unknown = sorted(set(arguments) - known)
        if unknown:
            raise InvalidArgumentsError(
                f"{self.describe()} got unexpected argument(s) {', '.join(map(repr, unknown))}"
            )
        result: dict[str, Any] = {}
        for param in self.parameters:
            if param.name in arguments:
                result[param.name] = self._validate(param.name, arguments[param.name])
            elif param.default is not inspect.Parameter.empty:
                result[param.name] = param.default
            else:
                raise InvalidArgumentsError(f"{self.describe()} is missing required argument {param.name!r}")
        return result

    def validate_positional(self, received: tuple[Any, ...] | list[Any]) -> list[Any]:
        """Validate positional arguments of a signal, query or update as received."""
        names = [p.name for p in self.parameters]
        if len(received) > len(names):
            raise InvalidArgumentsError(
                f"{self.describe()} takes {len(names)} argument(s) but {len(received)} were sent"
            )
        return list(self.validate_received(dict(zip(names, received, strict=False))).values())

    def _validate(self, name: str, value: Any) -> Any:
        hint = self.hints.get(name)
        try:
            return default_codec.validate(value, hint)
        except InvalidArgumentsError as exc:
            raise InvalidArgumentsError(f"Invalid argument {name!r} for {self.describe()}: {exc}") from None
