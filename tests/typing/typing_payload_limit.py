"""Static typing checks of the payload size limit (checked by mypy and pyright, never run).

The ``# type: ignore`` / ``# pyright: ignore`` lines are negative cases that must stay errors for both
checkers (an ignore that is no longer needed is itself an error).
"""

from __future__ import annotations

from typing import assert_type

from temporal_runtime import InvalidArgumentsError, PayloadTooLargeError, TemporalEngine


def limits() -> None:
    TemporalEngine(payload_size_limit=4 * 1024 * 1024)
    TemporalEngine(payload_size_limit=None)
    TemporalEngine(payload_size_limit="2MB")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def caught_as_invalid_arguments(error: InvalidArgumentsError) -> None: ...


def refused(error: PayloadTooLargeError) -> None:
    assert_type(error.size, int | None)
    assert_type(error.limit, int | None)
    caught_as_invalid_arguments(error)  # a PayloadTooLargeError is an InvalidArgumentsError
    error.size = "big"  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]
