"""``list``/``count`` by entry method on both paths, on a dev server of this test's own: namespace
"default" has the ``EntryMethod`` attribute (the server filters on it; runs without it
are found by type and memo), namespace "no-method-attribute" lacks it (every run of the class is
listed and its memo checked client-side).

The runs are started with temporalio directly, so that each one carries exactly the marks the case
needs (the attribute, the memo, both or one), whatever temporal-runtime's own starts add."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
import temporalio.api.operatorservice.v1
import temporalio.client
import temporalio.common

from temporal_runtime import TemporalEngine, Workflow
from temporal_runtime.testing import start_dev_server
from temporal_runtime_client import METHOD_MEMO_KEY
from temporal_runtime_core import METHOD_SEARCH_ATTRIBUTE

pytestmark = pytest.mark.integration

_NO_ATTRIBUTE = "no-method-attribute"
_METHOD_KEY = temporalio.common.SearchAttributeKey.for_keyword(METHOD_SEARCH_ATTRIBUTE.name)


class MarkedOrders(Workflow):
    async def process(self, order_id: str) -> str:
        return order_id

    async def refund(self, order_id: str) -> str:
        return order_id


async def _start(
    client: temporalio.client.Client, queue: str, *, memo: str | None, attribute: str | None
) -> str:
    """A run of MarkedOrders on ``queue`` (no worker polls it) with the given marks; its id."""
    workflow_id = f"marked-{uuid.uuid4().hex[:10]}"
    await client.start_workflow(
        "MarkedOrders",
        {"method": memo or "process", "kwargs": {"order_id": workflow_id}},
        id=workflow_id,
        task_queue=queue,
        memo={METHOD_MEMO_KEY: memo} if memo else {},
        search_attributes=temporalio.common.TypedSearchAttributes(
            [temporalio.common.SearchAttributePair(_METHOD_KEY, attribute)] if attribute else []
        ),
    )
    return workflow_id


def _record_queries(engine: TemporalEngine) -> list[str]:
    """The queries of the list and count calls the engine makes from now on."""
    service = engine.temporal_client.workflow_service
    queries: list[str] = []
    for rpc in ("list_workflow_executions", "count_workflow_executions"):
        real = getattr(service, rpc)

        async def spy(req: Any, *args: Any, _real: Any = real, **kwargs: Any) -> Any:
            queries.append(req.query)
            return await _real(req, *args, **kwargs)

        setattr(service, rpc, spy)
    return queries


def _count_attribute_lookups(engine: TemporalEngine) -> list[str]:
    """The namespaces of the ``ListSearchAttributes`` calls the engine makes from now on."""
    service = engine.temporal_client.operator_service
    real = service.list_search_attributes
    namespaces: list[str] = []

    async def spy(req: Any, *args: Any, **kwargs: Any) -> Any:
        namespaces.append(req.namespace)
        return await real(req, *args, **kwargs)

    service.list_search_attributes = spy  # type: ignore[method-assign]
    return namespaces


async def _settled(engine: TemporalEngine, query: str, expected: int) -> None:
    """Wait until the runs just started are visible (visibility follows a start shortly after)."""
    deadline = asyncio.get_running_loop().time() + 15
    got = await engine.count(query)
    while got != expected and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.1)
        got = await engine.count(query)
    assert got == expected


async def test_entry_method_filter_with_and_without_the_method_attribute() -> None:
    attribute_flag = ["--search-attribute", f"{METHOD_SEARCH_ATTRIBUTE.name}=Keyword"]
    async with await start_dev_server(extra_namespaces=[_NO_ATTRIBUTE], extra_args=attribute_flag) as server:
        queue = f"marked-{uuid.uuid4().hex[:8]}"
        on_queue = f"TaskQueue = '{queue}'"
        async with server.engine(queue, start_worker=False) as engine:
            client = engine.temporal_client
            marked = await _start(client, queue, memo="process", attribute="MarkedOrders.process")
            # The attribute wins over the memo: it is what the server filters on.
            disagreeing = await _start(client, queue, memo="process", attribute="MarkedOrders.refund")
            unmarked = await _start(client, queue, memo="process", attribute=None)  # e.g. an older run
            unmarked_refund = await _start(client, queue, memo="refund", attribute=None)
            foreign = await _start(client, queue, memo=None, attribute=None)  # started without us
            await _settled(engine, on_queue, 5)

            asked = _count_attribute_lookups(engine)
            assert await engine.client.has_method_attribute()
            queries = _record_queries(engine)
            processed = [run async for run in engine.list(on_queue, workflow=MarkedOrders.process)]
            assert {run.id for run in processed} == {marked, unmarked}
            assert {run.method for run in processed} == {"MarkedOrders.process"}
            refunds = {run.id async for run in engine.list(on_queue, workflow=MarkedOrders.refund)}
            assert refunds == {disagreeing, unmarked_refund}
            assert await engine.count(on_queue, workflow=MarkedOrders.process) == 2
            assert await engine.count(on_queue, workflow=MarkedOrders.refund) == 2
            assert await engine.count(on_queue, workflow=MarkedOrders) == 5
            by_class = {run.id: run.method async for run in engine.list(on_queue, workflow=MarkedOrders)}
            assert by_class[foreign] is None
            assert f"{METHOD_SEARCH_ATTRIBUTE.name} = 'MarkedOrders.process'" in queries[0]
            # count: the marked runs counted by the server, only the unmarked ones listed
            assert "(EntryMethod = 'MarkedOrders.process')" in queries[2]
            assert "EntryMethod IS NULL" in queries[3]
            assert asked == [engine.namespace], "the namespace's attributes are read once per engine"

            remove = temporalio.api.operatorservice.v1.RemoveSearchAttributesRequest(
                namespace=_NO_ATTRIBUTE, search_attributes=[METHOD_SEARCH_ATTRIBUTE.name]
            )
            await client.operator_service.remove_search_attributes(remove)
        async with server.engine(queue, namespace=_NO_ATTRIBUTE, start_worker=False) as engine:
            client = engine.temporal_client
            processing = await _start(client, queue, memo="process", attribute=None)
            refunding = await _start(client, queue, memo="refund", attribute=None)
            await _settled(engine, on_queue, 2)

            assert not await engine.client.has_method_attribute()
            queries = _record_queries(engine)
            assert [run.id async for run in engine.list(on_queue, workflow=MarkedOrders.process)] == [
                processing
            ]
            assert await engine.count(on_queue, workflow=MarkedOrders.refund) == 1
            assert [r.id async for r in engine.list(workflow=MarkedOrders.refund, limit=1)] == [refunding]
            assert all(METHOD_SEARCH_ATTRIBUTE.name not in query for query in queries)
