"""Client styles, handles, start options, signals/queries and workflow outcomes seen by a caller."""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
import temporalio.common
from pydantic import BaseModel

from temporal_runtime import (
    ActivityNotRegisteredError,
    ActivityRegistry,
    IdConflictPolicy,
    MethodHandle,
    QueryFailedError,
    Registry,
    TemporalEngine,
    Workflow,
    WorkflowAlreadyStartedError,
    WorkflowCancelledError,
    WorkflowFailedError,
    WorkflowFailure,
    WorkflowNotFoundError,
    WorkflowStatus,
    WorkflowTerminatedError,
    WorkflowTimedOutError,
    activity_def,
    wf_query,
    wf_signal,
)
from temporal_runtime.testing import select_registries

pytestmark = pytest.mark.integration


class Step(BaseModel):
    label: str


_elsewhere: ActivityRegistry = Registry("activity")


@activity_def("lc_unserved", Args=Step, registry=_elsewhere)
async def unserved(step: Step) -> str:
    return step.label


@activity_def("lc_echo", Args=Step)
async def echo(step: Step) -> str:
    return step.label


class GateWorkflow(Workflow):
    """Waits for signals; exposes sync and async queries and signals."""

    def __init__(self) -> None:
        self.opened = False
        self.labels: list[str] = []

    @wf_signal("open")
    async def open(self) -> None:
        self.opened = True

    @wf_signal("add")
    def add(self, step: Step) -> None:
        self.labels.append(step.label)

    @wf_query("labels")
    def get_labels(self) -> list[str]:
        return list(self.labels)

    @wf_query("is_open")
    async def is_open(self) -> bool:
        return self.opened

    @wf_query("waits")
    async def waits(self) -> bool:
        await asyncio.sleep(1)  # not allowed: a query must not wait
        return True

    async def run(self, first: Step) -> list[str]:
        self.labels.insert(0, first.label)
        await self.wait_until(lambda: self.opened)
        return self.labels

    async def sleepy(self, seconds: float) -> str:
        await self.sleep(seconds)
        return "slept"

    async def wait_with_timeout(self, seconds: float) -> str:
        try:
            await self.wait_until(lambda: self.opened, timeout=seconds)
        except TimeoutError:
            return "timed out"
        return "opened"

    async def use_unserved(self) -> str:
        return await self.exec(unserved, Step(label="x"), timeout=5)

    async def echo_on(self, queue: str) -> str:
        return await self.exec(echo, Step(label="routed"), timeout=5, heartbeat_timeout=5, task_queue=queue)


def _id() -> str:
    return f"lc-{uuid.uuid4().hex[:10]}"


def own() -> dict[str, Any]:
    """Registries with only this module's definitions: an engine built here serves those alone
    (serving everything the suite has imported would make its worker start slow and unrelated)."""
    workflows, activities = select_registries([sys.modules[__name__]])
    return {"workflow_registry": workflows, "activity_registry": activities}


async def test_async_style_handle_signals_and_queries(engine: TemporalEngine) -> None:
    handle = await GateWorkflow.client(engine).async_.run(Step(label="start"))
    assert isinstance(handle, MethodHandle)
    assert handle.id
    assert handle.run_id
    await handle.signal("add", Step(label="a"))
    await handle.signal("add", {"label": "b"})
    assert await handle.query("labels") == ["start", "a", "b"]
    assert await handle.query("is_open") is False
    assert await handle.status() is WorkflowStatus.RUNNING
    await handle.signal("open")
    assert await handle.result(timeout=20) == ["start", "a", "b"]
    assert await handle.status() is WorkflowStatus.COMPLETED


async def test_signal_sent_right_after_start_is_not_lost(engine: TemporalEngine) -> None:
    handle = await GateWorkflow.client(engine).async_.run(Step(label="s"))
    await handle.signal("open")  # very likely in the same first workflow task as the start
    assert await handle.result(timeout=20) == ["s"]


async def test_async_query_that_waits_gets_a_clear_error(engine: TemporalEngine) -> None:
    handle = await GateWorkflow.client(engine).async_.run(Step(label="q"))
    with pytest.raises(QueryFailedError, match="tried to wait"):
        await handle.query("waits")
    await handle.signal("open")
    await handle.result(timeout=20)


async def test_unknown_signal_and_query_fail_locally(engine: TemporalEngine) -> None:
    from temporal_runtime import UnknownMethodError

    handle = await GateWorkflow.client(engine).async_.run(Step(label="u"))
    with pytest.raises(UnknownMethodError, match="nope"):
        await handle.signal("nope")
    with pytest.raises(UnknownMethodError, match="nope"):
        await handle.query("nope")
    await handle.terminate("cleanup")


async def test_engine_level_signal_query_status_result(engine: TemporalEngine) -> None:
    workflow_id = _id()
    await engine.start_method(GateWorkflow, "run", Step(label="e"), workflow_id=workflow_id)
    await engine.signal(workflow_id, "add", Step(label="f"))
    assert await engine.query(workflow_id, "labels") == ["e", "f"]
    assert await engine.get_status(workflow_id) is WorkflowStatus.RUNNING
    with pytest.raises(TimeoutError):
        await engine.get_result(workflow_id, timeout_seconds=0.5)
    await engine.signal(workflow_id, "open")
    assert await engine.get_result(workflow_id, timeout_seconds=20) == ["e", "f"]
    assert await engine.get_handle(workflow_id).status() is WorkflowStatus.COMPLETED


async def test_cancel_and_terminate_as_seen_by_the_caller(engine: TemporalEngine) -> None:
    client = GateWorkflow.client(engine)
    cancelled = await client.async_.run(Step(label="c"))
    await engine.cancel(cancelled.id)
    with pytest.raises(WorkflowCancelledError):
        await cancelled.result(timeout=20)
    assert await cancelled.status() is WorkflowStatus.CANCELED

    terminated = await client.async_.run(Step(label="t"))
    await engine.terminate(terminated.id, "operator said so")
    with pytest.raises(WorkflowTerminatedError, match="operator said so"):
        await terminated.result(timeout=20)
    assert await engine.get_status(terminated.id) is WorkflowStatus.TERMINATED


async def test_execution_timeout_is_reported_as_timed_out(engine: TemporalEngine) -> None:
    handle = await GateWorkflow.client(engine).options(execution_timeout=1).async_.run(Step(label="x"))
    with pytest.raises(WorkflowTimedOutError):
        await handle.result(timeout=30)


async def test_id_conflict_policies(engine: TemporalEngine) -> None:
    workflow_id = _id()
    first = await engine.start_method(GateWorkflow, "run", Step(label="1"), workflow_id=workflow_id)
    with pytest.raises(WorkflowAlreadyStartedError, match=workflow_id):
        await engine.start_method(
            GateWorkflow,
            "run",
            Step(label="2"),
            workflow_id=workflow_id,
            id_conflict_policy=IdConflictPolicy.FAIL,
        )
    same = await engine.start_method(
        GateWorkflow,
        "run",
        Step(label="3"),
        workflow_id=workflow_id,
        # temporalio's own policy type is accepted too
        id_conflict_policy=temporalio.common.WorkflowIDConflictPolicy.USE_EXISTING,
    )
    assert same.run_id == first.run_id
    replaced = await engine.start_method(
        GateWorkflow,
        "run",
        Step(label="4"),
        workflow_id=workflow_id,
        id_conflict_policy=IdConflictPolicy.TERMINATE_EXISTING,
    )
    assert replaced.run_id != first.run_id
    assert await engine.get_handle(workflow_id, first.run_id).status() is WorkflowStatus.TERMINATED
    await replaced.terminate()


async def test_proxy_options_set_id_and_memo(engine: TemporalEngine) -> None:
    workflow_id = _id()
    client = GateWorkflow.client(engine).options(id=workflow_id, memo={"owner": "team-a"})
    handle = await client.async_.run(Step(label="m"))
    assert handle.id == workflow_id
    description = await handle.describe()
    assert description.memo == {"owner": "team-a"}
    assert description.method == "run"
    await handle.terminate()


async def test_delayed_start_runs_after_the_delay(engine: TemporalEngine) -> None:
    started = time.monotonic()
    handle = await GateWorkflow.client(engine).after(timedelta(seconds=2)).sleepy(0.1)
    assert await handle.result(timeout=30) == "slept"
    assert time.monotonic() - started >= 2


async def test_wait_until_timeout_and_sleep(engine: TemporalEngine) -> None:
    client = GateWorkflow.client(engine)
    assert await client.wait_with_timeout(0.5) == "timed out"
    assert await client.sleepy(0.2) == "slept"


async def test_unregistered_activity_fails_fast(engine: TemporalEngine) -> None:
    started = time.monotonic()
    with pytest.raises(WorkflowFailedError, match="lc_unserved") as info:
        await asyncio.wait_for(GateWorkflow.client(engine).use_unserved(), 20)
    assert info.value.error_type == ActivityNotRegisteredError.__name__
    assert time.monotonic() - started < 15


async def test_exec_routes_to_another_task_queue(engine: TemporalEngine, temporal_address: str) -> None:
    other_queue = f"other-{uuid.uuid4().hex[:8]}"
    async with TemporalEngine(url=temporal_address, task_queue=other_queue, **own()):
        assert await GateWorkflow.client(engine).echo_on(other_queue) == "routed"


async def test_handle_for_unknown_id_raises_not_found(engine: TemporalEngine) -> None:
    with pytest.raises(WorkflowNotFoundError):
        await engine.get_status("no-such-workflow-" + uuid.uuid4().hex)


def test_async_query_handlers_raise_no_temporalio_deprecation_warning() -> None:
    import warnings

    from temporal_runtime_workflow import definition_of
    from temporal_runtime_workflow._adapter import build_adapter

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build_adapter(definition_of(GateWorkflow))  # GateWorkflow has async queries


FLAKY_RUNS: dict[str, int] = {}


class FlakyKey(BaseModel):
    key: str


@activity_def("lc_count_run", Args=FlakyKey)
async def count_run(args: FlakyKey) -> int:
    # Activities run in the host process (workflow module state is re-imported per run by the sandbox).
    FLAKY_RUNS[args.key] = FLAKY_RUNS.get(args.key, 0) + 1
    return FLAKY_RUNS[args.key]


class FlakyWorkflow(Workflow):
    async def attempt(self, key: str) -> int:
        run = await self.exec(count_run, FlakyKey(key=key), timeout=5)
        if run < 2:
            raise WorkflowFailure("first run fails")  # fails the run; its retry policy starts another
        return run


async def test_workflow_retry_policy_option(engine: TemporalEngine) -> None:
    from temporal_runtime import RetryPolicy

    key = uuid.uuid4().hex
    client = FlakyWorkflow.client(engine).options(
        retry_policy=RetryPolicy(maximum_attempts=3, initial_interval=0.1)
    )
    assert await asyncio.wait_for(client.attempt(key), 30) == 2
    assert FLAKY_RUNS[key] == 2
