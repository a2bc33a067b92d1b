"""The payload size check's arithmetic: a cheap upper bound decides for nearly every payload, and
only a payload near or over the limit is serialised to count its exact size (upb's ``ByteSize()``
encodes the whole message), so the limit and the error's numbers stay exactly those of the bytes sent."""

from __future__ import annotations

import itertools
from typing import Any, cast

import pytest
import temporalio.api.common.v1

from temporal_runtime_core import PayloadTooLargeError
from temporal_runtime_engine import PayloadLimitCodec
from temporal_runtime_engine._payload_limit import _size_at_most  # pyright: ignore[reportPrivateUsage]

Payload = temporalio.api.common.v1.Payload

# Lengths around the varint boundaries (1, 2 and 3 byte lengths) and a large one.
_LENGTHS = (0, 1, 127, 128, 16383, 16384, 3 * 1024 * 1024)


def _payloads() -> list[Payload]:
    payloads: list[Payload] = []
    for data, key, value in itertools.product(_LENGTHS, (0, 1, 200), (0, 1, 127, 128, 20000)):
        payload = Payload(metadata={"k" * key: b"v" * value, "encoding": b"json/plain"}, data=b"x" * data)
        payloads.append(payload)
    with_external = Payload(metadata={"encoding": b"json/plain"}, data=b"{}")
    with_external.external_payloads.add(size_bytes=10**9)
    payloads.append(with_external)
    payloads.append(Payload())
    return payloads


@pytest.mark.parametrize("payload", _payloads(), ids=lambda p: f"{len(p.data)}B-{len(p.metadata)}m")
def test_the_bound_never_counts_less_than_the_serialised_size(payload: Payload) -> None:
    exact = payload.ByteSize()
    assert exact <= _size_at_most(payload) <= exact + 100


class _Unserialisable:
    """A payload look-alike whose ``ByteSize()`` fails: the check must not need it."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.metadata = {"encoding": b"json/plain"}
        self.external_payloads: list[Payload] = []

    def ByteSize(self) -> int:  # protobuf's name
        raise AssertionError("a payload well within the limit was serialised to count it")


async def test_a_payload_well_within_the_limit_is_not_serialised_to_count_it() -> None:
    payload = cast(Any, _Unserialisable(b"x" * 1_000_000))
    assert await PayloadLimitCodec(2 * 1024 * 1024).encode([payload]) == [payload]


async def test_at_the_limit_passes_and_one_byte_over_is_refused_with_the_exact_size() -> None:
    payload = Payload(metadata={"encoding": b"json/plain"}, data=b"x" * 100_000)
    size = payload.ByteSize()
    assert await PayloadLimitCodec(size).encode([payload]) == [payload]
    with pytest.raises(PayloadTooLargeError) as info:
        await PayloadLimitCodec(size - 1).encode([payload])
    assert (info.value.size, info.value.limit) == (size, size - 1)
    assert f"A payload of {size} bytes" in str(info.value)
