"""Static typing checks of child workflows (checked by mypy and pyright, never run).

``assert_type`` fails type checking if an inferred type drifts; the ``# type: ignore`` /
``# pyright: ignore`` lines are negative cases that must stay errors for both checkers (an ignore
that is no longer needed is itself an error).
"""

from __future__ import annotations

from typing import Any, assert_type

from pydantic import BaseModel

from temporal_runtime import ChildHandle, ParentClosePolicy, Workflow, wf_signal
from temporal_runtime.testing import ChildStartRecord, WorkflowTester


class Charge(BaseModel):
    cents: int


class Receipt(BaseModel):
    cents: int


class TypingPayment(Workflow):
    async def charge(self, charge: Charge) -> Receipt:
        return Receipt(cents=charge.cents)

    async def refund(self, charge: Charge, reason: str) -> bool:
        return True

    async def ping(self) -> int:
        return 1

    @wf_signal("approve")
    def approve(self, by: str) -> None: ...


class TypingOther(Workflow):
    async def run(self) -> None: ...

    @wf_signal("stop")
    def stop(self) -> None: ...


class TypingParent(Workflow):
    async def run(self, charge: Charge) -> None:
        handle = await self.start_child(TypingPayment.charge, charge, id="c-1", task_queue="q")
        assert_type(handle, ChildHandle[Receipt, TypingPayment])
        assert_type(handle.id, str)
        assert_type(handle.run_id, str | None)
        assert_type(await handle.result(), Receipt)
        await handle.signal(TypingPayment.approve, "alice")
        await handle.signal("approve", "alice")
        handle.cancel()

        assert_type(await self.execute_child(TypingPayment.charge, charge), Receipt)
        assert_type(await self.execute_child(TypingPayment.refund, charge, "dup"), bool)
        assert_type(await self.execute_child(TypingPayment.ping), int)
        assert_type(
            await self.execute_child(
                TypingPayment.charge,
                charge,
                parent_close_policy=ParentClosePolicy.ABANDON,
                execution_timeout=60,
                memo={"k": 1},
            ),
            Receipt,
        )

        proxy = self.child(TypingPayment, id="c-2")
        assert_type(proxy, TypingPayment)
        assert_type(await proxy.charge(charge), Receipt)
        assert_type(await self.child(TypingPayment).refund(charge, "dup"), bool)

        named = await self.start_child_by_name("Shipping", "ship", {"order": 1}, result_type=Receipt)
        assert_type(named, ChildHandle[Receipt])
        assert_type(await named.result(), Receipt)
        untyped = await self.start_child_by_name("Shipping", "ship")
        assert_type(untyped, ChildHandle[Any])
        assert_type(await self.execute_child_by_name("Shipping", "ship", result_type=int), int)

        # --- negatives -------------------------------------------------------------------------
        await self.start_child(TypingPayment.charge, "not a charge")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        await self.execute_child(TypingPayment.charge, charge, parent_close="x")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
        await self.execute_child(TypingPayment.charge, charge, execution_timeout="soon")  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]
        await handle.signal(TypingOther.stop)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
        await handle.signal(TypingPayment.approve, 3)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
        await self.child(TypingPayment).charge("not a charge")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        await self.child(TypingPayment, idd="x").charge(charge)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue, reportUnknownMemberType]


async def kit() -> None:
    tester = WorkflowTester(TypingParent).fake_child(TypingPayment.charge, Receipt(cents=1))
    tester.fake_child(TypingPayment.charge, lambda charge: Receipt(cents=charge.cents))
    tester.fake_child("Shipping", "ship", {"tracking": "t"})
    assert_type(tester.children, list[ChildStartRecord])
    # (a fake of the wrong type is a mypy error; pyright widens R to Receipt | str and accepts it, and
    # the tester's result conversion rejects it at run time)
