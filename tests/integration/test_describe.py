"""``describe()`` on a real dev server: a run's pending activities (the one that keeps failing, with
its attempt and last failure), its search attributes, memo and entry method, as our plain data."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
import temporalio.api.enums.v1
import temporalio.api.operatorservice.v1
import temporalio.common
import temporalio.service

from temporal_runtime import (
    MethodHandle,
    PendingActivity,
    PendingActivityState,
    RetryPolicy,
    TemporalEngine,
    Workflow,
    WorkflowDescription,
    WorkflowNotFoundError,
    WorkflowStatus,
    activity_def,
)

pytestmark = pytest.mark.integration

_CUSTOMER = temporalio.common.SearchAttributeKey.for_keyword("DescCustomerId")
_TAGS = temporalio.common.SearchAttributeKey.for_keyword_list("DescTags")
_ITEMS = temporalio.common.SearchAttributeKey.for_int("DescItems")


@activity_def("desc_charge", Args=str)
async def charge(card: str) -> str:
    raise ValueError(f"card {card} declined")


class Checkout(Workflow):
    async def pay(self, card: str) -> str:
        # A long interval keeps the second attempt scheduled (and the first one's failure recorded)
        # while the test looks.
        return await self.exec(charge, card, timeout=10, retry_policy=RetryPolicy(initial_interval=120))


async def _register_search_attributes(engine: TemporalEngine) -> None:
    """The dev server registers no custom search attribute; a cluster's operator would do this."""
    request = temporalio.api.operatorservice.v1.AddSearchAttributesRequest(namespace=engine.namespace)
    for key in (_CUSTOMER, _TAGS, _ITEMS):
        request.search_attributes[key.name] = temporalio.api.enums.v1.IndexedValueType.Value(
            f"INDEXED_VALUE_TYPE_{key.indexed_value_type.name}"
        )
    try:
        await engine.temporal_client.operator_service.add_search_attributes(request)
    except temporalio.service.RPCError as exc:  # registered by an earlier test of this session
        if exc.status != temporalio.service.RPCStatusCode.ALREADY_EXISTS:
            raise


@pytest.fixture
async def checkout(engine: TemporalEngine) -> AsyncIterator[MethodHandle[str]]:
    await _register_search_attributes(engine)
    attributes = temporalio.common.TypedSearchAttributes(
        [
            temporalio.common.SearchAttributePair(_CUSTOMER, "c-42"),
            temporalio.common.SearchAttributePair(_TAGS, ["vip", "eu"]),
            temporalio.common.SearchAttributePair(_ITEMS, 3),
        ]
    )
    handle = await engine.start_workflow(
        Checkout.pay, "4242", memo={"channel": "web"}, extra={"search_attributes": attributes}
    )
    yield handle
    with contextlib.suppress(WorkflowNotFoundError):
        await handle.terminate("test over")


async def _until_retried(handle: MethodHandle[str]) -> WorkflowDescription:
    """The run's description once its activity has failed once and waits for its next attempt."""
    async with asyncio.timeout(30):
        while True:
            description = await handle.describe()
            if description.pending_activities and description.pending_activities[0].attempt >= 2:
                return description
            await asyncio.sleep(0.2)


async def test_describe_shows_the_activity_that_keeps_failing(checkout: MethodHandle[str]) -> None:
    description = await _until_retried(checkout)
    (activity,) = description.pending_activities
    assert isinstance(activity, PendingActivity)
    assert (activity.activity_name, activity.attempt, activity.maximum_attempts) == ("desc_charge", 2, None)
    assert activity.state is PendingActivityState.SCHEDULED  # waiting out the retry interval
    assert activity.last_failure == "ValueError: card 4242 declined"
    assert activity.activity_id
    # Between attempts: the next one is scheduled after the retry interval; none is started.
    assert isinstance(activity.last_attempt_complete_time, datetime)
    assert isinstance(activity.scheduled_time, datetime)
    assert activity.next_attempt_schedule_time == activity.scheduled_time
    assert activity.scheduled_time - activity.last_attempt_complete_time >= timedelta(seconds=119)
    assert activity.last_started_time is None
    assert activity.last_heartbeat_time is None
    assert activity.heartbeat_details == ()
    assert (description.status, description.last_task_failure) == (WorkflowStatus.RUNNING, None)


async def test_describe_shows_the_runs_search_attributes_memo_and_method(
    engine: TemporalEngine, checkout: MethodHandle[str]
) -> None:
    description = await engine.describe(checkout.id)
    assert description.search_attributes == {
        "DescCustomerId": "c-42",
        "DescTags": ("vip", "eu"),
        "DescItems": 3,
        "EntryMethod": "Checkout.pay",  # every run carries its entry method where the server has it
    }
    assert (description.method, description.memo) == ("pay", {"channel": "web"})
    assert (description.workflow_type, description.task_queue) == ("Checkout", engine.task_queue)


async def test_an_ended_run_shows_what_it_waited_on(checkout: MethodHandle[str]) -> None:
    await _until_retried(checkout)
    await checkout.terminate("enough")
    description = await checkout.describe()
    assert description.status is WorkflowStatus.TERMINATED
    assert description.close_time is not None
    # The server keeps what the run waited on when it ended: here, the activity it was retrying.
    assert [a.activity_name for a in description.pending_activities] == ["desc_charge"]
    # temporalio's own description stays one call away, for what ours does not cover
    raw = await checkout.temporal_handle.describe()
    assert raw.raw_description.workflow_execution_info.execution.run_id == description.run_id
