"""Subscription: charge a customer every month, for years, with a bounded history.

What it shows:

* a durable timer between charges: ``await self.wait_until(lambda: self._cancelled,
  timeout=period)`` sleeps a month (survives restarts) and wakes early when the customer cancels;
* ``self.continue_as_new(Subscription.run, plan, state)`` every 12 charges: a run's history grows
  with every charge, so after a year the run ends and a fresh run (same workflow id, empty history)
  carries on with the state passed to it. The caller's ``result()`` follows the chain of runs;
* ``self.logger`` (replay-safe: nothing is logged twice when a worker rebuilds the run) and
  ``self.info`` (which run of the chain this is);
* an idempotency key per charge derived from the workflow id and the period, so a retried charge
  activity can never bill twice.

    python examples/subscription.py
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid

from pydantic import BaseModel, Field

from temporal_runtime import TemporalEngine, Workflow, activity_def, wf_query, wf_signal

DAY = 24 * 3600


# --- DTOs ------------------------------------------------------------------------------------------
class Plan(BaseModel):
    customer_id: str
    price_cents: int = Field(gt=0)
    months: int | None = Field(default=None, gt=0)  # None: until cancelled
    period_seconds: float = Field(default=30 * DAY, gt=0)
    charges_per_run: int = Field(default=12, gt=0)  # continue as new after this many charges


class BillingState(BaseModel):
    charged_months: int = 0
    total_cents: int = 0
    receipts: list[str] = []
    runs: int = 1


class Charge(BaseModel):
    customer_id: str
    amount_cents: int
    idempotency_key: str


class SubscriptionSummary(BaseModel):
    customer_id: str
    charged_months: int
    total_cents: int
    runs: int
    cancelled: bool
    last_receipts: list[str]


# --- activities ------------------------------------------------------------------------------------
@activity_def("subscription_charge", Args=Charge)
async def charge(args: Charge) -> str:
    """Pretend to charge the card (a payment API would take the idempotency key); returns a receipt."""
    return f"rcpt-{args.idempotency_key}"


# --- the workflow ----------------------------------------------------------------------------------
class Subscription(Workflow):
    """Charges ``plan.price_cents`` every ``plan.period_seconds`` until ``plan.months`` charges or a
    ``cancel`` signal. Query ``charged_months`` reads the progress."""

    def __init__(self) -> None:
        self._cancelled = False
        self._charged = 0

    @wf_signal("cancel")
    def cancel(self) -> None:
        self._cancelled = True

    @wf_query("charged_months")
    def charged_months(self) -> int:
        return self._charged

    async def run(self, plan: Plan, state: BillingState | None = None) -> SubscriptionSummary:
        state = state or BillingState()
        self._charged = state.charged_months
        for _ in range(plan.charges_per_run):
            if self._cancelled or (plan.months is not None and state.charged_months >= plan.months):
                return _summary(plan, state, cancelled=self._cancelled)
            period = state.charged_months + 1
            receipt = await self.exec(
                charge,
                Charge(
                    customer_id=plan.customer_id,
                    amount_cents=plan.price_cents,
                    idempotency_key=f"{self.workflow_id}-{period}",
                ),
                timeout=30,
            )
            state.charged_months = period
            state.total_cents += plan.price_cents
            state.receipts = [*state.receipts[-2:], receipt]  # keep the state small, too
            self._charged = period
            self.logger.info("charged %s for month %d (run %d)", plan.customer_id, period, state.runs)
            with contextlib.suppress(TimeoutError):  # a month went by without a cancel
                await self.wait_until(lambda: self._cancelled, timeout=plan.period_seconds)
        # A year of charges in this run's history: start afresh, carrying the state over.
        state.runs += 1
        self.continue_as_new(Subscription.run, plan, state)


def _summary(plan: Plan, state: BillingState, *, cancelled: bool) -> SubscriptionSummary:
    return SubscriptionSummary(
        customer_id=plan.customer_id,
        charged_months=state.charged_months,
        total_cents=state.total_cents,
        runs=state.runs,
        cancelled=cancelled,
        last_receipts=state.receipts,
    )


# --- running it ------------------------------------------------------------------------------------
class SubscriptionOutcomes(BaseModel):
    finished: SubscriptionSummary
    cancelled: SubscriptionSummary
    first_run_id: str | None
    last_run_id: str


async def run_scenarios(engine: TemporalEngine) -> SubscriptionOutcomes:
    suffix = uuid.uuid4().hex[:8]
    # A "month" of 0.05 seconds, so that the demo takes a second: 15 charges, 4 per run.
    plan = Plan(
        customer_id=f"cust-{suffix}", price_cents=999, months=15, period_seconds=0.05, charges_per_run=4
    )
    handle = await engine.start_workflow(Subscription.run, plan)
    finished = await handle.result(timeout=60)  # follows the chain to the last run
    last = await engine.get_handle_for(Subscription.run, handle.id).describe()
    print(f"finished:  {finished.model_dump_json()}")

    # Cancelled during its first month.
    long_plan = Plan(customer_id=f"cust-{suffix}-2", price_cents=1500, period_seconds=3600)
    cancelled_handle = await engine.start_workflow(Subscription.run, long_plan)
    for _ in range(600):  # until the first month is charged
        if await cancelled_handle.query(Subscription.charged_months) >= 1:
            break
        await asyncio.sleep(0.05)
    await cancelled_handle.signal(Subscription.cancel)
    cancelled = await cancelled_handle.result(timeout=30)
    print(f"cancelled: {cancelled.model_dump_json()}")
    return SubscriptionOutcomes(
        finished=finished, cancelled=cancelled, first_run_id=handle.run_id, last_run_id=last.run_id
    )


async def main(engine: TemporalEngine | None = None) -> SubscriptionOutcomes:
    """Run the scenarios on ``engine`` (already started), or on an embedded local server."""
    if engine is not None:
        return await run_scenarios(engine)
    async with TemporalEngine(task_queue="subscription", headless=True) as own_engine:
        return await run_scenarios(own_engine)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(main())
