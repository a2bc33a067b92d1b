"""Search attributes and run summaries on the real dev server: set at start and read back typed,
upserted and read inside a workflow, the ``EntryMethod`` attribute and the summary on every start
form (children and continue-as-new included), unregistered attributes, and registration.

The keys below are declared at import, so the session's dev server (started after collection)
registers them with ``--search-attribute`` flags, as the embedded server does."""

from __future__ import annotations

import asyncio
import sys
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import temporalio.client
import temporalio.service
from google.protobuf.duration_pb2 import Duration
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.api.workflowservice.v1 import RegisterNamespaceRequest

from temporal_runtime import (
    METHOD_SEARCH_ATTRIBUTE,
    EngineConnectionError,
    IdConflictPolicy,
    InvalidOptionError,
    SearchAttribute,
    SearchAttributeNotRegisteredError,
    SearchAttributeRegistrationError,
    TemporalEngine,
    Workflow,
    WorkflowRegistry,
    WorkflowStatus,
    wf_signal,
    wf_update,
)
from temporal_runtime.testing import TemporalTestServer, select_registries

pytestmark = pytest.mark.integration

CustomerId = SearchAttribute.keyword("SaCustomerId")
Total = SearchAttribute.float("SaTotal")
Items = SearchAttribute.int("SaItems")
Paid = SearchAttribute.bool("SaPaid")
Due = SearchAttribute.datetime("SaDue")
Tags = SearchAttribute.keyword_list("SaTags")
Notes = SearchAttribute.text("SaNotes")


class SaOrder(Workflow):
    def __init__(self) -> None:
        self.go = False

    async def process(self, customer: str) -> dict[str, Any]:
        before = self.search_attributes
        self.upsert_search_attributes(CustomerId.value(customer + "-moved"), Tags.value(["vip", "eu"]))
        self.upsert_search_attributes(Items.unset())
        after = self.search_attributes
        tags = after.get(Tags)
        return {
            "before_customer": before.get(CustomerId),
            "before_items": before.get(Items),
            "after_customer": after.get(CustomerId),
            "after_tags": list(tags) if tags is not None else [],
            "after_has_items": Items in after,
            "method": after.get(METHOD_SEARCH_ATTRIBUTE),
        }

    async def wait(self) -> str:
        await self.wait_until(lambda: self.go)
        return "done"

    async def hop(self, left: int) -> str:
        if left > 0:
            self.continue_as_new(SaOrder.wait)
        return "never"

    async def parent(self, customer: str) -> str:
        child = await self.start_child(
            SaOrder.wait,
            id=f"{self.workflow_id}-child",
            search_attributes=[CustomerId.value(customer)],
            summary="child of " + customer,
        )
        await child.signal(SaOrder.release)
        return await child.result()

    async def upsert_unregistered(self) -> str:
        self.upsert_search_attributes(SearchAttribute.keyword("SaNeverRegistered").value("x"))
        return "unreachable"

    @wf_signal()
    def release(self) -> None:
        self.go = True

    @wf_update()
    def poke(self) -> str:
        self.go = True
        return "poked"


async def _visibility(engine: TemporalEngine, workflow_id: str) -> tuple[object, str | None]:
    """The run's method attribute and its summary, as the server has them."""
    raw = await engine.temporal_client.get_workflow_handle(workflow_id).describe()
    return (await engine.describe(workflow_id)).search_attributes.get(METHOD_SEARCH_ATTRIBUTE), (
        await raw.static_summary()
    )


async def test_set_at_start_read_back_typed_and_upserted_in_the_workflow(engine: TemporalEngine) -> None:
    due = datetime(2026, 5, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    workflow_id = f"sa-order-{uuid.uuid4().hex[:8]}"
    handle = await engine.start_workflow(
        SaOrder.process,
        "c-1",
        id=workflow_id,
        search_attributes=[
            CustomerId.value("c-1"),
            Total.value(99.5),
            Items.value(3),
            Paid.value(True),
            Due.value(due),
            Tags.value(["new"]),
            Notes.value("first order of the season"),
        ],
        summary="order 42",
    )
    assert await handle.result() == {
        "before_customer": "c-1",
        "before_items": 3,
        "after_customer": "c-1-moved",
        "after_tags": ["vip", "eu"],
        "after_has_items": False,
        "method": "SaOrder.process",
    }
    attributes = (await handle.describe()).search_attributes
    assert attributes.get(CustomerId) == "c-1-moved"  # the upsert won
    assert attributes.get(Tags) == ("vip", "eu")
    assert attributes.get(Items) is None  # unset
    total = attributes.get(Total)
    assert isinstance(total, float)
    assert total == 99.5
    assert attributes.get(Paid) is True
    assert attributes.get(Due) == due.astimezone(UTC)
    assert attributes.get(Notes) == "first order of the season"
    assert await _visibility(engine, workflow_id) == ("SaOrder.process", "SaOrder.process: order 42")
    # the server filters on the attributes
    found = await engine.temporal_client.count_workflows(
        f"WorkflowId = '{workflow_id}' AND SaCustomerId = 'c-1-moved' AND SaTags = 'vip' "
        f"AND {METHOD_SEARCH_ATTRIBUTE.name} = 'SaOrder.process'"
    )
    assert found.count == 1


async def test_every_start_form_sets_the_method_attribute_and_the_summary(engine: TemporalEngine) -> None:
    tag = uuid.uuid4().hex[:8]
    by_proxy = await SaOrder.client(engine).options(id=f"sa-proxy-{tag}").async_(SaOrder.wait)
    by_name = await engine.start_method(SaOrder, "wait", id=f"sa-name-{tag}", summary="by name")
    await engine.with_start(SaOrder.wait, id=f"sa-signal-{tag}").signal(SaOrder.release)
    poked = await engine.with_start(
        SaOrder.wait, id=f"sa-update-{tag}", id_conflict_policy=IdConflictPolicy.USE_EXISTING
    ).update(SaOrder.poke)
    assert poked == "poked"
    assert await engine.execute_workflow(SaOrder.parent, "c-9", id=f"sa-parent-{tag}") == "done"
    hopped = await engine.start_workflow(SaOrder.hop, 1, id=f"sa-hop-{tag}")
    expected = {
        f"sa-proxy-{tag}": ("SaOrder.wait", "SaOrder.wait"),
        f"sa-name-{tag}": ("SaOrder.wait", "SaOrder.wait: by name"),
        f"sa-signal-{tag}": ("SaOrder.wait", "SaOrder.wait"),
        f"sa-update-{tag}": ("SaOrder.wait", "SaOrder.wait"),
        f"sa-parent-{tag}": ("SaOrder.parent", "SaOrder.parent"),
        f"sa-parent-{tag}-child": ("SaOrder.wait", "SaOrder.wait: child of c-9"),
    }
    for workflow_id, visible in expected.items():
        assert await _visibility(engine, workflow_id) == visible, workflow_id
    child = await engine.describe(f"sa-parent-{tag}-child")
    assert child.search_attributes.get(CustomerId) == "c-9"
    # continue-as-new to another method: the next run's attribute names it (temporalio carries no
    # summary on continue-as-new, so the next run has none)
    async with asyncio.timeout(20):
        while (await engine.describe(hopped.id)).method != "wait":  # noqa: ASYNC110  # polls the server
            await asyncio.sleep(0.1)
    assert await _visibility(engine, hopped.id) == ("SaOrder.wait", None)
    for workflow_id in (by_proxy.id, by_name.id, hopped.id):
        await engine.get_handle(workflow_id).signal("release")


async def test_an_unregistered_attribute_names_itself_and_the_fix(engine: TemporalEngine) -> None:
    late = SearchAttribute.keyword("SaDeclaredLate")  # after the server started: not registered
    with pytest.raises(
        SearchAttributeNotRegisteredError, match=r"'SaDeclaredLate'.*register_search_attributes\(\)"
    ) as caught:
        await engine.start_workflow(SaOrder.wait, search_attributes=[late.value("x")])
    assert caught.value.names == ("SaDeclaredLate",)
    assert "temporal operator search-attribute create" in str(caught.value)
    # in a workflow the upsert fails the workflow task; describe() says which attribute and the fix
    handle = await engine.start_workflow(SaOrder.upsert_unregistered)
    async with asyncio.timeout(30):
        while (failure := (await handle.describe()).last_task_failure) is None:  # noqa: ASYNC110
            await asyncio.sleep(0.2)
    assert "SaNeverRegistered" in failure.message
    assert "register_search_attributes()" in failure.message
    assert (await handle.describe()).status is WorkflowStatus.RUNNING
    await handle.terminate("test over")


async def test_register_search_attributes_is_idempotent_and_names_conflicts(engine: TemporalEngine) -> None:
    tag = uuid.uuid4().hex[:6]
    fresh = SearchAttribute.keyword(f"SaFresh{tag}")
    assert await engine.register_search_attributes(fresh, CustomerId) == (fresh.name,)
    assert await engine.register_search_attributes(fresh, CustomerId) == ()  # already there: fine
    assert await engine.register_search_attributes(METHOD_SEARCH_ATTRIBUTE) == ()  # the dev server has it
    # a start may use it now (the engine looks the namespace's attributes up again)
    handle = await engine.start_workflow(SaOrder.wait, search_attributes=[fresh.value("yes")])
    assert (await handle.describe()).search_attributes.get(fresh) == "yes"
    await handle.signal(SaOrder.release)
    # registered as Keyword by someone else, declared here as Int: a clear error, nothing added
    operator = engine.temporal_client.operator_service
    await operator.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=engine.namespace,
            search_attributes={f"SaClash{tag}": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD},
        )
    )
    with pytest.raises(
        SearchAttributeRegistrationError, match=rf"'SaClash{tag}' is registered as Keyword, declared as Int"
    ):
        await engine.register_search_attributes(SearchAttribute.int(f"SaClash{tag}"))
    # Temporal reserves the "Temporal" prefix: the operator API refuses it (the dev server's start
    # flag does not), so such a key is refused when declared, and the method attribute avoids it
    with pytest.raises(temporalio.service.RPCError, match="reserved by system"):
        await operator.add_search_attributes(
            AddSearchAttributesRequest(
                namespace=engine.namespace,
                search_attributes={"TemporalRuntimeMethod": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD},
            )
        )
    with pytest.raises(InvalidOptionError, match="reserves for its own attributes"):
        SearchAttribute.keyword("TemporalRuntimeMethod")
    assert isinstance(engine.temporal_client, temporalio.client.Client)


async def test_the_time_skipping_server_gets_the_declared_keys_and_the_method_attribute(
    temporal_time_skipping_engine: TemporalEngine,
) -> None:
    # it cannot list search attributes: the client sets the method attribute optimistically
    engine = temporal_time_skipping_engine
    handle = await engine.start_workflow(SaOrder.process, "c-5", search_attributes=[CustomerId.value("c-5")])
    outcome = await handle.result()
    assert outcome["before_customer"] == "c-5"
    assert outcome["after_customer"] == "c-5-moved"
    assert outcome["method"] == "SaOrder.process"


async def test_a_namespace_without_the_attributes_starts_plain_runs_until_registered(
    temporal_server: TemporalTestServer,
) -> None:
    # a cluster namespace nobody registered anything in: starts work, without the method attribute;
    # register_search_attributes() adds the declared keys and the method attribute through the operator
    # API (it has no "Temporal" prefix), and the same engine's next start carries it
    namespace = f"sa-bare-{uuid.uuid4().hex[:6]}"
    admin = await temporalio.client.Client.connect(temporal_server.address)
    await admin.workflow_service.register_namespace(
        RegisterNamespaceRequest(
            namespace=namespace, workflow_execution_retention_period=Duration(seconds=86400)
        )
    )
    engine = temporal_server.engine(
        f"sa-bare-{uuid.uuid4().hex[:6]}", namespace=namespace, workflow_registry=_registry()
    )
    async with asyncio.timeout(60):
        while True:  # the new namespace reaches the server's namespace cache within seconds
            try:
                await engine.start()
                break
            except EngineConnectionError:
                await asyncio.sleep(0.5)
    try:
        first = await engine.start_workflow(SaOrder.wait)
        assert METHOD_SEARCH_ATTRIBUTE not in (await first.describe()).search_attributes
        with pytest.raises(SearchAttributeNotRegisteredError, match="SaCustomerId"):
            await engine.start_workflow(SaOrder.wait, search_attributes=[CustomerId.value("c-1")])
        added = await engine.register_search_attributes(CustomerId, METHOD_SEARCH_ATTRIBUTE)
        assert added == (CustomerId.name, METHOD_SEARCH_ATTRIBUTE.name)
        second = await engine.start_workflow(SaOrder.wait, search_attributes=[CustomerId.value("c-1")])
        attributes = (await second.describe()).search_attributes
        assert attributes.get(METHOD_SEARCH_ATTRIBUTE) == "SaOrder.wait"
        assert attributes.get(CustomerId) == "c-1"
        for handle in (first, second):
            await handle.signal(SaOrder.release)
            assert await handle.result() == "done"
    finally:
        await engine.stop()


def _registry() -> WorkflowRegistry:
    workflows, _ = select_registries([sys.modules[__name__]])
    return workflows
