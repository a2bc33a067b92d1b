"""Order processing: steer a running workflow with signals and watch it with queries.

What it shows (the design's Usage Guide, "Signals & Queries", and "Lifecycle Management"):

* ``@wf_signal`` handlers ``pause``, ``resume`` and ``cancel(reason)`` that change workflow state;
* ``@wf_query`` handlers ``status`` and ``progress`` that read it while the workflow runs;
* ``await self.wait_until(...)`` inside the item loop, so a paused order makes no progress until it
  is resumed;
* signalling and querying by method reference (``handle.signal(OrderProcessingWorkflow.pause)``,
  ``handle.query(OrderProcessingWorkflow.progress)``, typed by the handler) both through the
  ``MethodHandle`` and through the engine by workflow id (``engine.signal``/``engine.query``);
* lifecycle calls by workflow id: ``engine.get_status``, ``engine.get_result(timeout_seconds=...)``,
  ``engine.cancel`` (graceful, Temporal-level) and ``engine.terminate`` (immediate).

The ``cancel`` *signal* is a business-level cancellation: the workflow notices it, stops processing
and returns normally with a ``cancelled: <reason>`` status. ``engine.cancel`` instead cancels the
execution itself (the workflow ends as CANCELED).

    python examples/order_processing.py
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from pydantic import BaseModel, Field

from temporal_runtime import (
    TemporalEngine,
    Workflow,
    WorkflowCancelledError,
    WorkflowStatus,
    WorkflowTerminatedError,
    activity_def,
    wf_query,
    wf_signal,
)

ITEM_PROCESSING_SECONDS = 0.3
"""How long the (simulated) work on one item takes."""


# --- DTOs ------------------------------------------------------------------------------------------
class OrderItem(BaseModel):
    sku: str
    quantity: int = Field(gt=0)


class Order(BaseModel):
    order_id: str
    items: list[OrderItem]


class ItemProcessed(BaseModel):
    sku: str
    reserved: int


class OrderResult(BaseModel):
    status: str
    items: int = 0


# --- activities ------------------------------------------------------------------------------------
@activity_def("order_process_item", Args=OrderItem, Result=ItemProcessed)
async def process_item(item: OrderItem) -> ItemProcessed:
    """Reserve stock for one item (simulated: it takes a moment)."""
    await asyncio.sleep(ITEM_PROCESSING_SECONDS)
    return ItemProcessed(sku=item.sku, reserved=item.quantity)


# --- the workflow ----------------------------------------------------------------------------------
class OrderProcessingWorkflow(Workflow):
    """Processes an order's items one by one.

    Signals: ``pause()``, ``resume()``, ``cancel(reason)``.
    Queries: ``status() -> str``, ``progress() -> {"status": str, "items_processed": int}``.
    """

    def __init__(self) -> None:
        self._status = "pending"
        self._items_processed = 0
        self._paused = False
        self._cancelled = False

    @wf_signal("cancel")
    async def cancel(self, reason: str) -> None:
        self._cancelled = True
        self._status = f"cancelled: {reason}"

    @wf_signal("pause")
    async def pause(self) -> None:
        self._paused = True

    @wf_signal("resume")
    async def resume(self) -> None:
        self._paused = False

    @wf_query("status")
    async def status(self) -> str:
        return self._status

    @wf_query("progress")
    async def progress(self) -> dict[str, int | str]:
        return {"status": self._status, "items_processed": self._items_processed}

    async def process_order(self, order: Order) -> OrderResult:
        # Signals sent right after the start are handled before this method runs: keep their effect.
        if not self._cancelled:
            self._status = "processing"
        for item in order.items:
            # A cancel also ends a pause, so a paused order can still be cancelled.
            await self.wait_until(lambda: not self._paused or self._cancelled)
            if self._cancelled:
                return OrderResult(status=self._status, items=self._items_processed)
            await self.exec(process_item, item, timeout=60)
            self._items_processed += 1
        self._status = "completed"
        return OrderResult(status=self._status, items=self._items_processed)


# --- running it ------------------------------------------------------------------------------------
class OrderScenario(BaseModel):
    """What the scenario observed, in order."""

    total_items: int
    progress_when_paused: dict[str, int | str]
    progress_settled_paused: dict[str, int | str]
    progress_after_waiting_paused: dict[str, int | str]
    progress_after_resume: dict[str, int | str]
    final_status: str
    result: OrderResult
    workflow_status: WorkflowStatus
    completed_order: OrderResult
    engine_cancelled_status: WorkflowStatus
    engine_cancel_error: str
    terminated_status: WorkflowStatus
    terminate_error: str


def make_order(order_id: str, n_items: int) -> Order:
    return Order(
        order_id=order_id, items=[OrderItem(sku=f"SKU-{i:03d}", quantity=i + 1) for i in range(n_items)]
    )


async def _progress_until(
    engine: TemporalEngine, workflow_id: str, done: int, timeout: float = 30
) -> dict[str, int | str]:
    """Poll the ``progress`` query until at least ``done`` items were processed."""

    async def poll() -> dict[str, int | str]:
        while True:
            progress = await engine.query(workflow_id, OrderProcessingWorkflow.progress)
            if int(progress["items_processed"]) >= done:
                return progress
            await asyncio.sleep(0.05)

    return await asyncio.wait_for(poll(), timeout)


async def run_scenario(engine: TemporalEngine) -> OrderScenario:
    suffix = uuid.uuid4().hex[:8]
    orders = OrderProcessingWorkflow.client(engine)
    order = make_order(f"ORD-{suffix}", 12)

    # Start without waiting, then pause at once. The item in flight (if any) still finishes, but no
    # new item starts while paused.
    handle = await orders.options(id=f"order-{order.order_id}").async_(
        OrderProcessingWorkflow.process_order, order
    )
    await handle.signal(OrderProcessingWorkflow.pause)
    paused_at = await handle.query(OrderProcessingWorkflow.progress)
    print(f"paused:               {paused_at}")
    await asyncio.sleep(3 * ITEM_PROCESSING_SECONDS)  # let an item that was in flight finish
    settled = await handle.query(OrderProcessingWorkflow.progress)
    await asyncio.sleep(1.0)  # several items' worth of time: nothing happens while paused
    still_paused = await handle.query(OrderProcessingWorkflow.progress)
    print(f"still paused (+1 s):  {still_paused}")

    await handle.signal(OrderProcessingWorkflow.resume)
    after_resume = await _progress_until(engine, handle.id, int(still_paused["items_processed"]) + 1)
    print(f"resumed:              {after_resume}")

    # Business-level cancel, through the engine by workflow id.
    await engine.signal(handle.id, OrderProcessingWorkflow.cancel, "Customer request")
    final = await engine.query(handle.id, OrderProcessingWorkflow.status)
    print(f"status after cancel:  {final}")
    result = await handle.result(timeout=30)
    print(f"result:               {result.model_dump_json()}")
    workflow_status = await engine.get_status(handle.id)  # it returned normally: COMPLETED

    # An order left alone completes.
    completed = await orders.process_order(make_order(f"ORD-{suffix}-small", 2))
    print(f"small order:          {completed.model_dump_json()}")

    # Lifecycle management by id: cancel the execution itself (graceful) ...
    paused_order = await orders.async_(
        OrderProcessingWorkflow.process_order, make_order(f"ORD-{suffix}-c", 3)
    )
    await paused_order.signal(OrderProcessingWorkflow.pause)
    try:
        await engine.get_result(paused_order.id, timeout_seconds=0.5)
    except TimeoutError as exc:
        print(f"get_result timed out: {exc}")
    await engine.cancel(paused_order.id)
    try:
        await engine.get_result(paused_order.id, timeout_seconds=30)
        cancel_error = "no error"
    except WorkflowCancelledError as exc:
        cancel_error = type(exc).__name__
    cancelled_status = await engine.get_status(paused_order.id)
    print(f"engine.cancel:        {cancelled_status.value} ({cancel_error})")

    # ... or terminate it (immediate; no workflow code runs).
    stuck_order = await orders.async_(OrderProcessingWorkflow.process_order, make_order(f"ORD-{suffix}-t", 3))
    await stuck_order.signal(OrderProcessingWorkflow.pause)
    await asyncio.sleep(3 * ITEM_PROCESSING_SECONDS)  # let the item in flight finish first
    await engine.terminate(stuck_order.id, "Stuck in warehouse")
    try:
        await stuck_order.result(timeout=30)
        terminate_error = "no error"
    except WorkflowTerminatedError as exc:
        terminate_error = type(exc).__name__
    terminated_status = await stuck_order.status()
    print(f"engine.terminate:     {terminated_status.value} ({terminate_error})")

    return OrderScenario(
        total_items=len(order.items),
        progress_when_paused=paused_at,
        progress_settled_paused=settled,
        progress_after_waiting_paused=still_paused,
        progress_after_resume=after_resume,
        final_status=final,
        result=result,
        workflow_status=workflow_status,
        completed_order=completed,
        engine_cancelled_status=cancelled_status,
        engine_cancel_error=cancel_error,
        terminated_status=terminated_status,
        terminate_error=terminate_error,
    )


async def main(engine: TemporalEngine | None = None) -> OrderScenario:
    """Run the scenario on ``engine`` (already started), or on an embedded local server."""
    if engine is not None:
        return await run_scenario(engine)
    async with TemporalEngine(task_queue="order_processing", headless=True) as own_engine:
        return await run_scenario(own_engine)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main())
