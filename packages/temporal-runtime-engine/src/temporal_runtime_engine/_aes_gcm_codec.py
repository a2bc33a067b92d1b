"""``AesGcmCodec``: payload encryption with AES-256-GCM (the ``encryption`` extra, on ``cryptography``).

The byte layout is the one of Temporal's encryption samples (``temporalio/samples-python``
``encryption/codec.py``, and the Go and TypeScript samples it says it is compatible with), so their
codecs and codec servers read what this one writes and the other way round:

- metadata ``encoding: binary/encrypted`` and ``encryption-key-id: <key id, UTF-8>``, nothing else;
- data ``nonce (12 random bytes) || AES-GCM ciphertext with its 16-byte tag``, no associated data;
- the plaintext is the whole original ``Payload`` serialized as protobuf (its metadata included).

Only the payload codec sees this: what the server indexes (search attributes) and the names it
routes by (workflow ids, workflow types, activity names, task queues) are not payloads and stay
readable; see docs/security.md.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Final

import temporalio.api.common.v1
import temporalio.converter
from google.protobuf.message import DecodeError

from temporal_runtime_core import EngineError, InvalidOptionError, PayloadDecryptionError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = ["ACTIVE_KEY_ENV", "ENCRYPTED_ENCODING", "KEYS_ENV", "KEY_ID_METADATA", "AesGcmCodec"]

ENCRYPTED_ENCODING: Final = b"binary/encrypted"
"""The ``encoding`` metadata of an encrypted payload (Temporal's encryption samples' convention)."""

KEY_ID_METADATA: Final = "encryption-key-id"
"""The metadata key naming the key a payload was encrypted with."""

KEYS_ENV: Final = "TEMPORAL_RUNTIME_ENCRYPTION_KEYS"
"""Where :meth:`AesGcmCodec.from_env` reads the keys: ``id=BASE64,id2=BASE64``."""

ACTIVE_KEY_ENV: Final = "TEMPORAL_RUNTIME_ENCRYPTION_ACTIVE_KEY"
"""Where :meth:`AesGcmCodec.from_env` reads the id of the key that encrypts."""

_KEY_SIZE: Final = 32
_NONCE_SIZE: Final = 12
_TAG_SIZE: Final = 16
_EXTRA: Final = "pip install 'temporal-runtime[encryption]'"


def _aesgcm() -> type[AESGCM]:
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError:
        raise EngineError(
            "AesGcmCodec needs the `cryptography` package, which is not installed. Install the extra: "
            f"{_EXTRA} (or pip install cryptography)"
        ) from None
    return AESGCM


class AesGcmCodec(temporalio.converter.PayloadCodec):
    """Encrypts every payload with AES-256-GCM; give it to ``TemporalEngine(payload_codec=...)``.

    ``keys`` maps key ids to 32-byte keys; ``active`` is the id of the key that encrypts, and every
    key in ``keys`` decrypts. To rotate: add the new key, make it ``active``, and keep the old one
    for as long as histories encrypted with it are read (the namespace's retention, plus any saved
    histories). A payload that is not encrypted (no ``binary/encrypted`` encoding, e.g. from before
    encryption was turned on) is decoded unchanged; one encrypted with a key id not in ``keys``, or
    that fails authentication (another key under that id, or altered bytes), raises
    :class:`PayloadDecryptionError` naming the key id, never a garbage value.

    Search attributes are not payloads the codec sees: the server indexes them, so they cannot be
    encrypted; keep secrets out of them (and out of workflow ids). Needs the ``encryption`` extra.
    """

    KEYS_ENV: ClassVar[str] = KEYS_ENV
    """The environment variable :meth:`from_env` reads the keys from by default."""
    ACTIVE_KEY_ENV: ClassVar[str] = ACTIVE_KEY_ENV
    """The environment variable :meth:`from_env` reads the active key's id from by default."""

    def __init__(self, keys: Mapping[str, bytes], active: str) -> None:
        aesgcm = _aesgcm()
        checked = _checked_keys(keys)
        if not isinstance(active, str) or active not in checked:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise InvalidOptionError(
                f"AesGcmCodec(active={active!r}) names no key of keys= (it has "
                f"{', '.join(map(repr, checked))}): pass the id of the key that encrypts new payloads"
            )
        self._active = active
        self._active_id = active.encode()
        self._ciphers = {key_id: aesgcm(key) for key_id, key in checked.items()}

    @classmethod
    def from_env(
        cls,
        keys_var: str = KEYS_ENV,
        active_var: str = ACTIVE_KEY_ENV,
        *,
        environ: Mapping[str, str] | None = None,
    ) -> AesGcmCodec:
        """The codec configured by environment variables, so keys stay off command lines and out of
        code: ``keys_var`` holds ``id=BASE64KEY`` entries separated by commas (``id`` without ``=``
        or ``,``), ``active_var`` the id of the key that encrypts (optional with one key).

        E.g. ``TEMPORAL_RUNTIME_ENCRYPTION_KEYS="2026-01=...,2026-06=..."`` and
        ``TEMPORAL_RUNTIME_ENCRYPTION_ACTIVE_KEY=2026-06``. Raises :class:`InvalidOptionError`
        naming the variable for a missing or malformed value.
        """
        env = os.environ if environ is None else environ
        text = env.get(keys_var, "").strip()
        if not text:
            raise InvalidOptionError(
                f"AesGcmCodec.from_env(): ${keys_var} is not set: set it to `id=BASE64KEY` (comma-separated "
                f"for several keys; a key is 32 random bytes, e.g. from AesGcmCodec.generate_key(), "
                "base64-encoded)"
            )
        keys: dict[str, bytes] = {}
        entries = [part.strip() for part in text.split(",")]
        for number, entry in enumerate(entries, 1):
            key_id, equals, encoded = entry.partition("=")
            key_id = key_id.strip()
            try:
                key = base64.b64decode(encoded.strip(), validate=True)
            except (binascii.Error, ValueError):
                key = b""
            if not equals or not key_id or len(key) != _KEY_SIZE:
                # Named by position, never by content: a key pasted without its id would show.
                raise InvalidOptionError(
                    f"${keys_var}: entry {number} of {len(entries)} is not `id=BASE64KEY`: write entries "
                    "separated by commas, each key 32 bytes base64-encoded (44 characters)"
                )
            if key_id in keys:
                raise InvalidOptionError(f"${keys_var}: key id {key_id!r} is given twice: give each id once")
            keys[key_id] = key
        active = env.get(active_var, "").strip()
        if not active:
            if len(keys) > 1:
                raise InvalidOptionError(
                    f"${keys_var} has {len(keys)} keys ({', '.join(map(repr, keys))}) and ${active_var} is "
                    "not set: set it to the id of the key that encrypts new payloads"
                )
            active = next(iter(keys))
        if active not in keys:
            raise InvalidOptionError(
                f"${active_var}={active!r} names no key of ${keys_var} (it has "
                f"{', '.join(map(repr, keys))}): set it to one of those ids"
            )
        return cls(keys, active)

    @staticmethod
    def generate_key() -> bytes:
        """32 random bytes from the operating system: a new AES-256 key (store it base64-encoded in
        your secret manager; ``base64.b64encode(AesGcmCodec.generate_key())``)."""
        return os.urandom(_KEY_SIZE)

    @property
    def active_key_id(self) -> str:
        """The id of the key new payloads are encrypted with."""
        return self._active

    @property
    def key_ids(self) -> tuple[str, ...]:
        """The ids of every key that decrypts, in the order given."""
        return tuple(self._ciphers)

    async def encode(
        self, payloads: Sequence[temporalio.api.common.v1.Payload]
    ) -> list[temporalio.api.common.v1.Payload]:
        cipher = self._ciphers[self._active]
        encoded: list[temporalio.api.common.v1.Payload] = []
        for payload in payloads:
            nonce = os.urandom(_NONCE_SIZE)
            encoded.append(
                temporalio.api.common.v1.Payload(
                    metadata={"encoding": ENCRYPTED_ENCODING, KEY_ID_METADATA: self._active_id},
                    data=nonce + cipher.encrypt(nonce, payload.SerializeToString(), None),
                )
            )
        return encoded

    async def decode(
        self, payloads: Sequence[temporalio.api.common.v1.Payload]
    ) -> list[temporalio.api.common.v1.Payload]:
        return [self._decrypted(payload) for payload in payloads]

    def _decrypted(self, payload: temporalio.api.common.v1.Payload) -> temporalio.api.common.v1.Payload:
        if payload.metadata.get("encoding") != ENCRYPTED_ENCODING:
            return payload  # not encrypted (older history, or another codec's): as it is
        raw_id = payload.metadata.get(KEY_ID_METADATA)
        key_id = raw_id.decode(errors="replace") if raw_id is not None else None
        cipher = self._ciphers.get(key_id) if key_id is not None else None
        if cipher is None or key_id is None:
            what = f"key id {key_id!r}" if key_id is not None else f"no {KEY_ID_METADATA} metadata"
            raise PayloadDecryptionError(
                f"Cannot decrypt a payload encrypted with {what}: this AesGcmCodec has the keys "
                f"{', '.join(map(repr, self._ciphers))}. Add the key {key_id!r} to AesGcmCodec(keys={{...}}) "
                "in this process (keep old keys for as long as histories encrypted with them are read)",
                key_id=key_id,
            )
        data = payload.data
        from cryptography.exceptions import InvalidTag

        try:
            if len(data) < _NONCE_SIZE + _TAG_SIZE:
                raise InvalidTag
            plaintext = cipher.decrypt(data[:_NONCE_SIZE], data[_NONCE_SIZE:], None)
            return temporalio.api.common.v1.Payload.FromString(plaintext)
        except (InvalidTag, DecodeError):
            raise PayloadDecryptionError(
                f"Cannot decrypt a payload encrypted with key id {key_id!r}: it fails authentication, so "
                f"the key this process has under {key_id!r} is not the one it was encrypted with (or the "
                f"payload was altered). Give every process the same bytes for key {key_id!r}",
                key_id=key_id,
            ) from None

    def __repr__(self) -> str:  # never the key material
        return f"<AesGcmCodec active={self._active!r} keys={list(self._ciphers)!r}>"


def _checked_keys(keys: object) -> dict[str, bytes]:
    if not isinstance(keys, Mapping) or not keys:
        raise InvalidOptionError(
            f"AesGcmCodec(keys=...) must be a non-empty dict of key id to 32-byte key, got {keys!r}: "
            'pass e.g. keys={"k1": key} with key = AesGcmCodec.generate_key() (stored in your secret manager)'
        )
    checked: dict[str, bytes] = {}
    items: Mapping[Any, Any] = keys  # pyright: ignore[reportUnknownVariableType]
    for key_id, key in items.items():
        if not isinstance(key_id, str) or not key_id:
            raise InvalidOptionError(
                f"AesGcmCodec(keys=...): key id {key_id!r} must be a non-empty string (it is written "
                f"into every payload's {KEY_ID_METADATA} metadata)"
            )
        if isinstance(key, str):
            raise InvalidOptionError(
                f"AesGcmCodec(keys=...): key {key_id!r} is a str; pass the 32 key bytes, e.g. "
                "base64.b64decode(os.environ['MY_KEY']) for a base64-encoded key"
            )
        if not isinstance(key, bytes | bytearray) or len(key) != _KEY_SIZE:
            size = f"{len(key)} bytes" if isinstance(key, bytes | bytearray) else type(key).__name__
            raise InvalidOptionError(
                f"AesGcmCodec(keys=...): key {key_id!r} is {size}; AES-256 needs exactly 32 bytes "
                "(make one with AesGcmCodec.generate_key())"
            )
        checked[key_id] = bytes(key)
    return checked
