"""The payload size check: a payload codec, last in the chain, that refuses payloads the server would.

Temporal refuses a payload over its blob size limit (``limit.blobSize.error``, 2 MB by default) with a
bare ``RPCError: Blob data size exceeds limit``, and for a payload a workflow *produces* (an activity
input, a child's arguments, the workflow's result) the server terminates the run. Checking on our side,
after every other codec (so the size is that of the bytes sent), turns both into a
:class:`PayloadTooLargeError` naming the size, the limit and the fix:

- on the caller's side (start, signal, update, query arguments), before anything is sent;
- in an activity's result, as that attempt's failure (retried by its retry policy, visible in the
  run's history and pending activities);
- in a workflow's commands, as a failed workflow task, which Temporal retries: the run stays open
  and a fixed deploy can rescue it, where the server alone would have terminated it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import temporalio.api.common.v1
import temporalio.converter

from temporal_runtime_core import InvalidOptionError, PayloadTooLargeError

__all__ = ["DEFAULT_PAYLOAD_SIZE_LIMIT", "PayloadLimitCodec", "checked_payload_size_limit"]

DEFAULT_PAYLOAD_SIZE_LIMIT: Final = 2 * 1024 * 1024
"""The Temporal server's default ``limit.blobSize.error``: 2 MB."""


def checked_payload_size_limit(value: object) -> int | None:
    """``TemporalEngine(payload_size_limit=...)`` validated: a positive number of bytes, or None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidOptionError(
            f"TemporalEngine(payload_size_limit=...) must be a positive number of bytes or None, got "
            f"{value!r}: pass the cluster's limit.blobSize.error (default {DEFAULT_PAYLOAD_SIZE_LIMIT}), "
            "or None to leave the check to the server"
        )
    return value


_FIELD_OVERHEAD: Final = 11
"""The most a length-delimited protobuf field adds to its content: a one-byte tag and a varint length."""


def _size_at_most(payload: temporalio.api.common.v1.Payload) -> int:
    """An upper bound of ``payload.ByteSize()``, without serialising the payload.

    upb's ``ByteSize()`` encodes the whole message to count it: for a 1 MB payload that is a 1 MB
    copy (milliseconds) per check, on every payload of every workflow. The lengths of the fields
    plus their most possible framing bound it from above for a few microseconds.
    """
    size = len(payload.data) + _FIELD_OVERHEAD
    for key, value in payload.metadata.items():
        size += len(key) + len(value) + 3 * _FIELD_OVERHEAD  # the entry, its key and its value
    for external in payload.external_payloads:
        size += external.ByteSize() + _FIELD_OVERHEAD
    return size


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.2f} MB"


class PayloadLimitCodec(temporalio.converter.PayloadCodec):
    """Runs ``inner`` (the user's codec, if any), then refuses any encoded payload over ``limit`` bytes.

    Decoding only runs ``inner``: what the server sent back was within its limit.
    """

    def __init__(self, limit: int, inner: temporalio.converter.PayloadCodec | None = None) -> None:
        self.limit = limit
        self.inner = inner

    async def encode(
        self, payloads: Sequence[temporalio.api.common.v1.Payload]
    ) -> list[temporalio.api.common.v1.Payload]:
        encoded = list(payloads) if self.inner is None else await self.inner.encode(payloads)
        for payload in encoded:
            if _size_at_most(payload) <= self.limit:
                continue  # nearly every payload: no need to serialise it to count its exact size
            size = payload.ByteSize()
            if size > self.limit:
                raise PayloadTooLargeError(
                    f"A payload of {size} bytes ({_megabytes(size)}) is over the limit of {self.limit} "
                    f"bytes ({_megabytes(self.limit)}) that the Temporal server accepts: store large data "
                    "elsewhere (a blob store, a database) and pass a reference to it; or, if the cluster's "
                    "limit.blobSize.error allows more, raise TemporalEngine(payload_size_limit=...)",
                    size=size,
                    limit=self.limit,
                )
        return encoded

    async def decode(
        self, payloads: Sequence[temporalio.api.common.v1.Payload]
    ) -> list[temporalio.api.common.v1.Payload]:
        return list(payloads) if self.inner is None else await self.inner.decode(payloads)

    def __repr__(self) -> str:
        return f"<PayloadLimitCodec limit={self.limit} inner={self.inner!r}>"
