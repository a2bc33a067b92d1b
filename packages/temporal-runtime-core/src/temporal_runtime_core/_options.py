"""Option types business code passes to the SDK: durations, retry policy, workflow id policies.

These are the SDK's own types, so business code needs no temporalio import. The workflow and client
layers convert them to temporalio's equivalents (and accept temporalio's own types too).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import Enum
from typing import cast

from ._errors import InvalidOptionError

__all__ = [
    "ActivityCancellation",
    "Duration",
    "IdConflictPolicy",
    "IdReusePolicy",
    "ParentClosePolicy",
    "RetryPolicy",
    "to_timedelta",
]

type Duration = float | int | timedelta
"""A duration: seconds as a number, or a :class:`datetime.timedelta`."""


_ZERO = timedelta(0)

# Valid durations given in seconds, converted: workflows pass the same few literals (timeout=10) on
# every call. Keyed by the number (10 and 10.0 give the same timedelta); bounded.
_SECONDS: dict[float, timedelta] = {}
_SECONDS_CACHED = 256


def to_timedelta(value: Duration, option: str) -> timedelta:
    """Convert ``value`` (seconds or timedelta) to a positive :class:`timedelta`.

    ``option`` names the option in the error message.
    """
    kind = type(value)
    if kind is int or kind is float:  # not bool (a subclass, refused below): exact types only
        cached = _SECONDS.get(cast(float, value))
        if cached is not None:
            return cached
    if isinstance(value, bool):  # bool is an int; True seconds is never meant
        raise InvalidOptionError(f"{option} must be seconds (a number) or a timedelta, got {value!r}")
    if isinstance(value, timedelta):
        result = value
    elif isinstance(value, (int, float)):  # pyright: ignore[reportUnnecessaryIsInstance]
        if not math.isfinite(value):
            raise InvalidOptionError(f"{option} must be a finite number of seconds, got {value!r}")
        try:
            result = timedelta(seconds=value)
        except OverflowError:
            raise InvalidOptionError(f"{option} is too large: {value!r} seconds") from None
    else:
        raise InvalidOptionError(
            f"{option} must be seconds (a number) or a timedelta, got {type(value).__name__} {value!r}"
        )
    if result <= _ZERO:
        raise InvalidOptionError(f"{option} must be positive, got {value!r}")
    if (kind is int or kind is float) and len(_SECONDS) < _SECONDS_CACHED:
        _SECONDS[cast(float, value)] = result
    return result


class IdConflictPolicy(Enum):
    """What to do when a workflow with the requested id is already *running*."""

    FAIL = "FAIL"
    """Refuse to start: the caller gets :class:`WorkflowAlreadyStartedError`."""
    USE_EXISTING = "USE_EXISTING"
    """Do not start a new run; return a handle to the running one."""
    TERMINATE_EXISTING = "TERMINATE_EXISTING"
    """Terminate the running workflow and start a new one."""


class IdReusePolicy(Enum):
    """Whether a workflow id of a *closed* workflow may be used again."""

    ALLOW_DUPLICATE = "ALLOW_DUPLICATE"
    ALLOW_DUPLICATE_FAILED_ONLY = "ALLOW_DUPLICATE_FAILED_ONLY"
    REJECT_DUPLICATE = "REJECT_DUPLICATE"


def _positive_or_none(value: Duration | None, option: str) -> timedelta | None:
    return None if value is None else to_timedelta(value, option)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How Temporal retries a failed activity or workflow.

    Durations accept seconds or :class:`timedelta` and are stored as :class:`timedelta`.
    ``maximum_attempts=0`` means unlimited attempts; ``1`` means no retry.

    ``non_retryable_errors`` lists exception classes or type names (``[CardDeclined, "KeyError"]``)
    whose failures end the retries at once. Temporal matches failures by type name, so classes are
    stored by name in :attr:`non_retryable_error_types`; that older parameter (names only) still
    works, and both may be given.
    """

    initial_interval: timedelta = field(default=timedelta(seconds=1))
    backoff_coefficient: float = 2.0
    maximum_interval: timedelta | None = None
    maximum_attempts: int = 0
    non_retryable_error_types: tuple[str, ...] = ()

    def __init__(
        self,
        *,
        initial_interval: Duration = timedelta(seconds=1),
        backoff_coefficient: float = 2.0,
        maximum_interval: Duration | None = None,
        maximum_attempts: int = 0,
        non_retryable_errors: Sequence[type[BaseException] | str] = (),
        non_retryable_error_types: Sequence[str] = (),
    ) -> None:
        initial = to_timedelta(initial_interval, "RetryPolicy.initial_interval")
        maximum = _positive_or_none(maximum_interval, "RetryPolicy.maximum_interval")
        if (
            isinstance(maximum_attempts, bool)
            or not isinstance(maximum_attempts, int)  # pyright: ignore[reportUnnecessaryIsInstance]
            or maximum_attempts < 0
        ):
            raise InvalidOptionError(
                f"RetryPolicy.maximum_attempts must be an int >= 0 (0 = unlimited), got {maximum_attempts!r}"
            )
        if (
            isinstance(backoff_coefficient, bool)
            or not isinstance(backoff_coefficient, (int, float))  # pyright: ignore[reportUnnecessaryIsInstance]
            or not backoff_coefficient >= 1.0
        ):
            raise InvalidOptionError(
                f"RetryPolicy.backoff_coefficient must be >= 1.0, got {backoff_coefficient!r}"
            )
        if maximum is not None and maximum < initial:
            raise InvalidOptionError(
                f"RetryPolicy.maximum_interval ({maximum}) must not be shorter than "
                f"initial_interval ({initial})"
            )
        if isinstance(non_retryable_error_types, str):
            raise InvalidOptionError(
                "RetryPolicy.non_retryable_error_types must be a sequence of type names, "
                f"not a single string; use ({non_retryable_error_types!r},)"
            )
        bad_names = [t for t in non_retryable_error_types if not isinstance(t, str) or not t]  # pyright: ignore[reportUnnecessaryIsInstance]
        if bad_names:
            raise InvalidOptionError(
                "RetryPolicy.non_retryable_error_types holds exception type *names* (Temporal matches "
                f"failures by name), e.g. ('ValueError',); got {bad_names!r}"
            )
        object.__setattr__(self, "initial_interval", initial)
        object.__setattr__(self, "backoff_coefficient", float(backoff_coefficient))
        object.__setattr__(self, "maximum_interval", maximum)
        object.__setattr__(self, "maximum_attempts", maximum_attempts)
        names = (*_error_names(non_retryable_errors), *non_retryable_error_types)
        object.__setattr__(self, "non_retryable_error_types", tuple(dict.fromkeys(names)))


def _error_names(errors: Sequence[type[BaseException] | str]) -> list[str]:
    """``RetryPolicy(non_retryable_errors=...)`` as the type names Temporal matches failures by."""
    if isinstance(errors, (str, type)):
        raise InvalidOptionError(
            "RetryPolicy.non_retryable_errors must be a list of exception classes or type names, "
            f"not a single one; use [{getattr(errors, '__name__', errors)!s}]"
        )
    names: list[str] = []
    for error in errors:
        if isinstance(error, str) and error:
            names.append(error)
        elif isinstance(error, type) and issubclass(error, BaseException):  # pyright: ignore[reportUnnecessaryIsInstance]
            names.append(error.__name__)
        else:
            raise InvalidOptionError(
                "RetryPolicy.non_retryable_errors holds exception classes or type names, e.g. "
                f"[CardDeclined, 'KeyError']; got {error!r}"
            )
    return names


# --- activity cancellation (#12) -------------------------------------------------------------------


class ActivityCancellation(Enum):
    """What ``self.exec(..., cancellation=...)`` does when the workflow cancels an activity it waits for
    (the workflow is cancelled, or a task wrapping the call is)."""

    TRY_CANCEL = "TRY_CANCEL"
    """Request cancellation and raise ``CancelledError`` in the workflow at once (the default)."""
    WAIT = "WAIT"
    """Request cancellation and wait until the activity has ended (it heartbeats and sees the
    request, then returns or raises), so clean-up it does is over when the workflow goes on."""
    ABANDON = "ABANDON"
    """Do not tell the activity: the workflow goes on at once and the activity runs to its end."""


# --- child workflows (#12) ---------------------------------------------------------------------------


class ParentClosePolicy(Enum):
    """What happens to a child workflow when its parent closes (completes, fails, times out, ...)."""

    TERMINATE = "TERMINATE"
    """The child is terminated with the parent (Temporal's default)."""
    ABANDON = "ABANDON"
    """The child keeps running on its own."""
    REQUEST_CANCEL = "REQUEST_CANCEL"
    """The child is asked to cancel (it sees ``CancelledError`` and may clean up)."""
