"""Describing a run without a server: the server's ``DescribeWorkflowExecutionResponse``, built by
hand as a protobuf, turned into our plain ``WorkflowDescription`` (memo, search attributes, pending
activities with their failures, the workflow-task failure) by temporalio's own decoding and ours.

The integration tests (tests/integration/test_describe.py) read the same from a real server.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
import temporalio.api.enums.v1
import temporalio.api.failure.v1
import temporalio.api.workflow.v1
import temporalio.api.workflowservice.v1
import temporalio.client
import temporalio.common
import temporalio.converter
import temporalio.exceptions
import temporalio.service

from temporal_runtime_client import (
    METHOD_MEMO_KEY,
    MethodHandle,
    PendingActivity,
    PendingActivityState,
    RunHandle,
    WorkflowDescription,
    WorkflowStatus,
    WorkflowTaskFailure,
)
from temporal_runtime_client._describe import describe_run, status_from_temporal
from temporal_runtime_core import SearchAttributes, WorkflowNotFoundError

_CONVERTER = temporalio.converter.DataConverter.default
_STARTED = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
_Response = temporalio.api.workflowservice.v1.DescribeWorkflowExecutionResponse
_ActivityState = temporalio.api.enums.v1.PendingActivityState
_CUSTOMER = temporalio.common.SearchAttributeKey.for_keyword("CustomerId")
_TAGS = temporalio.common.SearchAttributeKey.for_keyword_list("Tags")
_DUE = temporalio.common.SearchAttributeKey.for_datetime("DueAt")
_TOTAL = temporalio.common.SearchAttributeKey.for_float("Total")


def _response(
    *,
    status: Any = temporalio.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
    memo: dict[str, Any] | None = None,
    search_attributes: temporalio.common.TypedSearchAttributes | None = None,
    activities: tuple[temporalio.api.workflow.v1.PendingActivityInfo, ...] = (),
    task_attempt: int = 0,
) -> _Response:
    raw = _Response()
    info = raw.workflow_execution_info
    info.execution.workflow_id = "order-1"
    info.execution.run_id = "run-1"
    info.type.name = "OrderWorkflow"
    info.status = status
    info.task_queue = "orders"
    info.history_length = 7
    info.start_time.FromDatetime(_STARTED)
    for key, value in (memo or {}).items():
        info.memo.fields[key].CopyFrom(_CONVERTER.payload_converter.to_payload(value))
    if search_attributes is not None:
        temporalio.converter.encode_search_attributes(search_attributes, info.search_attributes)
    raw.pending_activities.extend(activities)
    if task_attempt:
        raw.pending_workflow_task.attempt = task_attempt
    return raw


async def _failure(
    exc: BaseException, converter: temporalio.converter.DataConverter = _CONVERTER
) -> temporalio.api.failure.v1.Failure:
    failure = temporalio.api.failure.v1.Failure()
    await converter.encode_failure(exc, failure)
    return failure


def _activity(
    activity_id: str, name: str, state: int, attempt: int, *, maximum_attempts: int = 0
) -> temporalio.api.workflow.v1.PendingActivityInfo:
    info = temporalio.api.workflow.v1.PendingActivityInfo(
        activity_id=activity_id, state=cast("Any", state), attempt=attempt, maximum_attempts=maximum_attempts
    )
    info.activity_type.name = name
    return info


@dataclass
class DescribingHandle:
    """Answers ``describe`` as temporalio's ``WorkflowHandle`` does, from a protobuf response."""

    response: _Response | None = None
    error: Exception | None = None
    converter: temporalio.converter.DataConverter = _CONVERTER
    id: str = "order-1"
    run_id: str | None = None
    result_run_id: str | None = "run-1"

    async def describe(self) -> temporalio.client.WorkflowExecutionDescription:
        if self.error is not None:
            raise self.error
        assert self.response is not None
        return await temporalio.client.WorkflowExecutionDescription._from_raw_description(  # pyright: ignore[reportPrivateUsage]
            self.response, "default", self.converter
        )

    def as_temporal(self) -> temporalio.client.WorkflowHandle[Any, Any]:
        return cast("temporalio.client.WorkflowHandle[Any, Any]", self)


async def test_a_description_carries_memo_search_attributes_and_pending_activities() -> None:
    charge = _activity("1", "charge_card", _ActivityState.PENDING_ACTIVITY_STATE_SCHEDULED, 3)
    ship = _activity("2", "ship", _ActivityState.PENDING_ACTIVITY_STATE_STARTED, 1, maximum_attempts=5)
    charge.last_failure.CopyFrom(
        await _failure(temporalio.exceptions.ApplicationError("card declined", type="PaymentError"))
    )
    charge.scheduled_time.FromDatetime(_STARTED + timedelta(seconds=30))
    charge.last_attempt_complete_time.FromDatetime(_STARTED + timedelta(seconds=20))
    charge.next_attempt_schedule_time.FromDatetime(_STARTED + timedelta(seconds=30))
    ship.last_started_time.FromDatetime(_STARTED + timedelta(seconds=35))
    ship.last_heartbeat_time.FromDatetime(_STARTED + timedelta(seconds=40))
    ship.heartbeat_details.payloads.extend(await _CONVERTER.encode([{"packed": 2}, "box-7"]))
    due = datetime(2025, 4, 1, 9, 30, tzinfo=UTC)
    raw = _response(
        memo={METHOD_MEMO_KEY: "OrderWorkflow.process", "customer": {"name": "Ada"}},
        search_attributes=temporalio.common.TypedSearchAttributes(
            [
                temporalio.common.SearchAttributePair(_CUSTOMER, "c-1"),
                temporalio.common.SearchAttributePair(_TAGS, ["vip", "eu"]),
                temporalio.common.SearchAttributePair(_DUE, due),
                temporalio.common.SearchAttributePair(_TOTAL, 99.5),
            ]
        ),
        activities=(charge, ship),
    )

    description = await describe_run(DescribingHandle(raw).as_temporal(), None)

    assert description == WorkflowDescription(
        workflow_id="order-1",
        run_id="run-1",
        workflow_type="OrderWorkflow",
        method="OrderWorkflow.process",
        memo={"customer": {"name": "Ada"}},
        status=WorkflowStatus.RUNNING,
        task_queue="orders",
        start_time=_STARTED,
        close_time=None,
        history_length=7,
        last_task_failure=None,
        search_attributes=SearchAttributes(
            {"CustomerId": "c-1", "Tags": ("vip", "eu"), "DueAt": due, "Total": 99.5}
        ),
        pending_activities=(
            PendingActivity(
                activity_id="1",
                activity_name="charge_card",
                state=PendingActivityState.SCHEDULED,
                attempt=3,
                maximum_attempts=None,
                last_failure="PaymentError: card declined",
                scheduled_time=_STARTED + timedelta(seconds=30),
                last_attempt_complete_time=_STARTED + timedelta(seconds=20),
                next_attempt_schedule_time=_STARTED + timedelta(seconds=30),
            ),
            PendingActivity(
                activity_id="2",
                activity_name="ship",
                state=PendingActivityState.STARTED,
                attempt=1,
                maximum_attempts=5,
                last_failure=None,
                last_started_time=_STARTED + timedelta(seconds=35),
                last_heartbeat_time=_STARTED + timedelta(seconds=40),
                heartbeat_details=({"packed": 2}, "box-7"),
            ),
        ),
    )
    assert str(description.pending_activities[0]) == (
        "charge_card (SCHEDULED, attempt 3, last failure: PaymentError: card declined)"
    )
    assert str(description.pending_activities[1]) == "ship (STARTED, attempt 1/5)"
    due_at = description.search_attributes["DueAt"]
    assert isinstance(due_at, datetime)
    assert due_at.utcoffset() == timedelta(0)
    with pytest.raises(TypeError):
        description.memo["customer"] = "changed"  # type: ignore[index]  # pyright: ignore[reportIndexIssue]  # read-only, as the dataclass is frozen


async def test_a_timed_out_attempt_names_its_kind_and_an_unknown_state_is_unknown() -> None:
    stalled = _activity("5", "render", 99, 2)  # a state value newer than this version knows
    stalled.last_failure.CopyFrom(
        await _failure(
            temporalio.exceptions.TimeoutError(
                "activity StartToClose timeout",
                type=temporalio.exceptions.TimeoutType.START_TO_CLOSE,
                last_heartbeat_details=[],
            )
        )
    )
    description = await describe_run(DescribingHandle(_response(activities=(stalled,))).as_temporal(), None)
    (activity,) = description.pending_activities
    assert activity.state is PendingActivityState.UNKNOWN
    assert activity.last_failure == "TimeoutError(START_TO_CLOSE): activity StartToClose timeout"
    assert (activity.scheduled_time, activity.last_started_time, activity.heartbeat_details) == (
        None,
        None,
        (),
    )


async def test_a_failure_message_behind_a_codec_is_decoded() -> None:
    # With encoded attributes, a failure's message travels in a payload (encrypted by a codec) and the
    # proto's message only says "Encoded failure".
    converter = temporalio.converter.DataConverter(
        failure_converter_class=temporalio.converter.DefaultFailureConverterWithEncodedAttributes
    )
    charge = _activity("1", "charge_card", _ActivityState.PENDING_ACTIVITY_STATE_SCHEDULED, 2)
    charge.last_failure.CopyFrom(
        await _failure(
            temporalio.exceptions.ApplicationError("card 4242 declined", type="PaymentError"), converter
        )
    )
    assert charge.last_failure.message == "Encoded failure"
    handle = DescribingHandle(_response(activities=(charge,)), converter=converter)
    description = await describe_run(handle.as_temporal(), None)
    assert description.pending_activities[0].last_failure == "PaymentError: card 4242 declined"


@pytest.mark.parametrize(
    ("name", "value"),
    [(name, value) for name, value in _ActivityState.items() if value != 0],
)
async def test_every_pending_activity_state_of_temporal_has_ours(name: str, value: int) -> None:
    raw = _response(activities=(_activity("1", "a", value, 1),))
    (activity,) = (await describe_run(DescribingHandle(raw).as_temporal(), None)).pending_activities
    assert activity.state.name == name.removeprefix("PENDING_ACTIVITY_STATE_")
    assert activity.state is not PendingActivityState.UNKNOWN


async def test_an_unspecified_state_is_unknown() -> None:
    raw = _response(activities=(_activity("1", "a", _ActivityState.PENDING_ACTIVITY_STATE_UNSPECIFIED, 1),))
    (activity,) = (await describe_run(DescribingHandle(raw).as_temporal(), None)).pending_activities
    assert activity.state is PendingActivityState.UNKNOWN


@pytest.mark.parametrize("status", list(temporalio.client.WorkflowExecutionStatus))
def test_every_status_of_temporal_has_ours(status: temporalio.client.WorkflowExecutionStatus) -> None:
    assert status_from_temporal(status).name == status.name
    assert status_from_temporal(None) is WorkflowStatus.UNKNOWN


async def test_a_closed_run_has_its_close_time_and_nothing_pending() -> None:
    raw = _response(
        status=temporalio.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED
    )
    raw.workflow_execution_info.close_time.FromDatetime(_STARTED + timedelta(minutes=1))
    description = await describe_run(DescribingHandle(raw).as_temporal(), None)
    assert (description.status, description.close_time) == (
        WorkflowStatus.COMPLETED,
        _STARTED + timedelta(minutes=1),
    )
    assert (description.method, description.memo, dict(description.search_attributes)) == (None, {}, {})
    assert description.pending_activities == ()


async def test_the_handle_describes_its_run_and_names_a_failing_workflow_task() -> None:
    # Without a client the history is not read; the attempt is known from the description alone.
    handle: MethodHandle[Any] = RunHandle(DescribingHandle(_response(task_attempt=3)).as_temporal())
    description = await handle.describe()
    assert description.last_task_failure == WorkflowTaskFailure(
        "its failure is recorded in the run's history", None, 3, "UNKNOWN"
    )
    assert await handle.status() is WorkflowStatus.RUNNING
    assert handle.temporal_handle.id == "order-1"  # temporalio's own description: temporal_handle.describe()


async def test_describing_a_missing_run_raises_our_not_found_error() -> None:
    missing = temporalio.service.RPCError(
        "workflow not found", temporalio.service.RPCStatusCode.NOT_FOUND, b""
    )
    handle: MethodHandle[Any] = RunHandle(DescribingHandle(error=missing).as_temporal())
    for call in (handle.describe, handle.status):
        with pytest.raises(WorkflowNotFoundError, match="No workflow execution 'order-1' found") as info:
            await call()
        assert info.value.__cause__ is missing
