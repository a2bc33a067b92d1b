"""Activities of every shape on a real worker: a model result without ``Result=``, no argument.

Before #11 an activity declared without ``Result=`` whose implementation returns a model handed the
workflow a plain dict (type checkers said ``Payment``, the workflow then failed with
``AttributeError``), and an activity could not take zero arguments.
"""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from temporal_runtime import TemporalEngine, Workflow, activity_def

pytestmark = pytest.mark.integration


class ShapeOrder(BaseModel):
    amount: int


class ShapePayment(BaseModel):
    amount: int
    status: str


@activity_def("shapes.charge", Args=ShapeOrder)
async def charge(order: ShapeOrder) -> ShapePayment:
    return ShapePayment(amount=order.amount, status="captured")


@activity_def("shapes.maybe_charge", Args=ShapeOrder | None)
async def maybe_charge(order: ShapeOrder | None) -> ShapePayment | None:
    return None if order is None else ShapePayment(amount=order.amount, status="held")


@activity_def("shapes.tick")
async def tick() -> int:
    return 42


class ActivityShapesWorkflow(Workflow):
    async def run(self, amount: int) -> str:
        payment = await self.exec(charge, ShapeOrder(amount=amount), timeout=10)
        held = await self.exec(maybe_charge, ShapeOrder(amount=amount + 1), timeout=10)
        nothing = await self.exec(maybe_charge, None, timeout=10)
        ticks = await self.exec(tick, timeout=10)
        # Attribute access: a dict here would raise AttributeError.
        assert held is not None
        return f"{payment.status}:{payment.amount} {held.status}:{held.amount} {nothing} {ticks}"


async def test_model_result_without_result_and_a_no_argument_activity(engine: TemporalEngine) -> None:
    result = await ActivityShapesWorkflow.client(engine).run(7)
    assert result == "captured:7 held:8 None 42"
