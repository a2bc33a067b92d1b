"""Version 2 of test_replay's workflow that still replays version 1's histories.

A pure refactor: other local names, a helper method, extra deterministic computation, the same
commands (``rp_reserve`` then ``rp_charge``) in the same order.
"""

from __future__ import annotations

from pydantic import BaseModel

from temporal_runtime import ActivityDefinition, ActivityRegistry, Registry, Workflow, activity_def

activities: ActivityRegistry = Registry("activity")


class Order(BaseModel):
    order_id: str


@activity_def("rp_reserve", Args=Order, registry=activities)
async def reserve(args: Order) -> str:
    return f"reserved {args.order_id}"


@activity_def("rp_charge", Args=Order, registry=activities)
async def charge(args: Order) -> str:
    return f"charged {args.order_id}"


class ReplayOrderRefactored(Workflow, name="rp_ReplayOrder", registry=Registry("workflow")):
    async def process(self, order: Order) -> list[str]:
        steps: list[str] = []
        for activity in (reserve, charge):
            steps.append(await self._run_step(activity, order))
        summary = {step.split()[0]: len(step) for step in steps}  # pure, deterministic extra work
        assert len(summary) == len(steps)
        return steps

    async def _run_step(self, activity: ActivityDefinition[Order, str], order: Order) -> str:
        return await self.exec(activity, order, timeout=10)
