"""Child workflows on a real dev server (sandbox on): typed starts, parallel children, failures,
parent-close policies, signals and cancellation."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    ChildHandle,
    ChildWorkflowFailedError,
    InvalidArgumentsError,
    ParentClosePolicy,
    TemporalEngine,
    Workflow,
    WorkflowFailedError,
    WorkflowFailure,
    WorkflowNotFoundError,
    WorkflowStatus,
    wf_query,
    wf_signal,
)

pytestmark = pytest.mark.integration


class Charge(BaseModel):
    order_id: str
    cents: int


class Receipt(BaseModel):
    order_id: str
    cents: int
    by: str


class PaymentChild(Workflow):
    def __init__(self) -> None:
        self.approver: str | None = None

    async def charge(self, charge: Charge) -> Receipt:
        await self.sleep(0.5)
        return Receipt(order_id=charge.order_id, cents=charge.cents, by=self.workflow_id)

    async def decline(self, charge: Charge) -> Receipt:
        raise WorkflowFailure(f"card declined for {charge.order_id}", details=[charge.cents])

    async def await_approval(self, charge: Charge) -> str:
        await self.wait_until(lambda: self.approver is not None)
        assert self.approver is not None
        return f"{charge.order_id} approved by {self.approver}"

    async def wait_forever(self, charge: Charge) -> str:
        await self.sleep(3600)
        return "never"

    @wf_signal("approve")
    def approve(self, by: str) -> None:
        self.approver = by


class ParentFlow(Workflow):
    def __init__(self) -> None:
        self.child_id: str | None = None

    async def two_in_parallel(self, order_id: str) -> list[Receipt]:
        first, second = await asyncio.gather(
            self.execute_child(PaymentChild.charge, Charge(order_id=f"{order_id}-a", cents=100)),
            self.child(PaymentChild).charge(Charge(order_id=f"{order_id}-b", cents=200)),
        )
        return [first, second]

    async def with_failing_child(self, order_id: str) -> str:
        try:
            await self.execute_child(PaymentChild.decline, Charge(order_id=order_id, cents=5))
        except ChildWorkflowFailedError as exc:
            return f"{exc.error_type}|{exc.child_workflow_type}|{exc.details}|{exc.child_workflow_id}"
        return "no error"

    async def uncaught_failing_child(self, order_id: str) -> str:
        return (await self.execute_child(PaymentChild.decline, Charge(order_id=order_id, cents=5))).by

    async def leave_child(self, child_id: str, policy: str) -> str:
        handle = await self.start_child(
            PaymentChild.wait_forever,
            Charge(order_id=child_id, cents=1),
            id=child_id,
            parent_close_policy=ParentClosePolicy[policy],
        )
        return handle.id

    async def signal_child(self, order_id: str) -> str:
        handle = await self.start_child(PaymentChild.await_approval, Charge(order_id=order_id, cents=1))
        await handle.signal(PaymentChild.approve, "alice")
        return await handle.result()

    async def cancel_child(self, order_id: str) -> str:
        handle = await self.start_child(PaymentChild.wait_forever, Charge(order_id=order_id, cents=1))
        self.child_id = handle.id
        handle.cancel()
        try:
            await handle.result()
        except ChildWorkflowFailedError as exc:
            return f"{exc.error_type}"
        return "not cancelled"

    async def bad_child_argument(self, order_id: str) -> str:
        try:
            await self.start_child(PaymentChild.charge, {"order_id": order_id, "cents": "many"})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        except InvalidArgumentsError as exc:
            return f"rejected: {'cents' in str(exc)}"
        return "started"

    async def by_name(self, order_id: str) -> Receipt:
        handle: ChildHandle[Receipt] = await self.start_child_by_name(
            "PaymentChild", "charge", {"charge": Charge(order_id=order_id, cents=7)}, result_type=Receipt
        )
        return await handle.result()

    async def cancel_on_parent(self, order_id: str) -> str:
        return await self.execute_child(PaymentChild.wait_forever, Charge(order_id=order_id, cents=1))

    @wf_query("child_id")
    def get_child_id(self) -> str | None:
        return self.child_id


def _id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def test_two_children_run_in_parallel_with_typed_results(engine: TemporalEngine) -> None:
    parent_id = _id("parent")
    loop = asyncio.get_running_loop()
    began = loop.time()
    receipts = await engine.execute_workflow(ParentFlow.two_in_parallel, "o1", id=parent_id)
    elapsed = loop.time() - began
    assert [(r.order_id, r.cents) for r in receipts] == [("o1-a", 100), ("o1-b", 200)]
    # the default ids are deterministic: the parent's id, the child's type and method, a counter
    assert [r.by for r in receipts] == [
        f"{parent_id}/PaymentChild.charge-1",
        f"{parent_id}/PaymentChild.charge-2",
    ]
    assert elapsed < 8  # each child sleeps 0.5 s; in parallel


async def test_a_failing_child_raises_child_workflow_failed_error_in_the_parent(
    engine: TemporalEngine,
) -> None:
    parent_id = _id("parent")
    outcome = await engine.execute_workflow(ParentFlow.with_failing_child, "o2", id=parent_id)
    assert outcome == f"WorkflowFailure|PaymentChild|(5,)|{parent_id}/PaymentChild.decline-1"


async def test_an_uncaught_child_failure_fails_the_parent_with_the_childs_error(
    engine: TemporalEngine,
) -> None:
    handle = await engine.start_workflow(ParentFlow.uncaught_failing_child, "o3")
    with pytest.raises(ChildWorkflowFailedError) as info:
        await handle.result(timeout=30)
    assert isinstance(info.value, WorkflowFailedError)
    assert info.value.error_type == "WorkflowFailure"
    assert info.value.child_workflow_type == "PaymentChild"
    assert info.value.workflow_id == handle.id
    assert "card declined for o3" in str(info.value)
    assert await handle.status() is WorkflowStatus.FAILED


async def _status_eventually(engine: TemporalEngine, workflow_id: str, expected: WorkflowStatus) -> None:
    status: Any = None
    for _ in range(100):
        status = (await engine.describe(workflow_id)).status
        if status is expected:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"{workflow_id} is {status}, expected {expected}")


@pytest.mark.parametrize(
    ("policy", "expected"),
    [("ABANDON", WorkflowStatus.RUNNING), ("TERMINATE", WorkflowStatus.TERMINATED)],
)
async def test_parent_close_policy_decides_the_childs_fate(
    engine: TemporalEngine, policy: str, expected: WorkflowStatus
) -> None:
    child_id = _id(f"child-{policy.lower()}")
    assert await engine.execute_workflow(ParentFlow.leave_child, child_id, policy) == child_id
    await _status_eventually(engine, child_id, expected)
    description = await engine.describe(child_id)
    assert description.method == "wait_forever"  # recorded as for a client start
    if expected is WorkflowStatus.RUNNING:
        await engine.get_handle(child_id).terminate("test clean-up")


async def test_a_parent_signals_its_child_by_reference(engine: TemporalEngine) -> None:
    assert await engine.execute_workflow(ParentFlow.signal_child, "o4") == "o4 approved by alice"


async def test_a_parent_cancels_its_child(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(ParentFlow.cancel_child, "o5")
    assert await handle.result(timeout=30) == "CancelledError"
    child_id = await handle.query(ParentFlow.get_child_id)
    assert child_id is not None
    assert (await engine.describe(child_id)).status is WorkflowStatus.CANCELED


async def test_child_arguments_are_validated_before_the_child_starts(engine: TemporalEngine) -> None:
    assert await engine.execute_workflow(ParentFlow.bad_child_argument, "o6") == "rejected: True"


async def test_a_child_by_name_decodes_into_the_given_result_type(engine: TemporalEngine) -> None:
    receipt = await engine.execute_workflow(ParentFlow.by_name, "o7")
    assert isinstance(receipt, Receipt)
    assert (receipt.order_id, receipt.cents) == ("o7", 7)


async def test_cancelling_the_parent_cancels_the_child_and_ends_both_canceled(engine: TemporalEngine) -> None:
    parent = await engine.start_workflow(ParentFlow.cancel_on_parent, "o8")
    child_id = f"{parent.id}/PaymentChild.wait_forever-1"
    for _ in range(100):  # cancel once the parent awaits its started child (not while it starts it)
        try:
            await _status_eventually(engine, child_id, WorkflowStatus.RUNNING)
            break
        except WorkflowNotFoundError:
            await asyncio.sleep(0.2)
    await asyncio.sleep(0.5)
    await parent.cancel()
    with pytest.raises(Exception, match="cancelled"):
        await parent.result(timeout=30)
    assert await parent.status() is WorkflowStatus.CANCELED
    await _status_eventually(engine, child_id, WorkflowStatus.CANCELED)
