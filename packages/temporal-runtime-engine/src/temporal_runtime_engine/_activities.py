"""Temporal activity entry points for registered activity definitions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import temporalio.activity
import temporalio.api.common.v1
import temporalio.common
import temporalio.exceptions

from temporal_runtime_core import ActivityDefinition, InvalidArgumentsError, InvalidResultError

from ._converter import JSON_ENCODING

__all__ = ["temporal_activity"]


def temporal_activity(defn: ActivityDefinition[Any, Any]) -> Callable[..., Awaitable[Any]]:
    """An ``@activity.defn`` function that validates input and output around ``defn``'s impl.

    Invalid input or output is a bug no retry can fix, so it fails the activity non-retryably, with
    type ``"InvalidArgumentsError"`` or ``"InvalidResultError"``. Exceptions of the implementation
    itself are retried according to the retry policy.
    """

    async def finish(value: Any) -> Any:
        result = await defn.run_impl(value)
        try:
            return defn.validate_result(result)
        except InvalidResultError as exc:
            raise temporalio.exceptions.ApplicationError(
                str(exc), type=InvalidResultError.__name__, non_retryable=True
            ) from None

    async def run_with_args(args: temporalio.common.RawValue) -> Any:
        try:
            value = _read_args(defn, args.payload)
        except InvalidArgumentsError as exc:
            raise temporalio.exceptions.ApplicationError(
                str(exc), type=InvalidArgumentsError.__name__, non_retryable=True
            ) from None
        return await finish(value)

    async def run_without_args() -> Any:  # an activity without Args: Temporal sends no argument
        return await finish(None)

    run: Callable[..., Awaitable[Any]] = run_with_args if defn.takes_args else run_without_args
    run.__name__ = run.__qualname__ = f"activity__{defn.name}"
    run.__module__ = getattr(defn.fn, "__module__", __name__)
    run.__doc__ = getattr(defn.fn, "__doc__", None)
    return temporalio.activity.defn(name=defn.name)(run)


def _read_args(defn: ActivityDefinition[Any, Any], payload: temporalio.api.common.v1.Payload) -> Any:
    """The activity's argument, validated from the raw payload (JSON bytes: in one pass)."""
    if payload.metadata.get("encoding") == JSON_ENCODING:
        return defn.decode_args(payload.data)
    [value] = temporalio.activity.payload_converter().from_payloads([payload])
    return defn.validate_args(value)
