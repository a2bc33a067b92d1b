"""Static typing checks of finding runs: ``engine.list`` / ``engine.count`` and ``WorkflowExecution``
(checked by mypy and pyright, never run).

``assert_type`` fails type checking if an inferred type drifts; the ``# type: ignore`` /
``# pyright: ignore`` lines are negative cases that must stay errors for both checkers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import assert_type

from temporal_runtime import (
    SearchAttribute,
    SearchAttributes,
    TemporalEngine,
    Workflow,
    WorkflowExecution,
    WorkflowStatus,
    wf_signal,
)
from temporal_runtime_client import WorkflowClient

CustomerId = SearchAttribute.keyword("TypingListingCustomerId")


class TypingOrders(Workflow):
    @wf_signal("cancel_order")
    async def cancel_order(self) -> None:
        pass

    async def process(self, order_id: str) -> str:
        return order_id


class NotAWorkflow:
    async def process(self, order_id: str) -> str:
        return order_id


async def plain(order_id: str) -> str:
    return order_id


async def listing(engine: TemporalEngine, client: WorkflowClient) -> None:
    assert_type(engine.list(), AsyncIterator[WorkflowExecution])
    assert_type(engine.list("CustomerId = 'c-1'", limit=10, page_size=100), AsyncIterator[WorkflowExecution])
    assert_type(engine.list(workflow=TypingOrders), AsyncIterator[WorkflowExecution])
    assert_type(engine.list(workflow=TypingOrders.process), AsyncIterator[WorkflowExecution])
    assert_type(engine.list(status=WorkflowStatus.RUNNING), AsyncIterator[WorkflowExecution])
    assert_type(
        engine.list(status=[WorkflowStatus.FAILED, WorkflowStatus.TIMED_OUT]),
        AsyncIterator[WorkflowExecution],
    )
    assert_type(client.list(workflow=TypingOrders.process), AsyncIterator[WorkflowExecution])

    async for run in engine.list(workflow=TypingOrders.process, status=WorkflowStatus.RUNNING):
        assert_type(run, WorkflowExecution)
        assert_type(run.id, str)
        assert_type(run.run_id, str)
        assert_type(run.workflow, str)
        assert_type(run.method, str | None)
        assert_type(run.status, WorkflowStatus)
        assert_type(run.start_time, datetime)
        assert_type(run.close_time, datetime | None)
        assert_type(run.execution_time, datetime | None)
        assert_type(run.task_queue, str)
        assert_type(run.memo, Mapping[str, object])
        assert_type(run.search_attributes, SearchAttributes)
        assert_type(run.search_attributes.get(CustomerId), str | None)
        assert_type(run.history_length, int)
        run.status = WorkflowStatus.FAILED  # type: ignore[misc]  # pyright: ignore[reportAttributeAccessIssue]

    assert_type(await engine.count(), int)
    assert_type(await engine.count("CustomerId = 'c-1'", workflow=TypingOrders.process), int)
    assert_type(await engine.count(workflow=TypingOrders, status=WorkflowStatus.COMPLETED), int)
    assert_type(await client.count(status=[WorkflowStatus.RUNNING]), int)

    # negative cases: filters of the wrong kind
    engine.list(workflow="TypingOrders")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    engine.list(workflow=NotAWorkflow)  # type: ignore[type-var]  # pyright: ignore[reportArgumentType]
    engine.list(workflow=NotAWorkflow.process)  # type: ignore[type-var]  # pyright: ignore[reportArgumentType]
    engine.list(workflow=plain)  # type: ignore[type-var]  # pyright: ignore[reportArgumentType]
    engine.list(status="Running")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    engine.list(limit="10")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    engine.list(query=42)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await engine.count(limit=5)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
