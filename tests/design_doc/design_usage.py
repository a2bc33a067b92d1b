"""The design document's Usage Guide, Advanced Features and Testing code, as written.

Only the import lines differ (``temporal_runtime`` instead of ``src.infra.temporal_runtime``), the
server address comes from ``TEMPORAL_ADDRESS`` and names the document leaves undefined (``Order``,
``process_item``, ``MyWorkflow``...) are filled in. Run by tests/design_doc/test_design_document.py
in its own process, so the document's class names do not clash with the examples'.
"""
# ruff: noqa: E402, I001

from __future__ import annotations

import asyncio
import os
from datetime import datetime, timedelta
from typing import Any
from unittest.mock import AsyncMock, patch

ADDRESS = os.environ["TEMPORAL_ADDRESS"]

# --- Usage Guide 1) Initialize the Engine ---------------------------------------------------------
from temporal_runtime import TemporalEngine
from fastapi import FastAPI

engine = TemporalEngine(
    url=ADDRESS,
    namespace="default",
    task_queue="my-task-queue",
    start_worker=True,  # start Worker in this process
)

app = FastAPI()


# FastAPI deprecates on_event (for lifespan handlers); the document uses it.
@app.on_event("startup")  # pyright: ignore[reportDeprecated]
async def startup() -> None:
    await engine.start()


@app.on_event("shutdown")  # pyright: ignore[reportDeprecated]
async def shutdown() -> None:
    await engine.stop()


# --- Usage Guide 2) Define Activities -------------------------------------------------------------
from pydantic import BaseModel
from temporal_runtime import activity_def


class ProcessDataInput(BaseModel):
    data_id: str
    parameters: dict[str, Any]


class ProcessDataOutput(BaseModel):
    result: str
    processed_at: str


async def process_data_impl(args: ProcessDataInput) -> ProcessDataOutput:
    # business logic...
    return ProcessDataOutput(result="ok", processed_at=datetime.now().isoformat())


process_data = activity_def(
    "process_data",
    Args=ProcessDataInput,
    Result=ProcessDataOutput,
)(process_data_impl)

# --- Usage Guide 3) Define Workflows --------------------------------------------------------------
from temporalio.common import RetryPolicy
from temporal_runtime import Workflow


class DataPipelineWorkflow(Workflow):
    async def run_pipeline(self, input_data: ProcessDataInput) -> ProcessDataOutput:
        result = await self.exec(
            process_data,
            input_data,
            timeout=300,  # 5 minutes
            retry_policy=RetryPolicy(maximum_attempts=3),
        )
        # more business logic...
        return result


# --- Usage Guide 5) Signals & Queries (definitions) -----------------------------------------------
from temporal_runtime import wf_query, wf_signal


class Item(BaseModel):  # not defined by the document
    sku: str


class Order(BaseModel):  # not defined by the document
    items: list[Item]


class OrderResult(BaseModel):  # not defined by the document
    status: str
    items: int = 0


@activity_def("process_item", Args=Item)
async def process_item(item: Item) -> None:  # not defined by the document
    await asyncio.sleep(0.3)


class OrderProcessingWorkflow(Workflow):
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

    async def process_order(self, order: Order) -> OrderResult:
        self._status = "processing"
        for item in order.items:
            await self.wait_until(lambda: not self._paused)
            if self._cancelled:
                return OrderResult(status=self._status)
            await self.exec(process_item, item, timeout=60)
            self._items_processed += 1
        self._status = "completed"
        return OrderResult(status=self._status, items=self._items_processed)


# --- Advanced Features 3) Multiple Methods per Workflow (types not defined by the document) --------
class InputA(BaseModel):
    a: int


class OutputA(BaseModel):
    a2: int


class InputB(BaseModel):
    b: str


class OutputB(BaseModel):
    b2: str


class InputC(BaseModel):
    c: float


class OutputC(BaseModel):
    c2: float


class MultiMethodWorkflow(Workflow):
    async def method_a(self, a: InputA) -> OutputA:
        return OutputA(a2=a.a * 2)

    async def method_b(self, b: InputB) -> OutputB:
        return OutputB(b2=b.b.upper())

    async def method_c(self, c: InputC) -> OutputC:
        return OutputC(c2=c.c / 2)


# --- Advanced Features 1), 2), 4) and Testing use a MyWorkflow the document does not define --------
class ProcessInput(BaseModel):
    value: str = "x"


class ProcessResult(BaseModel):
    result: str
    status: str = "completed"


class ExpectedOutput(ProcessResult):
    pass


DEFAULT_INPUT = ProcessInput()


risky_activity = process_data  # the document's placeholder


class MyWorkflow(Workflow):
    def __init__(self) -> None:
        self._go = False

    @wf_signal("go")
    def go(self) -> None:
        self._go = True

    async def process(self, data: ProcessInput = DEFAULT_INPUT) -> ProcessResult:
        result = await self.exec(
            process_data, ProcessDataInput(data_id=data.value, parameters={}), timeout=30
        )
        await self.wait_until(lambda: self._go)
        return ProcessResult(result=result.result)

    async def risky(self, args: ProcessDataInput) -> ProcessDataOutput:
        # Advanced Features 1) Retry Policies
        from temporalio.common import RetryPolicy

        retry_policy = RetryPolicy(
            maximum_attempts=5,
            initial_interval=timedelta(seconds=1),
            maximum_interval=timedelta(seconds=60),
            backoff_coefficient=2.0,
        )

        result = await self.exec(
            risky_activity,
            args,
            timeout=300,
            retry_policy=retry_policy,
        )
        return result


async def usage_guide() -> None:
    # 4) Execute Workflows
    pipeline = DataPipelineWorkflow.client(engine)

    # Immediate
    result = await pipeline.run_pipeline(ProcessDataInput(data_id="123", parameters={"mode": "fast"}))
    assert result.result == "ok", result

    # Async
    handle = await pipeline.async_.run_pipeline(ProcessDataInput(data_id="456", parameters={"mode": "batch"}))
    result = await handle.result(timeout=60.0)
    assert result.result == "ok", result

    # Delayed
    handle = await pipeline.after(3600).run_pipeline(
        ProcessDataInput(data_id="789", parameters={"mode": "scheduled"})
    )
    assert str(await handle.status()) == "WorkflowStatus.RUNNING"
    await handle.terminate("test over")
    print("OK usage 4")

    # 5) Signals & Queries (use)
    order_data = Order(items=[Item(sku=f"sku-{i}") for i in range(30)])
    client = OrderProcessingWorkflow.client(engine)
    handle = await client.async_.process_order(order_data)
    await handle.signal("pause")
    prog = await handle.query("progress")
    await asyncio.sleep(1)  # an item already in flight may still finish
    paused = await handle.query("progress")
    await asyncio.sleep(1)
    assert (await handle.query("progress")) == paused, "no progress while paused"
    assert isinstance(prog["items_processed"], int)
    await handle.signal("resume")
    await engine.signal(handle.id, "cancel", "Customer request")
    final = await engine.query(handle.id, "status")
    assert final == "cancelled: Customer request", final
    outcome = await handle.result(timeout=60)
    assert outcome.status == "cancelled: Customer request", outcome
    print("OK usage 5")


async def advanced_features() -> None:
    from temporalio.common import WorkflowIDConflictPolicy

    # 1) Retry Policies
    out = await MyWorkflow.client(engine).risky(ProcessDataInput(data_id="r", parameters={}))
    assert out.result == "ok"

    # 2) Workflow ID Conflict Handling
    # Fail if ID exists
    handle = await engine.start_method(
        MyWorkflow,
        "process",
        workflow_id="unique-123",
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
    )

    # Use existing workflow if ID matches
    same = await engine.start_method(
        MyWorkflow,
        "process",
        workflow_id="unique-123",
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
    )
    assert same.run_id == handle.run_id

    # 3) Multiple Methods per Workflow
    data_a, data_c = InputA(a=21), InputC(c=3.0)
    wf = MultiMethodWorkflow.client(engine)
    result_a = await wf.method_a(data_a)
    handle_c = await wf.async_.method_c(data_c)
    assert result_a.a2 == 42
    assert (await handle_c.result()).c2 == 1.5

    # 4) Lifecycle Management
    workflow_id = handle.id
    status = await engine.get_status(workflow_id)
    assert status.name == "RUNNING"
    try:
        res = await engine.get_result(workflow_id, timeout_seconds=1)
    except TimeoutError:
        res = None
    assert res is None
    await engine.signal(workflow_id, "go")
    res = await engine.get_result(workflow_id, timeout_seconds=30)
    assert res.result == "ok"

    other = await engine.start_method(MyWorkflow, "process", workflow_id="lifecycle-cancel")
    await engine.cancel(other.id)  # graceful
    third = await engine.start_method(MyWorkflow, "process", workflow_id="lifecycle-terminate")
    await engine.terminate(third.id, "reason")  # immediate
    assert (await engine.get_status(third.id)).name == "TERMINATED"
    print("OK advanced")


async def testing_section() -> None:
    # Unit Tests (no Temporal)
    input_data = ProcessInput()

    async def test_workflow_logic() -> None:
        wf = MyWorkflow()
        # "Mock exec, sleep, wait_until as needed": our MyWorkflow also waits for a signal.
        with (
            patch.object(wf, "exec", new_callable=AsyncMock) as mock_exec,
            patch.object(wf, "wait_until", new_callable=AsyncMock),
        ):
            mock_exec.return_value = ExpectedOutput(result="success")
            out = await wf.process(input_data)
            assert out.result == "success"
            mock_exec.assert_called_once()

    await test_workflow_logic()

    # Integration Tests (Temporal)
    test_input = ProcessInput()

    async def test_workflow_execution() -> None:
        engine = TemporalEngine(url=ADDRESS, namespace="test", task_queue="test-queue")
        await engine.start()
        try:
            wf = MyWorkflow.client(engine)
            handle = await wf.async_.process(test_input)
            await handle.signal("go")
            result = await handle.result()
            assert result.status == "completed"
        finally:
            await engine.stop()

    await test_workflow_execution()
    print("OK testing")


async def main() -> None:
    async with app.router.lifespan_context(app):  # runs the startup/shutdown handlers
        assert engine.started
        await usage_guide()
        await advanced_features()
    assert not engine.started
    await testing_section()
    print("ALL OK")


if __name__ == "__main__":
    asyncio.run(main())
