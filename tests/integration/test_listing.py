"""``engine.list(...)`` and ``engine.count(...)`` on the session's dev server: paging lazily through
many runs, filtering by class, entry method, status and a query, the fields of a listed run, a
client-only engine, and the errors for a query the server rejects.

Whether the server has the ``EntryMethod`` attribute or not, the same runs are found
(test_listing_method_attribute.py checks both paths on a server of its own)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import temporalio.api.workflowservice.v1

from temporal_runtime import (
    InvalidOptionError,
    MethodHandle,
    TemporalEngine,
    Workflow,
    WorkflowExecution,
    WorkflowStatus,
    wf_signal,
)
from temporal_runtime.testing import TemporalTestServer
from temporal_runtime_client import LIST_FILTER_DOCS, METHOD_MEMO_KEY
from temporal_runtime_core import METHOD_SEARCH_ATTRIBUTE

pytestmark = pytest.mark.integration


class ListedOrders(Workflow):
    def __init__(self) -> None:
        self._released = False

    @wf_signal("release")
    async def release(self) -> None:
        self._released = True

    async def process(self, order_id: str) -> str:
        return f"processed {order_id}"

    async def refund(self, order_id: str) -> str:
        return f"refunded {order_id}"

    async def hold(self, order_id: str) -> str:
        await self.wait_until(lambda: self._released)
        return f"released {order_id}"


async def eventually[T](check: Callable[[], Awaitable[T]], expected: T, timeout: float = 15) -> None:
    """Wait until ``check()`` returns ``expected`` (visibility is updated shortly after a change)."""
    deadline = asyncio.get_running_loop().time() + timeout
    got = await check()
    while got != expected and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.1)
        got = await check()
    assert got == expected


def count_list_calls(engine: TemporalEngine, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The queries of the ``ListWorkflowExecutions`` calls made from now on (the server answers them)."""
    service = engine.temporal_client.workflow_service
    real = service.list_workflow_executions
    queries: list[str] = []

    async def spy(
        req: temporalio.api.workflowservice.v1.ListWorkflowExecutionsRequest, *args: Any, **kwargs: Any
    ) -> temporalio.api.workflowservice.v1.ListWorkflowExecutionsResponse:
        queries.append(req.query)
        return await real(req, *args, **kwargs)

    monkeypatch.setattr(service, "list_workflow_executions", spy)
    return queries


async def test_list_pages_lazily_through_many_runs(
    engine: TemporalEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Runs on a task queue no worker polls stay RUNNING and cost the server nothing more.
    queue = f"listing-idle-{uuid.uuid4().hex[:8]}"
    handles = await asyncio.gather(
        *[
            engine.start_workflow(ListedOrders.process, f"o-{i}", task_queue=queue, memo={"n": i})
            for i in range(120)
        ]
    )
    on_queue = f"TaskQueue = '{queue}'"
    try:
        await eventually(lambda: engine.count(on_queue), 120)
        calls = count_list_calls(engine, monkeypatch)

        runs = engine.list(on_queue, page_size=25)
        first = [await anext(runs) for _ in range(30)]
        assert len(calls) == 2, "30 runs need two pages of 25, not all of them"
        rest = [run async for run in runs]
        assert len(calls) == 5
        listed = first + rest
        assert sorted(run.id for run in listed) == sorted(h.id for h in handles)
        assert len({run.run_id for run in listed}) == 120

        run = next(r for r in listed if r.id == handles[7].id)
        assert isinstance(run, WorkflowExecution)
        assert (run.workflow, run.method, run.status) == (
            "ListedOrders",
            "ListedOrders.process",
            WorkflowStatus.RUNNING,
        )
        assert (run.task_queue, run.close_time, dict(run.memo)) == (queue, None, {"n": 7})
        assert run.execution_time is not None
        assert run.execution_time >= run.start_time

        calls.clear()
        assert len([r async for r in engine.list(on_queue, limit=7, page_size=25)]) == 7
        assert len(calls) == 1
        by_method = engine.list(on_queue, workflow=ListedOrders.process, limit=30, page_size=25)
        assert len([r async for r in by_method]) == 30
    finally:
        await asyncio.gather(*[h.terminate("test over") for h in handles])


@pytest.fixture
async def orders(engine: TemporalEngine) -> dict[str, MethodHandle[str]]:
    """Four runs on the engine's queue: two `process` and one `refund` completed, one `hold` running."""
    prefix = f"lst-{uuid.uuid4().hex[:8]}"
    memo = {"customer": "c-1"}
    processed = [
        await engine.start_workflow(ListedOrders.process, f"{prefix}-{i}", id=f"{prefix}-p{i}", memo=memo)
        for i in range(2)
    ]
    refunded = await engine.start_workflow(ListedOrders.refund, "r", id=f"{prefix}-r", memo=memo)
    held = await engine.start_workflow(ListedOrders.hold, "h", id=f"{prefix}-h", memo=memo)
    for handle in (*processed, refunded):
        await handle.result()
    return {"p0": processed[0], "p1": processed[1], "r": refunded, "h": held, "prefix": held}


async def test_list_and_count_filter_by_class_method_status_and_query(
    engine: TemporalEngine, orders: dict[str, MethodHandle[str]], temporal_server: TemporalTestServer
) -> None:
    queue = f"TaskQueue = '{engine.task_queue}'"
    await eventually(lambda: engine.count(queue, status=WorkflowStatus.COMPLETED), 3)

    async def ids(**filters: Any) -> set[str]:
        return {run.id async for run in engine.list(queue, **filters)}

    everything = {h.id for name, h in orders.items() if name != "prefix"}
    p0, p1, r, h = (orders[k].id for k in ("p0", "p1", "r", "h"))
    assert await ids(workflow=ListedOrders) == everything
    assert await ids(workflow=ListedOrders.process) == {p0, p1}
    assert await ids(workflow=ListedOrders.hold, status=WorkflowStatus.RUNNING) == {h}
    assert await ids(workflow=ListedOrders.hold, status=WorkflowStatus.COMPLETED) == set()
    assert await ids(status=[WorkflowStatus.RUNNING, WorkflowStatus.COMPLETED]) == everything
    assert await engine.count(queue, workflow=ListedOrders.process) == 2
    assert await engine.count(queue, workflow=ListedOrders, status=WorkflowStatus.COMPLETED) == 3
    by_id = f"WorkflowId = '{r}' OR WorkflowId = '{p0}'"
    assert {run.id async for run in engine.list(by_id, workflow=ListedOrders.refund)} == {r}
    assert await engine.count(by_id, workflow=ListedOrders.refund) == 1
    assert await engine.count(by_id) == 2

    [done] = [run async for run in engine.list(f"WorkflowId = '{p1}'")]
    assert done.status is WorkflowStatus.COMPLETED
    assert done.method == "ListedOrders.process"
    assert done.close_time is not None
    assert done.close_time >= done.start_time
    assert done.history_length > 0
    assert dict(done.memo) == {"customer": "c-1"}
    assert METHOD_MEMO_KEY not in done.memo
    # Read back typed; set once runs carry the method attribute.
    assert done.search_attributes.get(METHOD_SEARCH_ATTRIBUTE) in (None, "ListedOrders.process")

    # A client-only engine finds the same runs.
    async with temporal_server.engine(engine.task_queue, start_worker=False) as client_only:
        assert {run.id async for run in client_only.list(queue, workflow=ListedOrders.process)} == {p0, p1}
        assert await client_only.count(queue, status=WorkflowStatus.RUNNING) == 1
    await orders["h"].signal(ListedOrders.release)
    assert await orders["h"].result() == "released h"


async def test_a_query_the_server_rejects_is_an_invalid_option_error(engine: TemporalEngine) -> None:
    bad = "WorkflowType = "
    runs = engine.list(bad, workflow=ListedOrders)
    with pytest.raises(InvalidOptionError, match=r"rejected query 'WorkflowType = ' \(sent as") as listed:
        await anext(runs)
    assert LIST_FILTER_DOCS in str(listed.value)
    with pytest.raises(InvalidOptionError, match=f"rejected query 'WorkflowType = '.*{LIST_FILTER_DOCS}"):
        await engine.count(bad)
    with pytest.raises(InvalidOptionError, match=r"invalid search attribute: NoSuchAttribute.*Register"):
        await engine.count("NoSuchAttribute = 'x'")
    # Filters that cannot work fail at the call, before anything is sent.
    with pytest.raises(InvalidOptionError, match="limit must be a positive int or None"):
        engine.list(limit=0)
    with pytest.raises(InvalidOptionError, match="page_size must be a positive int, got 0"):
        engine.list(page_size=0)
