"""Temporal payload conversion through temporal-runtime's pydantic DTO codec."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, Final

import temporalio.api.common.v1
import temporalio.common
import temporalio.converter
from pydantic import BaseModel

from temporal_runtime_core import InvalidOptionError, default_codec

__all__ = [
    "JSON_ENCODING",
    "DtoJsonPayloadConverter",
    "RuntimePayloadConverter",
    "checked_payload_codec",
    "data_converter",
]


# Values no converter before the JSON one takes (those take None, bytes and protobuf messages).
_JSON_ONLY_TYPES: Final = frozenset({str, int, float, bool, dict, list})
JSON_ENCODING: Final = b"json/plain"


class DtoJsonPayloadConverter(temporalio.converter.EncodingPayloadConverter):
    """``json/plain`` payloads: pydantic models and JSON values, validated into the declared type."""

    @property
    def encoding(self) -> str:
        return "json/plain"

    def to_payload(self, value: Any) -> temporalio.api.common.v1.Payload:
        return temporalio.api.common.v1.Payload(
            metadata={"encoding": JSON_ENCODING}, data=default_codec.encode(value)
        )

    def from_payload(self, payload: temporalio.api.common.v1.Payload, type_hint: type | None = None) -> Any:
        return default_codec.decode(payload.data, type_hint)


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
        payloads: list[temporalio.api.common.v1.Payload] = []
        for value in values:
            if type(value) not in _JSON_ONLY_TYPES and not isinstance(value, BaseModel):
                return super().to_payloads(values)
            payloads.append(self._json.to_payload(value))
        return payloads

    def from_payloads(
        self, payloads: Sequence[temporalio.api.common.v1.Payload], type_hints: list[type] | None = None
    ) -> list[Any]:
        # JSON payloads (nearly all) are decoded directly; anything else the composite way.
        hints: Sequence[type | None] = type_hints or ()
        values: list[Any] = []
        for index, payload in enumerate(payloads):
            hint = hints[index] if index < len(hints) else None
            if hint is temporalio.common.RawValue or payload.metadata.get("encoding") != JSON_ENCODING:
                return super().from_payloads(payloads, type_hints)
            values.append(self._json.from_payload(payload, hint))
        return values


def data_converter(
    base: temporalio.converter.DataConverter | None = None,
    *,
    payload_codec: temporalio.converter.PayloadCodec | None = None,
) -> temporalio.converter.DataConverter:
    """A DataConverter using :class:`RuntimePayloadConverter`.

    Without ``payload_codec`` it keeps ``base``'s codec and failure converter, if any. With one (the
    engine's ``payload_codec=``), that codec encodes every payload, and failures go through
    temporalio's failure converter with ``encode_common_attributes=True``, which moves each
    failure's message and stack trace into a payload the codec encodes too (the server then shows
    "Encoded failure"); a custom failure converter of ``base`` is kept as it is.
    """
    base = base or temporalio.converter.DataConverter.default
    if payload_codec is None:
        return dataclasses.replace(base, payload_converter_class=RuntimePayloadConverter)
    failures = base.failure_converter_class
    if failures is temporalio.converter.DefaultFailureConverter:
        failures = temporalio.converter.DefaultFailureConverterWithEncodedAttributes
    return dataclasses.replace(
        base,
        payload_converter_class=RuntimePayloadConverter,
        payload_codec=payload_codec,
        failure_converter_class=failures,
    )


def checked_payload_codec(value: object) -> temporalio.converter.PayloadCodec | None:
    """``TemporalEngine(payload_codec=...)`` checked: None or a ``temporalio.converter.PayloadCodec``."""
    if value is None or isinstance(value, temporalio.converter.PayloadCodec):
        return value
    raise InvalidOptionError(
        f"TemporalEngine(payload_codec=...) takes a temporalio.converter.PayloadCodec (an object with "
        f"async encode() and decode()), got {value!r}: pass e.g. AesGcmCodec(keys={{...}}, active=...), "
        "an instance of your own PayloadCodec subclass, or None"
    )
