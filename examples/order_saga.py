"""Order saga: a child payment workflow, and a refund when a later step fails.

What it shows (docs/children.md):

* ``await self.execute_child(PaymentWorkflow.charge, request, id=...)``: the payment runs as a child
  workflow with a business id and a history of its own (its retries and its provider calls do not
  grow the order's history, and it can be looked up, signalled or retried on its own);
* compensation: once the payment succeeded, a failure in a later step (shipping) runs a refund
  activity before the order fails, so the customer is never charged for an order that did not ship;
* a payment the child declines reaches the order as ``ChildWorkflowFailedError`` carrying the
  child's ``error_type`` and message: nothing to refund then;
* ``parent_close_policy=ParentClosePolicy.ABANDON`` on the receipt e-mail: a follow-up child that
  may outlive the order's run.

    python examples/order_saga.py
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass

from pydantic import BaseModel, Field

from temporal_runtime import (
    ChildWorkflowFailedError,
    ParentClosePolicy,
    RetryPolicy,
    TemporalEngine,
    Workflow,
    WorkflowFailedError,
    WorkflowFailure,
    activity_def,
)


# --- DTOs ------------------------------------------------------------------------------------------
class Order(BaseModel):
    order_id: str
    customer: str
    cents: int = Field(gt=0)
    address: str


class PaymentRequest(BaseModel):
    order_id: str
    customer: str
    cents: int


class Payment(BaseModel):
    payment_id: str
    cents: int


class Shipment(BaseModel):
    order_id: str
    address: str


class Refund(BaseModel):
    payment_id: str
    cents: int
    reason: str


class OrderOutcome(BaseModel):
    status: str
    payment_id: str | None = None
    tracking: str | None = None


# --- activities (a fake payment provider, warehouse and mailer) ---------------------------------------
CARDS_THAT_DECLINE = {"mallory"}
ADDRESSES_WE_CANNOT_SHIP_TO = {"Atlantis"}
REFUNDS: list[Refund] = []
"""Every refund issued (the example's stand-in for the provider's ledger)."""
RECEIPTS: list[str] = []


class CardDeclined(Exception):
    """The payment provider declined the card (not worth retrying)."""


class CannotShip(Exception):
    """The warehouse cannot ship to this address (not worth retrying)."""


@activity_def("saga_authorize", Args=PaymentRequest, Result=Payment)
async def authorize(request: PaymentRequest) -> Payment:
    if request.customer in CARDS_THAT_DECLINE:
        raise CardDeclined(f"card of {request.customer} declined")
    return Payment(payment_id=f"pay-{request.order_id}", cents=request.cents)


@activity_def("saga_ship", Args=Shipment, Result=str)
async def ship(shipment: Shipment) -> str:
    if shipment.address in ADDRESSES_WE_CANNOT_SHIP_TO:
        raise CannotShip(f"no carrier serves {shipment.address}")
    return f"track-{shipment.order_id}"


@activity_def("saga_refund", Args=Refund)
async def refund(request: Refund) -> None:
    REFUNDS.append(request)


@activity_def("saga_send_receipt", Args=Payment)
async def send_receipt(payment: Payment) -> None:
    RECEIPTS.append(payment.payment_id)


NO_RETRY_ON_BUSINESS_ERRORS = RetryPolicy(
    maximum_attempts=3, initial_interval=0.2, non_retryable_error_types=("CardDeclined", "CannotShip")
)


# --- workflows -------------------------------------------------------------------------------------
class PaymentWorkflow(Workflow):
    """Charges a customer: its own workflow, so that a payment has its own id and history."""

    async def charge(self, request: PaymentRequest) -> Payment:
        return await self.exec(authorize, request, timeout=10, retry_policy=NO_RETRY_ON_BUSINESS_ERRORS)

    async def email_receipt(self, payment: Payment) -> None:
        await self.exec(send_receipt, payment, timeout=10)


class OrderSagaWorkflow(Workflow):
    """Pay (child workflow), then ship; refund the payment if shipping fails."""

    async def place(self, order: Order) -> OrderOutcome:
        request = PaymentRequest(order_id=order.order_id, customer=order.customer, cents=order.cents)
        try:
            payment = await self.execute_child(
                PaymentWorkflow.charge, request, id=f"payment-{order.order_id}"
            )
        except ChildWorkflowFailedError as exc:
            # Nothing was charged: nothing to compensate. The child's own error says why.
            return OrderOutcome(status=f"payment failed: {exc.error_type}")
        try:
            tracking = await self.exec(
                ship,
                Shipment(order_id=order.order_id, address=order.address),
                timeout=10,
                retry_policy=NO_RETRY_ON_BUSINESS_ERRORS,
            )
        except WorkflowFailedError as exc:
            # Compensate the step that succeeded, then fail the order for everyone to see.
            reason = f"shipping failed: {exc.error_type}"
            await self.exec(
                refund, Refund(payment_id=payment.payment_id, cents=payment.cents, reason=reason), timeout=10
            )
            raise WorkflowFailure(f"order {order.order_id} refunded: {reason}") from exc
        # A follow-up that need not hold the order open: it survives the order's run ending.
        await self.start_child(
            PaymentWorkflow.email_receipt,
            payment,
            id=f"receipt-{order.order_id}",
            parent_close_policy=ParentClosePolicy.ABANDON,
        )
        return OrderOutcome(status="shipped", payment_id=payment.payment_id, tracking=tracking)


# --- running it ------------------------------------------------------------------------------------
@dataclass
class SagaScenario:
    shipped: OrderOutcome
    declined: OrderOutcome
    refunded_error: str
    refunds: list[Refund]


async def run_scenario(engine: TemporalEngine) -> SagaScenario:
    suffix = uuid.uuid4().hex[:6]
    orders = OrderSagaWorkflow.client(engine)

    shipped = await orders.place(Order(order_id=f"A-{suffix}", customer="alice", cents=1200, address="Paris"))
    print(f"shipped:  {shipped}")

    declined = await orders.place(
        Order(order_id=f"B-{suffix}", customer="mallory", cents=500, address="Paris")
    )
    print(f"declined: {declined}")

    refunds_before = len(REFUNDS)
    try:
        await orders.place(Order(order_id=f"C-{suffix}", customer="bob", cents=900, address="Atlantis"))
        refunded_error = "no error"
    except WorkflowFailedError as exc:
        refunded_error = str(exc)
    print(f"refunded: {refunded_error}")
    return SagaScenario(shipped, declined, refunded_error, REFUNDS[refunds_before:])


async def main(engine: TemporalEngine | None = None) -> SagaScenario:
    """Run the scenario on ``engine`` (already started), or on an embedded local server."""
    if engine is not None:
        return await run_scenario(engine)
    async with TemporalEngine(task_queue="order_saga", headless=True) as own_engine:
        return await run_scenario(own_engine)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main())
