"""Quickstart: an order checkout flow with two activities and one workflow.

Run it with no Temporal installation of your own: the engine starts a local Temporal dev server
(from the ``temporal-runtime[local]`` extra), runs the workflow on it and stops it again.

    python examples/quickstart.py
"""

from __future__ import annotations

import asyncio
import logging

from pydantic import BaseModel, Field

from temporal_runtime import TemporalEngine, Workflow, activity_def


# --- DTOs ------------------------------------------------------------------------------------------
class Order(BaseModel):
    order_id: str
    customer_email: str
    amount_cents: int = Field(gt=0)


class Payment(BaseModel):
    payment_id: str
    amount_cents: int


class Receipt(BaseModel):
    order_id: str
    payment_id: str
    message_id: str


class EmailArgs(BaseModel):
    to: str
    subject: str
    body: str


# --- activities: plain async functions with typed DTOs --------------------------------------------
@activity_def("charge_card", Args=Order, Result=Payment)
async def charge_card(order: Order) -> Payment:
    return Payment(payment_id=f"pay-{order.order_id}", amount_cents=order.amount_cents)


@activity_def("send_email", Args=EmailArgs)
async def send_email(email: EmailArgs) -> str:
    return f"msg-{abs(hash((email.to, email.subject))) % 10_000:04d}"


# --- the workflow: a plain class; each step is durable ---------------------------------------------
class CheckoutWorkflow(Workflow):
    async def checkout(self, order: Order) -> Receipt:
        payment = await self.exec(charge_card, order, timeout=30)
        message_id = await self.exec(
            send_email,
            EmailArgs(
                to=order.customer_email,
                subject=f"Order {order.order_id} confirmed",
                body=f"We charged {payment.amount_cents / 100:.2f} EUR.",
            ),
            timeout=30,
        )
        return Receipt(order_id=order.order_id, payment_id=payment.payment_id, message_id=message_id)


async def main() -> Receipt:
    # No url: an embedded local Temporal server is started (headless here; drop headless=True to
    # get the Temporal Web UI address logged).
    async with TemporalEngine(task_queue="quickstart", headless=True) as engine:
        checkout = CheckoutWorkflow.client(engine)
        receipt = await checkout.checkout(
            Order(order_id="A-1001", customer_email="ada@example.com", amount_cents=4200)
        )
        print(f"Workflow result: {receipt.model_dump_json()}")
        return receipt


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main())
