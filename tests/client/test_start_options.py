"""StartOptions: immutable start settings, converted once per entry method."""

from __future__ import annotations

import copy
import pickle
from datetime import timedelta

import pytest
import temporalio.common

from temporal_runtime import IdReusePolicy, InvalidOptionError, RetryPolicy, StartOptions
from temporal_runtime_client import METHOD_MEMO_KEY


def test_conversion_to_temporalio_arguments() -> None:
    opts = StartOptions(
        execution_timeout=60,
        id_reuse_policy=IdReusePolicy.REJECT_DUPLICATE,
        retry_policy=RetryPolicy(maximum_attempts=3),
        memo={"team": "billing"},
        extra={"static_summary": "nightly"},
    )
    kwargs = opts.to_temporal("process")
    assert kwargs["execution_timeout"] == timedelta(seconds=60)
    assert kwargs["id_reuse_policy"] is temporalio.common.WorkflowIDReusePolicy.REJECT_DUPLICATE
    assert kwargs["retry_policy"] == temporalio.common.RetryPolicy(maximum_attempts=3)
    assert kwargs["memo"] == {"team": "billing", METHOD_MEMO_KEY: "process"}
    assert kwargs["static_summary"] == "nightly"
    assert opts.to_temporal(None)["memo"] == {"team": "billing"}


def test_conversion_happens_once_per_method() -> None:
    opts = StartOptions(run_timeout=5)
    assert opts.to_temporal("a") is opts.to_temporal("a")
    assert opts.to_temporal("b")["memo"] == {METHOD_MEMO_KEY: "b"}
    assert opts.to_temporal("a")["memo"] == {METHOD_MEMO_KEY: "a"}


def test_later_changes_to_the_callers_dicts_do_not_leak_in() -> None:
    memo = {"team": "billing"}
    extra: dict[str, object] = {"static_summary": "one"}
    opts = StartOptions(memo=memo, extra=extra)
    memo["team"] = "changed"
    extra["static_summary"] = "two"
    assert opts.memo == {"team": "billing"}
    assert opts.to_temporal("m")["static_summary"] == "one"


def test_options_can_be_copied_and_pickled() -> None:
    opts = StartOptions(id="o-1", memo={"a": [1]}, execution_timeout=5)
    opts.to_temporal("m")
    for copied in (copy.deepcopy(opts), pickle.loads(pickle.dumps(opts))):
        assert copied == opts
        assert copied.to_temporal("m")["memo"] == {"a": [1], METHOD_MEMO_KEY: "m"}


def test_options_compare_by_value_and_merge_into_new_options() -> None:
    opts = StartOptions(id="order-1", memo={"a": 1})
    opts.to_temporal("m")  # a filled cache does not affect equality or copies
    assert opts == StartOptions(id="order-1", memo={"a": 1})
    merged = opts.merge(execution_timeout=10, id=None)
    assert merged.id == "order-1"
    assert merged.to_temporal("m")["execution_timeout"] == timedelta(seconds=10)
    assert opts.to_temporal("m")["execution_timeout"] is None


def test_unknown_and_invalid_options_are_named() -> None:
    with pytest.raises(InvalidOptionError, match="colour") as info:
        StartOptions().merge(colour="red")
    assert "_converted" not in str(info.value)
    assert "execution_timeout" in str(info.value)
    with pytest.raises(InvalidOptionError, match="_converted"):
        StartOptions().merge(_converted={})
    with pytest.raises(InvalidOptionError, match="memo must be a mapping"):
        StartOptions(memo=["not", "a", "mapping"])  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    with pytest.raises(InvalidOptionError, match="execution_timeout"):
        StartOptions(execution_timeout=-1).to_temporal("m")
    with pytest.raises(InvalidOptionError, match="workflow id"):
        StartOptions(id="").to_temporal("m")
