"""examples/order_saga.py on the session's real dev server, and under WorkflowTester."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from examples import order_saga
from examples.order_saga import Order, OrderSagaWorkflow, Payment, PaymentWorkflow
from temporal_runtime import TemporalEngine, WorkflowFailure, WorkflowStatus
from temporal_runtime.testing import WorkflowTester

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.integration
@pytest.mark.temporal_runtime(modules=[order_saga])
async def test_order_saga_ships_declines_and_refunds(temporal_engine: TemporalEngine) -> None:
    scenario = await asyncio.wait_for(order_saga.main(temporal_engine), 90)

    assert scenario.shipped.status == "shipped"
    assert scenario.shipped.payment_id is not None
    assert scenario.shipped.payment_id.startswith("pay-A-")
    assert scenario.shipped.tracking is not None
    assert scenario.shipped.tracking.startswith("track-A-")
    assert scenario.declined.status == "payment failed: CardDeclined"
    assert "refunded: shipping failed: CannotShip" in scenario.refunded_error
    assert [(r.cents, r.reason) for r in scenario.refunds] == [(900, "shipping failed: CannotShip")]

    # the payment is a workflow of its own, with its business id; the abandoned receipt child ran on
    order_id = scenario.shipped.payment_id.removeprefix("pay-")
    payment = await temporal_engine.describe(f"payment-{order_id}")
    assert payment.status is WorkflowStatus.COMPLETED
    for _ in range(50):
        if (await temporal_engine.describe(f"receipt-{order_id}")).status is WorkflowStatus.COMPLETED:
            break
        await asyncio.sleep(0.2)
    assert scenario.shipped.payment_id in order_saga.RECEIPTS


def _order(customer: str = "alice", address: str = "Paris") -> Order:
    return Order(order_id="T-1", customer=customer, cents=1500, address=address)


async def test_the_saga_refunds_when_shipping_fails_without_a_server() -> None:
    refunds: list[order_saga.Refund] = []
    tester = WorkflowTester(
        OrderSagaWorkflow,
        activities={order_saga.ship: order_saga.CannotShip("flooded"), order_saga.refund: refunds.append},
    ).fake_child(PaymentWorkflow.charge, Payment(payment_id="pay-T-1", cents=1500))
    with pytest.raises(WorkflowFailure, match="refunded"):
        await tester.run(OrderSagaWorkflow.place, _order(address="Atlantis"))
    assert [(r.payment_id, r.cents) for r in refunds] == [("pay-T-1", 1500)]
    assert [c.id for c in tester.children] == ["payment-T-1"]


async def test_a_declined_payment_needs_no_refund() -> None:
    tester = WorkflowTester(OrderSagaWorkflow, activities={order_saga.refund: None}).fake_child(
        PaymentWorkflow.charge, order_saga.CardDeclined("no")
    )
    outcome = await tester.run(OrderSagaWorkflow.place, _order(customer="mallory"))
    assert outcome.status == "payment failed: CardDeclined"
    assert tester.calls == []


async def test_the_real_payment_child_runs_in_process() -> None:
    tester = WorkflowTester(
        OrderSagaWorkflow,
        activities={
            order_saga.authorize: Payment(payment_id="pay-T-1", cents=1500),
            order_saga.ship: "track-T-1",
            order_saga.send_receipt: None,
        },
    )
    outcome = await tester.run(OrderSagaWorkflow.place, _order())
    assert (outcome.status, outcome.tracking) == ("shipped", "track-T-1")
    assert [(c.id, c.options.parent_close_policy.name) for c in tester.children] == [
        ("payment-T-1", "TERMINATE"),
        ("receipt-T-1", "ABANDON"),
    ]
