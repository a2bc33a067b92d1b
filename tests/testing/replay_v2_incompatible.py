"""Version 2 of test_replay's workflow that can NOT replay version 1's histories.

Same workflow type name as ``ReplayOrder`` in test_replay.py, in a private registry (type names are
unique per registry). Activities are declared again under the same names in a private activity
registry: replay only compares activity type names, it never runs activities.
"""

from __future__ import annotations

from pydantic import BaseModel

from temporal_runtime import ActivityRegistry, Registry, Workflow, activity_def

activities: ActivityRegistry = Registry("activity")


class Order(BaseModel):
    order_id: str


@activity_def("rp_reserve", Args=Order, registry=activities)
async def reserve(args: Order) -> str:
    return f"reserved {args.order_id}"


@activity_def("rp_charge", Args=Order, registry=activities)
async def charge(args: Order) -> str:
    return f"charged {args.order_id}"


class ReplayOrderSwapped(Workflow, name="rp_ReplayOrder", registry=Registry("workflow")):
    """Charges before reserving: the first command no longer matches the history."""

    async def process(self, order: Order) -> list[str]:
        charged = await self.exec(charge, order, timeout=10)
        reserved = await self.exec(reserve, order, timeout=10)
        return [reserved, charged]


class ReplayOrderWithTimer(Workflow, name="rp_ReplayOrder", registry=Registry("workflow")):
    """Sleeps between the two activities: a timer where the history has the second activity."""

    async def process(self, order: Order) -> list[str]:
        reserved = await self.exec(reserve, order, timeout=10)
        await self.sleep(1)
        charged = await self.exec(charge, order, timeout=10)
        return [reserved, charged]
