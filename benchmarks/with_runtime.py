"""Variant (b): the same workflow and activity written with temporal-runtime."""

from __future__ import annotations

from benchmarks.models import Order, Receipt
from temporal_runtime import Workflow, activity_def

__all__ = ["OrderWorkflow", "process_order"]


@activity_def("process_order", Args=Order, Result=Receipt)
async def process_order(order: Order) -> Receipt:
    return Receipt(order_id=order.order_id, status="paid", amount_cents=order.amount_cents)


class OrderWorkflow(Workflow):
    async def process(self, order: Order) -> Receipt:
        return await self.exec(process_order, order, timeout=10)
