"""Child workflows under WorkflowTester: fakes (values, exceptions, sync and async functions), the real
child class in-process, the record of starts, signals and cancellation, without a server."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    ChildWorkflowFailedError,
    InvalidArgumentsError,
    InvalidOptionError,
    NotInWorkflowError,
    ParentClosePolicy,
    UnknownMethodError,
    Workflow,
    WorkflowFailure,
    activity_def,
    wf_signal,
)
from temporal_runtime.testing import MissingFakeError, WorkflowTester


class Charge(BaseModel):
    order_id: str
    cents: int


class Receipt(BaseModel):
    order_id: str
    cents: int
    note: str = ""


@activity_def("kit_child_fee", Args=Charge)
async def fee(charge: Charge) -> int:
    raise NotImplementedError  # faked


class KitPayment(Workflow):
    def __init__(self) -> None:
        self.approver: str | None = None

    async def charge(self, charge: Charge) -> Receipt:
        cents = await self.exec(fee, charge, timeout=10)
        await self.sleep(3600)
        return Receipt(order_id=charge.order_id, cents=cents, note=self.workflow_id)

    async def decline(self, charge: Charge) -> Receipt:
        raise WorkflowFailure("declined", details=[charge.cents])

    async def approval(self, charge: Charge) -> str:
        await self.wait_until(lambda: self.approver is not None)
        return f"approved by {self.approver}"

    @wf_signal("approve")
    def approve(self, by: str) -> None:
        self.approver = by


class KitOrder(Workflow):
    async def pay_twice(self, order_id: str) -> list[int]:
        receipts = await asyncio.gather(
            self.execute_child(KitPayment.charge, Charge(order_id=order_id, cents=1)),
            self.child(KitPayment, parent_close_policy=ParentClosePolicy.ABANDON).charge(
                Charge(order_id=order_id, cents=2)
            ),
        )
        return [r.cents for r in receipts]

    async def pay_declined(self, order_id: str) -> str:
        try:
            await self.execute_child(KitPayment.decline, Charge(order_id=order_id, cents=3), id="pay-1")
        except ChildWorkflowFailedError as exc:
            return f"{exc.error_type}:{exc.details}:{exc.child_workflow_id}"
        return "paid"

    async def approve_child(self, order_id: str) -> str:
        handle = await self.start_child(KitPayment.approval, Charge(order_id=order_id, cents=4))
        await handle.signal(KitPayment.approve, "bob")
        return await handle.result()

    async def cancel_child(self, order_id: str) -> str:
        handle = await self.start_child(KitPayment.approval, Charge(order_id=order_id, cents=5))
        handle.cancel()
        try:
            await handle.result()
        except ChildWorkflowFailedError as exc:
            return str(exc.error_type)
        return "finished"

    async def elsewhere(self, order_id: str) -> object:
        return await self.execute_child_by_name("Shipping", "ship", {"order_id": order_id})

    async def bad_argument(self, order_id: str) -> str:
        await self.start_child(KitPayment.charge, "not a charge")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        return "started"

    async def bad_option(self, order_id: str) -> str:
        await self.start_child(KitPayment.charge, Charge(order_id=order_id, cents=1), parent_close="x")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
        return "started"


async def test_a_fake_value_answers_every_start_and_starts_are_recorded() -> None:
    tester = WorkflowTester(KitOrder).fake_child(KitPayment.charge, Receipt(order_id="o", cents=9))
    assert await tester.run(KitOrder.pay_twice, "o1") == [9, 9]
    records = tester.children
    assert [(r.id, r.workflow_type, r.method, r.faked) for r in records] == [
        ("test-workflow/KitPayment.charge-1", "KitPayment", "charge", True),
        ("test-workflow/KitPayment.charge-2", "KitPayment", "charge", True),
    ]
    assert records[0].kwargs == {"charge": {"order_id": "o1", "cents": 1}}
    assert records[1].options.parent_close_policy.name == "ABANDON"


async def test_a_fake_function_is_called_with_the_childs_arguments() -> None:
    seen: list[Charge] = []

    async def fake(charge: Charge) -> Receipt:
        seen.append(charge)
        return Receipt(order_id=charge.order_id, cents=charge.cents * 10)

    tester = WorkflowTester(KitOrder).fake_child(KitPayment.charge, fake)
    assert await tester.run(KitOrder.pay_twice, "o2") == [10, 20]
    assert seen == [Charge(order_id="o2", cents=1), Charge(order_id="o2", cents=2)]


async def test_a_sync_fake_and_an_exception_fake() -> None:
    tester = WorkflowTester(KitOrder).fake_child(
        KitPayment.charge, lambda charge: Receipt(order_id=charge.order_id, cents=7)
    )
    assert await tester.run(KitOrder.pay_twice, "o3") == [7, 7]
    failing = WorkflowTester(KitOrder).fake_child(KitPayment.decline, ValueError("no funds"))
    assert await failing.run(KitOrder.pay_declined, "o3") == "ValueError:():pay-1"


async def test_without_a_fake_the_real_child_runs_in_process_on_the_virtual_clock() -> None:
    tester = WorkflowTester(KitOrder, activities={fee: 5})
    assert await tester.run(KitOrder.pay_twice, "o4") == [5, 5]
    assert [c.name for c in tester.calls] == ["kit_child_fee", "kit_child_fee"]
    assert [r.faked for r in tester.children] == [False, False]


async def test_a_real_child_failure_reaches_the_parent_with_its_type_and_details() -> None:
    assert await WorkflowTester(KitOrder).run(KitOrder.pay_declined, "o5") == "WorkflowFailure:(3,):pay-1"


async def test_a_signal_reaches_a_real_child() -> None:
    tester = WorkflowTester(KitOrder)
    assert await tester.run(KitOrder.approve_child, "o6") == "approved by bob"
    assert tester.children[0].signals == [("approve", ["bob"])]


async def test_a_cancelled_child_reads_as_a_cancelled_error() -> None:
    tester = WorkflowTester(KitOrder)
    assert await tester.run(KitOrder.cancel_child, "o7") == "CancelledError"
    assert tester.children[0].cancel_requested


async def test_a_child_by_name_needs_a_fake() -> None:
    with pytest.raises(MissingFakeError, match=r"Shipping\.ship"):
        await WorkflowTester(KitOrder).run(KitOrder.elsewhere, "o8")
    tester = WorkflowTester(KitOrder).fake_child("Shipping", "ship", {"tracking": "T-1"})
    assert await tester.run(KitOrder.elsewhere, "o8") == {"tracking": "T-1"}
    assert tester.children[0].kwargs == {"order_id": "o8"}


async def test_child_arguments_and_options_are_checked_before_the_start() -> None:
    with pytest.raises(InvalidArgumentsError, match="charge"):
        await WorkflowTester(KitOrder).run(KitOrder.bad_argument, "o9")
    with pytest.raises(InvalidOptionError, match="parent_close"):
        await WorkflowTester(KitOrder).run(KitOrder.bad_option, "o9")


async def test_start_child_outside_a_workflow_says_how_to_test() -> None:
    with pytest.raises(NotInWorkflowError, match="WorkflowTester"):
        await KitOrder().start_child(KitPayment.charge, Charge(order_id="x", cents=1))


def test_the_child_proxy_offers_only_the_immediate_style() -> None:
    from temporal_runtime_workflow._children import ChildProxy

    proxy = ChildProxy(KitOrder(), KitPayment, {})
    for name in ("async_", "after", "options"):
        with pytest.raises(AttributeError, match="start_child"):
            getattr(proxy, name)


class KitProxyMisuse(Workflow):
    async def run(self) -> str:
        proxy = self.child(KitPayment)
        return str(proxy.async_)  # the child proxy offers the immediate style only


async def test_the_child_proxy_refuses_async_and_names_start_child() -> None:
    tester = WorkflowTester(KitProxyMisuse)
    with pytest.raises(
        UnknownMethodError, match=r"self\.child\(KitPayment\)\.async_ is not offered.*start_child"
    ):
        await tester.run(KitProxyMisuse.run)
