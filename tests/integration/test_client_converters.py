"""A WorkflowClient over a temporalio client with its own payload codec (encryption, compression)."""

from __future__ import annotations

import base64
import dataclasses
import uuid
from collections.abc import Sequence

import pytest
import temporalio.api.common.v1
import temporalio.client
import temporalio.converter

from temporal_runtime_client import METHOD_MEMO_KEY, WorkflowClient
from temporal_runtime_engine import data_converter

from .test_lifecycle import GateWorkflow, Step

pytestmark = pytest.mark.integration

_MARK = b"binary/test-codec"


class StrictCodec(temporalio.converter.PayloadCodec):
    """Wraps every payload; refuses to decode one it did not wrap (as an encryption codec would)."""

    async def encode(
        self, payloads: Sequence[temporalio.api.common.v1.Payload]
    ) -> list[temporalio.api.common.v1.Payload]:
        return [
            temporalio.api.common.v1.Payload(
                metadata={"encoding": _MARK}, data=base64.b64encode(p.SerializeToString())
            )
            for p in payloads
        ]

    async def decode(
        self, payloads: Sequence[temporalio.api.common.v1.Payload]
    ) -> list[temporalio.api.common.v1.Payload]:
        decoded: list[temporalio.api.common.v1.Payload] = []
        for p in payloads:
            if p.metadata.get("encoding") != _MARK:
                raise ValueError(f"payload was not encoded by this codec: {p.metadata}")
            decoded.append(temporalio.api.common.v1.Payload.FromString(base64.b64decode(p.data)))
        return decoded


async def test_start_records_the_method_through_the_clients_codec(temporal_address: str) -> None:
    converter = dataclasses.replace(data_converter(), payload_codec=StrictCodec())
    client = await temporalio.client.Client.connect(temporal_address, data_converter=converter)
    # No worker polls this queue: the run stays pending while its start record is inspected.
    runtime_client = WorkflowClient(client, task_queue=f"no-worker-{uuid.uuid4().hex[:8]}")
    handle = await runtime_client.start_method(GateWorkflow, "run", (Step(label="codec"),))
    try:
        raw = await client.get_workflow_handle(handle.id).describe()
        assert (
            raw.raw_description.workflow_execution_info.memo.fields[METHOD_MEMO_KEY].metadata["encoding"]
            == _MARK
        )
        typed = await runtime_client.get_typed_handle(handle.id)
        assert typed.method == "run"
    finally:
        await handle.terminate("test done")


def test_the_method_memo_is_pre_encoded_only_for_plain_converters() -> None:
    from temporal_runtime_client._client import _encodes_plainly  # pyright: ignore[reportPrivateUsage]

    class ContextAware(
        temporalio.converter.DefaultPayloadConverter, temporalio.converter.WithSerializationContext
    ):
        def with_context(self, context: temporalio.converter.SerializationContext) -> ContextAware:
            return ContextAware()

    plain = data_converter()
    assert _encodes_plainly(plain)
    assert not _encodes_plainly(dataclasses.replace(plain, payload_codec=StrictCodec()))
    assert not _encodes_plainly(dataclasses.replace(plain, payload_converter_class=ContextAware))
