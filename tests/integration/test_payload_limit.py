"""The payload size limit on the real dev server: a payload over the server's blob limit is refused
with ``PayloadTooLargeError`` before it is sent (start, signal), an activity's oversized result fails
that attempt with our message, and a workflow producing an oversized payload keeps running with a
failed workflow task (the server alone would terminate it), so a fixed deploy can rescue it."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import pytest
import temporalio.service

from temporal_runtime import (
    ActivityFailedError,
    PayloadTooLargeError,
    RetryPolicy,
    TemporalEngine,
    Workflow,
    WorkflowNotFoundError,
    WorkflowStatus,
    activity_def,
    wf_signal,
)
from temporal_runtime_client import translate_error
from tests.integration.task_failures import until_the_task_failed

pytestmark = pytest.mark.integration

LIMIT = 2 * 1024 * 1024
BIG = "x" * (3 * 1024 * 1024)


class Measure(Workflow):
    async def run(self, data: str) -> int:
        return len(data)


class Inbox(Workflow):
    def __init__(self) -> None:
        self.received: list[int] = []

    @wf_signal("deliver")
    def deliver(self, data: str) -> None:
        self.received.append(len(data))

    async def run(self) -> list[int]:
        await self.wait_until(lambda: bool(self.received))
        return self.received


@activity_def("payload_limit_blob", Args=int)
async def blob(size: int) -> str:
    return "y" * size


class FetchesBlob(Workflow):
    async def run(self, size: int) -> int:
        data = await self.exec(blob, size, timeout=10, retry_policy=RetryPolicy(maximum_attempts=1))
        return len(data)


class Produces(Workflow):
    async def run(self, size: int) -> str:
        return "z" * size


async def test_a_workflow_input_over_the_limit_is_refused_before_it_is_sent(engine: TemporalEngine) -> None:
    workflow_id = f"too-big-{uuid.uuid4()}"
    with pytest.raises(PayloadTooLargeError) as info:
        await engine.start_workflow(Measure.run, BIG, id=workflow_id)
    error = info.value
    assert error.limit == LIMIT
    assert error.size is not None
    assert error.size > len(BIG)
    message = str(error)
    assert f"A payload of {error.size} bytes" in message
    assert f"over the limit of {LIMIT} bytes" in message
    assert "pass a reference" in message
    assert "payload_size_limit=" in message
    with pytest.raises(WorkflowNotFoundError):
        await engine.describe(workflow_id)  # nothing reached the server
    assert await engine.execute_workflow(Measure.run, "small") == 5  # the engine goes on


async def test_a_signal_argument_over_the_limit_is_refused(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(Inbox.run)
    with pytest.raises(PayloadTooLargeError, match="over the limit"):
        await handle.signal("deliver", BIG)
    await handle.signal("deliver", "four")
    assert await handle.result(timeout=20) == [4]


async def test_an_activity_result_over_the_limit_fails_that_attempt_with_our_message(
    engine: TemporalEngine,
) -> None:
    with pytest.raises(ActivityFailedError) as info:
        async with asyncio.timeout(30):
            await engine.execute_workflow(FetchesBlob.run, len(BIG))
    assert "over the limit of" in str(info.value)


async def test_a_workflow_result_over_the_limit_keeps_the_run_open(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(Produces.run, len(BIG))
    try:
        failure = await until_the_task_failed(engine, handle.id)
        assert "over the limit of" in failure.message
        assert (await engine.describe(handle.id)).status is WorkflowStatus.RUNNING  # not terminated
    finally:
        with contextlib.suppress(WorkflowNotFoundError):
            await engine.terminate(handle.id, "test over")


async def test_without_our_check_the_servers_refusal_is_translated(temporal_address: str) -> None:
    unchecked = TemporalEngine(
        temporal_address, task_queue=f"unchecked-{uuid.uuid4()}", start_worker=False, payload_size_limit=None
    )
    async with unchecked:
        with pytest.raises(PayloadTooLargeError, match="refused a payload as too large"):
            await unchecked.start_workflow(Measure.run, BIG)


def test_the_servers_words_become_payload_too_large() -> None:
    refusal = temporalio.service.RPCError(
        "Blob data size exceeds limit.", temporalio.service.RPCStatusCode.INVALID_ARGUMENT, b""
    )
    translated = translate_error(refusal)
    assert isinstance(translated, PayloadTooLargeError)
    assert "Blob data size exceeds limit." in str(translated)
