"""``@handler.validator``: attached at class definition, checked there (a plain ``def`` with the
update's parameters, one per update), and called directly like any method in unit tests."""

from __future__ import annotations

from typing import Any

import pytest

from temporal_runtime import DefinitionError, Workflow, wf_update
from temporal_runtime_workflow import definition_of, validator_of


class ValidatedWorkflow(Workflow):
    def __init__(self) -> None:
        self.limit = 0

    async def run(self) -> int:
        return self.limit

    @wf_update("set_limit")
    async def set_limit(self, limit: int) -> int:
        self.limit = limit
        return limit

    @set_limit.validator
    def _check_limit(self, limit: int) -> None:
        if limit < 0:
            raise ValueError("limit must be >= 0")


def test_the_validator_is_attached_to_its_update_and_stays_a_plain_method() -> None:
    spec = definition_of(ValidatedWorkflow).update("set_limit")
    assert validator_of(spec.fn) is ValidatedWorkflow._check_limit  # pyright: ignore[reportPrivateUsage]
    wf = ValidatedWorkflow()
    wf._check_limit(3)  # pyright: ignore[reportPrivateUsage]  # unit tests call it directly
    with pytest.raises(ValueError, match="limit must be >= 0"):
        wf._check_limit(-1)  # pyright: ignore[reportPrivateUsage]
    assert validator_of(definition_of(ValidatedWorkflow).entry("run").fn) is None


def _handler() -> Any:
    @wf_update()
    def bump(self: Any, by: int) -> int:
        return by

    return bump


def test_an_async_validator_is_rejected() -> None:
    async def check(self: Any, by: int) -> None:
        return None

    with pytest.raises(DefinitionError, match=r"must be a plain `def`.*drop `async`"):
        _handler().validator(check)


def test_a_validator_with_other_parameters_is_rejected() -> None:
    def check(self: Any, amount: int) -> None:
        return None

    with pytest.raises(DefinitionError, match=r"takes \(self, amount\) instead of its parameters"):
        _handler().validator(check)


def test_an_update_has_one_validator() -> None:
    def check(self: Any, by: int) -> None:
        return None

    handler = _handler()
    handler.validator(check)
    with pytest.raises(DefinitionError, match="already has the validator"):
        handler.validator(check)
