"""Method activities run on the instance the engine is given, and stubs served by another worker,
on a real Temporal dev server."""

from __future__ import annotations

import sys
import uuid
from typing import Any

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    ActivityDefinition,
    ActivityFailedError,
    InvalidOptionError,
    Registry,
    RetryPolicy,
    TemporalEngine,
    Workflow,
    activity_def,
    activity_stub,
)
from temporal_runtime.testing import select_registries

pytestmark = pytest.mark.integration

# Own registries, not the default one: an engine elsewhere in the suite that serves everything
# registered would otherwise need an instance for these method activities.
LEDGER: Registry[ActivityDefinition[Any, Any]] = Registry("activity")
BILLING: Registry[ActivityDefinition[Any, Any]] = Registry("activity")


class Entry(BaseModel):
    amount: int


class Charge(BaseModel):
    cents: int


class Receipt(BaseModel):
    receipt_id: str
    cents: int


class Counter:
    """The resource the method activities need: a plain object living in the worker's process."""

    def __init__(self) -> None:
        self.total = 0
        self.calls = 0


class LedgerActivities:
    def __init__(self, counter: Counter) -> None:
        self._counter = counter

    @activity_def("it_meth.add", Args=Entry, registry=LEDGER)
    async def add(self, entry: Entry) -> int:
        self._counter.total += entry.amount
        self._counter.calls += 1
        return self._counter.total

    @activity_def("it_meth.total", registry=LEDGER)
    async def total(self) -> int:
        return self._counter.total


# Served by the billing engine below; the ledger engine only declares them.
charge = activity_stub("it_meth.charge", Args=Charge, Result=Receipt)
ping = activity_stub("it_meth.ping", Result=str)


@activity_def("it_meth.charge", Args=Charge, registry=BILLING)
async def charge_card(args: Charge) -> Receipt:
    return Receipt(receipt_id=f"r-{args.cents}", cents=args.cents)


@activity_def("it_meth.ping", registry=BILLING)
async def billing_ping() -> str:
    return "pong"


class LedgerWorkflow(Workflow):
    async def book(self, amounts: list[int], billing_queue: str) -> str:
        for amount in amounts:
            await self.exec(LedgerActivities.add, Entry(amount=amount), timeout=10)
        total = await self.exec(LedgerActivities.total, timeout=10)
        receipt = await self.exec(charge, Charge(cents=total), timeout=10, task_queue=billing_queue)
        pong = await self.exec(ping, timeout=10, task_queue=billing_queue)
        return f"{receipt.receipt_id}:{receipt.cents}:{type(receipt).__name__}:{pong}"

    async def charge_here(self, cents: int) -> str:
        # The stub on this engine's own queue, whose worker does not serve it.
        receipt = await self.exec(
            charge, Charge(cents=cents), timeout=10, retry_policy=RetryPolicy(maximum_attempts=1)
        )
        return receipt.receipt_id


def _queue(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def ledger_engine(address: str, *instances: object) -> TemporalEngine:
    workflows, _ = select_registries([sys.modules[__name__]])
    return TemporalEngine(
        address,
        task_queue=_queue("ledger"),
        workflow_registry=workflows,
        activity_registry=LEDGER,
        activity_instances=instances,
    )


async def test_method_activities_run_on_the_instance_and_stubs_on_the_serving_worker(
    temporal_address: str,
) -> None:
    counter = Counter()
    billing_queue = _queue("billing")
    billing = TemporalEngine(
        temporal_address,
        task_queue=billing_queue,
        workflow_registry=Registry("workflow"),
        activity_registry=BILLING,
    )
    async with billing, ledger_engine(temporal_address, LedgerActivities(counter)) as engine:
        result = await LedgerWorkflow.client(engine).book([5, 7], billing_queue)
    assert result == "r-12:12:Receipt:pong"
    assert (counter.total, counter.calls) == (12, 2)  # the instance given to the engine did the work


async def test_a_stub_on_a_queue_whose_worker_does_not_serve_it_is_scheduled_not_refused(
    temporal_address: str,
) -> None:
    # An activity nobody registered fails at once with ActivityNotRegisteredError (see test_lifecycle);
    # a stub is scheduled: the ledger worker polls its queue, gets the task and, not serving the stub,
    # reports temporalio's NotFoundError listing what it does serve.
    async with ledger_engine(temporal_address, LedgerActivities(Counter())) as engine:
        with pytest.raises(ActivityFailedError) as info:
            await LedgerWorkflow.client(engine).charge_here(3)
    assert info.value.error_type == "NotFoundError"
    assert "it_meth.charge" in str(info.value)
    assert "available activities: it_meth.add, it_meth.total" in str(info.value)


async def test_a_method_activity_without_an_instance_fails_the_engine_start(temporal_address: str) -> None:
    engine = ledger_engine(temporal_address)
    with pytest.raises(InvalidOptionError) as info:
        await engine.start()
    assert not engine.started
    message = str(info.value)
    assert "LedgerActivities: 'it_meth.add', 'it_meth.total'" in message
    assert "TemporalEngine(activity_instances=[LedgerActivities(...)])" in message
