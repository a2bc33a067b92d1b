"""What an exception in workflow code fails: business failures fail the run; a bug fails only the
workflow task, which Temporal retries, so a fixed deploy rescues the run; and such a run is logged
once, at ERROR, however often its task is retried."""

from __future__ import annotations

import asyncio
import gc
import logging
import uuid
from collections.abc import AsyncIterator

import pytest
import temporalio.api.enums.v1
from pydantic import BaseModel

from temporal_runtime import (
    InvalidOptionError,
    MethodHandle,
    Registry,
    TemporalEngine,
    UpdateFailedError,
    Workflow,
    WorkflowFailedError,
    WorkflowFailure,
    WorkflowRegistry,
    WorkflowStatus,
    wf_signal,
    wf_update,
)
from temporal_runtime.testing import TemporalTestServer
from tests.integration.failure_switch import ATTEMPTS, BROKEN, Repair

pytestmark = pytest.mark.integration


class OrderRejected(Exception):
    """A business outcome the workflow class lists in failure_exceptions=."""


class CreditCheckFailed(Exception):
    """A business outcome the engine lists in workflow_failure_exceptions=."""


class OutOfStock(WorkflowFailure):
    """Raised on purpose: a subclass names the outcome (the caller's error_type)."""


class Order(BaseModel):
    order_id: str
    quantity: int = 1


class OrderWorkflow(Workflow, failure_exceptions=(OrderRejected,)):
    def __init__(self) -> None:
        self.notes: list[str] = []
        self.closed = False

    async def place(self, order: Order) -> str:
        if order.quantity <= 0:
            raise OrderRejected(f"order {order.order_id} has no items")
        if order.quantity > 100:
            raise OutOfStock(
                f"only 100 left for {order.order_id}", details=[{"available": 100}], non_retryable=True
            )
        if order.quantity == 13:
            raise CreditCheckFailed(f"credit check failed for {order.order_id}")
        return f"placed {order.order_id}"

    async def repairable(self, repair: Repair) -> str:
        await self.sleep(0.1)  # a first workflow task that completes: the run has begun
        if repair.key in BROKEN:
            ATTEMPTS[repair.key] += 1
            return self.misspeled  # type: ignore[attr-defined,no-any-return]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType, reportUnknownVariableType]  # the bug
        return f"repaired {repair.key}"

    async def impatient(self, order: Order) -> None:
        await self.wait_until(lambda: self.closed, timeout=0.2)

    async def noting(self, order: Order) -> list[str]:
        await self.wait_until(lambda: self.closed)
        return self.notes

    @wf_signal("note")
    def note(self, text: str) -> None:
        if text == "typo":
            self.notes.apend(text)  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]  # the bug
        if text == "refuse":
            raise WorkflowFailure("notes refused")
        self.notes.append(text)

    @wf_signal("close")
    def close(self) -> None:
        self.closed = True

    @wf_update("count_notes")
    def count_notes(self, prefix: str) -> int:
        return len([n for n in self.notes if n.startswith(prefix.lowercase())])  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownArgumentType, reportUnknownMemberType]


class ChildOrderWorkflow(OrderWorkflow):
    """Inherits failure_exceptions=(OrderRejected,) from its base."""


async def _task_failure(handle: MethodHandle[object]) -> str:
    """The message of the workflow-task failure recorded in the run's history (Temporal records the
    first failure; later attempts of the same task are counted, not recorded)."""
    history = await handle.temporal_handle.fetch_history()
    failed = temporalio.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
    [message, *_] = [
        e.workflow_task_failed_event_attributes.failure.message
        for e in history.events
        if e.event_type == failed
    ]
    return message


async def _until_task_failed(handle: MethodHandle[object]) -> str:
    """Wait until the run's workflow task has failed (and is to be retried); the failure's message."""
    async with asyncio.timeout(30):
        while True:  # polling the server
            description = await handle.temporal_handle.describe()
            if description.raw_description.pending_workflow_task.attempt >= 2:
                break
            await asyncio.sleep(0.1)
    return await _task_failure(handle)


async def _until_attempts(key: str, attempts: int) -> None:
    """Wait until the broken code of ``key`` ran ``attempts`` times (the server waits about ten
    seconds before the third attempt of a failing workflow task)."""
    async with asyncio.timeout(60):
        while ATTEMPTS[key] < attempts:  # noqa: ASYNC110 - workflow code runs in the worker's threads
            await asyncio.sleep(0.1)


# --- business failures fail the run --------------------------------------------------------------------


@pytest.mark.parametrize("workflow", [OrderWorkflow, ChildOrderWorkflow])
async def test_a_listed_exception_type_fails_the_run(
    engine: TemporalEngine, workflow: type[OrderWorkflow]
) -> None:
    handle = await engine.start_workflow(workflow.place, Order(order_id="o-1", quantity=0))
    with pytest.raises(WorkflowFailedError) as info:
        await handle.result(timeout=10)
    assert info.value.error_type == "OrderRejected"
    assert info.value.message.endswith("failed: OrderRejected: order o-1 has no items")
    assert await handle.status() is WorkflowStatus.FAILED


async def test_a_workflow_failure_fails_the_run_with_its_type_and_details(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(OrderWorkflow.place, Order(order_id="o-2", quantity=500))
    with pytest.raises(WorkflowFailedError) as info:
        await handle.result(timeout=10)
    assert info.value.error_type == "OutOfStock"
    assert info.value.details == ({"available": 100},)
    assert "OutOfStock: only 100 left for o-2" in str(info.value)
    assert await handle.status() is WorkflowStatus.FAILED


async def test_a_timeout_fails_the_run_as_in_temporalio(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(OrderWorkflow.impatient, Order(order_id="o-8"))
    with pytest.raises(WorkflowFailedError, match=r"TimeoutError: wait_until\(\) condition not met") as info:
        await handle.result(timeout=10)
    assert info.value.error_type == "TimeoutError"


@pytest.fixture
async def listing_engine(temporal_server: TemporalTestServer) -> AsyncIterator[TemporalEngine]:
    """An engine that lists CreditCheckFailed as a failure in every workflow it serves."""
    async with temporal_server.engine(
        f"failures-{uuid.uuid4().hex[:8]}",
        workflow_registry=_only(OrderWorkflow),
        workflow_failure_exceptions=[CreditCheckFailed],
    ) as engine:
        yield engine


def _only(*workflows: type[Workflow]) -> WorkflowRegistry:
    registry: WorkflowRegistry = Registry("workflow")
    for workflow in workflows:
        definition = workflow.__workflow_definition__
        assert definition is not None
        registry.register(definition)
    return registry


async def test_an_exception_type_the_engine_lists_fails_the_run(listing_engine: TemporalEngine) -> None:
    handle = await listing_engine.start_workflow(OrderWorkflow.place, Order(order_id="o-3", quantity=13))
    with pytest.raises(WorkflowFailedError) as info:
        await handle.result(timeout=10)
    assert info.value.error_type == "CreditCheckFailed"
    assert "credit check failed for o-3" in str(info.value)


async def test_the_same_exception_fails_only_the_task_where_nobody_lists_it(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(OrderWorkflow.place, Order(order_id="o-4", quantity=13))
    failure = await _until_task_failed(handle)
    assert failure == "credit check failed for o-4"
    assert await handle.status() is WorkflowStatus.RUNNING
    await handle.terminate("test over")


def test_the_engine_rejects_what_is_not_an_exception_class() -> None:
    with pytest.raises(
        InvalidOptionError, match=r"workflow_failure_exceptions=\[OrderRejected\], got 'ValueError'"
    ):
        TemporalEngine(url="127.0.0.1:1", workflow_failure_exceptions=["ValueError"])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]


# --- a bug fails the workflow task, and a fix rescues the run ------------------------------------------


async def test_a_bug_leaves_the_run_running_and_a_fixed_deploy_completes_it(engine: TemporalEngine) -> None:
    key = f"typo-{uuid.uuid4().hex[:6]}"
    BROKEN.add(key)
    handle = await engine.start_workflow(OrderWorkflow.repairable, Repair(key=key))
    await _until_attempts(key, 2)  # failed, and failed again when retried
    assert await _task_failure(handle) == "'OrderWorkflow' object has no attribute 'misspeled'"
    assert await handle.status() is WorkflowStatus.RUNNING
    with pytest.raises(TimeoutError, match="still running"):
        await handle.result(timeout=1)

    BROKEN.discard(key)  # "deploy the fix": the next retry of the task runs the fixed code
    assert await handle.result(timeout=30) == f"repaired {key}"
    assert await handle.status() is WorkflowStatus.COMPLETED


async def test_a_run_whose_task_keeps_failing_is_logged_once_at_error(
    engine: TemporalEngine, caplog: pytest.LogCaptureFixture
) -> None:
    key = f"logged-{uuid.uuid4().hex[:6]}"
    BROKEN.add(key)
    with caplog.at_level(logging.WARNING):
        handle = await engine.start_workflow(OrderWorkflow.repairable, Repair(key=key))
        await _until_attempts(key, 3)  # three attempts, each replaying the run in a fresh sandbox
        await asyncio.sleep(0.5)
    await handle.terminate("test over")
    BROKEN.discard(key)

    ours = _reports(caplog, handle.id)
    assert len(ours) == 1, [r.getMessage() for r in ours]
    [record] = ours
    assert record.levelno == logging.ERROR
    message = record.getMessage()
    assert message.startswith(f"Workflow task failed in OrderWorkflow.repairable, run {handle.run_id} of ")
    assert "AttributeError: 'OrderWorkflow' object has no attribute 'misspeled'" in message
    assert "The run stays RUNNING" in message
    assert "Fix the code and restart the worker: the run resumes where it stopped." in message
    assert "raise WorkflowFailure instead or list its type in failure_exceptions=(...)" in message
    assert f"temporal workflow terminate --workflow-id {handle.id}" in message
    assert record.exc_info is not None  # the traceback
    assert record.exc_info[0] is AttributeError
    retries = [
        r for r in caplog.records if "Failed activation" in r.getMessage() and handle.id in r.getMessage()
    ]
    assert len(retries) >= 3  # temporalio's WARNING per attempt: the task did fail again and again


# --- handlers ------------------------------------------------------------------------------------------


async def test_a_bug_in_a_signal_handler_fails_the_task_and_a_workflow_failure_fails_the_run(
    engine: TemporalEngine,
) -> None:
    buggy = await engine.start_workflow(OrderWorkflow.noting, Order(order_id="o-5"))
    await buggy.signal("note", "typo")
    failure = await _until_task_failed(buggy)
    assert "'list' object has no attribute 'apend'" in failure
    assert await buggy.status() is WorkflowStatus.RUNNING
    await buggy.terminate("test over")

    refused = await engine.start_workflow(OrderWorkflow.noting, Order(order_id="o-6"))
    await refused.signal("note", "refuse")
    with pytest.raises(WorkflowFailedError, match="WorkflowFailure: notes refused"):
        await refused.result(timeout=10)


async def test_a_bug_in_an_update_handler_fails_only_the_update(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(OrderWorkflow.noting, Order(order_id="o-7"))
    await handle.signal("note", "first")
    with pytest.raises(UpdateFailedError, match="'str' object has no attribute 'lowercase'") as info:
        await handle.update("count_notes", "f")
    assert info.value.error_type == "AttributeError"
    await handle.signal("close")
    assert await handle.result(timeout=10) == ["first"]


def _reports(caplog: pytest.LogCaptureFixture, workflow_id: str) -> list[logging.LogRecord]:
    return [
        r for r in caplog.records if r.name == "temporal_runtime.workflow" and workflow_id in r.getMessage()
    ]


class BrokenConstructorWorkflow(Workflow):
    """Its constructor has a bug: temporalio builds the instance outside ``run``."""

    def __init__(self) -> None:
        self.limit = self.misspelt_default  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]

    async def process(self, order: Order) -> str:
        return order.order_id


# temporalio leaves its never-started run coroutine behind when the constructor raises; collected here.
@pytest.mark.filterwarnings("ignore:coroutine .*run_workflow.* was never awaited:RuntimeWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_a_bug_in_the_constructor_fails_the_task_and_is_logged_once(
    engine: TemporalEngine, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        handle = await engine.start_workflow(BrokenConstructorWorkflow.process, Order(order_id="o-init"))
        for _ in range(100):  # the first attempt fails within moments; wait for its report
            if _reports(caplog, handle.id):
                break
            await asyncio.sleep(0.1)
        assert await handle.status() is WorkflowStatus.RUNNING
    await handle.terminate("test over")
    ours = _reports(caplog, handle.id)
    assert len(ours) == 1, [r.getMessage() for r in ours]
    assert ours[0].levelno == logging.ERROR
    assert ours[0].getMessage().startswith("Workflow task failed in ")
    assert "BrokenConstructorWorkflow.__init__" in ours[0].getMessage()
    assert "has no attribute 'misspelt_default'" in ours[0].getMessage()
    gc.collect()
