"""Shop operations: find runs by what they are about, and run work on a schedule.

What it shows:

* typed search attribute keys declared once (``CustomerId``, ``OrderTotal``, ``OrderState``), set
  at start (``search_attributes=[CustomerId.value(...), ...]``) and upserted by the workflow as the
  order moves on (``self.upsert_search_attributes(OrderState.value("shipped"))``);
* a report built from the server's visibility store: ``engine.list(...)`` and ``engine.count(...)``
  by entry method, by status and with Temporal's list query language
  (``"CustomerId = 'c-1'"``), read back typed (``run.search_attributes.get(OrderTotal)``);
* a schedule (``engine.create_schedule``) that runs a stock check at an interval, triggered by
  hand once, with the scheduled run's result read back typed, then deleted.

The embedded server registers the declared search attributes when it starts; on a cluster, run
``await engine.register_search_attributes()`` once (see docs/visibility.md).

    python examples/shop_operations.py
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from pydantic import BaseModel, Field

from temporal_runtime import (
    ScheduleAction,
    SearchAttribute,
    TemporalEngine,
    Workflow,
    WorkflowExecution,
    WorkflowStatus,
    activity_def,
    wf_signal,
)

# --- search attributes: declared once, imported wherever they are used ---------------------------
CustomerId = SearchAttribute.keyword("CustomerId")
OrderTotal = SearchAttribute.float("OrderTotal")
OrderState = SearchAttribute.keyword("OrderState")


# --- DTOs ------------------------------------------------------------------------------------------
class Order(BaseModel):
    order_id: str
    customer_id: str
    total: float = Field(ge=0)


class Shipment(BaseModel):
    order_id: str
    tracking_number: str


class StockCheck(BaseModel):
    warehouse: str


class StockLevel(BaseModel):
    warehouse: str
    items_low: int


# --- activities ------------------------------------------------------------------------------------
@activity_def("shop_book_courier", Args=Order, Result=Shipment)
async def book_courier(order: Order) -> Shipment:
    """Pretend to book a courier for the order."""
    return Shipment(order_id=order.order_id, tracking_number=f"TRK-{order.order_id.upper()}")


@activity_def("shop_count_low_stock", Args=StockCheck, Result=StockLevel)
async def count_low_stock(check: StockCheck) -> StockLevel:
    """Pretend to query the warehouse system."""
    return StockLevel(warehouse=check.warehouse, items_low=len(check.warehouse))


# --- workflows -------------------------------------------------------------------------------------
class ShopOrderWorkflow(Workflow):
    """An order waits for the warehouse's ``packed`` signal, then ships. Its ``OrderState`` search
    attribute says where it is, so operators can list the orders waiting for the warehouse."""

    def __init__(self) -> None:
        self._packed = False

    async def place(self, order: Order) -> Shipment:
        self.upsert_search_attributes(OrderState.value("awaiting_packing"))
        await self.wait_until(lambda: self._packed)
        shipment = await self.exec(book_courier, order, timeout=30)
        self.upsert_search_attributes(OrderState.value("shipped"))
        return shipment

    @wf_signal()
    def packed(self) -> None:
        self._packed = True


class StockCheckWorkflow(Workflow):
    """What the schedule runs: one stock check of a warehouse."""

    async def check(self, check: StockCheck) -> StockLevel:
        return await self.exec(count_low_stock, check, timeout=30)


# --- the scenario ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ShopReport:
    """What the operations report found."""

    awaiting_packing: int
    """Orders waiting for the warehouse (entry method and ``OrderState``, counted on the server)."""
    open_orders_of_c1: tuple[str, ...]
    """Ids of customer c-1's running orders (listed with the query language)."""
    c1_open_total: float
    """Their totals, read back typed from the listed runs' search attributes."""
    shipped: Shipment
    """The result of the order that was packed."""
    stock_level: StockLevel
    """The result of the stock check the schedule ran when triggered."""
    schedule_actions: int
    """How many runs the schedule had started when it was deleted."""


async def run_scenario(engine: TemporalEngine) -> ShopReport:
    tag = uuid.uuid4().hex[:6]  # keeps repeated runs of the example (and tests) apart
    orders = [
        Order(order_id=f"o1-{tag}", customer_id=f"c-1-{tag}", total=30.0),
        Order(order_id=f"o2-{tag}", customer_id=f"c-1-{tag}", total=12.5),
        Order(order_id=f"o3-{tag}", customer_id=f"c-2-{tag}", total=99.0),
    ]
    handles = [
        await engine.start_workflow(
            ShopOrderWorkflow.place,
            order,
            id=f"shop-order-{order.order_id}",
            search_attributes=[CustomerId.value(order.customer_id), OrderTotal.value(order.total)],
            summary=f"order {order.order_id} of {order.customer_id}",
        )
        for order in orders
    ]
    await handles[0].signal(ShopOrderWorkflow.packed)
    shipped = await handles[0].result()

    # The report. Visibility is eventually consistent (the store sees starts and upserts a moment
    # later), so a report run right after the starts polls until it sees them.
    customers = f"('c-1-{tag}', 'c-2-{tag}')"
    open_of_c1: list[WorkflowExecution] = []
    awaiting = 0
    for _ in range(100):
        open_of_c1 = [
            run
            async for run in engine.list(
                f"CustomerId = 'c-1-{tag}'", workflow=ShopOrderWorkflow.place, status=WorkflowStatus.RUNNING
            )
        ]
        awaiting = await engine.count(
            f"OrderState = 'awaiting_packing' AND CustomerId IN {customers}", workflow=ShopOrderWorkflow.place
        )
        if len(open_of_c1) == 1 and awaiting == 2:
            break
        await asyncio.sleep(0.1)
    c1_total = sum(run.search_attributes.get(OrderTotal) or 0.0 for run in open_of_c1)

    schedule = await engine.create_schedule(
        StockCheckWorkflow.check,
        StockCheck(warehouse="north"),
        schedule_id=f"stock-check-{tag}",
        every=timedelta(hours=1),
        note="hourly stock check",
    )
    try:
        await schedule.trigger()
        action: ScheduleAction | None = None
        for _ in range(100):
            recent = (await schedule.describe()).recent_actions
            if recent:
                action = recent[0]
                break
            await asyncio.sleep(0.1)
        if action is None:
            raise RuntimeError(f"schedule {schedule.id!r} was triggered but started no run within 10 s")
        stock_level = await schedule.run_handle(action).result()
        action_count = (await schedule.describe()).num_actions
    finally:
        await schedule.delete()

    for handle in handles[1:]:  # the report is done: let the other orders ship too
        await handle.signal(ShopOrderWorkflow.packed)
        await handle.result()

    return ShopReport(
        awaiting_packing=awaiting,
        open_orders_of_c1=tuple(run.id for run in open_of_c1),
        c1_open_total=c1_total,
        shipped=shipped,
        stock_level=stock_level,
        schedule_actions=action_count,
    )


async def main(engine: TemporalEngine | None = None) -> ShopReport:
    """Run the scenario on ``engine`` (already started), or on an embedded local server."""
    if engine is not None:
        return await run_scenario(engine)
    async with TemporalEngine(task_queue="shop", headless=True) as own_engine:
        report = await run_scenario(own_engine)
    print(report)
    return report


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main())
