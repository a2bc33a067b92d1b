"""Child options are checked and converted before a child starts."""

from __future__ import annotations

from datetime import timedelta

import pytest
import temporalio.common
import temporalio.workflow

from temporal_runtime import IdReusePolicy, InvalidOptionError, ParentClosePolicy, RetryPolicy
from temporal_runtime_workflow import child_options


def test_our_options_become_temporalios() -> None:
    options = child_options(
        {
            "id": "c-1",
            "execution_timeout": 60,
            "run_timeout": timedelta(seconds=30),
            "retry_policy": RetryPolicy(maximum_attempts=2),
            "id_reuse_policy": IdReusePolicy.REJECT_DUPLICATE,
            "parent_close_policy": ParentClosePolicy.ABANDON,
            "memo": {"k": 1},
        },
        "start_child(X.run)",
    )
    kwargs = options.to_temporal()
    assert options.id == "c-1"
    assert kwargs["execution_timeout"] == timedelta(seconds=60)
    assert kwargs["run_timeout"] == timedelta(seconds=30)
    assert kwargs["retry_policy"].maximum_attempts == 2
    assert kwargs["id_reuse_policy"] is temporalio.common.WorkflowIDReusePolicy.REJECT_DUPLICATE
    assert kwargs["parent_close_policy"] is temporalio.workflow.ParentClosePolicy.ABANDON
    assert kwargs["memo"] == {"k": 1}


@pytest.mark.parametrize("policy", list(ParentClosePolicy))
def test_every_parent_close_policy_has_a_temporalio_twin(policy: ParentClosePolicy) -> None:
    converted = child_options({"parent_close_policy": policy}, "w").parent_close_policy
    assert converted.name == policy.name
    assert child_options({"parent_close_policy": converted}, "w").parent_close_policy is converted


def test_the_default_policy_is_terminate() -> None:
    assert child_options({}, "w").parent_close_policy is temporalio.workflow.ParentClosePolicy.TERMINATE


@pytest.mark.parametrize(
    ("options", "culprit"),
    [
        ({"parent_close": ParentClosePolicy.ABANDON}, "parent_close"),
        ({"parent_close_policy": "ABANDON"}, "parent_close_policy"),
        ({"execution_timeout": -1}, "execution_timeout"),
        ({"id": ""}, "id"),
        ({"memo": [1]}, "memo"),
        ({"retry_policy": 3}, "retry_policy"),
    ],
)
def test_a_wrong_option_names_itself_and_the_call(options: dict[str, object], culprit: str) -> None:
    with pytest.raises(InvalidOptionError, match=culprit) as info:
        child_options(options, "start_child(Pay.charge)")
    assert "start_child(Pay.charge)" in str(info.value)
