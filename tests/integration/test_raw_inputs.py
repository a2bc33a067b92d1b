"""Runs started by other clients (a raw temporalio client, ``temporal workflow start``) with no input,
several inputs or an input of the wrong shape fail at once, saying what came and what to send,
instead of staying RUNNING with a workflow task that fails forever."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
import temporalio.api.common.v1
import temporalio.common
from pydantic import BaseModel

from temporal_runtime import TemporalEngine, Workflow, WorkflowFailedError, WorkflowStatus

pytestmark = pytest.mark.integration


class Order(BaseModel):
    order_id: str


class RawInputWorkflow(Workflow):
    async def process(self, order: Order) -> str:
        return order.order_id

    async def refund(self, order_id: str, reason: str = "") -> str:
        return order_id


ENVELOPE = '{"method": <entry method>, "kwargs": {<parameter>: <value>, ...}}'
EXAMPLE = '{"method": "process", "kwargs": {"order": {...}}}'


async def _failure(engine: TemporalEngine, **start: Any) -> WorkflowFailedError:
    handle = await engine.temporal_client.start_workflow(
        "RawInputWorkflow", id=f"raw-{uuid.uuid4().hex[:8]}", task_queue=engine.task_queue, **start
    )
    ours = engine.get_handle(handle.id)
    with pytest.raises(WorkflowFailedError) as info:
        await asyncio.wait_for(ours.result(), 10)
    assert await ours.status() is WorkflowStatus.FAILED
    assert info.value.error_type == "InvalidArgumentsError"
    return info.value


async def test_a_run_started_with_no_input_fails_with_the_envelope_to_send(engine: TemporalEngine) -> None:
    error = await _failure(engine)
    message = str(error)
    assert (
        "Workflow 'RawInputWorkflow' was started with no input, but it takes exactly one, the call "
        f"envelope {ENVELOPE}." in message
    )
    assert f"Send e.g. {EXAMPLE} (entry methods: process(order), refund(order_id, reason))" in message
    assert f"temporal workflow start --type RawInputWorkflow --input '{EXAMPLE}'" in message


async def test_a_run_started_with_two_inputs_fails_naming_both(engine: TemporalEngine) -> None:
    error = await _failure(engine, args=[{"method": "process", "kwargs": {"order": {"order_id": "1"}}}, 7])
    assert (
        "was started with 2 inputs (a JSON object with keys method, kwargs; a number (7)), but it takes "
        "exactly one" in str(error)
    )


@pytest.mark.parametrize(
    ("value", "got"),
    [
        ({"customer_id": "c-1", "email": "ada@example.com"}, "a JSON object with keys customer_id, email"),
        (["process", {"order_id": "1"}], "a JSON list of 2 items"),
        ("process", "a string ('process')"),
        (42, "a number (42)"),
    ],
)
async def test_an_input_of_the_wrong_shape_says_what_it_got(
    engine: TemporalEngine, value: object, got: str
) -> None:
    error = await _failure(engine, arg=value)
    assert f"takes one input, the call envelope {ENVELOPE}, but got {got}. Send e.g. {EXAMPLE}" in str(error)


async def test_an_input_no_converter_can_read_fails_at_once(engine: TemporalEngine) -> None:
    unreadable = temporalio.api.common.v1.Payload(metadata={"encoding": b"binary/custom"}, data=b"\x00\x01")
    error = await _failure(engine, arg=temporalio.common.RawValue(unreadable))
    message = str(error)
    assert "got a payload with encoding 'binary/custom' that cannot be read" in message
    assert f"Send e.g. {EXAMPLE}" in message
