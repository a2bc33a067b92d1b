"""The engine's payload converter: JSON through the DTO codec, Temporal's binary/proto encodings kept."""

from __future__ import annotations

from typing import Any

import pytest
import temporalio.api.common.v1
import temporalio.common
from pydantic import BaseModel

from temporal_runtime_engine import RuntimePayloadConverter


class Item(BaseModel):
    sku: str
    quantity: int = 1


CONVERTER = RuntimePayloadConverter()


@pytest.mark.parametrize(
    ("value", "encoding"),
    [
        (Item(sku="a"), b"json/plain"),
        ({"method": "run", "kwargs": {"item": Item(sku="b")}}, b"json/plain"),
        ("text", b"json/plain"),
        (3, b"json/plain"),
        (2.5, b"json/plain"),
        (True, b"json/plain"),
        ([Item(sku="c")], b"json/plain"),
        (None, b"binary/null"),
        (b"\x00raw", b"binary/plain"),
        (temporalio.api.common.v1.Payload(data=b"x"), b"json/protobuf"),
    ],
)
def test_each_value_gets_the_encoding_temporal_expects(value: object, encoding: bytes) -> None:
    [payload] = CONVERTER.to_payloads([value])
    assert payload.metadata["encoding"] == encoding
    hint: Any = type(value)
    if isinstance(value, dict | list):
        hint = None  # read back as plain JSON
    [decoded] = CONVERTER.from_payloads([payload], [hint] if hint is not None else None)
    if isinstance(value, dict):
        assert decoded == {"method": "run", "kwargs": {"item": {"sku": "b", "quantity": 1}}}
    elif isinstance(value, list):
        assert decoded == [{"sku": "c", "quantity": 1}]
    else:
        assert decoded == value


def test_mixed_values_keep_their_order() -> None:
    raw = temporalio.common.RawValue(temporalio.api.common.v1.Payload(data=b"kept"))
    payloads = CONVERTER.to_payloads([Item(sku="a"), None, raw, "s"])
    assert [p.metadata["encoding"] for p in payloads] == [b"json/plain", b"binary/null", b"", b"json/plain"]
    assert payloads[2].data == b"kept"
    assert CONVERTER.from_payloads([payloads[0], payloads[3]], [Item, str]) == [Item(sku="a"), "s"]


def test_models_are_written_with_field_names() -> None:
    class Aliased(BaseModel):
        full_name: str

        model_config = {"alias_generator": lambda name: name.upper()}

    [payload] = CONVERTER.to_payloads([Aliased.model_validate({"FULL_NAME": "Ada"})])
    assert payload.data == b'{"full_name":"Ada"}'


def test_reading_mixed_payloads_and_raw_values() -> None:
    payloads = CONVERTER.to_payloads([Item(sku="a"), None, b"bytes", "s"])
    assert CONVERTER.from_payloads(payloads, [Item, type(None), bytes, str]) == [
        Item(sku="a"),
        None,
        b"bytes",
        "s",
    ]
    [raw, text] = CONVERTER.from_payloads(payloads[::3], [temporalio.common.RawValue, str])
    assert isinstance(raw, temporalio.common.RawValue)
    assert raw.payload == payloads[0]
    assert text == "s"
    # Fewer hints than payloads: the rest are read as plain JSON.
    assert CONVERTER.from_payloads(payloads[::3], [Item]) == [Item(sku="a"), "s"]
    assert CONVERTER.from_payloads(payloads[::3]) == [{"sku": "a", "quantity": 1}, "s"]
