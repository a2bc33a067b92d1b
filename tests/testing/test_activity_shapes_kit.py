"""The testing kit with no-argument activities and results validated into the return annotation."""

from __future__ import annotations

from typing import assert_type

import pytest
from pydantic import BaseModel

from temporal_runtime import DefinitionError, InvalidArgumentsError, Workflow, activity_def
from temporal_runtime.testing import ActivityTester, WorkflowTester


class KitOrder(BaseModel):
    amount: int


class KitPayment(BaseModel):
    amount: int
    status: str


@activity_def("kit_shapes.charge", Args=KitOrder)
async def kit_charge(order: KitOrder) -> KitPayment:
    return KitPayment(amount=order.amount, status="captured")


@activity_def("kit_shapes.tick")
async def kit_tick() -> int:
    return 42


class KitShapesWorkflow(Workflow):
    async def run(self, amount: int) -> str:
        payment = await self.exec(kit_charge, KitOrder(amount=amount), timeout=5)
        ticks = await self.exec(kit_tick, timeout=5)
        return f"{payment.status}:{payment.amount}:{ticks}"


async def test_activity_tester_runs_a_no_argument_activity() -> None:
    result = await ActivityTester().run(kit_tick)
    assert_type(result, int)
    assert result == 42


async def test_activity_tester_returns_the_model_without_result() -> None:
    payment = await ActivityTester().run(kit_charge, {"amount": 3})
    assert type(payment) is KitPayment
    assert payment == KitPayment(amount=3, status="captured")


async def test_activity_tester_refuses_an_argument_for_a_no_argument_activity() -> None:
    with pytest.raises(InvalidArgumentsError, match=r"run\(activity\) with no argument"):
        await ActivityTester().run(kit_tick, 1)  # type: ignore[misc]  # pyright: ignore[reportArgumentType]  # deliberately wrong


async def test_workflow_tester_fakes_return_models_and_no_argument_fakes() -> None:
    tester = WorkflowTester(KitShapesWorkflow)
    tester.fake(kit_charge, lambda order: {"amount": order.amount * 2, "status": "faked"})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType, reportCallIssue]
    tester.fake(kit_tick, lambda: 5)
    assert await tester.run(KitShapesWorkflow.run, 4) == "faked:8:5"
    [record] = tester.calls_to(kit_tick)
    assert record.args is None


async def test_workflow_tester_fake_with_a_value_for_a_no_argument_activity() -> None:
    tester = WorkflowTester(
        KitShapesWorkflow, activities={kit_charge: KitPayment(amount=1, status="v"), kit_tick: 9}
    )
    assert await tester.run(KitShapesWorkflow.run, 1) == "v:1:9"


def test_a_fake_taking_an_argument_for_a_no_argument_activity_is_refused() -> None:
    with pytest.raises(DefinitionError, match=r"'kit_shapes\.tick'.*must take no argument"):
        # Not a type error (the fake's parameter is inferred as NoArgs): the kit refuses it at once.
        WorkflowTester(KitShapesWorkflow).fake(kit_tick, lambda value: 1)
