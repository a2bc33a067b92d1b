"""Updates: @wf_update handlers answer callers, validate arguments and fail only the update."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field

from temporal_runtime import (
    TemporalEngine,
    UnknownMethodError,
    UpdateFailedError,
    Workflow,
    wf_query,
    wf_signal,
    wf_update,
)

pytestmark = pytest.mark.integration


class Deposit(BaseModel):
    amount: int = Field(gt=0)


class Balance(BaseModel):
    total: int


class AccountWorkflow(Workflow):
    def __init__(self) -> None:
        self.total = 0
        self.closed = False

    @wf_update("deposit")
    async def deposit(self, deposit: Deposit) -> Balance:
        if deposit.amount > 1000:
            raise ValueError("deposits over 1000 need review")
        self.total += deposit.amount
        return Balance(total=self.total)

    @wf_update()
    def reset(self) -> int:
        previous, self.total = self.total, 0
        return previous

    @wf_query("total")
    def get_total(self) -> int:
        return self.total

    @wf_signal("close")
    def close(self) -> None:
        self.closed = True

    async def open(self) -> Balance:
        await self.wait_until(lambda: self.closed)
        return Balance(total=self.total)


async def test_update_returns_typed_answer_and_changes_state(engine: TemporalEngine) -> None:
    handle = await AccountWorkflow.client(engine).async_.open()
    assert await handle.update("deposit", Deposit(amount=5)) == Balance(total=5)
    assert await handle.update("deposit", {"amount": 7}) == Balance(total=12)
    assert await engine.update(handle.id, "deposit", Deposit(amount=1)) == Balance(total=13)
    assert await handle.update("reset") == 13
    assert await handle.query("total") == 0
    await handle.signal("close")
    assert await handle.result(timeout=20) == Balance(total=0)


async def test_failing_update_fails_only_the_update(engine: TemporalEngine) -> None:
    handle = await AccountWorkflow.client(engine).async_.open()
    with pytest.raises(UpdateFailedError, match="need review") as info:
        await handle.update("deposit", Deposit(amount=5000))
    assert info.value.error_type == "ValueError"
    assert await handle.update("deposit", Deposit(amount=2)) == Balance(total=2)  # still running
    await handle.signal("close")
    assert await handle.result(timeout=20) == Balance(total=2)


async def test_invalid_update_arguments_and_names_fail_locally(engine: TemporalEngine) -> None:
    from temporal_runtime import InvalidArgumentsError

    handle = await AccountWorkflow.client(engine).async_.open()
    with pytest.raises(InvalidArgumentsError, match="amount"):
        await handle.update("deposit", {"amount": -1})
    with pytest.raises(UnknownMethodError, match="withdraw"):
        await handle.update("withdraw", Deposit(amount=1))
    await handle.terminate()
