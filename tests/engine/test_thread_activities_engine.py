"""The engine's side of thread activities and non-retryable errors (#12): the temporalio activity
generated for a plain ``def`` is sync, a NonRetryableError fails it without retry, and
``activity_threads`` is checked."""

from __future__ import annotations

import inspect

import pytest
import temporalio.common
import temporalio.exceptions
import temporalio.testing
from pydantic import BaseModel

from temporal_runtime_core import (
    ActivityRegistry,
    InvalidOptionError,
    NonRetryableError,
    Registry,
    activity_def,
)
from temporal_runtime_engine import RuntimePayloadConverter, TemporalEngine
from temporal_runtime_engine._activities import temporal_activity
from temporal_runtime_engine._worker_tuning import activity_thread_count

REGISTRY: ActivityRegistry = Registry("activity")


class Order(BaseModel):
    cents: int


class Declined(NonRetryableError):
    pass


@activity_def("eng_threads.charge", Args=Order, registry=REGISTRY)
def charge(order: Order) -> int:
    if order.cents < 0:
        raise Declined("negative amount", details=[order.cents])
    if order.cents == 0:
        raise ValueError("zero")
    return order.cents


@activity_def("eng_threads.async_charge", Args=Order, registry=REGISTRY)
async def async_charge(order: Order) -> int:
    raise Declined("async declined")


CONVERTER = RuntimePayloadConverter()


def _raw(value: object) -> temporalio.common.RawValue:
    [payload] = CONVERTER.to_payloads([value])
    return temporalio.common.RawValue(payload)


def _env() -> temporalio.testing.ActivityEnvironment:
    env = temporalio.testing.ActivityEnvironment()
    env.payload_converter = CONVERTER
    return env


def test_a_thread_activity_becomes_a_sync_temporalio_activity() -> None:
    fn = temporal_activity(charge)
    assert not inspect.iscoroutinefunction(fn)
    assert _env().run(fn, _raw(Order(cents=5))) == 5


def test_a_non_retryable_error_fails_a_thread_activity_without_retry() -> None:
    with pytest.raises(temporalio.exceptions.ApplicationError) as info:
        _env().run(temporal_activity(charge), _raw(Order(cents=-3)))
    assert info.value.non_retryable
    assert (info.value.type, info.value.message, tuple(info.value.details)) == (
        "Declined",
        "negative amount",
        (-3,),
    )
    assert isinstance(info.value.__cause__, Declined)


def test_other_exceptions_stay_retryable() -> None:
    with pytest.raises(ValueError, match="zero"):
        _env().run(temporal_activity(charge), _raw(Order(cents=0)))


async def test_a_non_retryable_error_fails_an_async_activity_without_retry() -> None:
    with pytest.raises(temporalio.exceptions.ApplicationError) as info:
        await _env().run(temporal_activity(async_charge), _raw(Order(cents=1)))
    assert info.value.non_retryable
    assert info.value.type == "Declined"


def test_activity_threads_default_and_checks() -> None:
    assert activity_thread_count(None, None) == 10
    assert activity_thread_count(None, 25) == 25
    assert activity_thread_count(4, 25) == 4


@pytest.mark.parametrize("bad", [0, -1, True, 2.5, "4"])
def test_activity_threads_must_be_a_positive_int(bad: object) -> None:
    with pytest.raises(InvalidOptionError, match=r"activity_threads=\.\.\.\) is the number of threads"):
        TemporalEngine("localhost:1", activity_threads=bad)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # the point
