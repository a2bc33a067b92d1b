"""``AesGcmCodec``: the sample's byte layout, key rotation, validation, clear errors, the converter it
goes into (no server involved; tests/integration/test_encryption.py runs it on one)."""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import subprocess
import sys
from typing import Any, cast

import pytest
import temporalio.api.common.v1
import temporalio.api.failure.v1
import temporalio.converter
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from temporal_runtime import (
    AesGcmCodec,
    EngineError,
    InvalidOptionError,
    PayloadDecryptionError,
    TemporalEngine,
    TemporalRuntimeError,
)
from temporal_runtime_engine import PayloadLimitCodec, RuntimePayloadConverter, RuntimePlugin, data_converter

Payload = temporalio.api.common.v1.Payload

KEY_OLD = bytes(range(32))
KEY_NEW = bytes(range(100, 132))
OLD_B64 = base64.b64encode(KEY_OLD).decode()
NEW_B64 = base64.b64encode(KEY_NEW).decode()


def _payload(text: str) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(text).encode())


async def _encode(codec: AesGcmCodec, *payloads: Payload) -> list[Payload]:
    return await codec.encode(payloads)


async def test_encoding_writes_the_samples_layout_and_decoding_restores_the_payload() -> None:
    codec = AesGcmCodec(keys={"k1": KEY_OLD}, active="k1")
    original = _payload("secret-order-4711")
    [encrypted] = await _encode(codec, original)
    assert dict(encrypted.metadata) == {"encoding": b"binary/encrypted", "encryption-key-id": b"k1"}
    assert b"secret-order-4711" not in encrypted.data
    # Temporal's samples (Python, Go, TypeScript): data = nonce(12) || AES-GCM(ciphertext || tag),
    # no associated data, the plaintext being the whole serialized Payload.
    plaintext = AESGCM(KEY_OLD).decrypt(encrypted.data[:12], encrypted.data[12:], None)
    assert Payload.FromString(plaintext) == original
    assert await codec.decode([encrypted]) == [original]


async def test_a_payload_encrypted_the_samples_way_decodes() -> None:
    original = _payload("from-another-sdk")
    nonce = os.urandom(12)
    foreign = Payload(
        metadata={"encoding": b"binary/encrypted", "encryption-key-id": b"shared"},
        data=nonce + AESGCM(KEY_NEW).encrypt(nonce, original.SerializeToString(), None),
    )
    assert await AesGcmCodec(keys={"shared": KEY_NEW}, active="shared").decode([foreign]) == [original]


async def test_every_payload_gets_its_own_nonce() -> None:
    codec = AesGcmCodec(keys={"k1": KEY_OLD}, active="k1")
    first, second = await _encode(codec, _payload("same"), _payload("same"))
    assert first.data[:12] != second.data[:12]
    assert first.data != second.data


async def test_rotation_old_keys_decrypt_and_the_active_key_encrypts() -> None:
    before = AesGcmCodec(keys={"2026-01": KEY_OLD}, active="2026-01")
    [old] = await _encode(before, _payload("old history"))
    after = AesGcmCodec(keys={"2026-01": KEY_OLD, "2026-06": KEY_NEW}, active="2026-06")
    assert after.active_key_id == "2026-06"
    assert after.key_ids == ("2026-01", "2026-06")
    [new] = await _encode(after, _payload("new history"))
    assert new.metadata["encryption-key-id"] == b"2026-06"
    assert await after.decode([old, new]) == [_payload("old history"), _payload("new history")]


async def test_payloads_that_are_not_encrypted_pass_through_decode_unchanged() -> None:
    codec = AesGcmCodec(keys={"k1": KEY_OLD}, active="k1")
    plain = [_payload("from before encryption"), Payload(metadata={"encoding": b"binary/null"})]
    assert await codec.decode(plain) == plain


async def test_an_unknown_key_id_is_a_clear_error_naming_it() -> None:
    [encrypted] = await _encode(AesGcmCodec(keys={"k-2025": KEY_OLD}, active="k-2025"), _payload("x"))
    with pytest.raises(PayloadDecryptionError) as info:
        await AesGcmCodec(keys={"k-2026": KEY_NEW}, active="k-2026").decode([encrypted])
    assert info.value.key_id == "k-2025"
    message = str(info.value)
    assert "key id 'k-2025'" in message
    assert "has the keys 'k-2026'" in message
    assert "Add the key 'k-2025'" in message
    assert isinstance(info.value, ValueError | TemporalRuntimeError)


async def test_a_payload_without_a_key_id_is_a_clear_error() -> None:
    codec = AesGcmCodec(keys={"k1": KEY_OLD}, active="k1")
    [encrypted] = await _encode(codec, _payload("x"))
    del encrypted.metadata["encryption-key-id"]
    with pytest.raises(PayloadDecryptionError, match="no encryption-key-id metadata") as info:
        await codec.decode([encrypted])
    assert info.value.key_id is None


@pytest.mark.parametrize("damage", ["tampered", "truncated", "other key under the same id"])
async def test_a_payload_failing_authentication_is_an_error_never_garbage(damage: str) -> None:
    codec = AesGcmCodec(keys={"k1": KEY_OLD}, active="k1")
    [encrypted] = await _encode(codec, _payload("x"))
    reader = codec
    if damage == "tampered":
        flipped = bytearray(encrypted.data)
        flipped[20] ^= 1
        encrypted.data = bytes(flipped)
    elif damage == "truncated":
        encrypted.data = encrypted.data[:20]
    else:
        reader = AesGcmCodec(keys={"k1": KEY_NEW}, active="k1")
    with pytest.raises(PayloadDecryptionError, match="key id 'k1': it fails authentication") as info:
        await reader.decode([encrypted])
    assert info.value.key_id == "k1"
    assert "Give every process the same bytes for key 'k1'" in str(info.value)


@pytest.mark.parametrize(
    ("keys", "active", "expected"),
    [
        ({}, "k1", r"keys=\.\.\.\) must be a non-empty dict"),
        ({"k1": KEY_OLD}, "k2", r"active='k2'\) names no key of keys= \(it has 'k1'\)"),
        ({"": KEY_OLD}, "", "key id '' must be a non-empty string"),
        ({7: KEY_OLD}, 7, "key id 7 must be a non-empty string"),
        ({"k1": "a" * 32}, "k1", r"key 'k1' is a str; pass the 32 key bytes, e.g. base64.b64decode"),
        ({"k1": KEY_OLD[:16]}, "k1", "key 'k1' is 16 bytes; AES-256 needs exactly 32 bytes"),
        ({"k1": None}, "k1", "key 'k1' is NoneType"),
    ],
)
def test_bad_keys_are_invalid_options_naming_the_fix(keys: object, active: object, expected: str) -> None:
    with pytest.raises(InvalidOptionError, match=expected):
        AesGcmCodec(keys=cast(Any, keys), active=cast(Any, active))


def test_generate_key_makes_fresh_32_byte_keys_and_repr_shows_no_key() -> None:
    first, second = AesGcmCodec.generate_key(), AesGcmCodec.generate_key()
    assert len(first) == 32
    assert first != second
    codec = AesGcmCodec(keys={"a": first, "b": second}, active="b")
    assert repr(codec) == "<AesGcmCodec active='b' keys=['a', 'b']>"


def test_from_env_reads_keys_and_the_active_id() -> None:
    env = {
        "TEMPORAL_RUNTIME_ENCRYPTION_KEYS": f"old={base64.b64encode(KEY_OLD).decode()}, "
        f"new={base64.b64encode(KEY_NEW).decode()}",
        "TEMPORAL_RUNTIME_ENCRYPTION_ACTIVE_KEY": "new",
    }
    codec = AesGcmCodec.from_env(environ=env)
    assert (codec.key_ids, codec.active_key_id) == (("old", "new"), "new")
    single = AesGcmCodec.from_env(
        "MY_KEYS", environ={"MY_KEYS": f"only={base64.b64encode(KEY_OLD).decode()}"}
    )
    assert single.active_key_id == "only"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, r"\$TEMPORAL_RUNTIME_ENCRYPTION_KEYS is not set"),
        ({"TEMPORAL_RUNTIME_ENCRYPTION_KEYS": "k1=notbase64!"}, "entry 1 of 1 is not `id=BASE64KEY`"),
        ({"TEMPORAL_RUNTIME_ENCRYPTION_KEYS": base64.b64encode(KEY_OLD).decode()}, "entry 1 of 1 is not"),
        (
            {"TEMPORAL_RUNTIME_ENCRYPTION_KEYS": f"a={base64.b64encode(KEY_OLD[:16]).decode()}"},
            "entry 1 of 1",
        ),
        (
            {"TEMPORAL_RUNTIME_ENCRYPTION_KEYS": f"a={OLD_B64},a={NEW_B64}"},
            "key id 'a' is given twice",
        ),
        (
            {"TEMPORAL_RUNTIME_ENCRYPTION_KEYS": f"a={OLD_B64},b={NEW_B64}"},
            r"has 2 keys \('a', 'b'\) and \$TEMPORAL_RUNTIME_ENCRYPTION_ACTIVE_KEY is not set",
        ),
        (
            {
                "TEMPORAL_RUNTIME_ENCRYPTION_KEYS": f"a={base64.b64encode(KEY_OLD).decode()}",
                "TEMPORAL_RUNTIME_ENCRYPTION_ACTIVE_KEY": "z",
            },
            r"ACTIVE_KEY='z' names no key",
        ),
    ],
)
def test_from_env_refuses_what_it_cannot_use_without_showing_key_material(
    env: dict[str, str], expected: str
) -> None:
    with pytest.raises(InvalidOptionError, match=expected) as info:
        AesGcmCodec.from_env(environ=env)
    for key in (KEY_OLD, KEY_NEW, KEY_OLD[:16]):
        assert base64.b64encode(key).decode()[:8] not in str(info.value)


def test_without_cryptography_the_codec_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes `import` raise ImportError, as if the package were absent.
    monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives.ciphers.aead", None)
    with pytest.raises(EngineError, match=r"pip install 'temporal-runtime\[encryption\]'"):
        AesGcmCodec(keys={"k1": KEY_OLD}, active="k1")


def test_importing_temporal_runtime_does_not_import_cryptography() -> None:
    code = "import sys, temporal_runtime; print(any(m.startswith('cryptography') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# --- the converter and the engine option --------------------------------------------------------------


def test_a_codec_brings_the_failure_converter_that_encodes_messages_and_stack_traces() -> None:
    codec = AesGcmCodec(keys={"k1": KEY_OLD}, active="k1")
    converter = data_converter(payload_codec=codec)
    assert converter.payload_codec is codec
    assert converter.payload_converter_class is RuntimePayloadConverter
    assert (
        converter.failure_converter_class is temporalio.converter.DefaultFailureConverterWithEncodedAttributes
    )
    plain = data_converter()
    assert plain.payload_codec is None
    assert plain.failure_converter_class is temporalio.converter.DefaultFailureConverter


def test_a_custom_failure_converter_is_kept() -> None:
    class MyFailures(temporalio.converter.DefaultFailureConverter):
        pass

    base = dataclasses.replace(temporalio.converter.DataConverter.default, failure_converter_class=MyFailures)
    codec = AesGcmCodec(keys={"k1": KEY_OLD}, active="k1")
    assert data_converter(base, payload_codec=codec).failure_converter_class is MyFailures


async def test_a_failure_message_and_stack_trace_are_encrypted() -> None:
    codec = AesGcmCodec(keys={"k1": KEY_OLD}, active="k1")
    converter = data_converter(payload_codec=codec)
    try:
        raise ValueError("card 4111-secret declined")
    except ValueError as exc:
        failure = temporalio.api.failure.v1.Failure()
        await converter.encode_failure(exc, failure)
    assert failure.message == "Encoded failure"
    assert failure.stack_trace == ""
    assert failure.encoded_attributes.metadata["encryption-key-id"] == b"k1"
    assert b"4111-secret" not in failure.SerializeToString()
    decoded = await converter.decode_failure(failure)
    assert "card 4111-secret declined" in str(decoded)


def test_the_plugin_passes_the_codec_on() -> None:
    codec = AesGcmCodec(keys={"k1": KEY_OLD}, active="k1")
    plugin = RuntimePlugin(payload_codec=codec)
    converter = plugin.converter(None)
    limited = converter.payload_codec  # the size check runs last, on the encrypted bytes
    assert isinstance(limited, PayloadLimitCodec)
    assert limited.inner is codec
    assert RuntimePlugin(payload_codec=codec, payload_size_limit=None).converter(None).payload_codec is codec
    assert repr(plugin).endswith("payload_codec=<AesGcmCodec active='k1' keys=['k1']>>")


def test_the_engine_takes_a_payload_codec_and_refuses_anything_else() -> None:
    codec = AesGcmCodec(keys={"k1": KEY_OLD}, active="k1")
    assert TemporalEngine(url="localhost:7233", payload_codec=codec).payload_codec is codec
    assert TemporalEngine(url="localhost:7233").payload_codec is None
    with pytest.raises(
        InvalidOptionError, match=r"payload_codec=\.\.\.\) takes a temporalio.converter.PayloadCodec"
    ):
        TemporalEngine(url="localhost:7233", payload_codec=cast(Any, KEY_OLD))
