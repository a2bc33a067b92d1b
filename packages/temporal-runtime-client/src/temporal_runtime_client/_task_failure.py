"""Finding why a running workflow is stuck: the workflow task that keeps failing, read from the
run's description (the pending task's attempt) and the tail of its history (the recorded failure),
or a workflow task that no worker picks up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

import temporalio.api.common.v1
import temporalio.api.enums.v1
import temporalio.api.failure.v1
import temporalio.api.history.v1
import temporalio.api.workflowservice.v1
import temporalio.client
import temporalio.converter

from temporal_runtime_core import WorkflowTaskFailure, describe_failure
from temporal_runtime_workflow import failure_fields

__all__ = ["last_task_failure", "stuck_explanation"]

_EventType = temporalio.api.enums.v1.EventType
_PAGE_SIZE: Final = 20
_MAX_PAGES: Final = 5  # signals and updates may arrive after the failure; do not read a long history
_NO_WORKER_AFTER: Final = timedelta(seconds=2)
_CAUSE_PREFIX: Final = "WORKFLOW_TASK_FAILED_CAUSE_"


def _pending_attempt(description: temporalio.client.WorkflowExecutionDescription) -> int:
    """The attempt of the run's pending workflow task (0 when none is pending)."""
    raw = description.raw_description
    return raw.pending_workflow_task.attempt if raw.HasField("pending_workflow_task") else 0


async def last_task_failure(
    client: temporalio.client.Client | None, description: temporalio.client.WorkflowExecutionDescription
) -> WorkflowTaskFailure | None:
    """The failure that keeps the described run's workflow task failing, or None when the run is not
    retrying a workflow task. Costs no call for a healthy run; one or a few for a stuck one.

    Without ``client`` the history is not read and the message says where to find it.
    """
    attempt = _pending_attempt(description)
    if description.status != temporalio.client.WorkflowExecutionStatus.RUNNING or attempt < 2:
        return None
    if client is None:
        return WorkflowTaskFailure("its failure is recorded in the run's history", None, attempt, "UNKNOWN")
    event = await _last_task_outcome(client, description.id, description.run_id)
    if event is None or event.event_type == _EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        return WorkflowTaskFailure(
            "the workflow task failed; its failure is not in the history's last events",
            None,
            attempt,
            "UNKNOWN",
        )
    failed_at = event.event_time.ToDatetime(UTC) if event.HasField("event_time") else None
    if event.event_type == _EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
        timeout = temporalio.api.enums.v1.TimeoutType.Name(
            event.workflow_task_timed_out_event_attributes.timeout_type
        )
        return WorkflowTaskFailure(
            f"the workflow task timed out ({timeout.removeprefix('TIMEOUT_TYPE_')}): the worker did not "
            "answer within the task timeout (it stopped, or workflow code blocked)",
            "TimeoutError",
            attempt,
            "TIMED_OUT",
            failed_at,
        )
    attributes = event.workflow_task_failed_event_attributes
    cause = temporalio.api.enums.v1.WorkflowTaskFailedCause.Name(attributes.cause).removeprefix(_CAUSE_PREFIX)
    error_type, message, stack_trace = await _decode(client, description.id, attributes.failure)
    if cause == "BAD_SEARCH_ATTRIBUTES":  # search attributes (#13): say what to do
        message += (
            ". The workflow set a search attribute the namespace does not have: register it "
            "(`await engine.register_search_attributes()`, or `temporal operator search-attribute "
            "create --name NAME --type TYPE`); the task is retried and the run goes on once it exists"
        )
    return WorkflowTaskFailure(message, error_type, attempt, cause, failed_at, stack_trace)


async def _last_task_outcome(
    client: temporalio.client.Client, workflow_id: str, run_id: str
) -> temporalio.api.history.v1.HistoryEvent | None:
    """The newest workflow-task completion, failure or timeout event of the run, reading its history
    backwards a page at a time (a few pages at most)."""
    outcomes = (
        _EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
        _EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
        _EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    )
    token = b""
    for _ in range(_MAX_PAGES):
        response = await client.workflow_service.get_workflow_execution_history_reverse(
            temporalio.api.workflowservice.v1.GetWorkflowExecutionHistoryReverseRequest(
                namespace=client.namespace,
                execution=temporalio.api.common.v1.WorkflowExecution(workflow_id=workflow_id, run_id=run_id),
                maximum_page_size=_PAGE_SIZE,
                next_page_token=token,
            )
        )
        for event in response.history.events:
            if event.event_type in outcomes:
                return event
        token = response.next_page_token
        if not token:
            break
    return None


async def _decode(
    client: temporalio.client.Client, workflow_id: str, failure: temporalio.api.failure.v1.Failure
) -> tuple[str | None, str, str]:
    """The failure's exception type, message and stack trace, decoded as temporalio decodes failures
    (through the client's payload codec, so an encrypted message is readable)."""
    copy = temporalio.api.failure.v1.Failure()
    copy.CopyFrom(failure)
    context = temporalio.converter.WorkflowSerializationContext(
        namespace=client.namespace, workflow_id=workflow_id
    )
    exc = await client.data_converter.with_context(context).decode_failure(copy)
    error_type, message, _ = failure_fields(exc)
    decoded = getattr(exc, "failure", None)
    stack_trace = decoded.stack_trace if isinstance(decoded, temporalio.api.failure.v1.Failure) else ""
    return error_type, message, stack_trace


def stuck_explanation(
    description: temporalio.client.WorkflowExecutionDescription,
    failure: WorkflowTaskFailure | None,
    now: datetime | None = None,
) -> str | None:
    """Why the described running workflow makes no progress, as a sentence for an error message, or
    None when nothing says it is stuck (it may simply be waiting)."""
    if failure is not None:
        failing = (
            f"its workflow task keeps failing, now on attempt {failure.attempt}: "
            f"{describe_failure(failure.error_type, failure.message)}. "
        )
        if failure.error_type == "NotFoundError" and "is not registered on this worker" in failure.message:
            return failing + (
                f"A worker polling task queue {description.task_queue!r} does not serve workflow "
                f"{description.workflow_type!r}: import the module that defines it before engine.start() "
                "in every worker process on that queue, and the run goes on"
            )
        if failure.error_type == "PayloadDecryptionError":  # --- encryption (#14) ---
            return failing + (
                f"A worker polling task queue {description.task_queue!r} cannot decrypt the run's payloads: "
                "give every worker on that queue the key named above (its payload codec's keys), and the "
                "run goes on"
            )
        return failing + (
            "Temporal retries the task until workflow code completes it: fix the code and restart the "
            "workers, and the run goes on (the worker log has the traceback; `temporal workflow reset` "
            "replays a run from an earlier point)"
        )
    raw = description.raw_description
    if description.status != temporalio.client.WorkflowExecutionStatus.RUNNING or not raw.HasField(
        "pending_workflow_task"
    ):
        return None
    pending = raw.pending_workflow_task
    if (
        pending.state
        != temporalio.api.enums.v1.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED
    ):
        return None
    waited = (now or datetime.now(UTC)) - pending.scheduled_time.ToDatetime(UTC)
    if waited < _NO_WORKER_AFTER:
        return None
    return (
        f"no worker has picked up its workflow task for {int(waited.total_seconds())} s: is a worker that "
        f"serves workflow {description.workflow_type!r} running on task queue {description.task_queue!r}?"
    )
