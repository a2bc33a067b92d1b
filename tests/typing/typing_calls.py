"""Static typing of everything a caller touches after the first call: handles, options, message
passing by method reference (mypy --strict and pyright strict check this file; it is never run).

``assert_type`` fails type checking if an inferred type drifts; each ``# type: ignore[code]  #
pyright: ignore[rule]`` line is a mistake that must stay an error in both checkers (an ignore that
is no longer needed is itself an error in both).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, assert_type

from pydantic import BaseModel

from temporal_runtime import (
    IdConflictPolicy,
    MethodHandle,
    RetryPolicy,
    TemporalEngine,
    UpdateHandle,
    Workflow,
    wf_query,
    wf_signal,
    wf_update,
)


class Order(BaseModel):
    id: str


class Receipt(BaseModel):
    total: int


class OrderWorkflow(Workflow):
    def __init__(self) -> None:
        self.approved = False
        self.limit = 0

    async def process(self, order: Order, rush: bool = False) -> Receipt:
        await self.wait_until(lambda: self.approved)
        return Receipt(total=self.limit)

    async def audit(self) -> None:
        return None

    @wf_signal("approve")
    def approve(self, by: str) -> None:
        self.approved = True

    @wf_signal()
    async def reset(self) -> None:
        self.approved = False

    @wf_query()
    def is_approved(self) -> bool:
        return self.approved

    @wf_query()
    async def limit_plus(self, n: int) -> int:
        return self.limit + n

    @wf_update("set_limit")
    async def set_limit(self, limit: int) -> int:
        self.limit = limit
        return limit

    @wf_update()
    def bump(self) -> str:
        return "bumped"


class OtherWorkflow(Workflow):
    async def run(self, n: int) -> int:
        return n

    @wf_signal()
    def approve(self, by: str) -> None:
        pass

    @wf_query()
    def is_approved(self) -> bool:
        return True


async def proxy_styles(engine: TemporalEngine, order: Order) -> None:
    proxy = OrderWorkflow.client(engine)
    assert_type(await proxy.process(order), Receipt)

    handle = await proxy.options(id="order-42").async_(OrderWorkflow.process, order)
    assert_type(handle, MethodHandle[Receipt, OrderWorkflow])
    assert_type(await handle.result(), Receipt)
    assert_type(await handle.result(timeout=5), Receipt)
    assert_type(
        await proxy.async_(OrderWorkflow.process, order, rush=True), MethodHandle[Receipt, OrderWorkflow]
    )
    assert_type(await proxy.async_(OrderWorkflow.audit), MethodHandle[None, OrderWorkflow])
    delayed = await proxy.after(timedelta(hours=1))(OrderWorkflow.process, order)
    assert_type(delayed, MethodHandle[Receipt, OrderWorkflow])
    assert_type(await proxy.after(60)(OrderWorkflow.process, order), MethodHandle[Receipt, OrderWorkflow])

    # The attribute style still works; without mapped types it cannot be precise.
    assert_type(await proxy.async_.process(order), MethodHandle[Any])
    assert_type(await proxy.after(5).process(order), MethodHandle[Any])

    # Existing `MethodHandle[R]` annotations stay valid (the workflow parameter defaults to Any).
    annotated: MethodHandle[Receipt] = handle
    assert_type(annotated, MethodHandle[Receipt])

    options = proxy.options(
        id="o-1",
        id_conflict_policy=IdConflictPolicy.USE_EXISTING,
        execution_timeout=timedelta(days=1),
        run_timeout=3600,
        retry_policy=RetryPolicy(maximum_attempts=3),
        memo={"customer": "c-1"},
        start_delay=1.5,
        task_queue="orders",
    )
    assert_type(options, OrderWorkflow)

    await proxy.async_(OrderWorkflow.process, "not an order")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await proxy.async_(OrderWorkflow.process)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    await proxy.async_(OrderWorkflow.process, order, True, 3)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    await proxy.async_(OtherWorkflow.run, 1)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await proxy.after(5)(OtherWorkflow.run, 1)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    proxy.options(idd="typo")  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
    proxy.options(execution_timeout="1 day")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    proxy.options(retry_policy=3)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


async def by_reference(engine: TemporalEngine, order: Order) -> None:
    handle = await engine.start_workflow(OrderWorkflow.process, order, id="order-7")
    assert_type(handle, MethodHandle[Receipt, OrderWorkflow])
    assert_type(
        await engine.start_workflow(OrderWorkflow.process, order, True), MethodHandle[Receipt, OrderWorkflow]
    )
    assert_type(await engine.start_workflow(OrderWorkflow.audit), MethodHandle[None, OrderWorkflow])
    assert_type(await engine.execute_workflow(OrderWorkflow.process, order, execution_timeout=60), Receipt)
    assert_type(await engine.execute_workflow(OtherWorkflow.run, 3), int)
    assert_type(engine.get_handle_for(OrderWorkflow.process, "order-7"), MethodHandle[Receipt, OrderWorkflow])
    assert_type(engine.get_handle_for(OtherWorkflow.run, "x", run_id="r"), MethodHandle[int, OtherWorkflow])
    assert_type(
        await engine.start_method(OrderWorkflow, "process", order, workflow_id="o"), MethodHandle[Any]
    )
    assert_type(await engine.execute_method(OrderWorkflow, "process", order, task_queue="q"), Any)

    await engine.start_workflow(OrderWorkflow.process, 42)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await engine.start_workflow(OrderWorkflow.process)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await engine.start_workflow(OrderWorkflow.process, order, idd="typo")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
    await engine.execute_workflow(OtherWorkflow.run, "one")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await engine.start_method(OrderWorkflow, "process", order, run_timeout="soon")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await engine.start(OrderWorkflow.process, order)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


async def messages(engine: TemporalEngine, order: Order) -> None:
    handle = await engine.start_workflow(OrderWorkflow.process, order)
    await handle.signal(OrderWorkflow.approve, "alice")
    await handle.signal(OrderWorkflow.reset)
    await handle.signal("approve", "alice")
    assert_type(await handle.query(OrderWorkflow.is_approved), bool)
    assert_type(await handle.query(OrderWorkflow.limit_plus, 2), int)
    assert_type(await handle.query("is_approved"), Any)
    assert_type(await handle.update(OrderWorkflow.set_limit, 5), int)
    assert_type(await handle.update(OrderWorkflow.bump), str)
    assert_type(await handle.update("set_limit", 5), Any)
    started = await handle.start_update(OrderWorkflow.set_limit, 5)
    assert_type(started, UpdateHandle[int])
    assert_type(await started.result(), int)
    assert_type(started.id, str)
    assert_type(await handle.start_update("set_limit", 5), UpdateHandle[Any])

    # By workflow id, on the engine.
    await engine.signal("order-7", OrderWorkflow.approve, "bob")
    assert_type(await engine.query("order-7", OrderWorkflow.is_approved), bool)
    assert_type(await engine.update("order-7", OrderWorkflow.set_limit, 9), int)
    assert_type(await engine.start_update("order-7", OrderWorkflow.set_limit, 9), UpdateHandle[int])
    assert_type(await engine.query("order-7", "is_approved"), Any)

    # By id the engine cannot know the run's class statically: another class's handler type-checks
    # there, and the run time check (the handler must be the run's class's) catches it.
    # A handle of an unknown class (MethodHandle[R]) accepts any class's handlers.
    untyped: MethodHandle[Receipt] = handle
    assert_type(await untyped.query(OtherWorkflow.is_approved), bool)

    await handle.signal(OtherWorkflow.approve, "eve")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    await handle.query(OtherWorkflow.is_approved)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    await handle.query(OrderWorkflow.approve, "x")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    await handle.signal(OrderWorkflow.is_approved)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    await handle.update(OrderWorkflow.approve, "x")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    await handle.signal(OrderWorkflow.approve, 3)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    await handle.update(OrderWorkflow.set_limit, "five")  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]
    await handle.query(OrderWorkflow.process)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue, reportArgumentType]


def handlers_stay_methods() -> None:
    # The design document calls handlers directly in unit tests: they keep their signatures.
    wf = OrderWorkflow()
    assert_type(wf.approve("alice"), None)
    assert_type(wf.is_approved(), bool)
    assert_type(wf.bump(), str)
    wf.approve(3)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


async def handlers_stay_async_methods() -> None:
    wf = OrderWorkflow()
    await wf.reset()
    assert_type(await wf.set_limit(3), int)
    assert_type(await wf.limit_plus(1), int)


class SignalWithAnswer(Workflow):
    async def run(self) -> None:
        return None

    @wf_signal()  # type: ignore[arg-type]  # pyright: ignore[reportCallIssue, reportArgumentType, reportUntypedFunctionDecorator]
    def answer(self) -> int:
        return 1
