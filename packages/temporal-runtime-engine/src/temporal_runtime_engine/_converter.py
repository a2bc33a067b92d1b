"""Temporal payload conversion through temporal-runtime's pydantic DTO codec."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, Final

import temporalio.api.common.v1
import temporalio.converter
from pydantic import BaseModel

from temporal_runtime_core import default_codec

__all__ = ["DtoJsonPayloadConverter", "RuntimePayloadConverter", "data_converter"]


class DtoJsonPayloadConverter(temporalio.converter.EncodingPayloadConverter):
    """``json/plain`` payloads: pydantic models and JSON values, validated into the declared type."""

    @property
    def encoding(self) -> str:
        return "json/plain"

    def to_payload(self, value: Any) -> temporalio.api.common.v1.Payload:
        return temporalio.api.common.v1.Payload(
            metadata={"encoding": b"json/plain"}, data=default_codec.encode(value)
        )

    def from_payload(self, payload: temporalio.api.common.v1.Payload, type_hint: type | None = None) -> Any:
        return default_codec.decode(payload.data, type_hint)


# Values no converter before the JSON one takes (those take None, bytes and protobuf messages).
_JSON_ONLY_TYPES: Final = frozenset({str, int, float, bool, dict, list})


class RuntimePayloadConverter(temporalio.converter.CompositePayloadConverter):
    """Temporal's standard converters, with JSON handled by the DTO codec."""

    def __init__(self) -> None:
        self._json = DtoJsonPayloadConverter()
        super().__init__(
            temporalio.converter.BinaryNullPayloadConverter(),
            temporalio.converter.BinaryPlainPayloadConverter(),
            temporalio.converter.JSONProtoPayloadConverter(),
            temporalio.converter.BinaryProtoPayloadConverter(),
            self._json,
        )

    def to_payloads(self, values: Sequence[Any]) -> list[temporalio.api.common.v1.Payload]:
        # Models and plain JSON values (nearly every value) go straight to the JSON converter
        # instead of being offered to the four binary/proto converters first.
        if all(type(v) in _JSON_ONLY_TYPES or isinstance(v, BaseModel) for v in values):
            return [self._json.to_payload(v) for v in values]
        return super().to_payloads(values)


def data_converter(
    base: temporalio.converter.DataConverter | None = None,
) -> temporalio.converter.DataConverter:
    """A DataConverter using :class:`RuntimePayloadConverter` (keeping ``base``'s codec, if any)."""
    base = base or temporalio.converter.DataConverter.default
    return dataclasses.replace(base, payload_converter_class=RuntimePayloadConverter)
