"""Temporal payload conversion through temporal-runtime's pydantic DTO codec."""

from __future__ import annotations

import dataclasses
from typing import Any

import temporalio.api.common.v1
import temporalio.converter

from temporal_runtime_core import default_codec

__all__ = ["DtoJsonPayloadConverter", "RuntimePayloadConverter", "data_converter"]


class DtoJsonPayloadConverter(temporalio.converter.EncodingPayloadConverter):
    """``json/plain`` payloads: pydantic models and JSON values, validated into the declared type."""

    @property
    def encoding(self) -> str:
        return "json/plain"

    def to_payload(self, value: Any) -> temporalio.api.common.v1.Payload | None:
        return temporalio.api.common.v1.Payload(
            metadata={"encoding": b"json/plain"}, data=default_codec.encode(value)
        )

    def from_payload(self, payload: temporalio.api.common.v1.Payload, type_hint: type | None = None) -> Any:
        return default_codec.decode(payload.data, type_hint)


class RuntimePayloadConverter(temporalio.converter.CompositePayloadConverter):
    """Temporal's standard converters, with JSON handled by the DTO codec."""

    def __init__(self) -> None:
        super().__init__(
            temporalio.converter.BinaryNullPayloadConverter(),
            temporalio.converter.BinaryPlainPayloadConverter(),
            temporalio.converter.JSONProtoPayloadConverter(),
            temporalio.converter.BinaryProtoPayloadConverter(),
            DtoJsonPayloadConverter(),
        )


def data_converter(
    base: temporalio.converter.DataConverter | None = None,
) -> temporalio.converter.DataConverter:
    """A DataConverter using :class:`RuntimePayloadConverter` (keeping ``base``'s codec, if any)."""
    base = base or temporalio.converter.DataConverter.default
    return dataclasses.replace(base, payload_converter_class=RuntimePayloadConverter)
