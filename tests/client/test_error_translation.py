"""temporalio's client-side exceptions translated into ours, without a server.

The exceptions are built as temporalio's client builds them from a server's answer; the integration
tests check that a real server produces them.
"""

from __future__ import annotations

import pytest
import temporalio.client
import temporalio.exceptions
import temporalio.service

from temporal_runtime_client._errors import raise_translated, translate_error
from temporal_runtime_core import (
    ActivityFailedError,
    DefinitionError,
    EngineError,
    QueryFailedError,
    UpdateFailedError,
    WorkflowAlreadyStartedError,
    WorkflowCancelledError,
    WorkflowError,
    WorkflowFailedError,
    WorkflowNotFoundError,
    WorkflowTerminatedError,
    WorkflowTimedOutError,
)

IDS = {"workflow_id": "order-1", "run_id": "run-1"}


def _failed(cause: BaseException) -> temporalio.client.WorkflowFailureError:
    return temporalio.client.WorkflowFailureError(cause=cause)


def _activity_error(cause: BaseException | None, activity_type: str = "charge") -> BaseException:
    error = temporalio.exceptions.ActivityError(
        "Activity task failed",
        scheduled_event_id=5,
        started_event_id=6,
        identity="worker-1",
        activity_type=activity_type,
        activity_id="1",
        retry_state=temporalio.exceptions.RetryState.NON_RETRYABLE_FAILURE,
    )
    error.__cause__ = cause
    return error


def _timeout(kind: temporalio.exceptions.TimeoutType) -> temporalio.exceptions.TimeoutError:
    return temporalio.exceptions.TimeoutError("activity timeout", type=kind, last_heartbeat_details=[])


# --- a failed workflow run ----------------------------------------------------------------------------


def test_an_application_error_is_a_workflow_failed_error_with_its_type_and_details() -> None:
    cause = temporalio.exceptions.ApplicationError("out of stock", {"sku": "a"}, 3, type="StockError")
    error = translate_error(_failed(cause), **IDS)
    assert type(error) is WorkflowFailedError
    assert error.message == "Workflow 'order-1' failed: StockError: out of stock"
    assert str(error) == error.message
    assert (error.error_type, error.details) == ("StockError", ({"sku": "a"}, 3))
    assert (error.workflow_id, error.run_id) == ("order-1", "run-1")


def test_a_failure_without_a_workflow_id_says_workflow() -> None:
    error = translate_error(_failed(temporalio.exceptions.ApplicationError("boom", type="KeyError")))
    assert isinstance(error, WorkflowFailedError)
    assert error.message == "Workflow failed: KeyError: boom"
    assert (error.workflow_id, error.run_id) == (None, None)


def test_an_application_error_without_a_type_has_no_prefix() -> None:
    error = translate_error(_failed(temporalio.exceptions.ApplicationError("plain")), **IDS)
    assert isinstance(error, WorkflowFailedError)
    assert (error.message, error.error_type) == ("Workflow 'order-1' failed: plain", None)


def test_another_failure_is_named_by_its_class() -> None:
    cause = temporalio.exceptions.ServerError("history too large")
    error = translate_error(_failed(cause), **IDS)
    assert isinstance(error, WorkflowFailedError)
    assert (error.error_type, error.details) == ("ServerError", ())
    assert error.message == "Workflow 'order-1' failed: ServerError: history too large"


def test_an_activity_error_is_an_activity_failed_error_with_the_activitys_exception() -> None:
    cause = temporalio.exceptions.ApplicationError("card declined", "4242", type="PaymentError")
    error = translate_error(_failed(_activity_error(cause)), **IDS)
    assert type(error) is ActivityFailedError
    assert error.message == "Workflow 'order-1' failed: activity 'charge' failed: PaymentError: card declined"
    assert (error.activity_name, error.error_type, error.details) == ("charge", "PaymentError", ("4242",))
    assert (error.workflow_id, error.run_id) == ("order-1", "run-1")


def test_an_activity_timeout_names_its_kind() -> None:
    cause = _timeout(temporalio.exceptions.TimeoutType.START_TO_CLOSE)
    error = translate_error(_failed(_activity_error(cause)), **IDS)
    assert isinstance(error, ActivityFailedError)
    assert error.error_type == "TimeoutError(START_TO_CLOSE)"
    assert error.message.endswith("activity 'charge' failed: TimeoutError(START_TO_CLOSE): activity timeout")


def test_an_activity_error_without_a_cause_keeps_temporals_message() -> None:
    error = translate_error(_failed(_activity_error(None)), **IDS)
    assert isinstance(error, ActivityFailedError)
    assert error.error_type is None
    assert error.message == "Workflow 'order-1' failed: activity 'charge' failed: Activity task failed"


def test_cancelled_terminated_and_timed_out_runs() -> None:
    cancelled = translate_error(_failed(temporalio.exceptions.CancelledError("Workflow cancelled")), **IDS)
    assert type(cancelled) is WorkflowCancelledError
    assert str(cancelled) == "Workflow 'order-1' was cancelled"
    assert (cancelled.workflow_id, cancelled.run_id) == ("order-1", "run-1")

    terminated = translate_error(_failed(temporalio.exceptions.TerminatedError("fraud suspected")), **IDS)
    assert type(terminated) is WorkflowTerminatedError
    assert str(terminated) == "Workflow 'order-1' was terminated: fraud suspected"
    default_reason = temporalio.exceptions.TerminatedError("Workflow execution terminated")
    assert str(translate_error(_failed(default_reason), **IDS)) == "Workflow 'order-1' was terminated"

    timed_out = translate_error(_failed(_timeout(temporalio.exceptions.TimeoutType.START_TO_CLOSE)), **IDS)
    assert type(timed_out) is WorkflowTimedOutError
    assert isinstance(timed_out, TimeoutError)  # `except TimeoutError` catches it
    assert str(timed_out) == "Workflow 'order-1' timed out (activity timeout)"


# --- starting, finding, updating and querying ------------------------------------------------------------


def test_already_started_names_the_fix() -> None:
    exc = temporalio.exceptions.WorkflowAlreadyStartedError("order-1", "Orders", run_id="run-0")
    error = translate_error(exc)
    assert type(error) is WorkflowAlreadyStartedError
    assert error.workflow_id == "order-1"
    assert "'order-1' is already running (type 'Orders')" in str(error)
    assert "IdConflictPolicy.USE_EXISTING" in str(error)


def test_not_found_is_a_lookup_error_naming_the_workflow() -> None:
    exc = temporalio.service.RPCError(
        "workflow not found for ID: order-1", temporalio.service.RPCStatusCode.NOT_FOUND, b""
    )
    error = translate_error(exc, **IDS)
    assert type(error) is WorkflowNotFoundError
    assert isinstance(error, LookupError)
    assert str(error) == "No workflow execution 'order-1' found: workflow not found for ID: order-1"
    assert error.workflow_id == "order-1"
    unnamed = translate_error(exc)
    assert str(unnamed).startswith("No workflow execution the requested workflow found")


def test_other_rpc_errors_and_unknown_exceptions_pass_through() -> None:
    # (RESOURCE_EXHAUSTED and UNAVAILABLE are ours: tests/client/test_transient_wait.py)
    denied = temporalio.service.RPCError("no", temporalio.service.RPCStatusCode.PERMISSION_DENIED, b"")
    assert translate_error(denied, **IDS) is denied
    plain = ValueError("not ours")
    assert translate_error(plain, **IDS) is plain


@pytest.mark.parametrize(
    ("status", "message"),
    [  # what 5,000 callers starting runs at once against one dev server got (benchmarks/scale.py)
        (temporalio.service.RPCStatusCode.CANCELLED, "Timeout expired"),
        (temporalio.service.RPCStatusCode.DEADLINE_EXCEEDED, "context deadline exceeded"),
        (temporalio.service.RPCStatusCode.CANCELLED, "h2 protocol error: http2 error"),
    ],
)
def test_a_call_the_server_did_not_answer_in_time_is_an_engine_error_saying_it_may_have_happened(
    status: temporalio.service.RPCStatusCode, message: str
) -> None:
    exc = temporalio.service.RPCError(message, status, b"")
    error = translate_error(exc, **IDS)
    assert type(error) is EngineError
    text = str(error)
    assert text.startswith(
        f"The Temporal server did not answer a call for workflow 'order-1' in time ({status.name}: {message})"
    )
    assert "may still have taken effect: look the run up with engine.get_handle('order-1')" in text
    assert "IdConflictPolicy.USE_EXISTING" in text
    assert "for workflow" not in str(translate_error(exc))  # no run known: none named


def test_our_errors_are_returned_unchanged() -> None:
    ours = DefinitionError("already ours")
    assert translate_error(ours, **IDS) is ours


def test_a_failed_update_is_an_update_failed_error() -> None:
    cause = temporalio.exceptions.ApplicationError("too many items", {"max": 3}, type="ValueError")
    error = translate_error(temporalio.client.WorkflowUpdateFailedError(cause), **IDS)
    assert type(error) is UpdateFailedError
    assert error.message == "Update on workflow 'order-1' failed: ValueError: too many items"
    assert (error.error_type, error.details) == ("ValueError", ({"max": 3},))
    assert (error.workflow_id, error.run_id) == ("order-1", "run-1")


def test_an_update_cancelled_on_the_worker_names_the_failure_class() -> None:
    cause = temporalio.exceptions.CancelledError("update cancelled")
    error = translate_error(temporalio.client.WorkflowUpdateFailedError(cause), **IDS)
    assert isinstance(error, UpdateFailedError)
    assert (error.error_type, error.message) == (
        "CancelledError",
        "Update on workflow 'order-1' failed: CancelledError: update cancelled",
    )


def test_a_failed_query_is_a_query_failed_error() -> None:
    exc = temporalio.client.WorkflowQueryFailedError("Query W.labels tried to wait (await ...)")
    error = translate_error(exc, **IDS)
    assert type(error) is QueryFailedError
    assert isinstance(error, WorkflowError)  # existing `except WorkflowError` still catches it
    assert str(error) == "Query on workflow 'order-1' failed: Query W.labels tried to wait (await ...)"
    assert (error.workflow_id, error.run_id) == ("order-1", "run-1")


# --- raise_translated ----------------------------------------------------------------------------------


def test_raise_translated_chains_our_error_to_temporals() -> None:
    exc = temporalio.client.WorkflowQueryFailedError("no handler")
    with pytest.raises(QueryFailedError) as info:
        raise_translated(exc, workflow_id="order-1")
    assert info.value.__cause__ is exc
    assert info.value.workflow_id == "order-1"


def test_raise_translated_reraises_what_it_does_not_know() -> None:
    exc = RuntimeError("something else")
    with pytest.raises(RuntimeError) as info:
        raise_translated(exc, workflow_id="order-1")
    assert info.value is exc
    assert info.value.__cause__ is None


def test_the_chain_reaches_the_users_exception() -> None:
    cause = temporalio.exceptions.ApplicationError("declined", type="PaymentError")
    workflow_failure = _failed(_activity_error(cause))
    with pytest.raises(ActivityFailedError) as info:
        raise_translated(workflow_failure, workflow_id="order-1", run_id="run-1")
    assert info.value.__cause__ is workflow_failure
    assert workflow_failure.cause.__cause__ is cause
