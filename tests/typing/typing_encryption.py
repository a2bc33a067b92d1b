"""Static typing checks of payload encryption: ``AesGcmCodec``, ``TemporalEngine(payload_codec=)``,
``PayloadDecryptionError``, ``CodecServer`` and the replay check's codec (checked by mypy and
pyright, never run).

``assert_type`` fails type checking if an inferred type drifts; the ``# type: ignore`` /
``# pyright: ignore`` lines are negative cases that must stay errors for both checkers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import assert_type

import temporalio.api.common.v1
import temporalio.converter

from temporal_runtime import AesGcmCodec, PayloadDecryptionError, TemporalEngine
from temporal_runtime.testing import assert_replays
from temporal_runtime_engine import CodecServer


class PassThroughCodec(temporalio.converter.PayloadCodec):
    async def encode(
        self, payloads: Sequence[temporalio.api.common.v1.Payload]
    ) -> list[temporalio.api.common.v1.Payload]:
        return list(payloads)

    async def decode(
        self, payloads: Sequence[temporalio.api.common.v1.Payload]
    ) -> list[temporalio.api.common.v1.Payload]:
        return list(payloads)


async def codec() -> None:
    key = AesGcmCodec.generate_key()
    assert_type(key, bytes)
    aes = AesGcmCodec(keys={"k1": key, "k0": bytes(32)}, active="k1")
    assert_type(aes, AesGcmCodec)
    assert_type(aes.active_key_id, str)
    assert_type(aes.key_ids, tuple[str, ...])
    assert_type(AesGcmCodec.from_env(), AesGcmCodec)
    assert_type(AesGcmCodec.from_env("MY_KEYS", "MY_ACTIVE", environ={"MY_KEYS": "k=..."}), AesGcmCodec)
    payloads = await aes.encode([temporalio.api.common.v1.Payload()])
    assert_type(payloads, list[temporalio.api.common.v1.Payload])
    assert_type(await aes.decode(payloads), list[temporalio.api.common.v1.Payload])

    AesGcmCodec(keys={"k1": "not bytes"}, active="k1")  # type: ignore[dict-item]  # pyright: ignore[reportArgumentType]
    AesGcmCodec(keys={1: key}, active="k1")  # type: ignore[dict-item]  # pyright: ignore[reportArgumentType]
    AesGcmCodec(keys={"k1": key})  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]


def engine() -> None:
    aes = AesGcmCodec(keys={"k1": AesGcmCodec.generate_key()}, active="k1")
    encrypting = TemporalEngine(payload_codec=aes)
    assert_type(encrypting.payload_codec, temporalio.converter.PayloadCodec | None)
    TemporalEngine(payload_codec=PassThroughCodec())  # any temporalio PayloadCodec
    TemporalEngine(payload_codec=None)
    TemporalEngine(payload_codec=b"key bytes")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    TemporalEngine(payload_codec={"k1": b"key"})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def errors(error: PayloadDecryptionError) -> None:
    assert_type(error.key_id, str | None)
    assert_type(error.message, str)
    _: ValueError = error


def codec_server() -> None:
    aes = AesGcmCodec(keys={"k1": AesGcmCodec.generate_key()}, active="k1")
    server = CodecServer(aes, port=0, cors_origins=["http://localhost:8233"], authorization="Bearer t")
    with server as running:
        assert_type(running, CodecServer)
        assert_type(running.url, str)
        assert_type(running.port, int)
    CodecServer(aes, port="8081")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


async def replay(engine: TemporalEngine) -> None:
    await assert_replays("history.json", payload_codec=engine.payload_codec)
    await assert_replays("history.json", payload_codec="k1")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
