"""Payload encryption on the real dev server: an encrypting engine's runs (signals, updates, a query,
activities that succeed, fail and heartbeat, a local activity, a workflow failure, memo, summary)
leave no plaintext in the server's history, read with a plain temporalio client; a client with the
wrong key gets an error naming the key id; a worker without the key fails only the workflow task,
so a worker with the key finishes the run; encrypted histories replay with the codec."""

from __future__ import annotations

import asyncio
import json
import sys
import uuid
from collections.abc import Iterator

import pytest
import temporalio.api.common.v1
import temporalio.api.history.v1
import temporalio.client
from google.protobuf.message import Message
from pydantic import BaseModel

from temporal_runtime import (
    ActivityFailedError,
    AesGcmCodec,
    PayloadDecryptionError,
    RetryPolicy,
    TemporalEngine,
    Workflow,
    WorkflowFailedError,
    WorkflowFailure,
    activity_def,
    heartbeat,
    wf_query,
    wf_signal,
    wf_update,
)
from temporal_runtime.testing import assert_replays, fetch_history, select_registries
from temporal_runtime_engine import PayloadLimitCodec

pytestmark = pytest.mark.integration

KEY_2025 = bytes(range(32))
KEY_2026 = bytes(range(50, 82))
CODEC = AesGcmCodec(keys={"k-2025": KEY_2025, "k-2026": KEY_2026}, active="k-2026")

# Distinctive plaintext, one per kind of payload; none of them may reach the server.
MARKS = {
    "input": "zqx-input-5e1d",
    "signal": "zqx-signal-a90c",
    "update_arg": "zqx-update-arg-77b2",
    "update_result": "zqx-update-result-3c4e",
    "query_arg": "zqx-query-arg-0f6a",
    "memo": "zqx-memo-9b81",
    "summary": "zqx-summary-d2f7",
    "activity_result": "zqx-activity-result-41aa",
    "activity_failure": "zqx-activity-failure-8e3b",
    "heartbeat": "zqx-heartbeat-c55d",
    "local_activity": "zqx-local-activity-6d09",
    "workflow_failure": "zqx-workflow-failure-b7e4",
    "result": "zqx-result-2a6f",
}


class EncSecret(BaseModel):
    text: str


@activity_def("enc_seal", Args=EncSecret, Result=EncSecret)
async def seal(args: EncSecret) -> EncSecret:
    return EncSecret(text=f"{args.text} zqx-activity-result-41aa")


@activity_def("enc_explode", Args=EncSecret)
async def explode(args: EncSecret) -> None:
    # The marker is in this source line too, so an unencrypted stack trace would show it.
    raise ValueError(f"refused zqx-activity-failure-8e3b for {args.text}")


@activity_def("enc_stall", Args=EncSecret)
async def stall(args: EncSecret) -> None:
    heartbeat({"progress": "zqx-heartbeat-c55d"})
    await asyncio.sleep(2.5)  # past its 1 s heartbeat timeout: the details go into the history


class EncVaultWorkflow(Workflow):
    def __init__(self) -> None:
        self.notes: list[str] = []
        self.closed = False

    @wf_signal()
    def note(self, note: EncSecret) -> None:
        self.notes.append(note.text)

    @wf_update()
    async def add(self, note: EncSecret) -> EncSecret:
        self.notes.append(note.text)
        return EncSecret(text="zqx-update-result-3c4e")

    @wf_query()
    def has(self, needle: EncSecret) -> bool:
        return needle.text in self.notes

    @wf_signal()
    def close(self) -> None:
        self.closed = True

    async def run(self, secret: EncSecret) -> EncSecret:
        sealed = await self.exec(seal, secret, timeout=10)
        self.notes.append(sealed.text)
        local = await self.exec_local(seal, EncSecret(text="zqx-local-activity-6d09"), timeout=10)
        self.notes.append(local.text)
        once = RetryPolicy(maximum_attempts=1)
        for activity, heartbeat_timeout in ((explode, None), (stall, 1)):
            try:
                await self.exec(
                    activity, secret, timeout=10, retry_policy=once, heartbeat_timeout=heartbeat_timeout
                )
            except ActivityFailedError as failed:
                self.notes.append(failed.message)
        await self.wait_until(lambda: self.closed)
        return EncSecret(text=f"zqx-result-2a6f after {len(self.notes)} notes")

    async def echo(self, secret: EncSecret) -> EncSecret:
        return secret

    async def refuse(self, secret: EncSecret) -> None:
        raise WorkflowFailure(f"zqx-workflow-failure-b7e4: {secret.text}", details=[secret.text])


def _engine(address: str, queue: str, codec: AesGcmCodec | None, *, worker: bool = True) -> TemporalEngine:
    """An engine on ``queue`` with ``codec``, serving this module's workflows and activities."""
    workflows, activities = select_registries([sys.modules[__name__]])
    return TemporalEngine(
        url=address,
        task_queue=queue,
        start_worker=worker,
        payload_codec=codec,
        workflow_registry=workflows,
        activity_registry=activities,
    )


def _payloads(message: Message, path: str = "") -> Iterator[tuple[str, temporalio.api.common.v1.Payload]]:
    """Every Payload inside ``message``, with the path of fields leading to it."""
    if isinstance(message, temporalio.api.common.v1.Payload):
        yield path, message
        return
    for field, value in message.ListFields():
        where = f"{path}.{field.name}" if path else field.name
        if field.message_type is None:
            continue
        if field.message_type.GetOptions().map_entry:
            for key, item in value.items():
                if isinstance(item, Message):
                    yield from _payloads(item, f"{where}[{key}]")
        elif isinstance(value, Message):
            yield from _payloads(value, where)
        else:  # a repeated message field
            for item in value:
                yield from _payloads(item, where)


async def _raw_history(address: str, workflow_id: str) -> list[temporalio.api.history.v1.HistoryEvent]:
    plain = await temporalio.client.Client.connect(address)  # temporalio's default converter, no codec
    return list((await plain.get_workflow_handle(workflow_id).fetch_history()).events)


async def test_the_servers_history_holds_no_plaintext(temporal_address: str) -> None:
    queue = f"enc-{uuid.uuid4().hex[:8]}"
    async with _engine(temporal_address, queue, CODEC) as engine:
        limited = engine.temporal_client.data_converter.payload_codec  # the size check wraps the codec
        assert isinstance(limited, PayloadLimitCodec)
        assert limited.inner is CODEC
        handle = await engine.start_workflow(
            EncVaultWorkflow.run,
            EncSecret(text=MARKS["input"]),
            memo={"note": MARKS["memo"]},
            summary=MARKS["summary"],
        )
        await handle.signal(EncVaultWorkflow.note, EncSecret(text=MARKS["signal"]))
        assert await handle.update(EncVaultWorkflow.add, EncSecret(text=MARKS["update_arg"])) == EncSecret(
            text=MARKS["update_result"]
        )
        assert await handle.query(EncVaultWorkflow.has, EncSecret(text=MARKS["signal"])) is True
        assert await handle.query(EncVaultWorkflow.has, EncSecret(text=MARKS["query_arg"])) is False
        await handle.signal(EncVaultWorkflow.close)
        result = await handle.result(timeout=30)
        assert result.text.startswith(MARKS["result"])
        described = await handle.describe()
        assert described.memo["note"] == MARKS["memo"]  # the engine decrypts what it wrote

        failing = await engine.start_workflow(EncVaultWorkflow.refuse, EncSecret(text=MARKS["input"]))
        with pytest.raises(WorkflowFailedError, match=MARKS["workflow_failure"]):
            await failing.result(timeout=30)
        history = await fetch_history(engine, handle.id)

    seen: dict[str, int] = {}
    for workflow_id in (handle.id, failing.id):
        events = await _raw_history(temporal_address, workflow_id)
        raw = b"".join(event.SerializeToString() for event in events)
        assert [mark for mark in MARKS.values() if mark.encode() in raw] == []
        for event in events:
            for path, payload in _payloads(event):
                if ".search_attributes." in path:  # indexed by the server: never encrypted (EntryMethod)
                    assert payload.metadata["encoding"] == b"json/plain", path
                    continue
                if path == "marker_recorded_event_attributes.details[data].payloads":
                    # The SDK's own bookkeeping of a local activity (seq, id, type, times), written by
                    # sdk-core past the codec; its result is details[result], encrypted.
                    assert set(json.loads(payload.data)) >= {"seq", "activity_id", "activity_type"}, path
                    continue
                assert payload.metadata["encoding"] == b"binary/encrypted", path
                assert payload.metadata["encryption-key-id"] == b"k-2026", path
                seen[path] = seen.get(path, 0) + 1
    kinds = {
        "workflow_execution_started_event_attributes.input.payloads",
        "workflow_execution_started_event_attributes.memo.fields[note]",
        "workflow_execution_signaled_event_attributes.input.payloads",
        "workflow_execution_update_accepted_event_attributes.accepted_request.input.args.payloads",
        "workflow_execution_update_completed_event_attributes.outcome.success.payloads",
        "activity_task_scheduled_event_attributes.input.payloads",
        "activity_task_completed_event_attributes.result.payloads",
        "activity_task_failed_event_attributes.failure.encoded_attributes",
        "activity_task_timed_out_event_attributes.failure.timeout_failure_info.last_heartbeat_details.payloads",
        "marker_recorded_event_attributes.details[result].payloads",
        "workflow_execution_completed_event_attributes.result.payloads",
        "workflow_execution_failed_event_attributes.failure.encoded_attributes",
        "workflow_execution_failed_event_attributes.failure.application_failure_info.details.payloads",
    }
    assert kinds - set(seen) == set(), sorted(seen)
    assert any(path.endswith("user_metadata.summary") for path in seen), sorted(seen)

    # The testing kit's replay check reads the encrypted history with the codec.
    await assert_replays(history, workflows=[EncVaultWorkflow], payload_codec=CODEC)


async def test_a_client_with_the_wrong_key_gets_an_error_naming_the_key_id(temporal_address: str) -> None:
    queue = f"enc-{uuid.uuid4().hex[:8]}"
    async with _engine(temporal_address, queue, CODEC) as engine:
        handle = await engine.start_workflow(EncVaultWorkflow.refuse, EncSecret(text="wrong key"))
        with pytest.raises(WorkflowFailedError):
            await handle.result(timeout=30)
        done = await engine.start_workflow(EncVaultWorkflow.echo, EncSecret(text="fine"))
        await done.result(timeout=30)

    stranger = AesGcmCodec(keys={"k-2025": KEY_2025}, active="k-2025")
    async with _engine(temporal_address, queue, stranger, worker=False) as other:
        for call in (other.get_result(done.id), other.get_result(handle.id), other.describe(done.id)):
            with pytest.raises(PayloadDecryptionError, match="key id 'k-2026'") as info:
                await call
            assert info.value.key_id == "k-2026"
            assert "Add the key 'k-2026' to AesGcmCodec(keys={...})" in str(info.value)
    # Same id, other bytes: an authentication failure, never a garbage value.
    impostor = AesGcmCodec(keys={"k-2026": KEY_2025}, active="k-2026")
    async with _engine(temporal_address, queue, impostor, worker=False) as other:
        with pytest.raises(PayloadDecryptionError, match="key id 'k-2026': it fails authentication"):
            await other.get_result(done.id)


async def test_a_worker_without_the_key_fails_only_the_workflow_task(temporal_address: str) -> None:
    queue = f"enc-{uuid.uuid4().hex[:8]}"
    # The clients were rotated to k-2026; this worker still has k-2025 only.
    stale = AesGcmCodec(keys={"k-2025": KEY_2025}, active="k-2025")
    async with _engine(temporal_address, queue, CODEC, worker=False) as client:
        # task_timeout: a task the stale worker holds when it stops is given up after 1 s, not 10 s.
        handle = await client.start_workflow(EncVaultWorkflow.echo, EncSecret(text="rescued"), task_timeout=1)
        async with _engine(temporal_address, queue, stale):
            # Polling the server (no event to wait for): until it has the failed task and its retry.
            while (described := await handle.describe()).last_task_failure is None:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        assert described.status.name == "RUNNING"
        assert described.last_task_failure.error_type == "PayloadDecryptionError"
        assert "key id 'k-2026'" in described.last_task_failure.message
        with pytest.raises(TimeoutError) as info:
            await handle.result(timeout=0.5)
        message = str(info.value)
        assert "its workflow task keeps failing" in message
        assert "PayloadDecryptionError: Cannot decrypt a payload encrypted with key id 'k-2026'" in message
        assert f"A worker polling task queue {queue!r} cannot decrypt the run's payloads" in message
        # A worker deployed with the key takes the run on from where it is.
        async with _engine(temporal_address, queue, CODEC):
            assert await handle.result(timeout=30) == EncSecret(text="rescued")


async def test_unencrypted_histories_still_read_after_encryption_is_turned_on(temporal_address: str) -> None:
    queue = f"enc-{uuid.uuid4().hex[:8]}"
    async with _engine(temporal_address, queue, None) as plain:
        before = await plain.start_workflow(EncVaultWorkflow.echo, EncSecret(text="zqx-plain-control-1b3c"))
        await before.result(timeout=30)
    # The scan of the test above sees plaintext where there is some.
    events = await _raw_history(temporal_address, before.id)
    assert b"zqx-plain-control-1b3c" in b"".join(event.SerializeToString() for event in events)
    async with _engine(temporal_address, queue, CODEC, worker=False) as engine:
        assert await engine.get_result(before.id) == EncSecret(text="zqx-plain-control-1b3c")
        assert (await engine.describe(before.id)).method == "echo"
