"""Static typing checks of activities of every shape (checked by mypy and pyright, never run).

``assert_type`` fails type checking if an inferred type drifts; the ``# type: ignore`` /
``# pyright: ignore`` lines are negative cases that must stay errors for both checkers (an ignore
that is no longer needed is itself an error).
"""

from __future__ import annotations

from typing import Annotated, assert_type

from pydantic import BaseModel, Field

from temporal_runtime import ActivityDefinition, NoArgs, Workflow, activity_def
from temporal_runtime.testing import ActivityTester, WorkflowTester


class Item(BaseModel):
    sku: str


class Payment(BaseModel):
    amount: int


@activity_def("typing_act.pay", Args=Item)
async def pay(item: Item) -> Payment:
    return Payment(amount=len(item.sku))


@activity_def("typing_act.maybe", Args=str | None, Result=Payment | None)
async def maybe(text: str | None) -> Payment | None:
    return None


@activity_def("typing_act.items", Args=list[Item])
async def items(values: list[Item]) -> list[Item]:
    return values


@activity_def("typing_act.positive", Args=Annotated[int, Field(gt=0)])
async def positive(value: int) -> int:
    return value


@activity_def("typing_act.tick")
async def tick() -> int:
    return 1


@activity_def("typing_act.tock", Result=Payment)
async def tock() -> Payment:
    return Payment(amount=1)


assert_type(pay, ActivityDefinition[Item, Payment])
assert_type(maybe, ActivityDefinition[str | None, Payment | None])
assert_type(items, ActivityDefinition[list[Item], list[Item]])
assert_type(positive, ActivityDefinition[int, int])
assert_type(tick, ActivityDefinition[NoArgs, int])
assert_type(tock, ActivityDefinition[NoArgs, Payment])


class ActivitiesWorkflow(Workflow):
    async def run(self) -> None:
        assert_type(await self.exec(pay, Item(sku="a"), timeout=5), Payment)
        assert_type(await self.exec(maybe, None, timeout=5), Payment | None)
        assert_type(await self.exec(maybe, "x", timeout=5), Payment | None)
        assert_type(await self.exec(items, [Item(sku="a")], timeout=5), list[Item])
        assert_type(await self.exec(positive, 3, timeout=5), int)
        assert_type(await self.exec(tick, timeout=5), int)
        assert_type(await self.exec(tock, timeout=5), Payment)

        # --- negative cases: errors in both checkers ---
        await self.exec(tick, 1, timeout=5)  # type: ignore[misc]  # pyright: ignore[reportArgumentType]
        await self.exec(pay, timeout=5)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        await self.exec(pay, 5, timeout=5)  # type: ignore[misc]  # pyright: ignore[reportArgumentType]
        await self.exec(maybe, 5, timeout=5)  # type: ignore[misc]  # pyright: ignore[reportArgumentType]


async def in_process() -> None:
    assert_type(await pay(Item(sku="a")), Payment)
    assert_type(await tick(), int)
    assert_type(await maybe(None), Payment | None)
    await tick(1)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]
    await pay()  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]


async def in_the_kit() -> None:
    tester = ActivityTester()
    assert_type(await tester.run(tick), int)
    assert_type(await tester.run(pay, Item(sku="a")), Payment)
    assert_type(await tester.run(pay, {"sku": "a"}), Payment)
    await tester.run(tick, 1)  # type: ignore[misc]  # pyright: ignore[reportArgumentType]
    await tester.run(pay)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]

    wf = WorkflowTester(ActivitiesWorkflow)
    wf.fake(tick, lambda: 2)
    wf.fake(tick, 3)
    wf.fake(pay, lambda item: Payment(amount=len(item.sku)))


# Wrong implementation shapes are errors too: an argument without Args=, none with Args=, a wrong Args.
async def _one(value: int) -> int:
    return value


async def _none() -> int:
    return 0


# (A one-parameter function given to activity_def(name) without Args= is refused at run time only: to a
# type checker it has the shape of a no-argument method activity, `async def tick(self)`.)
activity_def("typing_act.bad3", Args=int)(_none)  # type: ignore[arg-type]  # pyright: ignore[reportCallIssue, reportArgumentType]
activity_def("typing_act.bad2", Args=Item)(_one)  # type: ignore[arg-type]  # pyright: ignore[reportCallIssue, reportArgumentType]
