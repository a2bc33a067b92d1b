"""WorkflowTester: workflows run in-process with fake activities and a virtual clock (no server)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from unittest.mock import AsyncMock, Mock

import pytest
import temporalio.common
import temporalio.exceptions
from pydantic import BaseModel, Field

from temporal_runtime import (
    ActivityFailedError,
    DefinitionError,
    InvalidArgumentsError,
    InvalidOptionError,
    QueryWaitError,
    RetryPolicy,
    TemporalRuntimeError,
    UnknownMethodError,
    UpdateFailedError,
    Workflow,
    WorkflowCancelledError,
    WorkflowNotFoundError,
    activity_def,
    wf_query,
    wf_signal,
)
from temporal_runtime.testing import (
    ActivityCallRecord,
    MissingFakeError,
    WorkflowTester,
    WorkflowTesterHandle,
)
from temporal_runtime_workflow import wf_update

START = datetime(2024, 1, 1, tzinfo=UTC)


# --- DTOs and activities (names unique to this file: "wt_") ----------------------------------------
class ChargeArgs(BaseModel):
    order_id: str
    amount_cents: int = Field(ge=0)


class Receipt(BaseModel):
    receipt_id: str
    amount_cents: int


class ShipArgs(BaseModel):
    order_id: str
    address: str


class Note(BaseModel):
    to: str
    text: str


class Order(BaseModel):
    order_id: str
    amount_cents: int
    address: str = "1 Main St"


class OrderOutcome(BaseModel):
    status: str
    receipt_id: str | None = None
    tracking: str | None = None
    refunded: bool = False
    workflow_id: str = ""
    finished_at: datetime | None = None


@activity_def("wt_charge", Args=ChargeArgs, Result=Receipt)
async def charge(args: ChargeArgs) -> Receipt:
    return Receipt(receipt_id=f"real-{args.order_id}", amount_cents=args.amount_cents)


@activity_def("wt_refund", Args=ChargeArgs, Result=Receipt)
async def refund(args: ChargeArgs) -> Receipt:
    raise AssertionError("never called: tests fake it")


@activity_def("wt_ship", Args=ShipArgs)
async def ship(args: ShipArgs) -> str:
    raise AssertionError("never called: tests fake it")


@activity_def("wt_notify", Args=Note)
async def notify(args: Note) -> None:
    raise AssertionError("never called: tests fake it")


# --- workflows -------------------------------------------------------------------------------------
class WtOrderWorkflow(Workflow):
    """Charge, ship; if shipping fails, refund (compensation)."""

    def __init__(self) -> None:
        self.steps: list[str] = []

    async def process(self, order: Order) -> OrderOutcome:
        receipt = await self.exec(
            charge, ChargeArgs(order_id=order.order_id, amount_cents=order.amount_cents), timeout=30
        )
        self.steps.append("charged")
        try:
            tracking = await self.exec(
                ship,
                ShipArgs(order_id=order.order_id, address=order.address),
                timeout=60,
                task_queue="wt-ship",
            )
        except ActivityFailedError:
            await self.exec(
                refund, ChargeArgs(order_id=order.order_id, amount_cents=order.amount_cents), timeout=30
            )
            self.steps.append("refunded")
            return OrderOutcome(status="refunded", receipt_id=receipt.receipt_id, refunded=True)
        self.steps.append("shipped")
        return OrderOutcome(
            status="shipped",
            receipt_id=receipt.receipt_id,
            tracking=tracking,
            workflow_id=self.workflow_id,
            finished_at=self.now(),
        )

    async def swallow_errors(self, order: Order) -> str:
        try:
            await self.exec(ship, ShipArgs(order_id=order.order_id, address=order.address), timeout=5)
        except Exception:
            return "swallowed"
        return "shipped"


class WtClockWorkflow(Workflow):
    def __init__(self) -> None:
        self.ticks: list[datetime] = []

    async def nap(self, days: int) -> datetime:
        await self.sleep(timedelta(days=days))
        return self.now()

    async def tick(self, times: int, every_seconds: float) -> int:
        for _ in range(times):
            await self.sleep(every_seconds)
            self.ticks.append(self.now())
        return len(self.ticks)

    async def wait_forever_with_timeout(self, seconds: float) -> str:
        try:
            await self.wait_until(lambda: False, timeout=seconds)
        except TimeoutError:
            return f"timed out at {self.now().isoformat()}"
        return "condition met"

    async def race(self) -> list[str]:
        """A slow fake activity and a timer, concurrently; records what it saw when."""
        seen: list[str] = []

        async def work() -> None:
            await self.exec(ship, ShipArgs(order_id="race", address="x"), timeout=5)
            seen.append(f"activity done at +{(self.now() - START).total_seconds():.0f}s")

        async def timer() -> None:
            await self.sleep(60)
            seen.append(f"timer at +{(self.now() - START).total_seconds():.0f}s")

        await asyncio.gather(work(), timer())
        return seen

    async def gather_flag(self) -> str:
        """One branch waits for a flag another branch sets after an activity."""
        flag = False

        async def setter() -> None:
            nonlocal flag
            await self.exec(ship, ShipArgs(order_id="flag", address="x"), timeout=5)
            flag = True

        async def waiter() -> str:
            await self.wait_until(lambda: flag)
            return "flag seen"

        _, outcome = await asyncio.gather(setter(), waiter())
        return outcome

    async def bad_predicate(self) -> None:
        await self.wait_until(lambda: 1 / 0 == 0)

    async def blocked_on_foreign_future(self) -> None:
        await asyncio.get_running_loop().create_future()


type Decision = Literal["pending", "approved", "rejected", "timed_out"]


class ApprovalRequest(BaseModel):
    request_id: str
    approver: str = "boss@example.com"
    timeout_seconds: float = 24 * 3600


class ApprovalResult(BaseModel):
    request_id: str
    status: Decision
    decided_by: str | None = None
    decided_at: datetime | None = None


class WtApprovalWorkflow(Workflow):
    def __init__(self) -> None:
        self._approved = False
        self._rejected = False
        self._decided_by: str | None = None
        self._decision: Decision = "pending"
        self.log: list[str] = []

    @wf_signal("approve")
    async def approve(self, approver: str) -> None:
        self._approved = True
        self._decided_by = approver

    @wf_signal("reject")
    def reject(self, approver: str) -> None:  # a plain `def` signal
        self._rejected = True
        self._decided_by = approver

    @wf_signal("explode")
    def explode(self) -> None:
        raise ValueError("signal handler blew up")

    @wf_query("is_approved")
    async def is_approved(self) -> bool:
        return self._approved

    @wf_query("decision")
    def decision(self) -> str:
        return self._decision

    @wf_query("clock")
    def clock(self) -> datetime:
        return self.now()

    @wf_query("waits")
    async def waits(self) -> bool:
        await self.sleep(1)  # not allowed in a query
        return True

    @wf_query("suspends")
    async def suspends(self) -> bool:
        await asyncio.sleep(0)  # not allowed in a query
        return True

    @wf_query("execs")
    async def execs(self) -> bool:
        await self.exec(notify, Note(to="x", text="from a query"), timeout=5)
        return True

    async def process(self, request: ApprovalRequest) -> ApprovalResult:
        await self.exec(
            notify, Note(to=request.approver, text=f"Please approve {request.request_id}"), timeout=30
        )
        try:
            await self.wait_until(lambda: self._approved or self._rejected, timeout=request.timeout_seconds)
        except TimeoutError:
            self._decision = "timed_out"
        else:
            self._decision = "approved" if self._approved else "rejected"
        return ApprovalResult(
            request_id=request.request_id,
            status=self._decision,
            decided_by=self._decided_by,
            decided_at=self.now(),
        )

    async def wait_without_timeout(self) -> str:
        await self.wait_until(lambda: self._approved)
        return f"approved by {self._decided_by}"


class WtRetryWorkflow(Workflow):
    async def ours(self, attempts: int) -> Receipt:
        policy = RetryPolicy(maximum_attempts=attempts, initial_interval=10, backoff_coefficient=3)
        return await self.exec(
            charge, ChargeArgs(order_id="r", amount_cents=1), timeout=5, retry_policy=policy
        )

    async def theirs(self) -> Receipt:
        policy = temporalio.common.RetryPolicy(
            maximum_attempts=5, initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=2)
        )
        return await self.exec(
            charge, ChargeArgs(order_id="t", amount_cents=2), timeout=5, retry_policy=policy
        )

    async def non_retryable(self) -> Receipt:
        policy = RetryPolicy(maximum_attempts=5, non_retryable_error_types=["PermissionError"])
        return await self.exec(
            charge, ChargeArgs(order_id="n", amount_cents=3), timeout=5, retry_policy=policy
        )

    async def unlimited(self) -> Receipt:
        return await self.exec(
            charge, ChargeArgs(order_id="u", amount_cents=4), timeout=5, retry_policy=RetryPolicy()
        )

    async def bounded_by_schedule_to_close(self) -> Receipt:
        return await self.exec(
            charge,
            ChargeArgs(order_id="s", amount_cents=5),
            timeout=5,
            schedule_to_close_timeout=60,
            retry_policy=RetryPolicy(initial_interval=10, backoff_coefficient=2),
        )

    async def no_policy(self) -> Receipt:
        return await self.exec(charge, ChargeArgs(order_id="p", amount_cents=6), timeout=5)


class WtCancelWorkflow(Workflow):
    async def cleanup_on_cancel(self) -> str:
        try:
            await self.sleep(timedelta(days=1))
        except asyncio.CancelledError:
            await self.exec(notify, Note(to="ops", text="cancelled, cleaning up"), timeout=5)
            return "cleaned up"
        return "slept"

    async def plain(self) -> str:
        await self.sleep(timedelta(days=1))
        return "slept"


class WtUpdateWorkflow(Workflow):
    def __init__(self) -> None:
        self.total = 0
        self.done = False

    @wf_update("add")
    async def add(self, amount: int) -> int:
        if amount < 0:
            raise ValueError("amount must not be negative")
        await self.sleep(timedelta(minutes=5))  # updates may wait (virtual time)
        self.total += amount
        return self.total

    @wf_update("finish")
    def finish(self) -> str:
        self.done = True
        return "finishing"

    async def accumulate(self) -> int:
        await self.wait_until(lambda: self.done)
        return self.total


class WtBoom(Exception):
    pass


class WtFailingWorkflow(Workflow):
    async def fail(self, message: str) -> None:
        await self.sleep(1)
        raise WtBoom(message)

    async def defaults(self, name: str, count: int = 2, *, loud: bool = False) -> str:
        return f"{name}x{count}{'!' if loud else ''}"


class WtOtherWorkflow(Workflow):
    async def process(self, order: Order) -> str:
        return order.order_id


# --- happy path and fakes --------------------------------------------------------------------------
ORDER = Order(order_id="o-1", amount_cents=1500)


async def test_run_with_sync_async_and_value_fakes() -> None:
    async def async_charge(args: ChargeArgs) -> Receipt:
        await asyncio.sleep(0)
        return Receipt(receipt_id=f"rcpt-{args.order_id}", amount_cents=args.amount_cents)

    def sync_ship(args: ShipArgs) -> str:
        return f"track-{args.order_id}-{args.address}"

    tester = WorkflowTester(WtOrderWorkflow, activities={charge: async_charge, ship: sync_ship})
    result = await tester.run(WtOrderWorkflow.process, ORDER)
    assert result == OrderOutcome(
        status="shipped",
        receipt_id="rcpt-o-1",
        tracking="track-o-1-1 Main St",
        workflow_id="test-workflow",
        finished_at=START,
    )

    values = WorkflowTester(
        WtOrderWorkflow,
        activities={charge: Receipt(receipt_id="fixed", amount_cents=1), ship: "TRACK"},
        workflow_id="order-o-1",
    )
    result = await values.run(WtOrderWorkflow.process, order=ORDER)
    assert (result.receipt_id, result.tracking, result.workflow_id) == ("fixed", "TRACK", "order-o-1")


async def test_calls_are_recorded_in_order_with_args_and_options() -> None:
    tester = WorkflowTester(WtOrderWorkflow, activities={charge: Receipt(receipt_id="r", amount_cents=1)})
    tester.fake(ship, "T-1")
    await tester.run(WtOrderWorkflow.process, ORDER)

    assert [c.name for c in tester.calls] == ["wt_charge", "wt_ship"]
    first, second = tester.calls
    assert isinstance(first, ActivityCallRecord)
    assert first.activity is charge
    assert first.args == ChargeArgs(order_id="o-1", amount_cents=1500)
    assert (first.attempt, first.time, first.timeout, first.task_queue) == (
        1,
        START,
        timedelta(seconds=30),
        None,
    )
    assert first.retry_policy is None
    assert first.schedule_to_close_timeout is None
    assert first.heartbeat_timeout is None
    assert second.args == ShipArgs(order_id="o-1", address="1 Main St")
    assert (second.timeout, second.task_queue) == (timedelta(seconds=60), "wt-ship")

    ship_calls = tester.calls_to(ship)
    assert [c.args.address for c in ship_calls] == ["1 Main St"]
    assert tester.calls_to(refund) == []

    tester.calls.clear()  # `calls` is a copy
    assert len(tester.calls) == 2


async def test_fake_can_be_replaced_and_the_real_implementation_used() -> None:
    tester = WorkflowTester(WtOrderWorkflow).fake(charge, charge).fake(ship, "first")
    first = await tester.run(WtOrderWorkflow.process, ORDER)
    assert first.receipt_id == "real-o-1"  # the real implementation ran, with validation
    tester.fake(ship, lambda args: f"second-{args.order_id}")
    second = await tester.run(WtOrderWorkflow.process, ORDER)
    assert (first.tracking, second.tracking) == ("first", "second-o-1")
    assert len(tester.calls) == 4  # calls accumulate over runs


async def test_an_async_mock_works_as_a_fake() -> None:
    charge_mock = AsyncMock(return_value=Receipt(receipt_id="mocked", amount_cents=1))
    tester = WorkflowTester(WtOrderWorkflow, activities={charge: charge_mock, ship: Mock(return_value="T")})
    result = await tester.run(WtOrderWorkflow.process, ORDER)
    assert result.receipt_id == "mocked"
    charge_mock.assert_awaited_once_with(ChargeArgs(order_id="o-1", amount_cents=1500))


async def test_concurrent_runs_share_the_clock() -> None:
    tester = WorkflowTester(WtClockWorkflow)
    short = await tester.start(WtClockWorkflow.nap, 1)
    long = await tester.start(WtClockWorkflow.nap, 3)
    assert await long.result() == START + timedelta(days=3)
    assert short.done
    assert await short.result() == START + timedelta(days=1)
    assert short.instance is not long.instance  # a fresh workflow object per run


async def test_fake_results_are_validated_and_converted_like_on_a_worker() -> None:
    # A dict is validated into the Result model; a wrong shape fails the activity (not retried).
    tester = WorkflowTester(
        WtOrderWorkflow, activities={charge: {"receipt_id": "from-dict", "amount_cents": 7}, ship: "T"}
    )
    result = await tester.run(WtOrderWorkflow.process, ORDER)
    assert result.receipt_id == "from-dict"

    tester.fake(charge, {"receipt_id": "missing amount"})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType, reportCallIssue]  # on purpose
    with pytest.raises(ActivityFailedError) as info:
        await tester.run(WtOrderWorkflow.process, ORDER)
    assert info.value.error_type == "InvalidResultError"
    assert info.value.activity_name == "wt_charge"
    assert "amount_cents" in info.value.message


async def test_fakes_get_a_copy_of_the_arguments() -> None:
    seen: list[ShipArgs] = []

    def mutating_ship(args: ShipArgs) -> str:
        seen.append(args)
        args.address = "changed by the fake"
        return "T"

    tester = WorkflowTester(
        WtOrderWorkflow, activities={charge: Receipt(receipt_id="r", amount_cents=1), ship: mutating_ship}
    )
    await tester.run(WtOrderWorkflow.process, ORDER)
    assert seen[0].address == "changed by the fake"
    assert tester.calls_to(ship)[0].args.address == "1 Main St"  # the record is unaffected


# --- the virtual clock -----------------------------------------------------------------------------
async def test_sleeping_30_days_finishes_instantly() -> None:
    tester = WorkflowTester(WtClockWorkflow)
    began = time.monotonic()
    woke_at = await tester.run(WtClockWorkflow.nap, 30)
    assert time.monotonic() - began < 1.0
    assert woke_at == START + timedelta(days=30)
    assert tester.now == START + timedelta(days=30)
    assert tester.now.tzinfo is not None


async def test_start_time_is_configurable_and_must_be_aware() -> None:
    start = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
    tester = WorkflowTester(WtClockWorkflow, start_time=start)
    assert tester.now == start
    assert await tester.run(WtClockWorkflow.nap, 1) == start + timedelta(days=1)
    with pytest.raises(InvalidOptionError, match="timezone-aware"):
        WorkflowTester(WtClockWorkflow, start_time=datetime(2024, 1, 1))
    with pytest.raises(InvalidOptionError, match="workflow_id"):
        WorkflowTester(WtClockWorkflow, workflow_id="")


async def test_wait_until_with_timeout_times_out_in_virtual_time() -> None:
    tester = WorkflowTester(WtClockWorkflow)
    began = time.monotonic()
    outcome = await tester.run(WtClockWorkflow.wait_forever_with_timeout, 3600)
    assert time.monotonic() - began < 1.0
    assert outcome == f"timed out at {(START + timedelta(hours=1)).isoformat()}"


async def test_advance_moves_the_clock_by_hand_and_fires_due_timers() -> None:
    tester = WorkflowTester(WtClockWorkflow)
    async with tester:
        handle = await tester.start(WtClockWorkflow.tick, 5, 60)
        assert handle.instance.ticks == []
        await tester.advance(timedelta(seconds=150))
        assert handle.instance.ticks == [START + timedelta(seconds=60), START + timedelta(seconds=120)]
        assert tester.now == START + timedelta(seconds=150)
        assert not handle.done
        await tester.advance(30)  # seconds
        assert len(handle.instance.ticks) == 3
        assert await handle.result() == 5
        assert tester.now == START + timedelta(seconds=300)
        with pytest.raises(InvalidOptionError):
            await tester.advance(0)


async def test_clock_does_not_jump_while_a_fake_activity_runs() -> None:
    async def slow_ship(args: ShipArgs) -> str:
        await asyncio.sleep(0.05)  # real time: the clock must wait for it
        return "T"

    tester = WorkflowTester(WtClockWorkflow, activities={ship: slow_ship})
    assert await tester.run(WtClockWorkflow.race) == ["activity done at +0s", "timer at +60s"]


async def test_conditions_are_rechecked_after_activity_completion() -> None:
    async def slow_ship(args: ShipArgs) -> str:
        await asyncio.sleep(0.01)
        return "T"

    tester = WorkflowTester(WtClockWorkflow, activities={ship: slow_ship})
    assert await tester.run(WtClockWorkflow.gather_flag) == "flag seen"


async def test_a_failing_predicate_raises_in_the_workflow() -> None:
    with pytest.raises(ZeroDivisionError):
        await WorkflowTester(WtClockWorkflow).run(WtClockWorkflow.bad_predicate)


async def test_result_timeout_is_virtual_and_leaves_the_workflow_running() -> None:
    tester = WorkflowTester(WtClockWorkflow)
    handle = await tester.start(WtClockWorkflow.nap, 2)
    with pytest.raises(TimeoutError, match="did not finish within"):
        await handle.result(timeout=timedelta(days=1))
    assert tester.now == START + timedelta(days=1)
    assert not handle.done
    assert await handle.result() == START + timedelta(days=2)


# --- signals, queries, updates ---------------------------------------------------------------------
async def test_signals_and_queries_while_the_workflow_runs() -> None:
    notes: list[Note] = []
    tester = WorkflowTester(WtApprovalWorkflow, activities={notify: notes.append})
    handle = await tester.start(WtApprovalWorkflow.process, ApprovalRequest(request_id="PR-1"))
    assert isinstance(handle, WorkflowTesterHandle)
    assert [n.text for n in notes] == ["Please approve PR-1"]  # it ran until it blocked
    assert handle.query("is_approved") is False
    assert handle.query("decision") == "pending"
    assert not handle.done

    await tester.advance(timedelta(hours=2))
    assert handle.query("clock") == START + timedelta(hours=2)
    await handle.signal("approve", "boss@example.com")
    assert handle.query("is_approved") is True
    result = await handle.result()
    assert result == ApprovalResult(
        request_id="PR-1",
        status="approved",
        decided_by="boss@example.com",
        decided_at=START + timedelta(hours=2),
    )
    assert handle.query("decision") == "approved"  # finished workflows still answer queries
    assert handle.instance._decided_by == "boss@example.com"  # pyright: ignore[reportPrivateUsage]
    assert handle.id == "test-workflow"
    assert handle.method == "process"


async def test_messages_by_method_reference_are_typed_and_checked() -> None:
    notes: list[Note] = []
    tester = WorkflowTester(WtApprovalWorkflow, activities={notify: notes.append})
    handle = await tester.start(WtApprovalWorkflow.process, ApprovalRequest(request_id="PR-9"))
    assert handle.query(WtApprovalWorkflow.is_approved) is False  # an async def query, answered at once
    assert handle.query(WtApprovalWorkflow.decision) == "pending"
    with pytest.raises(UnknownMethodError, match=r"is a signal handler, not a query handler.*handle\.signal"):
        handle.query(WtApprovalWorkflow.approve, "x")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    with pytest.raises(UnknownMethodError, match=r"is not a @wf_signal handler"):
        await handle.signal(WtApprovalWorkflow.process)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    await handle.signal(WtApprovalWorkflow.approve, approver="boss@example.com")  # keywords bind too
    assert handle.query(WtApprovalWorkflow.is_approved) is True
    assert (await handle.result()).decided_by == "boss@example.com"


async def test_sync_signal_handler_and_timeout_path() -> None:
    tester = WorkflowTester(WtApprovalWorkflow, activities={notify: None})
    handle = await tester.start(WtApprovalWorkflow.process, ApprovalRequest(request_id="PR-2"))
    await handle.signal("reject", "cfo@example.com")
    assert (await handle.result()).status == "rejected"

    nobody = await WorkflowTester(WtApprovalWorkflow, activities={notify: None}).run(
        WtApprovalWorkflow.process, ApprovalRequest(request_id="PR-3", timeout_seconds=3600)
    )
    assert nobody.status == "timed_out"
    assert nobody.decided_at == START + timedelta(hours=1)


@pytest.mark.parametrize("query", ["waits", "suspends", "execs"])
async def test_an_async_query_that_waits_is_an_error(query: str) -> None:
    tester = WorkflowTester(WtApprovalWorkflow, activities={notify: None})
    async with tester:
        handle = await tester.start(WtApprovalWorkflow.wait_without_timeout)
        with pytest.raises(QueryWaitError, match="tried to wait"):
            handle.query(query)
        assert tester.calls == []  # the query's exec never ran
        assert tester.now == START


async def test_unknown_signal_query_and_update_names() -> None:
    tester = WorkflowTester(WtApprovalWorkflow, activities={notify: None})
    async with tester:
        handle = await tester.start(WtApprovalWorkflow.wait_without_timeout)
        with pytest.raises(UnknownMethodError, match=r"no signal 'aprove'.*approve"):
            await handle.signal("aprove", "x")
        with pytest.raises(UnknownMethodError, match="no query 'status'"):
            handle.query("status")
        with pytest.raises(UnknownMethodError, match="no update 'add'"):
            await handle.update("add", 1)


async def test_signal_arguments_are_validated() -> None:
    tester = WorkflowTester(WtApprovalWorkflow, activities={notify: None})
    async with tester:
        handle = await tester.start(WtApprovalWorkflow.wait_without_timeout)
        with pytest.raises(InvalidArgumentsError):
            await handle.signal("approve")  # missing approver
        with pytest.raises(InvalidArgumentsError):
            await handle.signal("approve", "a", "b")
        with pytest.raises(InvalidArgumentsError):
            handle.query("decision", "unexpected")


async def test_signal_after_the_workflow_finished() -> None:
    tester = WorkflowTester(WtApprovalWorkflow, activities={notify: None})
    handle = await tester.start(WtApprovalWorkflow.wait_without_timeout)
    await handle.signal("approve", "boss")
    assert await handle.result() == "approved by boss"
    assert handle.done
    with pytest.raises(WorkflowNotFoundError, match="already finished"):
        await handle.signal("approve", "again")


async def test_a_signal_handler_exception_fails_the_run() -> None:
    tester = WorkflowTester(WtApprovalWorkflow, activities={notify: None})
    handle = await tester.start(WtApprovalWorkflow.wait_without_timeout)
    await handle.signal("explode")
    assert handle.done
    with pytest.raises(ValueError, match="signal handler blew up"):
        await handle.result()


async def test_updates_wait_in_virtual_time_and_report_failures() -> None:
    tester = WorkflowTester(WtUpdateWorkflow)
    handle = await tester.start(WtUpdateWorkflow.accumulate)
    assert await handle.update("add", 5) == 5
    assert tester.now == START + timedelta(minutes=5)
    with pytest.raises(UpdateFailedError, match="amount must not be negative") as info:
        await handle.update("add", -1)
    assert info.value.error_type == "ValueError"
    assert not handle.done  # a failed update does not fail the workflow
    assert await handle.update("add", 2) == 7
    assert await handle.update("finish") == "finishing"
    assert await handle.result() == 7
    with pytest.raises(WorkflowNotFoundError):
        await handle.update("add", 1)


# --- missing fakes and failing fakes ---------------------------------------------------------------
async def test_missing_fake_names_the_activity_and_how_to_add_it() -> None:
    tester = WorkflowTester(WtOrderWorkflow, activities={charge: Receipt(receipt_id="r", amount_cents=1)})
    with pytest.raises(MissingFakeError) as info:
        await tester.run(WtOrderWorkflow.process, ORDER)
    error = info.value
    assert isinstance(error, TemporalRuntimeError)
    assert isinstance(error, LookupError)
    assert error.activity_name == "wt_ship"
    message = str(error)
    assert "'wt_ship' has no fake" in message
    assert "tester.fake(" in message
    assert "ShipArgs" in message
    assert "wt_charge" in message  # the activities that do have fakes


async def test_missing_fake_fails_the_run_even_if_the_workflow_swallows_it() -> None:
    tester = WorkflowTester(WtOrderWorkflow)
    handle = await tester.start(WtOrderWorkflow.swallow_errors, ORDER)
    assert handle.done  # the workflow itself returned "swallowed"
    with pytest.raises(MissingFakeError, match="wt_ship"):
        await handle.result()


async def test_a_failing_fake_is_an_activity_failure_the_workflow_can_compensate() -> None:
    refunds: list[ChargeArgs] = []

    def failing_ship(args: ShipArgs) -> str:
        raise ConnectionError(f"carrier down for {args.order_id}")

    def record_refund(args: ChargeArgs) -> Receipt:
        refunds.append(args)
        return Receipt(receipt_id="refund-1", amount_cents=-args.amount_cents)

    tester = WorkflowTester(
        WtOrderWorkflow,
        activities={
            charge: Receipt(receipt_id="r-1", amount_cents=1500),
            ship: failing_ship,
            refund: record_refund,
        },
    )
    handle = await tester.start(WtOrderWorkflow.process, ORDER)
    outcome = await handle.result()
    assert outcome.status == "refunded"
    assert outcome.refunded
    assert refunds == [ChargeArgs(order_id="o-1", amount_cents=1500)]
    assert handle.instance.steps == ["charged", "refunded"]
    assert [c.name for c in tester.calls] == ["wt_charge", "wt_ship", "wt_refund"]


@pytest.mark.parametrize(
    ("fake", "error_type", "message"),
    [
        (RuntimeError("card declined"), "RuntimeError", "card declined"),
        (PermissionError, "PermissionError", "raised by the fake of activity 'wt_charge'"),
        (
            temporalio.exceptions.ApplicationError("nope", type="CardDeclined", non_retryable=True),
            "CardDeclined",
            "nope",
        ),
    ],
)
async def test_a_fake_raising_fails_the_workflow_with_activity_failed_error(
    fake: object, error_type: str, message: str
) -> None:
    tester = WorkflowTester(WtOrderWorkflow, activities={charge: fake})
    with pytest.raises(ActivityFailedError) as info:
        await tester.run(WtOrderWorkflow.process, ORDER)
    error = info.value
    assert error.activity_name == "wt_charge"
    assert error.error_type == error_type
    assert error.message == f"Activity 'wt_charge' failed: {error_type}: {message}"
    assert isinstance(error.__cause__, temporalio.exceptions.ActivityError)  # as on a worker
    assert len(tester.calls) == 1  # no retry policy: no retry


# --- retries ---------------------------------------------------------------------------------------
def fails_then_succeeds(failures: int, error: type[Exception] = ConnectionError) -> Any:
    attempts = 0

    def fake(args: ChargeArgs) -> Receipt:
        nonlocal attempts
        attempts += 1
        if attempts <= failures:
            raise error(f"attempt {attempts} failed")
        return Receipt(receipt_id=f"ok-after-{attempts}", amount_cents=args.amount_cents)

    return fake


async def test_retry_policy_retries_with_backoff_in_virtual_time() -> None:
    tester = WorkflowTester(WtRetryWorkflow, activities={charge: fails_then_succeeds(2)})
    began = time.monotonic()
    receipt = await tester.run(WtRetryWorkflow.ours, 5)
    assert time.monotonic() - began < 1.0
    assert receipt.receipt_id == "ok-after-3"
    calls = tester.calls_to(charge)
    assert [c.attempt for c in calls] == [1, 2, 3]
    # initial_interval=10 s, backoff_coefficient=3: retries after 10 s, then 30 s more.
    assert [c.time - START for c in calls] == [timedelta(0), timedelta(seconds=10), timedelta(seconds=40)]
    assert all(c.args == ChargeArgs(order_id="r", amount_cents=1) for c in calls)
    assert isinstance(calls[0].retry_policy, RetryPolicy)


async def test_temporalio_retry_policy_with_maximum_interval() -> None:
    tester = WorkflowTester(WtRetryWorkflow, activities={charge: fails_then_succeeds(3)})
    assert (await tester.run(WtRetryWorkflow.theirs)).receipt_id == "ok-after-4"
    # 1 s, then 2 s, then capped at maximum_interval=2 s.
    assert [c.time - START for c in tester.calls] == [timedelta(seconds=s) for s in (0, 1, 3, 5)]


async def test_retries_stop_at_maximum_attempts() -> None:
    tester = WorkflowTester(WtRetryWorkflow, activities={charge: fails_then_succeeds(10)})
    with pytest.raises(ActivityFailedError, match="attempt 3 failed") as info:
        await tester.run(WtRetryWorkflow.ours, 3)
    assert info.value.error_type == "ConnectionError"
    assert [c.attempt for c in tester.calls] == [1, 2, 3]


async def test_non_retryable_error_types_are_not_retried() -> None:
    tester = WorkflowTester(WtRetryWorkflow, activities={charge: fails_then_succeeds(1, PermissionError)})
    with pytest.raises(ActivityFailedError) as info:
        await tester.run(WtRetryWorkflow.non_retryable)
    assert info.value.error_type == "PermissionError"
    assert len(tester.calls) == 1

    # Other errors are retried under the same policy.
    tester = WorkflowTester(WtRetryWorkflow, activities={charge: fails_then_succeeds(1, KeyError)})
    assert (await tester.run(WtRetryWorkflow.non_retryable)).receipt_id == "ok-after-2"


async def test_non_retryable_application_error_and_invalid_results_are_not_retried() -> None:
    declined = temporalio.exceptions.ApplicationError("declined", type="CardDeclined", non_retryable=True)
    tester = WorkflowTester(WtRetryWorkflow, activities={charge: declined})
    with pytest.raises(ActivityFailedError, match="CardDeclined: declined"):
        await tester.run(WtRetryWorkflow.ours, 5)
    assert len(tester.calls) == 1

    tester = WorkflowTester(WtRetryWorkflow, activities={charge: "not a receipt"})
    with pytest.raises(ActivityFailedError) as info:
        await tester.run(WtRetryWorkflow.ours, 5)
    assert info.value.error_type == "InvalidResultError"
    assert len(tester.calls) == 1


async def test_without_retry_policy_the_tester_does_not_retry() -> None:
    tester = WorkflowTester(WtRetryWorkflow, activities={charge: fails_then_succeeds(1)})
    with pytest.raises(ActivityFailedError):
        await tester.run(WtRetryWorkflow.no_policy)
    assert len(tester.calls) == 1


async def test_schedule_to_close_timeout_bounds_retries() -> None:
    tester = WorkflowTester(WtRetryWorkflow, activities={charge: fails_then_succeeds(100)})
    with pytest.raises(ActivityFailedError):
        await tester.run(WtRetryWorkflow.bounded_by_schedule_to_close)
    # attempts at 0 s, 10 s, 30 s; the next (at 70 s) would pass schedule_to_close_timeout=60 s
    assert [c.time - START for c in tester.calls] == [timedelta(seconds=s) for s in (0, 10, 30)]


async def test_unlimited_retries_are_cut_off_with_a_clear_error() -> None:
    tester = WorkflowTester(WtRetryWorkflow, activities={charge: ConnectionError("down")})
    with pytest.raises(TemporalRuntimeError, match="unlimited attempts") as info:
        await tester.run(WtRetryWorkflow.unlimited)
    assert isinstance(info.value, RuntimeError)
    assert len(tester.calls) == 100


# --- deadlocks, cancellation, failures -------------------------------------------------------------
async def test_deadlock_is_reported_instead_of_hanging() -> None:
    tester = WorkflowTester(WtApprovalWorkflow, activities={notify: None})
    handle = await tester.start(WtApprovalWorkflow.wait_without_timeout)
    with pytest.raises(TemporalRuntimeError) as info:
        await handle.result()
    message = str(info.value)
    assert isinstance(info.value, RuntimeError)
    assert "waiting for a condition that no timer or pending activity can change" in message
    assert "send the signal it waits for before awaiting result()" in message.lower()
    assert "approve" in message  # the signals it accepts
    assert "test_workflow_tester.py" in message  # where the predicate is
    # The run is still alive: send the signal, and the result arrives.
    await handle.signal("approve", "late boss")
    assert await handle.result() == "approved by late boss"


async def test_run_reports_a_deadlock_and_cancels_the_run() -> None:
    tester = WorkflowTester(WtApprovalWorkflow, activities={notify: None})
    with pytest.raises(TemporalRuntimeError, match="Deadlock"):
        await tester.run(WtApprovalWorkflow.wait_without_timeout)
    with pytest.raises(TemporalRuntimeError, match="does not control"):
        await WorkflowTester(WtClockWorkflow).run(WtClockWorkflow.blocked_on_foreign_future)


async def test_workflow_exceptions_propagate_as_they_are() -> None:
    tester = WorkflowTester(WtFailingWorkflow)
    with pytest.raises(WtBoom, match="kaboom"):
        await tester.run(WtFailingWorkflow.fail, "kaboom")
    assert tester.now == START + timedelta(seconds=1)


async def test_cancel_lets_the_workflow_clean_up_or_reports_cancellation() -> None:
    tester = WorkflowTester(WtCancelWorkflow, activities={notify: None})
    handle = await tester.start(WtCancelWorkflow.cleanup_on_cancel)
    await handle.cancel()
    assert await handle.result() == "cleaned up"
    assert [c.args.text for c in tester.calls_to(notify)] == ["cancelled, cleaning up"]

    plain = await tester.start(WtCancelWorkflow.plain)
    await plain.cancel()
    assert plain.done
    with pytest.raises(WorkflowCancelledError):
        await plain.result()
    await plain.cancel()  # cancelling a finished run does nothing


async def test_async_context_manager_cancels_unfinished_runs() -> None:
    async with WorkflowTester(WtClockWorkflow) as tester:
        handle = await tester.start(WtClockWorkflow.nap, 1)
        assert not handle.done
    assert handle.done


# --- argument validation and misuse ----------------------------------------------------------------
async def test_invalid_arguments_to_run_are_rejected_before_anything_runs() -> None:
    tester = WorkflowTester(WtOrderWorkflow, activities={charge: Receipt(receipt_id="r", amount_cents=1)})
    with pytest.raises(InvalidArgumentsError, match="order"):
        await tester.run(WtOrderWorkflow.process, "not an order")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    with pytest.raises(InvalidArgumentsError):
        await tester.run(WtOrderWorkflow.process)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    with pytest.raises(InvalidArgumentsError):
        await tester.run(WtOrderWorkflow.process, ORDER, ORDER)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    with pytest.raises(InvalidArgumentsError):
        await tester.run(WtOrderWorkflow.process, {"order_id": "x"})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    assert tester.calls == []
    # A dict with the right fields is accepted, as the client accepts it.
    tester.fake(ship, "T")
    result = await tester.run(WtOrderWorkflow.process, {"order_id": "x", "amount_cents": 1})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    assert result.status == "shipped"


async def test_keyword_and_default_arguments_are_bound_like_the_client() -> None:
    tester = WorkflowTester(WtFailingWorkflow)
    assert await tester.run(WtFailingWorkflow.defaults, "a") == "ax2"
    assert await tester.run(WtFailingWorkflow.defaults, name="b", count=3, loud=True) == "bx3!"
    with pytest.raises(InvalidArgumentsError):
        await tester.run(WtFailingWorkflow.defaults, "c", count="many")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


async def test_methods_that_are_not_entry_methods_of_the_class() -> None:
    tester = WorkflowTester(WtOrderWorkflow)
    with pytest.raises(DefinitionError, match="not a method of WtOrderWorkflow"):
        await tester.run(WtOtherWorkflow.process, ORDER)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    approvals = WorkflowTester(WtApprovalWorkflow)
    with pytest.raises(UnknownMethodError, match="no entry method 'approve'"):
        await approvals.run(WtApprovalWorkflow.approve, "x")


async def test_bad_fakes_and_classes_are_rejected() -> None:
    with pytest.raises(DefinitionError, match=r"keyed by activity handles.*got 'wt_charge'.*not its name"):
        WorkflowTester(WtOrderWorkflow, activities={"wt_charge": "x"})  # type: ignore[dict-item]  # pyright: ignore[reportArgumentType]
    with pytest.raises(
        DefinitionError,
        match=r"fake for activity 'wt_charge' .* must accept one positional argument.*def fake\(args\)",
    ):
        WorkflowTester(WtOrderWorkflow, activities={charge: lambda: None})
    with pytest.raises(DefinitionError, match=r"fake for activity 'wt_ship' .* must accept one positional"):
        WorkflowTester(WtOrderWorkflow).fake(ship, lambda a, b: "x")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType, reportCallIssue, reportUnknownLambdaType]
    with pytest.raises(InvalidOptionError, match=r"activities=.*mapping.*got list; pass a dict"):
        WorkflowTester(WtOrderWorkflow, activities=[(charge, "x")])  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    with pytest.raises(DefinitionError, match="not a runnable workflow"):
        WorkflowTester(Workflow)


# --- the design document's examples, unit-tested with the tester -----------------------------------
class DocRequest(BaseModel):
    amount: int = 1


class DocResult(BaseModel):
    status: str


class WtDocApprovalWorkflow(Workflow):
    """Design document, "5) Signals & Queries"."""

    def __init__(self) -> None:
        self._approved = False

    @wf_signal("approve")
    async def approve(self) -> None:
        self._approved = True

    @wf_query("is_approved")
    async def is_approved(self) -> bool:
        return self._approved

    async def process(self, request: DocRequest) -> DocResult:
        await self.wait_until(lambda: self._approved)
        return DocResult(status="approved")


class DocItem(BaseModel):
    sku: str


class DocOrder(BaseModel):
    items: list[DocItem]


class DocOrderResult(BaseModel):
    status: str
    items: int = 0


@activity_def("wt_doc_process_item", Args=DocItem)
async def process_item(item: DocItem) -> None:
    raise AssertionError("faked")


class WtDocOrderProcessingWorkflow(Workflow):
    """Design document, Usage Guide "5) Signals & Queries"."""

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

    async def process_order(self, order: DocOrder) -> DocOrderResult:
        self._status = "processing"
        for item in order.items:
            await self.wait_until(lambda: not self._paused)
            if self._cancelled:
                return DocOrderResult(status=self._status)
            await self.exec(process_item, item, timeout=60)
            self._items_processed += 1
        self._status = "completed"
        return DocOrderResult(status=self._status, items=self._items_processed)


class ProcessDataInput(BaseModel):
    data_id: str
    parameters: dict[str, Any]


class ProcessDataOutput(BaseModel):
    result: str
    processed_at: str


async def process_data_impl(args: ProcessDataInput) -> ProcessDataOutput:
    return ProcessDataOutput(result="ok", processed_at="real")


process_data = activity_def("wt_doc_process_data", Args=ProcessDataInput, Result=ProcessDataOutput)(
    process_data_impl
)


class WtDocDataPipelineWorkflow(Workflow):
    """Design document, Usage Guide "3) Define Workflows"."""

    async def run_pipeline(self, input_data: ProcessDataInput) -> ProcessDataOutput:
        result = await self.exec(
            process_data,
            input_data,
            timeout=300,  # 5 minutes
            retry_policy=temporalio.common.RetryPolicy(maximum_attempts=3),
        )
        return result


class WtDocMigratedWorkflow(Workflow):
    """Design document, "Migration from Traditional Temporal" (After)."""

    async def run(self, data: ProcessDataInput) -> ProcessDataOutput:
        return await self.exec(process_data, data, timeout=30)


async def test_design_document_approval_workflow() -> None:
    tester = WorkflowTester(WtDocApprovalWorkflow)
    handle = await tester.start(WtDocApprovalWorkflow.process, DocRequest())
    assert handle.query("is_approved") is False
    await handle.signal("approve")
    assert handle.query("is_approved") is True
    assert await handle.result() == DocResult(status="approved")


async def test_design_document_order_processing_workflow() -> None:
    gate = asyncio.Event()
    processed: list[str] = []

    async def process(item: DocItem) -> None:
        processed.append(item.sku)
        if len(processed) == 2:
            await gate.wait()  # hold the second item "in flight" until the test says so

    tester = WorkflowTester(WtDocOrderProcessingWorkflow, activities={process_item: process})
    order = DocOrder(items=[DocItem(sku=f"sku-{i}") for i in range(5)])
    handle = await tester.start(WtDocOrderProcessingWorkflow.process_order, order)
    assert handle.query("progress") == {"status": "processing", "items_processed": 1}
    await handle.signal("pause")
    gate.set()  # the item in flight finishes; no new item starts while paused
    await tester.advance(timedelta(hours=1))
    assert handle.query("progress") == {"status": "processing", "items_processed": 2}
    # Signals run to completion at once: cancel while paused, then resume so it notices.
    await handle.signal("cancel", "Customer request")
    assert handle.query("status") == "cancelled: Customer request"
    assert not handle.done
    await handle.signal("resume")
    assert handle.done
    result = await handle.result()
    assert result == DocOrderResult(status="cancelled: Customer request")
    assert processed == ["sku-0", "sku-1"]

    # Left alone, an order completes.
    done = await WorkflowTester(WtDocOrderProcessingWorkflow, activities={process_item: None}).run(
        WtDocOrderProcessingWorkflow.process_order, order
    )
    assert done == DocOrderResult(status="completed", items=5)


async def test_design_document_data_pipeline_with_retries() -> None:
    attempts = 0

    def flaky(args: ProcessDataInput) -> ProcessDataOutput:
        nonlocal attempts
        attempts += 1
        if attempts < 3:
            raise TimeoutError("upstream slow")
        return ProcessDataOutput(result=f"done {args.data_id}", processed_at="2024-01-01")

    tester = WorkflowTester(WtDocDataPipelineWorkflow, activities={process_data: flaky})
    out = await tester.run(
        WtDocDataPipelineWorkflow.run_pipeline, ProcessDataInput(data_id="123", parameters={"mode": "fast"})
    )
    assert out.result == "done 123"
    assert [c.attempt for c in tester.calls] == [1, 2, 3]
    assert tester.calls[0].timeout == timedelta(minutes=5)
    assert tester.now == START + timedelta(seconds=3)  # backoff 1 s + 2 s

    always = WorkflowTester(WtDocDataPipelineWorkflow, activities={process_data: TimeoutError})
    with pytest.raises(ActivityFailedError) as info:
        await always.run(WtDocDataPipelineWorkflow.run_pipeline, ProcessDataInput(data_id="x", parameters={}))
    assert info.value.error_type == "TimeoutError"
    assert len(always.calls) == 3


async def test_design_document_testing_section_without_patching_exec() -> None:
    """The document's unit test patches `exec`; the tester fakes the activity instead."""
    tester = WorkflowTester(
        WtDocMigratedWorkflow,
        activities={process_data: ProcessDataOutput(result="success", processed_at="now")},
    )
    out = await tester.run(WtDocMigratedWorkflow.run, ProcessDataInput(data_id="1", parameters={}))
    assert out.result == "success"
    assert len(tester.calls_to(process_data)) == 1


# --- update validators ---------------------------------------------------------------------------


class ValidatedInTesterWorkflow(Workflow):
    def __init__(self) -> None:
        self.limit = 10
        self.handled = 0
        self.done = False

    async def run(self) -> int:
        await self.wait_until(lambda: self.done)
        return self.limit

    @wf_update("set_limit")
    async def set_limit(self, limit: int) -> int:
        self.handled += 1
        previous, self.limit = self.limit, limit
        return previous

    @set_limit.validator
    def _check_limit(self, limit: int) -> None:
        if limit < self.handled:  # reads the workflow's state
            raise ValueError(f"limit must be >= {self.handled}")

    @wf_signal()
    def finish(self) -> None:
        self.done = True


async def test_tester_runs_update_validators_before_the_handler() -> None:
    handle = await WorkflowTester(ValidatedInTesterWorkflow).start(ValidatedInTesterWorkflow.run)
    with pytest.raises(UpdateFailedError, match=r"rejected by its validator: .*limit must be >= 0") as info:
        await handle.update(ValidatedInTesterWorkflow.set_limit, -1)
    assert info.value.error_type == "ValueError"
    assert handle.instance.handled == 0  # the handler never ran
    assert await handle.update(ValidatedInTesterWorkflow.set_limit, 5) == 10
    with pytest.raises(UpdateFailedError, match="limit must be >= 1"):
        await handle.update(ValidatedInTesterWorkflow.set_limit, 0)
    await handle.signal(ValidatedInTesterWorkflow.finish)
    assert await handle.result() == 5


# --- parallel work ---------------------------------------------------------------------------------


@activity_def("wt_par_double", Args=int)
async def par_double(n: int) -> int:
    return n * 2


class ParallelInTesterWorkflow(Workflow):
    async def doubles(self, count: int) -> list[int]:
        return list(await asyncio.gather(*(self.exec(par_double, n, timeout=5) for n in range(count))))

    async def timers(self) -> str:
        await asyncio.gather(self.sleep(10), self.sleep(30), self.sleep(20))
        return self.now().isoformat()


async def test_tester_runs_gathered_activities_in_parallel() -> None:
    in_flight: list[int] = []
    peak = 0

    async def slow_double(n: int) -> int:
        nonlocal peak
        in_flight.append(n)
        peak = max(peak, len(in_flight))
        await asyncio.sleep(0.05)
        in_flight.remove(n)
        return n * 2

    tester = WorkflowTester(ParallelInTesterWorkflow, activities={par_double: slow_double})
    assert await tester.run(ParallelInTesterWorkflow.doubles, 5) == [0, 2, 4, 6, 8]
    assert peak == 5  # all five fakes were running at once
    assert len(tester.calls_to(par_double)) == 5


async def test_tester_gathered_timers_take_the_longest_one_in_virtual_time() -> None:
    tester = WorkflowTester(ParallelInTesterWorkflow, start_time=datetime(2024, 1, 1, tzinfo=UTC))
    assert await tester.run(ParallelInTesterWorkflow.timers) == "2024-01-01T00:00:30+00:00"


# --- cancellation and running update handlers --------------------------------------------------------


@activity_def("wt_cx_block", Args=int)
async def cx_block(n: int) -> int:
    return n


class CancelWhileUpdatingWorkflow(Workflow):
    def __init__(self) -> None:
        self.updating = False

    async def run(self) -> None:
        await self.wait_until(lambda: False)

    @wf_update()
    async def work(self) -> int:
        self.updating = True
        return await self.exec(cx_block, 1, timeout=60)


async def test_cancelling_the_run_abandons_a_running_update_handler_as_on_a_worker() -> None:
    release = asyncio.Event()

    async def blocked(n: int) -> int:
        await release.wait()
        return n

    tester = WorkflowTester(CancelWhileUpdatingWorkflow, activities={cx_block: blocked})
    handle = await tester.start(CancelWhileUpdatingWorkflow.run)
    update = asyncio.create_task(handle.update(CancelWhileUpdatingWorkflow.work))
    for _ in range(100):
        if handle.instance.updating:
            break
        await asyncio.sleep(0)
    assert handle.instance.updating
    await handle.cancel()
    with pytest.raises(WorkflowCancelledError):
        await handle.result()
    with pytest.raises(UpdateFailedError, match="finished before answering it"):
        await asyncio.wait_for(update, 5)
    release.set()
    await tester.aclose()
