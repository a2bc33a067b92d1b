"""Runs that make no progress are visible, and mistakes that would leave a caller waiting are caught
before anything is sent: on a real dev server with the sandbox on."""

from __future__ import annotations

import contextlib
import importlib
import uuid
from collections.abc import AsyncIterator
from typing import cast

import pytest
import temporalio.workflow
from pydantic import BaseModel

from temporal_runtime import (
    EngineError,
    Registry,
    TemporalEngine,
    UnknownMethodError,
    Workflow,
    WorkflowFailedError,
    WorkflowNotFoundError,
    WorkflowRegistry,
    WorkflowStatus,
    WorkflowTaskFailure,
    activity_def,
    wf_signal,
)
from temporal_runtime_workflow import definition_of
from tests.integration.task_failures import until_the_task_failed

pytestmark = pytest.mark.integration


class Stuck(Workflow):
    """Fails its workflow task on every attempt, as code that no longer replays its history does:
    temporalio fails the task, never the run, for a nondeterminism error."""

    async def run(self, n: int) -> int:
        raise temporalio.workflow.NondeterminismError("the code no longer matches the history")


class Approval(Workflow):
    def __init__(self) -> None:
        self._approved = False

    @wf_signal("approve")
    async def approve(self) -> None:
        self._approved = True

    async def run(self, order_id: str) -> str:
        await self.wait_until(lambda: self._approved)
        return f"{order_id} approved"


class Order(BaseModel):
    order_id: str


class Payment(BaseModel):
    amount: float


@activity_def("stuck_ship", Args=Order)
async def ship(order: Order) -> str:
    return order.order_id


class ShipsThePayment(Workflow):
    async def run(self, amount: float) -> str:
        wrong_dto = cast(Order, Payment(amount=amount))  # on purpose
        return await self.exec(ship, wrong_dto, timeout=10)


async def _terminate_at_end(engine: TemporalEngine, workflow_id: str) -> None:
    with contextlib.suppress(WorkflowNotFoundError):  # raised for a run that already ended
        await engine.terminate(workflow_id, "test over")


# --- a workflow task that keeps failing ---------------------------------------------------------------


@pytest.fixture
async def stuck_id(engine: TemporalEngine) -> AsyncIterator[str]:
    handle = await engine.start_workflow(Stuck.run, 1)
    yield handle.id
    await _terminate_at_end(engine, handle.id)


async def test_result_timeout_names_the_failing_workflow_task(engine: TemporalEngine, stuck_id: str) -> None:
    await until_the_task_failed(engine, stuck_id)
    handle = engine.get_handle(stuck_id)
    with pytest.raises(TimeoutError) as info:
        await handle.result(timeout=1)
    message = str(info.value)
    assert message.startswith(
        f"Workflow {stuck_id!r} did not finish within 0:00:01; it is still running, but its workflow task "
        "keeps failing, now on attempt "
    )
    assert (
        ": NondeterminismError: the code no longer matches the history. Temporal retries the task until "
        "workflow code completes it: fix the code and restart the workers, and the run goes on"
    ) in message
    assert "`temporal workflow reset`" in message


async def test_describe_and_the_engine_name_the_last_workflow_task_failure(
    engine: TemporalEngine, stuck_id: str
) -> None:
    await until_the_task_failed(engine, stuck_id)
    with pytest.raises(TimeoutError, match="its workflow task keeps failing"):
        await engine.get_result(stuck_id, timeout_seconds=1)
    description = await engine.describe(stuck_id)
    failure = description.last_task_failure
    assert isinstance(failure, WorkflowTaskFailure)
    assert (failure.error_type, failure.message, failure.cause) == (
        "NondeterminismError",
        "the code no longer matches the history",
        "WORKFLOW_WORKER_UNHANDLED_FAILURE",
    )
    assert failure.attempt >= 2
    assert 'NondeterminismError("the code no longer matches the history")' in failure.stack_trace
    assert failure.failed_at is not None
    assert str(failure).startswith(
        "NondeterminismError: the code no longer matches the history (workflow task attempt "
    )
    assert (description.status, description.workflow_type, description.method) == (
        WorkflowStatus.RUNNING,
        "Stuck",
        "run",
    )
    assert await engine.get_status(stuck_id) is WorkflowStatus.RUNNING
    by_handle = await engine.get_handle(stuck_id).describe()
    assert by_handle.last_task_failure is not None
    assert by_handle.last_task_failure.message == "the code no longer matches the history"


async def test_a_run_that_progresses_has_no_task_failure(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(Approval.run, "A-1")
    description = await handle.describe()
    assert description.last_task_failure is None
    assert (description.workflow_id, description.run_id) == (handle.id, handle.run_id)
    assert (description.method, description.task_queue) == ("run", engine.task_queue)
    await handle.signal("approve")
    assert await handle.result(timeout=20) == "A-1 approved"
    done = await handle.describe()
    assert (done.status, done.last_task_failure) == (WorkflowStatus.COMPLETED, None)
    assert done.close_time is not None


async def test_result_timeout_names_a_task_queue_without_a_worker(engine: TemporalEngine) -> None:
    queue = f"nobody-polls-{uuid.uuid4().hex[:8]}"
    handle = await engine.start_method(Approval, "run", "A-2", task_queue=queue)
    try:
        with pytest.raises(TimeoutError) as info:
            await handle.result(timeout=3)
    finally:
        await _terminate_at_end(engine, handle.id)
    assert "it is still running, but no worker has picked up its workflow task for " in str(info.value)
    assert str(info.value).endswith(
        f" s: is a worker that serves workflow 'Approval' running on task queue {queue!r}?"
    )


# --- a workflow class defined after engine.start() -----------------------------------------------------


async def test_starting_a_workflow_the_worker_lacks_raises_at_once(temporal_address: str) -> None:
    registry: WorkflowRegistry = Registry("workflow")
    registry.register(definition_of(Approval))
    queue = f"late-{uuid.uuid4().hex[:8]}"
    async with TemporalEngine(temporal_address, task_queue=queue, workflow_registry=registry) as engine:
        late = importlib.import_module("tests.integration.late_workflow")
        registry.register(definition_of(late.LateWorkflow))  # defined after start: not served
        with pytest.raises(EngineError) as info:
            await engine.start_workflow(late.LateWorkflow.run, 1)
        assert str(info.value).startswith(
            f"Workflow 'LateWorkflow' (tests.integration.late_workflow.LateWorkflow) is not served by this "
            f"engine's worker on task queue {queue!r}, which serves Approval: the worker serves what was "
            "registered when engine.start() ran"
        )
        assert "Import the module that defines LateWorkflow before engine.start()" in str(info.value)
        with pytest.raises(EngineError):
            await late.LateWorkflow.client(engine).run(1)
        # Another task queue may be served by another process: not checked.
        elsewhere = await engine.start_method(late.LateWorkflow, "run", 1, task_queue=f"{queue}-other")
        await engine.terminate(elsewhere.id)


async def test_a_worker_elsewhere_that_lacks_the_workflow_is_named(temporal_address: str) -> None:
    # A client-only engine cannot know what other processes serve: it starts the run, and a worker on
    # that queue that lacks the workflow fails its task; the timed-out wait says so.
    late = importlib.import_module("tests.integration.late_workflow")
    registry: WorkflowRegistry = Registry("workflow")
    registry.register(definition_of(Approval))
    queue = f"elsewhere-{uuid.uuid4().hex[:8]}"
    async with (
        TemporalEngine(temporal_address, task_queue=queue, workflow_registry=registry),
        TemporalEngine(temporal_address, task_queue=queue, start_worker=False) as client_only,
    ):
        handle = await client_only.start_workflow(late.LateWorkflow.run, 1)
        try:
            await until_the_task_failed(client_only, handle.id)
            with pytest.raises(TimeoutError) as info:
                await handle.result(timeout=1)
        finally:
            await _terminate_at_end(client_only, handle.id)
    assert (
        "NotFoundError: Workflow class LateWorkflow is not registered on this worker, available workflows: "
        f"Approval. A worker polling task queue {queue!r} does not serve workflow 'LateWorkflow': import "
        "the module that defines it before engine.start() in every worker process on that queue"
    ) in str(info.value)


# --- messages that name the real problem --------------------------------------------------------------


async def test_a_misspelt_signal_by_id_lists_the_valid_names(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(Approval.run, "A-3")
    try:
        with pytest.raises(UnknownMethodError) as info:
            await engine.get_handle(handle.id).signal("aprove")
        assert str(info.value) == (
            "Workflow 'Approval' has no signal 'aprove'; signals are: approve "
            '(declare one with @wf_signal("aprove"))'
        )
        with pytest.raises(UnknownMethodError):
            await engine.signal(handle.id, "aprove")
        await engine.get_handle(handle.id).signal("approve")
        assert await handle.result(timeout=20) == "A-3 approved"
    finally:
        await _terminate_at_end(engine, handle.id)


async def test_the_wrong_dto_for_an_activity_is_named(engine: TemporalEngine) -> None:
    with pytest.raises(WorkflowFailedError) as info:
        await engine.execute_workflow(ShipsThePayment.run, 9.5)
    assert info.value.error_type == "InvalidArgumentsError"
    assert "Activity 'stuck_ship' got invalid arguments. Got a Payment where Order is expected. " in str(
        info.value
    )
