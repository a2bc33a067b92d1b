"""Temporal activity entry points for registered activity definitions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import temporalio.activity
import temporalio.exceptions

from temporal_runtime_core import ActivityDefinition, InvalidArgumentsError

__all__ = ["temporal_activity"]


def temporal_activity(defn: ActivityDefinition[Any, Any]) -> Callable[[Any], Awaitable[Any]]:
    """An ``@activity.defn`` function that validates input and output around ``defn``'s impl.

    Invalid input or output is a bug no retry can fix, so it fails the activity non-retryably.
    Exceptions of the implementation itself are retried according to the retry policy.
    """

    async def run(args: Any) -> Any:
        try:
            value = defn.validate_args(args)
        except InvalidArgumentsError as exc:
            raise temporalio.exceptions.ApplicationError(
                str(exc), type="InvalidArgumentsError", non_retryable=True
            ) from None
        result = await defn.fn(value)
        try:
            return defn.validate_result(result)
        except InvalidArgumentsError as exc:
            raise temporalio.exceptions.ApplicationError(
                str(exc), type="InvalidResultError", non_retryable=True
            ) from None

    run.__name__ = run.__qualname__ = f"activity__{defn.name}"
    run.__module__ = getattr(defn.fn, "__module__", __name__)
    run.__doc__ = getattr(defn.fn, "__doc__", None)
    return temporalio.activity.defn(name=defn.name)(run)
