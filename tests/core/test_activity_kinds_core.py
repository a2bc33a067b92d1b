"""Core pieces of the activity kinds (#12): thread activities, NonRetryableError, RetryPolicy's
non_retryable_errors, ActivityCancellation."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from pydantic import BaseModel

from temporal_runtime_core import (
    ActivityCancellation,
    ActivityDefinition,
    DefinitionError,
    InvalidOptionError,
    NonRetryableError,
    Registry,
    RetryPolicy,
    TemporalRuntimeError,
    activity_def,
)

REG: Registry[ActivityDefinition[Any, Any]] = Registry("activity")


class Item(BaseModel):
    n: int


@activity_def("core_kinds.blocking", Args=Item, registry=REG)
def blocking(item: Item) -> str:
    return f"{threading.current_thread().name}:{item.n * 2}"


@activity_def("core_kinds.tick", registry=REG)
def tick() -> int:
    return 7


@activity_def("core_kinds.async", Args=Item, registry=REG)
async def async_one(item: Item) -> int:
    return item.n


class CardDeclined(NonRetryableError):
    pass


def test_a_plain_def_is_a_thread_activity_and_an_async_def_is_not() -> None:
    assert blocking.is_thread
    assert tick.is_thread
    assert not async_one.is_thread


async def test_awaiting_a_thread_activity_runs_it_in_a_thread_with_validation() -> None:
    result = await blocking({"n": 3})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]  # validated like a worker does
    thread, doubled = result.split(":")
    assert thread != threading.current_thread().name
    assert doubled == "6"
    assert await tick() == 7


async def test_a_thread_activity_does_not_block_the_event_loop() -> None:
    gate = threading.Event()
    reg: Registry[ActivityDefinition[Any, Any]] = Registry("activity")

    @activity_def("core_kinds.wait_gate", registry=reg)
    def wait_gate() -> bool:
        return gate.wait(5)

    running = asyncio.ensure_future(wait_gate())
    await asyncio.sleep(0.05)  # the loop goes on while the thread blocks
    gate.set()
    assert await running is True


def test_a_generator_is_refused() -> None:
    def gen(item: Item) -> Any:
        yield item

    with pytest.raises(DefinitionError, match="is a generator"):
        activity_def("core_kinds.gen", Args=Item, registry=Registry("activity"))(gen)


def test_a_non_function_is_refused() -> None:
    with pytest.raises(DefinitionError, match="must be a function"):
        activity_def("core_kinds.obj", Args=Item, registry=Registry("activity"))(
            print
        )  # a builtin: typed as a callable


def test_non_retryable_error_carries_message_and_details() -> None:
    error = CardDeclined("card declined", details=[{"code": "x"}, 3])
    assert isinstance(error, TemporalRuntimeError)
    assert (error.message, error.details) == ("card declined", ({"code": "x"}, 3))
    assert NonRetryableError("plain").details == ()


def test_retry_policy_takes_exception_classes_and_names() -> None:
    policy = RetryPolicy(non_retryable_errors=[CardDeclined, "KeyError", ValueError])
    assert policy.non_retryable_error_types == ("CardDeclined", "KeyError", "ValueError")


def test_retry_policy_merges_the_older_names_parameter_without_duplicates() -> None:
    policy = RetryPolicy(non_retryable_errors=[KeyError], non_retryable_error_types=["KeyError", "Other"])
    assert policy.non_retryable_error_types == ("KeyError", "Other")
    assert RetryPolicy(non_retryable_error_types=["A"]).non_retryable_error_types == ("A",)


@pytest.mark.parametrize("bad", [KeyError, "KeyError"])
def test_retry_policy_refuses_a_single_class_or_name(bad: Any) -> None:
    with pytest.raises(InvalidOptionError, match=r"not a single one; use \[KeyError\]"):
        RetryPolicy(non_retryable_errors=bad)


@pytest.mark.parametrize("bad", [int, 3, ""])
def test_retry_policy_refuses_what_is_no_exception_class_or_name(bad: Any) -> None:
    with pytest.raises(InvalidOptionError, match="exception classes or type names"):
        RetryPolicy(non_retryable_errors=[bad])


def test_activity_cancellation_members() -> None:
    assert [m.name for m in ActivityCancellation] == ["TRY_CANCEL", "WAIT", "ABANDON"]
