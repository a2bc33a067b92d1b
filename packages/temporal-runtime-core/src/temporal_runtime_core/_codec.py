"""The DTO codec: pydantic v2 models and plain JSON types to and from JSON bytes.

The engine plugs this codec into Temporal's payload conversion, so every workflow argument, activity
argument and result travels as JSON and is validated against the declared type on arrival.
"""

from __future__ import annotations

import json
import types
import typing
from collections import OrderedDict
from typing import Any, Final, cast

import pydantic
import pydantic_core
from pydantic import BaseModel, TypeAdapter

from ._errors import InvalidArgumentsError

__all__ = ["DtoCodec", "default_codec", "describe_validation_error", "type_name"]

_ANY_HINTS: Final = (None, Any, object)


class DtoCodec:
    """Encode values to JSON bytes and decode JSON bytes into declared types.

    Models are written with their field names and read back accepting field names *or* aliases,
    so every model round-trips, whatever mix of ``alias``, ``validation_alias`` and
    ``serialization_alias`` it uses.

    ``TypeAdapter`` instances are cached (bounded LRU), so repeated conversions of the same type are
    cheap. Pydantic models use their own validators directly.
    """

    def __init__(self, cache_size: int = 1024) -> None:
        self._cache_size = cache_size
        self._adapters: OrderedDict[object, TypeAdapter[Any]] = OrderedDict()

    # --- encode ------------------------------------------------------------------------------

    def encode(self, value: object) -> bytes:
        """Serialize ``value`` (a model, dataclass, or JSON-compatible value) to JSON bytes."""
        if isinstance(value, BaseModel):
            return _model_json(value)
        try:
            return pydantic_core.to_json(value, by_alias=False)
        except pydantic_core.PydanticSerializationError as exc:
            raise InvalidArgumentsError(
                f"Cannot serialize a value of type {type(value).__name__} to JSON: {exc}. "
                "Use a pydantic model or plain JSON types (str, int, float, bool, None, list, dict)."
            ) from exc

    def to_jsonable(self, value: object) -> Any:
        """Turn ``value`` into plain JSON values (dicts, lists, str, numbers, bools, None)."""
        return pydantic_core.to_jsonable_python(value, by_alias=False)

    # --- decode ------------------------------------------------------------------------------

    def decode(self, data: bytes | str, type_hint: object = None) -> Any:
        """Parse JSON ``data`` and validate it as ``type_hint`` (plain JSON when None/Any).

        Raises :class:`InvalidArgumentsError` when the data does not fit the type.
        """
        if type_hint in _ANY_HINTS:
            try:
                return json.loads(data)
            except ValueError as exc:
                raise InvalidArgumentsError(f"Payload is not valid JSON: {exc}") from exc
        model = _model_class(type_hint)
        try:
            if model is not None:
                return model.__pydantic_validator__.validate_json(data, by_alias=True, by_name=True)
            return self.adapter(type_hint).validate_json(data, by_alias=True, by_name=True)
        except pydantic.ValidationError as exc:
            raise InvalidArgumentsError(describe_validation_error(exc, type_hint)) from exc

    def validate(self, value: object, type_hint: object) -> Any:
        """Validate an in-memory ``value`` as ``type_hint`` (JSON semantics, so strict models work).

        A model instance of a look-alike class (e.g. the same DTO imported on the other side of the
        workflow sandbox) is accepted by its fields rather than by ``isinstance``.
        """
        if type_hint in _ANY_HINTS:
            return value
        if type_hint is type(value):
            return value
        try:
            return self.decode(self.encode(value), type_hint)
        except InvalidArgumentsError as exc:
            given = _given_instead(value, type_hint)
            if given is None:
                raise
            raise InvalidArgumentsError(f"{given} {exc}") from exc.__cause__

    def adapter(self, type_hint: object) -> TypeAdapter[Any]:
        """A cached ``TypeAdapter`` for ``type_hint``."""
        try:
            adapter = self._adapters.get(type_hint)
        except TypeError:  # unhashable hint: no cache
            return TypeAdapter(cast(Any, type_hint))
        if adapter is None:
            adapter = TypeAdapter(cast(Any, type_hint))
            self._adapters[type_hint] = adapter
            if len(self._adapters) > self._cache_size:
                self._adapters.popitem(last=False)
        else:
            self._adapters.move_to_end(type_hint)
        return adapter


_PLAIN_JSON_TYPES: Final = (dict, list, tuple, str, int, float, bool, type(None))


def _given_instead(value: object, type_hint: object) -> str | None:
    """``"Got a Payment where Order is expected."`` when ``value`` is an object of another named
    class (a model or dataclass of the wrong type), so that its failed fields are not the whole story."""
    given = type(value).__name__
    if isinstance(value, _PLAIN_JSON_TYPES) or given == type_name(type_hint):
        return None  # plain JSON values say enough; a same-named class is a look-alike (the sandbox's)
    article = "an" if given[:1].lower() in "aeiou" else "a"
    return f"Got {article} {given} where {type_name(type_hint)} is expected."


def _model_class(type_hint: object) -> type[BaseModel] | None:
    """``type_hint`` when it is a pydantic model class (validated by its own validator), else None."""
    if isinstance(type_hint, type) and issubclass(type_hint, BaseModel):
        return type_hint
    return None


def _model_json(model: BaseModel) -> bytes:
    return model.__pydantic_serializer__.to_json(model, by_alias=False)


def type_name(type_hint: object) -> str:
    """A short readable name for a type hint: ``Item``, ``list[Item]``, ``Item | None``."""
    origin = typing.get_origin(type_hint)
    args = typing.get_args(type_hint)
    if origin is None:
        if isinstance(type_hint, type):
            return type_hint.__name__
        return "None" if type_hint is None else repr(type_hint)
    if origin is typing.Literal:
        return f"Literal[{', '.join(repr(a) for a in args)}]"
    if origin in (typing.Union, types.UnionType):
        return " | ".join("None" if a is type(None) else type_name(a) for a in args)
    inner = ", ".join(type_name(a) for a in args)
    return f"{type_name(origin)}[{inner}]" if args else type_name(origin)


def describe_validation_error(exc: pydantic.ValidationError, type_hint: object) -> str:
    """A one-paragraph message: which type, and each field that failed with why."""
    name = type_name(type_hint)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}" for err in exc.errors()
    )
    return f"Invalid {name}: {problems}"


default_codec: Final = DtoCodec()
"""The process-wide codec used when no other is configured."""
