"""``MethodHandle`` without a server: argument checks, what it asks temporalio's handle, its errors.

``RecordingHandle`` stands in for ``temporalio.client.WorkflowHandle``: it records the calls our
handle makes and answers or raises what a test tells it to, as temporalio's handle would after a
server's answer. The integration tests run the same calls against a real server.
"""

from __future__ import annotations

import asyncio
import gc
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast
from unittest.mock import patch

import pytest
import temporalio.api.enums.v1
import temporalio.api.workflow.v1
import temporalio.api.workflowservice.v1
import temporalio.client
import temporalio.exceptions
import temporalio.service
from pydantic import BaseModel

from temporal_runtime_client import MethodHandle, RunHandle, WorkflowStatus
from temporal_runtime_core import (
    InvalidArgumentsError,
    InvalidOptionError,
    QueryFailedError,
    Registry,
    UnknownMethodError,
    UpdateFailedError,
    WorkflowCancelledError,
    WorkflowFailedError,
    WorkflowNotFoundError,
    WorkflowRegistry,
    WorkflowTimedOutError,
)
from temporal_runtime_workflow import Workflow, definition_of, wf_query, wf_signal, wf_update


class Item(BaseModel):
    sku: str
    quantity: int = 1


class HandleCart(Workflow, registry=Registry("workflow")):
    def __init__(self) -> None:
        self._items: list[Item] = []

    async def checkout(self, customer: str) -> list[Item]:
        await self.wait_until(lambda: len(self._items) > 2)
        return self._items

    @wf_signal("add-item")
    async def add(self, item: Item) -> None:
        self._items.append(item)

    @wf_query()
    def count(self, sku: str | None = None) -> int:
        return len([i for i in self._items if sku is None or i.sku == sku])

    @wf_update()
    async def remove(self, sku: str, quantity: int) -> Item:
        return Item(sku=sku, quantity=quantity)


@dataclass
class RecordingHandle:
    """Answers like temporalio's ``WorkflowHandle`` and records each call as ``(name, ...)``."""

    id: str = "cart-1"
    run_id: str | None = None
    result_run_id: str | None = "run-1"
    calls: list[tuple[Any, ...]] = field(default_factory=list[tuple[Any, ...]])
    answer: Any = None
    error: BaseException | None = None
    hang: bool = False
    described: Any = None
    """What ``describe`` answers when set (instead of ``answer``, ``error`` or hanging)."""

    async def _reply(self, *call: Any) -> Any:
        self.calls.append(call)
        if self.hang:
            await asyncio.Event().wait()
        if self.error is not None:
            raise self.error
        return self.answer

    async def result(self) -> Any:
        return await self._reply("result")

    async def signal(self, name: str, *, args: list[Any]) -> None:
        await self._reply("signal", name, args)

    async def query(self, name: str, *, args: list[Any], result_type: type | None) -> Any:
        return await self._reply("query", name, args, result_type)

    async def execute_update(self, name: str, *, args: list[Any], result_type: type | None) -> Any:
        return await self._reply("update", name, args, result_type)

    async def cancel(self) -> None:
        await self._reply("cancel")

    async def terminate(self, *, reason: str | None) -> None:
        await self._reply("terminate", reason)

    async def describe(self) -> Any:
        if self.described is not None:
            self.calls.append(("describe",))
            return self.described
        return await self._reply("describe")


def _handle(
    recording: RecordingHandle, *, typed: bool = True, registry: WorkflowRegistry | None = None
) -> MethodHandle[Any]:
    temporal = cast("temporalio.client.WorkflowHandle[Any, Any]", recording)
    if not typed:
        return RunHandle(temporal, registry=registry)
    return RunHandle(temporal, definition_of(HandleCart), "checkout")


def _description(
    workflow_type: str = "HandleCart",
    *,
    task: temporalio.api.workflow.v1.PendingWorkflowTaskInfo | None = None,
    status: temporalio.client.WorkflowExecutionStatus = temporalio.client.WorkflowExecutionStatus.RUNNING,
) -> SimpleNamespace:
    """What temporalio's ``describe`` answers, as far as a handle reads it."""
    raw = temporalio.api.workflowservice.v1.DescribeWorkflowExecutionResponse()
    if task is not None:
        raw.pending_workflow_task.CopyFrom(task)
    return SimpleNamespace(
        id="cart-1",
        run_id="run-1",
        workflow_type=workflow_type,
        task_queue="carts",
        status=status,
        raw_description=raw,
    )


def _pending_task(*, attempt: int, scheduled_ago: float = 0, started: bool = True) -> Any:
    scheduled = temporalio.api.workflow.v1.PendingWorkflowTaskInfo()
    scheduled.attempt = attempt
    scheduled.state = (
        temporalio.api.enums.v1.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED
        if started
        else temporalio.api.enums.v1.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED
    )
    scheduled.scheduled_time.FromDatetime(datetime.now(UTC) - timedelta(seconds=scheduled_ago))
    return scheduled


def _registry() -> WorkflowRegistry:
    registry: WorkflowRegistry = Registry("workflow")
    registry.register(definition_of(HandleCart))
    return registry


def _not_found() -> temporalio.service.RPCError:
    return temporalio.service.RPCError(
        "workflow not found for ID: cart-1", temporalio.service.RPCStatusCode.NOT_FOUND, b""
    )


# --- what it knows without asking -----------------------------------------------------------------------


def test_ids_method_and_repr() -> None:
    recording = RecordingHandle()
    handle = _handle(recording)
    assert (handle.id, handle.run_id, handle.method) == ("cart-1", "run-1", "checkout")
    assert handle.temporal_handle is cast(object, recording)
    assert repr(handle) == "<MethodHandle id='cart-1' run_id='run-1' method='checkout'>"
    by_id = _handle(RecordingHandle(run_id="run-0", result_run_id=None), typed=False)
    assert (by_id.run_id, by_id.method) == ("run-0", None)
    assert recording.calls == []


# --- signals, queries and updates: bound and validated against the definition ---------------------------


async def test_signal_validates_and_binds_its_arguments() -> None:
    recording = RecordingHandle()
    await _handle(recording).signal("add-item", {"sku": "tea"})
    assert recording.calls == [("signal", "add-item", [Item(sku="tea", quantity=1)])]


async def test_query_fills_defaults_and_asks_for_the_handlers_return_type() -> None:
    recording = RecordingHandle(answer=2)
    assert await _handle(recording).query("count") == 2
    await _handle(recording).query("count", "tea")
    assert recording.calls == [("query", "count", [None], int), ("query", "count", ["tea"], int)]


async def test_update_binds_its_arguments_and_asks_for_the_handlers_return_type() -> None:
    recording = RecordingHandle(answer=Item(sku="tea", quantity=2))
    assert await _handle(recording).update("remove", "tea", "2") == Item(sku="tea", quantity=2)
    assert recording.calls == [("update", "remove", ["tea", 2], Item)]


@pytest.mark.parametrize(
    ("kind", "name", "args"),
    [
        ("signal", "add-item", ({"quantity": 2},)),  # sku missing
        ("signal", "add-item", ()),
        ("query", "count", ("tea", "extra")),
        ("update", "remove", ("tea", "many")),
    ],
)
async def test_invalid_arguments_fail_before_anything_is_sent(
    kind: str, name: str, args: tuple[Any, ...]
) -> None:
    recording = RecordingHandle()
    with pytest.raises(InvalidArgumentsError):
        await getattr(_handle(recording), kind)(name, *args)
    assert recording.calls == []


@pytest.mark.parametrize(("kind", "name"), [("signal", "add"), ("query", "items"), ("update", "add-item")])
async def test_unknown_handlers_fail_before_anything_is_sent(kind: str, name: str) -> None:
    recording = RecordingHandle()
    with pytest.raises(UnknownMethodError, match=f"no {kind} {name!r}"):
        await getattr(_handle(recording), kind)(name)
    assert recording.calls == []


async def test_a_handle_by_id_looks_its_class_up_once_and_catches_a_misspelt_name() -> None:
    recording = RecordingHandle(described=_description("HandleCart"), answer=2)
    handle = _handle(recording, typed=False, registry=_registry())
    with pytest.raises(UnknownMethodError) as info:
        await handle.signal("add_item", {"sku": "tea"})
    assert str(info.value) == (
        "Workflow 'HandleCart' has no signal 'add_item'; signals are: add-item "
        '(declare one with @wf_signal("add_item"))'
    )
    with pytest.raises(InvalidArgumentsError):
        await handle.update("remove", "tea", "many")
    await handle.signal("add-item", {"sku": "tea"})
    assert await handle.query("count") == 2
    assert recording.calls == [
        ("describe",),
        ("signal", "add-item", [Item(sku="tea", quantity=1)]),
        ("query", "count", [None], None),  # checked, but the answer stays plain JSON on a handle by id
    ]


async def test_a_handle_by_id_of_a_type_defined_elsewhere_warns_once_and_sends_as_given() -> None:
    recording = RecordingHandle(described=_description("BillingWorkflow"))
    handle = _handle(recording, typed=False, registry=_registry())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        await handle.signal("aprove", 1)
        await handle.signal("aprove", 2)
    assert [str(w.message) for w in caught] == [
        "Workflow 'cart-1' is of type 'BillingWorkflow', which this process does not define: signal "
        "'aprove' is sent unchecked. Import the module that defines the workflow class to have names and "
        "arguments checked before sending"
    ]
    assert caught[0].filename == __file__  # points at the caller's line
    assert recording.calls == [("describe",), ("signal", "aprove", [1]), ("signal", "aprove", [2])]


async def test_a_handle_by_id_makes_no_call_until_it_is_used() -> None:
    recording = RecordingHandle(described=_description("HandleCart"))
    handle = _handle(recording, typed=False, registry=_registry())
    assert (handle.id, handle.method) == ("cart-1", None)
    await handle.cancel()
    assert recording.calls == [("cancel",)]


async def test_a_handle_by_id_sends_arguments_as_given() -> None:
    recording = RecordingHandle()
    handle = _handle(recording, typed=False)
    await handle.signal("anything", {"sku": 1}, 2)
    await handle.query("anything")
    await handle.update("anything", "x")
    assert recording.calls == [
        ("signal", "anything", [{"sku": 1}, 2]),
        ("query", "anything", [], None),
        ("update", "anything", ["x"], None),
    ]


# --- failures are translated into our errors -------------------------------------------------------------


async def test_a_failed_update_raises_update_failed_error() -> None:
    cause = temporalio.exceptions.ApplicationError("not in the cart", type="KeyError")
    recording = RecordingHandle(error=temporalio.client.WorkflowUpdateFailedError(cause))
    with pytest.raises(UpdateFailedError) as info:
        await _handle(recording).update("remove", "tea", 1)
    assert str(info.value) == "Update on workflow 'cart-1' failed: KeyError: not in the cart"
    assert (info.value.error_type, info.value.workflow_id, info.value.run_id) == (
        "KeyError",
        "cart-1",
        "run-1",
    )
    assert isinstance(info.value.__cause__, temporalio.client.WorkflowUpdateFailedError)


async def test_a_failed_query_raises_query_failed_error() -> None:
    recording = RecordingHandle(error=temporalio.client.WorkflowQueryFailedError("handler raised"))
    with pytest.raises(QueryFailedError, match="Query on workflow 'cart-1' failed: handler raised"):
        await _handle(recording).query("count")


@pytest.mark.parametrize("kind", ["signal", "query", "cancel", "terminate", "describe"])
async def test_a_missing_workflow_raises_workflow_not_found_error(kind: str) -> None:
    recording = RecordingHandle(error=_not_found())
    handle = _handle(recording)
    calls = {
        "signal": lambda: handle.signal("add-item", {"sku": "tea"}),
        "query": lambda: handle.query("count"),
        "cancel": handle.cancel,
        "terminate": lambda: handle.terminate("done"),
        "describe": handle.describe,
    }
    with pytest.raises(WorkflowNotFoundError, match="No workflow execution 'cart-1' found") as info:
        await calls[kind]()
    assert info.value.workflow_id == "cart-1"
    assert info.value.__cause__ is recording.error


async def test_cancel_and_terminate_are_forwarded() -> None:
    recording = RecordingHandle()
    await _handle(recording).cancel()
    await _handle(recording).terminate("fraud")
    assert recording.calls == [("cancel",), ("terminate", "fraud")]


@pytest.mark.parametrize(
    ("temporal", "ours"),
    [
        (temporalio.client.WorkflowExecutionStatus.RUNNING, WorkflowStatus.RUNNING),
        (temporalio.client.WorkflowExecutionStatus.CONTINUED_AS_NEW, WorkflowStatus.CONTINUED_AS_NEW),
        (None, WorkflowStatus.UNKNOWN),
    ],
)
async def test_status_reads_the_description(
    temporal: temporalio.client.WorkflowExecutionStatus | None, ours: WorkflowStatus
) -> None:
    recording = RecordingHandle(answer=SimpleNamespace(status=temporal))
    assert await _handle(recording).status() is ours


# --- result ----------------------------------------------------------------------------------------------


async def test_result_returns_the_answer_with_or_without_a_timeout() -> None:
    recording = RecordingHandle(answer=[Item(sku="tea")])
    assert await _handle(recording).result() == [Item(sku="tea")]
    assert await _handle(recording).result(timeout=5) == [Item(sku="tea")]
    assert recording.calls == [("result",), ("result",)]


@pytest.mark.parametrize("timeout", [None, 5])
async def test_a_failed_run_raises_our_error_chained_to_temporals(timeout: float | None) -> None:
    failure = temporalio.client.WorkflowFailureError(
        cause=temporalio.exceptions.ApplicationError("card declined", type="PaymentError")
    )
    with pytest.raises(WorkflowFailedError) as info:
        await _handle(RecordingHandle(error=failure)).result(timeout=timeout)
    assert str(info.value) == "Workflow 'cart-1' failed: PaymentError: card declined"
    assert (info.value.workflow_id, info.value.run_id) == ("cart-1", "run-1")
    assert info.value.__cause__ is failure


async def test_result_timeout_raises_timeout_error_and_the_run_goes_on() -> None:
    recording = RecordingHandle(hang=True, described=_description(task=_pending_task(attempt=1)))
    with pytest.raises(TimeoutError) as info:
        await _handle(recording).result(timeout=0.05)
    assert type(info.value) is TimeoutError  # not WorkflowTimedOutError: the workflow did not time out
    assert str(info.value) == "Workflow 'cart-1' did not finish within 0:00:00.050000; it is still running"
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__
    assert recording.calls == [("result",), ("describe",)]


async def test_result_timeout_names_a_workflow_task_that_keeps_failing() -> None:
    # The integration tests read the failure from a real run's history; a handle without a client
    # knows only the attempt.
    recording = RecordingHandle(hang=True, described=_description(task=_pending_task(attempt=4)))
    with pytest.raises(TimeoutError) as info:
        await _handle(recording).result(timeout=0.05)
    assert str(info.value).startswith(
        "Workflow 'cart-1' did not finish within 0:00:00.050000; it is still running, but its workflow "
        "task keeps failing, now on attempt 4: its failure is recorded in the run's history. Temporal "
        "retries the task until workflow code completes it: fix the code and restart the workers"
    )
    assert "`temporal workflow reset`" in str(info.value)


async def test_result_timeout_names_a_workflow_task_no_worker_picks_up() -> None:
    task = _pending_task(attempt=1, scheduled_ago=30, started=False)
    recording = RecordingHandle(hang=True, described=_description(task=task))
    with pytest.raises(TimeoutError) as info:
        await _handle(recording).result(timeout=0.05)
    assert str(info.value) == (
        "Workflow 'cart-1' did not finish within 0:00:00.050000; it is still running, but no worker has "
        "picked up its workflow task for 30 s: is a worker that serves workflow 'HandleCart' running on "
        "task queue 'carts'?"
    )


async def test_result_timeout_says_nothing_more_when_the_description_fails() -> None:
    recording = RecordingHandle(hang=True)  # describe hangs too; the diagnosis gives up in time
    with (
        patch("temporal_runtime_client._handle._DIAGNOSIS_TIMEOUT", 0.05),
        pytest.raises(TimeoutError) as info,
    ):
        await _handle(recording).result(timeout=0.05)
    assert str(info.value) == "Workflow 'cart-1' did not finish within 0:00:00.050000; it is still running"


async def test_a_workflow_that_timed_out_is_not_mistaken_for_the_result_timeout() -> None:
    timed_out = temporalio.client.WorkflowFailureError(
        cause=temporalio.exceptions.TimeoutError(
            "Workflow execution timed out",
            type=temporalio.exceptions.TimeoutType.START_TO_CLOSE,
            last_heartbeat_details=[],
        )
    )
    with pytest.raises(WorkflowTimedOutError, match=r"Workflow 'cart-1' timed out"):
        await _handle(RecordingHandle(error=timed_out)).result(timeout=30)


async def test_a_cancelled_run_raises_workflow_cancelled_error() -> None:
    cancelled = temporalio.client.WorkflowFailureError(
        cause=temporalio.exceptions.CancelledError("Cancelled")
    )
    with pytest.raises(WorkflowCancelledError, match="Workflow 'cart-1' was cancelled"):
        await _handle(RecordingHandle(error=cancelled)).result()


@pytest.mark.parametrize("timeout", [0, -1, "soon"])
async def test_a_bad_result_timeout_is_rejected_before_waiting(timeout: Any) -> None:
    recording = RecordingHandle()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(InvalidOptionError, match="result timeout"):
            await _handle(recording).result(timeout=timeout)
        gc.collect()
    assert recording.calls == []
    assert [str(w.message) for w in caught] == []  # no coroutine left un-awaited
