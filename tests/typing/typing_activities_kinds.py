"""Static typing checks of the activity kinds of #12 (checked by mypy and pyright, never run):
thread activities (plain ``def``), thread method activities, ``exec_local``, ``exec(cancellation=)``,
``NonRetryableError``, ``RetryPolicy(non_retryable_errors=...)`` and ``remote_traceback``.

Negative cases are written ``# type: ignore[code]  # pyright: ignore[rule]``: an ignore that is no
longer needed is itself an error in both checkers.
"""

from __future__ import annotations

from typing import Any, assert_type

from pydantic import BaseModel

from temporal_runtime import (
    ActivityCancellation,
    ActivityDefinition,
    ActivityFailedError,
    ActivityInfo,
    MethodActivity,
    NoArgs,
    NonRetryableError,
    RetryPolicy,
    Workflow,
    WorkflowFailedError,
    activity_def,
    activity_info,
)
from temporal_runtime.testing import ActivityTester


class Item(BaseModel):
    sku: str


class Receipt(BaseModel):
    cents: int


@activity_def("typing_kinds.blocking", Args=Item)
def blocking(item: Item) -> Receipt:
    return Receipt(cents=len(item.sku))


@activity_def("typing_kinds.declared", Args=Item, Result=Receipt)
def declared(item: Item) -> Receipt:
    return Receipt(cents=1)


@activity_def("typing_kinds.tick")
def tick() -> int:
    return 1


@activity_def("typing_kinds.tick_declared", Result=int)
def tick_declared() -> int:
    return 1


@activity_def("typing_kinds.optional", Args=str | None)
def optional(text: str | None) -> str:
    return text or ""


@activity_def("typing_kinds.async", Args=Item)
async def async_pay(item: Item) -> Receipt:
    return Receipt(cents=2)


class Ledger:
    @activity_def("typing_kinds.add", Args=Item)
    def add(self, item: Item) -> int:
        return 1

    @activity_def("typing_kinds.count")
    def count(self) -> int:
        return 0


assert_type(blocking, ActivityDefinition[Item, Receipt])
assert_type(declared, ActivityDefinition[Item, Receipt])
assert_type(tick, ActivityDefinition[NoArgs, int])
assert_type(tick_declared, ActivityDefinition[NoArgs, int])
assert_type(optional, ActivityDefinition[str | None, str])
assert_type(Ledger.add, MethodActivity[Item, int])
assert_type(Ledger.count, MethodActivity[NoArgs, int])
assert_type(Ledger().add, ActivityDefinition[Item, int])
assert_type(blocking.is_thread, bool)


class CardDeclined(NonRetryableError):
    pass


assert_type(CardDeclined("no", details=[1]).details, tuple[object, ...])
RetryPolicy(non_retryable_errors=[CardDeclined, "KeyError"])
RetryPolicy(non_retryable_errors=[42])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]


def inspect_failures(activity_error: ActivityFailedError, workflow_error: WorkflowFailedError) -> None:
    assert_type(activity_error.remote_traceback, str | None)
    assert_type(workflow_error.remote_traceback, str | None)
    assert_type(activity_error.details, tuple[object, ...])
    assert_type(activity_error.error_type, str | None)


def inside_an_activity() -> None:
    info = activity_info()
    assert_type(info, ActivityInfo)
    assert_type(info.heartbeat_details, tuple[Any, ...])
    assert_type(info.local, bool)


class KindsWorkflow(Workflow):
    async def run(self, item: Item) -> int:
        receipt = await self.exec_local(blocking, item, timeout=5)
        assert_type(receipt, Receipt)
        ticks = await self.exec_local(tick, timeout=5, retry_policy=RetryPolicy(maximum_attempts=2))
        assert_type(ticks, int)
        added = await self.exec_local(Ledger.add, item, timeout=5, cancellation=ActivityCancellation.ABANDON)
        assert_type(added, int)
        paid = await self.exec_local(async_pay, item, timeout=5, schedule_to_close_timeout=20)
        assert_type(paid, Receipt)
        waited = await self.exec(blocking, item, timeout=5, cancellation=ActivityCancellation.WAIT)
        assert_type(waited, Receipt)

        # negatives: no heartbeat/task_queue options on a local activity, wrong arguments, a string
        # where the cancellation enum belongs
        await self.exec_local(blocking, item, timeout=5, heartbeat_timeout=3)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
        await self.exec_local(blocking, item, timeout=5, task_queue="q")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
        await self.exec_local(blocking, "not an item", timeout=5)  # type: ignore[misc]  # pyright: ignore[reportArgumentType]
        await self.exec_local(tick, 1, timeout=5)  # type: ignore[misc]  # pyright: ignore[reportArgumentType]
        await self.exec_local(blocking, timeout=5)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        await self.exec(blocking, item, timeout=5, cancellation="WAIT")  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]
        return receipt.cents + ticks + added


async def kit() -> None:
    result = await ActivityTester().run(blocking, Item(sku="a"))
    assert_type(result, Receipt)
    counted = await ActivityTester().run(Ledger().count)
    assert_type(counted, int)
