"""The typed call forms on the real dev server: starts by method reference, typed handles, message
passing by reference (handle and engine by id), accepted updates, and the errors of misuse."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    EngineError,
    IdConflictPolicy,
    InvalidOptionError,
    MethodHandle,
    TemporalEngine,
    UnknownMethodError,
    UpdateFailedError,
    UpdateHandle,
    Workflow,
    WorkflowStatus,
    wf_query,
    wf_signal,
    wf_update,
)

pytestmark = pytest.mark.integration


class Order(BaseModel):
    id: str
    items: int


class Receipt(BaseModel):
    order_id: str
    total: int
    approved_by: str


class TypedOrderWorkflow(Workflow):
    def __init__(self) -> None:
        self.approver: str | None = None
        self.limit = 10

    async def process(self, order: Order, unit_price: int = 3) -> Receipt:
        await self.wait_until(lambda: self.approver is not None)
        assert self.approver is not None
        return Receipt(
            order_id=order.id, total=min(order.items * unit_price, self.limit), approved_by=self.approver
        )

    @wf_signal("approve")
    def approve(self, by: str) -> None:
        self.approver = by

    @wf_query()
    def is_approved(self) -> bool:
        return self.approver is not None

    @wf_query()
    async def limit_plus(self, n: int) -> int:
        return self.limit + n

    @wf_update()
    async def approval(self) -> str:
        await self.wait_until(lambda: self.approver is not None)
        assert self.approver is not None
        return self.approver

    @wf_update("set_limit")
    async def set_limit(self, limit: int) -> int:
        if limit < 0:
            raise ValueError("limit must be >= 0")
        previous, self.limit = self.limit, limit
        return previous


class TypedOtherWorkflow(Workflow):
    async def run(self) -> int:
        return 1

    @wf_signal("approve")
    def approve(self, by: str) -> None:
        pass


def _id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def test_proxy_view_by_reference_and_messages_by_reference(engine: TemporalEngine) -> None:
    proxy = TypedOrderWorkflow.client(engine)
    workflow_id = _id("typed-order")
    handle = await proxy.options(id=workflow_id, execution_timeout=60).async_(
        TypedOrderWorkflow.process, Order(id="o-1", items=2), unit_price=4
    )
    assert isinstance(handle, MethodHandle)
    assert (handle.id, handle.method) == (workflow_id, "process")
    assert await handle.query(TypedOrderWorkflow.is_approved) is False
    assert await handle.query(TypedOrderWorkflow.limit_plus, 5) == 15
    assert await handle.update(TypedOrderWorkflow.set_limit, 100) == 10
    accepted = await handle.start_update(TypedOrderWorkflow.set_limit, limit=50)
    assert isinstance(accepted, UpdateHandle)
    assert (accepted.workflow_id, accepted.name) == (workflow_id, "set_limit")
    assert await accepted.result(timeout=30) == 100
    await handle.signal(TypedOrderWorkflow.approve, "alice")
    receipt = await handle.result(timeout=30)
    assert receipt == Receipt(order_id="o-1", total=8, approved_by="alice")


async def test_start_workflow_execute_workflow_and_get_handle_for(engine: TemporalEngine) -> None:
    workflow_id = _id("typed-ref")
    handle = await engine.start_workflow(
        TypedOrderWorkflow.process,
        Order(id="o-2", items=3),
        id=workflow_id,
        id_conflict_policy=IdConflictPolicy.FAIL,
        memo={"customer": "c-1"},
    )
    assert handle.method == "process"
    described = await handle.describe()
    assert described.memo == {"customer": "c-1"}
    found = engine.get_handle_for(TypedOrderWorkflow.process, workflow_id)
    await found.signal(TypedOrderWorkflow.approve, "bob")
    receipt = await found.result(timeout=30)
    assert isinstance(receipt, Receipt)  # decoded into the entry method's return type, by id
    assert receipt.approved_by == "bob"
    assert await engine.execute_workflow(TypedOtherWorkflow.run, execution_timeout=60) == 1


async def test_messages_by_reference_on_the_engine_by_id(engine: TemporalEngine) -> None:
    workflow_id = _id("typed-by-id")
    await engine.start_workflow(TypedOrderWorkflow.process, Order(id="o-3", items=1), id=workflow_id)
    assert await engine.update(workflow_id, TypedOrderWorkflow.set_limit, 7) == 10
    accepted = await engine.start_update(workflow_id, TypedOrderWorkflow.set_limit, 8)
    assert await accepted.result() == 7
    assert await engine.query(workflow_id, TypedOrderWorkflow.is_approved) is False
    await engine.signal(workflow_id, TypedOrderWorkflow.approve, "carol")
    assert await engine.query(workflow_id, "is_approved") is True  # names keep working
    receipt = await engine.get_result(workflow_id, timeout_seconds=30)
    assert receipt == Receipt(order_id="o-3", total=3, approved_by="carol")


async def _start_and_wait(handle: MethodHandle[Receipt, TypedOrderWorkflow], limit: int) -> int:
    accepted = await handle.start_update(TypedOrderWorkflow.set_limit, limit)
    return await accepted.result(timeout=30)


async def test_start_update_returns_once_accepted_before_the_answer(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(TypedOrderWorkflow.process, Order(id="o-7", items=1))
    accepted = await handle.start_update(TypedOrderWorkflow.approval)  # the handler waits for a signal
    with pytest.raises(TimeoutError, match=r"Update 'approval' .* did not finish within 0:00:00.5"):
        await accepted.result(timeout=0.5)
    await handle.signal(TypedOrderWorkflow.approve, "dana")
    assert await accepted.result(timeout=30) == "dana"
    assert (await handle.result(timeout=30)).approved_by == "dana"


async def test_a_failing_update_raises_update_failed_error(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(TypedOrderWorkflow.process, Order(id="o-4", items=1))
    try:
        with pytest.raises(UpdateFailedError, match="limit must be >= 0"):
            await _start_and_wait(handle, -1)
        assert await handle.status() is WorkflowStatus.RUNNING
    finally:
        await handle.terminate("test over")


async def test_misused_references_are_clear_errors_before_anything_is_sent(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(TypedOrderWorkflow.process, Order(id="o-5", items=1))
    try:
        with pytest.raises(
            UnknownMethodError, match=r"is a signal handler, not a query handler.*handle\.signal"
        ):
            await handle.query(TypedOrderWorkflow.approve, "x")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
        with pytest.raises(
            UnknownMethodError, match=r"TypedOtherWorkflow\.approve is not a handler of workflow"
        ):
            await handle.signal(TypedOtherWorkflow.approve, "eve")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
        with pytest.raises(
            UnknownMethodError, match=r"TypedOtherWorkflow\.approve is not a handler of workflow"
        ):
            await engine.signal(handle.id, TypedOtherWorkflow.approve, "eve")
        with pytest.raises(UnknownMethodError, match=r"is not a @wf_query handler"):
            await handle.query(TypedOrderWorkflow.process)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
        assert await handle.query(TypedOrderWorkflow.is_approved) is False  # nothing was sent
        proxy = TypedOrderWorkflow.client(engine)
        with pytest.raises(UnknownMethodError, match=r"is not an entry method of TypedOrderWorkflow"):
            await proxy.async_(TypedOtherWorkflow.run)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        with pytest.raises(UnknownMethodError, match=r"TypedOrderWorkflow\.approve is a signal handler"):
            proxy.approve  # noqa: B018  (typed as the method: the limit the docs state)
        with pytest.raises(UnknownMethodError, match=r"is a signal handler, not an entry method"):
            await engine.start_workflow(TypedOrderWorkflow.approve, "x")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        with pytest.raises(EngineError, match=r"engine\.start\(\) starts the engine.*start_workflow"):
            await engine.start(TypedOrderWorkflow.process, Order(id="o", items=1))  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
        with pytest.raises(InvalidOptionError, match=r"workflow_id=.* and id=.*same option"):
            await engine.start_method(
                TypedOrderWorkflow, "process", Order(id="o", items=1), workflow_id="a", id="b"
            )
    finally:
        await handle.terminate("test over")


async def test_after_delays_the_start_and_returns_a_typed_handle(engine: TemporalEngine) -> None:
    proxy = TypedOrderWorkflow.client(engine)
    handle = await proxy.after(timedelta(hours=1))(TypedOrderWorkflow.process, Order(id="o-6", items=1))
    try:
        await asyncio.sleep(0.5)
        described = await handle.describe()
        assert described.status is WorkflowStatus.RUNNING
        assert described.history_length <= 2  # no workflow task has run: the start is delayed
    finally:
        await handle.terminate("test over")
