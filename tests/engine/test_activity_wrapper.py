"""The temporalio activity generated for each activity definition: input read from the raw payload."""

from __future__ import annotations

import pytest
import temporalio.common
import temporalio.exceptions
import temporalio.testing
from pydantic import BaseModel, Field

from temporal_runtime_core import ActivityRegistry, Registry, activity_def
from temporal_runtime_engine import RuntimePayloadConverter
from temporal_runtime_engine._activities import temporal_activity

REGISTRY: ActivityRegistry = Registry("activity")


class Parcel(BaseModel):
    weight_g: int = Field(gt=0)
    label: str = Field(alias="Label")


class Quote(BaseModel):
    cents: int


@activity_def("wrapper_quote", Args=Parcel, Result=Quote, registry=REGISTRY)
async def quote(parcel: Parcel) -> Quote:
    return Quote(cents=parcel.weight_g * 2)


CONVERTER = RuntimePayloadConverter()


async def _run(value: object) -> object:
    env = temporalio.testing.ActivityEnvironment()
    env.payload_converter = CONVERTER
    [payload] = CONVERTER.to_payloads([value])
    return await env.run(temporal_activity(quote), temporalio.common.RawValue(payload))


@pytest.mark.parametrize("value", [Parcel(weight_g=5, Label="a"), {"weight_g": "5", "Label": "a"}])
async def test_input_is_validated_from_the_payload_into_the_args_type(value: object) -> None:
    assert await _run(value) == Quote(cents=10)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ({"weight_g": 0, "Label": "a"}, "weight_g"),
        ("a string", "Parcel"),
        (None, "Parcel"),  # a binary/null payload goes through temporalio's converters first
        (b"raw bytes", "Parcel"),  # binary/plain
    ],
)
async def test_invalid_input_fails_the_activity_without_retrying(value: object, fragment: str) -> None:
    with pytest.raises(temporalio.exceptions.ApplicationError) as info:
        await _run(value)
    assert info.value.non_retryable
    assert info.value.type == "InvalidArgumentsError"
    assert "wrapper_quote" in info.value.message
    assert fragment in info.value.message
