"""Variant (a): raw temporalio as its documentation recommends.

``@activity.defn`` / ``@workflow.defn``, the pydantic data converter and the default sandboxed
runner; the DTO module is imported through ``workflow.unsafe.imports_passed_through()``.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():
    from benchmarks.models import Order, Receipt

__all__ = ["RawOrderWorkflow", "process_order"]


@activity.defn
async def process_order(order: Order) -> Receipt:
    return Receipt(order_id=order.order_id, status="paid", amount_cents=order.amount_cents)


@workflow.defn
class RawOrderWorkflow:
    @workflow.run
    async def run(self, order: Order) -> Receipt:
        return await workflow.execute_activity(
            process_order, order, start_to_close_timeout=timedelta(seconds=10)
        )
