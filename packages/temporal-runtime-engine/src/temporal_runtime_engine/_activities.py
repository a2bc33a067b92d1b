"""Temporal activity entry points for registered activity definitions.

An ``async def`` activity becomes an async temporalio activity; a thread activity (a plain ``def``)
becomes a sync one, which the worker runs in its thread pool (``TemporalEngine(activity_threads=N)``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import temporalio.activity
import temporalio.api.common.v1
import temporalio.common
import temporalio.exceptions

from temporal_runtime_core import (
    ActivityDefinition,
    InvalidArgumentsError,
    InvalidResultError,
    NonRetryableError,
)
from temporal_runtime_workflow import non_retryable_failure

from ._activity_context import running_in_thread
from ._converter import JSON_ENCODING

__all__ = ["temporal_activity", "thread_runner"]


def temporal_activity(defn: ActivityDefinition[Any, Any]) -> Callable[..., Any]:
    """An ``@activity.defn`` function that validates input and output around ``defn``'s impl.

    Invalid input or output is a bug no retry can fix, so it fails the activity non-retryably, with
    type ``"InvalidArgumentsError"`` or ``"InvalidResultError"``; so does a :class:`NonRetryableError`
    the implementation raises. Other exceptions of the implementation are retried according to the
    retry policy.
    """
    run = _thread_entry(defn) if defn.is_thread else _async_entry(defn)
    run.__name__ = run.__qualname__ = f"activity__{defn.name}"
    run.__module__ = getattr(defn.fn, "__module__", __name__)
    run.__doc__ = getattr(defn.fn, "__doc__", None)
    # A thread activity learns of cancellation through is_cancelled() and heartbeat() (which raises
    # CancelledError then), never by an exception thrown into its thread at an arbitrary line.
    return temporalio.activity.defn(name=defn.name, no_thread_cancel_exception=defn.is_thread)(run)


def _async_entry(defn: ActivityDefinition[Any, Any]) -> Callable[..., Awaitable[Any]]:
    async def finish(value: Any) -> Any:
        try:
            result = await defn.run_impl(value)
        except NonRetryableError as exc:
            raise non_retryable_failure(exc) from exc
        return _validated_result(defn, result)

    async def run_with_args(args: temporalio.common.RawValue) -> Any:
        return await finish(_validated_args(defn, args))

    async def run_without_args() -> Any:  # an activity without Args: Temporal sends no argument
        return await finish(None)

    return run_with_args if defn.takes_args else run_without_args


def _thread_entry(defn: ActivityDefinition[Any, Any]) -> Callable[..., Any]:
    def finish(value: Any) -> Any:
        with running_in_thread():
            try:
                result = defn.call_sync(value)
            except NonRetryableError as exc:
                raise non_retryable_failure(exc) from exc
        return _validated_result(defn, result)

    def run_with_args(args: temporalio.common.RawValue) -> Any:
        return finish(_validated_args(defn, args))

    def run_without_args() -> Any:
        return finish(None)

    return run_with_args if defn.takes_args else run_without_args


def thread_runner(defn: ActivityDefinition[Any, Any]) -> Callable[[Any], object]:
    """``defn``'s implementation as a worker's thread runs it, given the validated argument: what
    ``ActivityTester`` runs a thread activity with (in a thread of its own)."""

    def run(value: Any) -> object:
        with running_in_thread():
            return defn.call_sync(value)

    return temporalio.activity.defn(name=defn.name, no_thread_cancel_exception=True)(run)


def _validated_args(defn: ActivityDefinition[Any, Any], args: temporalio.common.RawValue) -> Any:
    try:
        return _read_args(defn, args.payload)
    except InvalidArgumentsError as exc:
        raise temporalio.exceptions.ApplicationError(
            str(exc), type=InvalidArgumentsError.__name__, non_retryable=True
        ) from None


def _validated_result(defn: ActivityDefinition[Any, Any], result: object) -> Any:
    try:
        return defn.validate_result(result)
    except InvalidResultError as exc:
        raise temporalio.exceptions.ApplicationError(
            str(exc), type=InvalidResultError.__name__, non_retryable=True
        ) from None


def _read_args(defn: ActivityDefinition[Any, Any], payload: temporalio.api.common.v1.Payload) -> Any:
    """The activity's argument, validated from the raw payload (JSON bytes: in one pass)."""
    if payload.metadata.get("encoding") == JSON_ENCODING:
        return defn.decode_args(payload.data)
    [value] = temporalio.activity.payload_converter().from_payloads([payload])
    return defn.validate_args(value)
