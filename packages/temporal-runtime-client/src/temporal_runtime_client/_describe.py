"""Describing a run: temporalio's ``WorkflowExecutionDescription`` (with the run's memo, search
attributes, pending activities and workflow-task failure) turned into core's plain
:class:`WorkflowDescription`, in one place."""

from __future__ import annotations

from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Final, Literal

import google.protobuf.timestamp_pb2
import temporalio.api.enums.v1
import temporalio.api.failure.v1
import temporalio.api.workflow.v1
import temporalio.client
import temporalio.converter
import temporalio.exceptions

from temporal_runtime_core import (
    PendingActivity,
    PendingActivityState,
    WorkflowDescription,
    WorkflowStatus,
    WorkflowTaskFailure,
    describe_failure,
)
from temporal_runtime_workflow import failure_fields, search_attributes_from_temporal

from ._errors import raise_translated
from ._options import METHOD_MEMO_KEY
from ._task_failure import last_task_failure

__all__ = [
    "describe_run",
    "from_temporal_description",
    "run_status",
    "status_from_temporal",
]

_STATES: Final = {
    value: PendingActivityState[name.removeprefix("PENDING_ACTIVITY_STATE_")]
    for name, value in temporalio.api.enums.v1.PendingActivityState.items()
    if name.removeprefix("PENDING_ACTIVITY_STATE_") in PendingActivityState.__members__
}
"""Our state for each of Temporal's (UNSPECIFIED, and a value newer than temporalio, are UNKNOWN)."""
type _TimeField = Literal[
    "scheduled_time",
    "last_started_time",
    "last_attempt_complete_time",
    "next_attempt_schedule_time",
    "last_heartbeat_time",
]


def status_from_temporal(status: temporalio.client.WorkflowExecutionStatus | None) -> WorkflowStatus:
    """Our status for temporalio's (UNKNOWN for None or a status this version does not know)."""
    return (
        WorkflowStatus.UNKNOWN
        if status is None
        else WorkflowStatus.__members__.get(status.name, WorkflowStatus.UNKNOWN)
    )


async def run_status(handle: temporalio.client.WorkflowHandle[Any, Any]) -> WorkflowStatus:
    """The status of the handle's run (one ``describe`` call)."""
    try:
        described = await handle.describe()
    except Exception as exc:
        raise_translated(exc, workflow_id=handle.id, run_id=_run_id(handle))
    return status_from_temporal(described.status)


async def describe_run(
    handle: temporalio.client.WorkflowHandle[Any, Any], client: temporalio.client.Client | None
) -> WorkflowDescription:
    """What the server knows about the handle's run. ``client`` lets the history of a run whose
    workflow task keeps failing be read, to name the failure (see :func:`last_task_failure`)."""
    try:
        described = await handle.describe()
        failure = await last_task_failure(client, described)
        return await from_temporal_description(described, failure)
    except Exception as exc:
        raise_translated(exc, workflow_id=handle.id, run_id=_run_id(handle))


async def from_temporal_description(
    described: temporalio.client.WorkflowExecutionDescription,
    task_failure: WorkflowTaskFailure | None = None,
) -> WorkflowDescription:
    """Our description of ``described``, decoding its memo, heartbeat details and failures with the
    description's data converter (so a payload codec applies). ``task_failure`` is the run's
    :class:`WorkflowTaskFailure`, if any."""
    memo = dict(await described.memo())
    method = memo.pop(METHOD_MEMO_KEY, None)
    converter = described.data_converter
    return WorkflowDescription(
        workflow_id=described.id,
        run_id=described.run_id,
        workflow_type=described.workflow_type,
        method=method if isinstance(method, str) else None,
        memo=MappingProxyType(memo),
        status=status_from_temporal(described.status),
        task_queue=described.task_queue,
        start_time=described.start_time,
        close_time=described.close_time,
        history_length=described.history_length,
        last_task_failure=task_failure,
        search_attributes=search_attributes_from_temporal(described.typed_search_attributes),
        pending_activities=tuple(
            [
                await _pending_activity(info, converter)
                for info in described.raw_description.pending_activities
            ]
        ),
    )


async def _pending_activity(
    info: temporalio.api.workflow.v1.PendingActivityInfo, converter: temporalio.converter.DataConverter
) -> PendingActivity:
    details = (
        tuple(await converter.decode(list(info.heartbeat_details.payloads)))
        if info.HasField("heartbeat_details")
        else ()
    )
    return PendingActivity(
        activity_id=info.activity_id,
        activity_name=info.activity_type.name,
        state=_STATES.get(info.state, PendingActivityState.UNKNOWN),
        attempt=info.attempt,
        maximum_attempts=info.maximum_attempts or None,
        last_failure=(
            await _failure_message(info.last_failure, converter) if info.HasField("last_failure") else None
        ),
        scheduled_time=_time(info, "scheduled_time"),
        last_started_time=_time(info, "last_started_time"),
        last_attempt_complete_time=_time(info, "last_attempt_complete_time"),
        next_attempt_schedule_time=_time(info, "next_attempt_schedule_time"),
        last_heartbeat_time=_time(info, "last_heartbeat_time"),
        heartbeat_details=details,
    )


async def _failure_message(
    failure: temporalio.api.failure.v1.Failure, converter: temporalio.converter.DataConverter
) -> str:
    """``"ValueError: card declined"``, decoded as temporalio decodes failures (through the payload
    codec, so an encrypted message is readable); a timeout names its kind."""
    copy = temporalio.api.failure.v1.Failure()
    copy.CopyFrom(failure)
    exc = await converter.decode_failure(copy)
    error_type, message, _ = failure_fields(exc)
    if isinstance(exc, temporalio.exceptions.TimeoutError):
        error_type = f"TimeoutError({exc.type.name if exc.type is not None else 'UNKNOWN'})"
    return describe_failure(error_type, message)


def _time(info: temporalio.api.workflow.v1.PendingActivityInfo, name: _TimeField) -> datetime | None:
    if not info.HasField(name):
        return None
    timestamp: google.protobuf.timestamp_pb2.Timestamp = getattr(info, name)
    return timestamp.ToDatetime(UTC)


def _run_id(handle: temporalio.client.WorkflowHandle[Any, Any]) -> str | None:
    return handle.result_run_id or handle.run_id
