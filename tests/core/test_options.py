"""Option types: to_timedelta, RetryPolicy, IdConflictPolicy, IdReusePolicy."""

import dataclasses
import math
from datetime import timedelta

import pytest

from temporal_runtime_core import (
    IdConflictPolicy,
    IdReusePolicy,
    InvalidOptionError,
    RetryPolicy,
    TemporalRuntimeError,
    to_timedelta,
)

# --- to_timedelta ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, timedelta(seconds=1)),
        (30, timedelta(seconds=30)),
        (0.5, timedelta(milliseconds=500)),
        (2.25, timedelta(seconds=2, milliseconds=250)),
        (3600, timedelta(hours=1)),
        (timedelta(minutes=5), timedelta(minutes=5)),
        (timedelta(microseconds=1), timedelta(microseconds=1)),
    ],
)
def test_to_timedelta_accepts_numbers_and_timedeltas(value: float | timedelta, expected: timedelta) -> None:
    result = to_timedelta(value, "timeout")
    assert isinstance(result, timedelta)
    assert result == expected


def test_to_timedelta_returns_the_same_timedelta() -> None:
    td = timedelta(seconds=7)
    assert to_timedelta(td, "timeout") is td


@pytest.mark.parametrize(
    "value",
    [
        True,
        False,
        0,
        0.0,
        -1,
        -0.5,
        timedelta(0),
        timedelta(seconds=-3),
        math.inf,
        -math.inf,
        math.nan,
        "30",
        "30s",
        None,
        [30],
        b"1",
    ],
    ids=repr,
)
def test_to_timedelta_rejects_invalid_values(value: object) -> None:
    with pytest.raises(InvalidOptionError) as info:
        to_timedelta(value, "my_special_option")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    assert "my_special_option" in str(info.value)


def test_to_timedelta_rejects_bool_even_though_it_is_an_int() -> None:
    with pytest.raises(InvalidOptionError) as info:
        to_timedelta(True, "heartbeat_timeout")
    assert "heartbeat_timeout" in str(info.value)
    assert "True" in str(info.value)


@pytest.mark.parametrize("value", [1e20, 10**15])
def test_to_timedelta_huge_number_raises_invalid_option_not_overflow(value: float) -> None:
    # A number of seconds beyond timedelta's range is an invalid option, not a crash.
    with pytest.raises(InvalidOptionError) as info:
        to_timedelta(value, "execution_timeout")
    assert "execution_timeout" in str(info.value)


def test_invalid_option_error_is_a_value_error_and_runtime_error() -> None:
    with pytest.raises(ValueError, match="timeout"):
        to_timedelta(-1, "timeout")
    with pytest.raises(TemporalRuntimeError):
        to_timedelta(-1, "timeout")


# --- RetryPolicy -------------------------------------------------------------------------------------


def test_retry_policy_defaults() -> None:
    policy = RetryPolicy()
    assert policy.initial_interval == timedelta(seconds=1)
    assert policy.backoff_coefficient == 2.0
    assert policy.maximum_interval is None
    assert policy.maximum_attempts == 0
    assert policy.non_retryable_error_types == ()


def test_retry_policy_converts_seconds_to_timedelta() -> None:
    policy = RetryPolicy(initial_interval=0.5, maximum_interval=60, maximum_attempts=3)
    assert policy.initial_interval == timedelta(milliseconds=500)
    assert isinstance(policy.initial_interval, timedelta)
    assert policy.maximum_interval == timedelta(minutes=1)
    assert isinstance(policy.maximum_interval, timedelta)
    assert policy.maximum_attempts == 3


def test_retry_policy_accepts_timedeltas() -> None:
    policy = RetryPolicy(initial_interval=timedelta(seconds=2), maximum_interval=timedelta(seconds=10))
    assert policy.initial_interval == timedelta(seconds=2)
    assert policy.maximum_interval == timedelta(seconds=10)


def test_retry_policy_backoff_stored_as_float() -> None:
    policy = RetryPolicy(backoff_coefficient=3)
    assert policy.backoff_coefficient == 3.0
    assert type(policy.backoff_coefficient) is float


def test_retry_policy_error_types_become_tuple() -> None:
    policy = RetryPolicy(non_retryable_error_types=["ValueError", "KeyError"])
    assert policy.non_retryable_error_types == ("ValueError", "KeyError")


def test_retry_policy_equality_across_input_forms() -> None:
    assert RetryPolicy(initial_interval=1, maximum_interval=10) == RetryPolicy(
        initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=10)
    )
    assert RetryPolicy(maximum_attempts=2) != RetryPolicy(maximum_attempts=3)


def test_retry_policy_is_frozen_and_hashable() -> None:
    policy = RetryPolicy(maximum_attempts=2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.maximum_attempts = 5  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]
    assert hash(policy) == hash(RetryPolicy(maximum_attempts=2))


def test_retry_policy_replace_keeps_validation() -> None:
    policy = RetryPolicy(initial_interval=1, maximum_attempts=2)
    replaced = dataclasses.replace(policy, maximum_attempts=5)
    assert replaced.maximum_attempts == 5
    assert replaced.initial_interval == timedelta(seconds=1)
    with pytest.raises(InvalidOptionError):
        dataclasses.replace(policy, maximum_attempts=-1)


@pytest.mark.parametrize(
    ("kwargs", "option"),
    [
        ({"initial_interval": 0}, "initial_interval"),
        ({"initial_interval": -1}, "initial_interval"),
        ({"initial_interval": "1s"}, "initial_interval"),
        ({"initial_interval": True}, "initial_interval"),
        ({"maximum_interval": 0}, "maximum_interval"),
        ({"maximum_interval": math.inf}, "maximum_interval"),
        ({"initial_interval": 10, "maximum_interval": 5}, "maximum_interval"),
        ({"maximum_attempts": -1}, "maximum_attempts"),
        ({"maximum_attempts": 1.5}, "maximum_attempts"),
        ({"maximum_attempts": True}, "maximum_attempts"),
        ({"maximum_attempts": "3"}, "maximum_attempts"),
        ({"backoff_coefficient": 0.5}, "backoff_coefficient"),
        ({"backoff_coefficient": 0}, "backoff_coefficient"),
        ({"backoff_coefficient": math.nan}, "backoff_coefficient"),
        ({"backoff_coefficient": "2"}, "backoff_coefficient"),
        ({"non_retryable_error_types": "ValueError"}, "non_retryable_error_types"),
    ],
    ids=repr,
)
def test_retry_policy_rejects_invalid_values(kwargs: dict[str, object], option: str) -> None:
    with pytest.raises(InvalidOptionError) as info:
        RetryPolicy(**kwargs)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    assert option in str(info.value)


def test_retry_policy_rejects_bool_backoff_coefficient() -> None:
    # maximum_attempts and durations reject bools; a bool backoff coefficient is just as wrong.
    with pytest.raises(InvalidOptionError) as info:
        RetryPolicy(backoff_coefficient=True)
    assert "backoff_coefficient" in str(info.value)


def test_retry_policy_rejects_exception_classes_as_error_type_names() -> None:
    # Temporal matches non-retryable errors by type *name*; a class would never match.
    with pytest.raises(InvalidOptionError) as info:
        RetryPolicy(non_retryable_error_types=[ValueError])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    assert "non_retryable_error_types" in str(info.value)


def test_retry_policy_equal_intervals_allowed() -> None:
    policy = RetryPolicy(initial_interval=5, maximum_interval=5, backoff_coefficient=1.0, maximum_attempts=1)
    assert policy.initial_interval == policy.maximum_interval == timedelta(seconds=5)
    assert policy.backoff_coefficient == 1.0


def test_retry_policy_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        RetryPolicy(1)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]


# --- id policies -------------------------------------------------------------------------------------


def test_id_conflict_policy_values() -> None:
    assert {p.name: p.value for p in IdConflictPolicy} == {
        "FAIL": "FAIL",
        "USE_EXISTING": "USE_EXISTING",
        "TERMINATE_EXISTING": "TERMINATE_EXISTING",
    }
    assert IdConflictPolicy("USE_EXISTING") is IdConflictPolicy.USE_EXISTING


def test_id_reuse_policy_values() -> None:
    assert {p.name: p.value for p in IdReusePolicy} == {
        "ALLOW_DUPLICATE": "ALLOW_DUPLICATE",
        "ALLOW_DUPLICATE_FAILED_ONLY": "ALLOW_DUPLICATE_FAILED_ONLY",
        "REJECT_DUPLICATE": "REJECT_DUPLICATE",
    }
    assert IdReusePolicy("REJECT_DUPLICATE") is IdReusePolicy.REJECT_DUPLICATE


def test_id_policies_reject_unknown_values() -> None:
    with pytest.raises(ValueError, match="IGNORE"):
        IdConflictPolicy("IGNORE")
    with pytest.raises(ValueError, match="ALLOW"):
        IdReusePolicy("ALLOW")
