"""What an exception raised by workflow code turns into (the run fails, or only the workflow task), the
``failure_exceptions=`` class keyword, the adapter's input count, and our sandbox advice.

Integration tests on a real server (tests/integration/test_failure_semantics.py, test_cancellation.py,
test_raw_inputs.py, test_sandbox_advice.py) show what Temporal then does with each.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest
import temporalio.common
import temporalio.exceptions
import temporalio.workflow

from temporal_runtime_core import (
    ActivityFailedError,
    DefinitionError,
    InvalidArgumentsError,
    Registry,
    SandboxViolationError,
    UnknownMethodError,
    WorkflowFailure,
    WorkflowRegistry,
)
from temporal_runtime_workflow import (
    Workflow,
    definition_of,
    explain_sandbox_violation,
    failure_to_raise,
    is_sandbox_violation,
    update_failure,
)
from temporal_runtime_workflow import _sandbox_advice as advice  # pyright: ignore[reportPrivateUsage]

REGISTRY: WorkflowRegistry = Registry("workflow")


class Rejected(Exception):
    pass


class Declined(Exception):
    pass


class PolicyBase(Workflow, abstract=True, failure_exceptions=Rejected):
    pass


class PolicyWorkflow(PolicyBase, failure_exceptions=(Declined, Rejected), registry=REGISTRY):
    async def run(self, x: int) -> int:
        return x


class PlainPolicyWorkflow(Workflow, registry=REGISTRY):
    async def run(self) -> None:
        return None


DEFN = definition_of(PolicyWorkflow)


# --- failure_exceptions= --------------------------------------------------------------------------------


def test_failure_exceptions_join_those_of_the_bases_and_reach_temporalio() -> None:
    assert DEFN.failure_exceptions == (Rejected, Declined)
    temporal = temporalio.workflow._Definition.must_from_class(DEFN.adapter_class)
    assert list(temporal.failure_exception_types) == [Rejected, Declined]
    assert definition_of(PlainPolicyWorkflow).failure_exceptions == ()


@pytest.mark.parametrize("bad", ["ValueError", ValueError("x"), KeyboardInterrupt, (ValueError, 3)])
def test_failure_exceptions_must_be_exception_classes(bad: Any) -> None:
    with pytest.raises(DefinitionError, match=r"failure_exceptions= takes exception classes, e\.g\."):

        class BadPolicyWorkflow(Workflow, failure_exceptions=bad, registry=Registry("workflow")):  # pyright: ignore[reportUnusedClass]
            async def run(self) -> None:
                return None


# --- the adapter's input --------------------------------------------------------------------------------


def test_temporalio_sees_one_raw_payload_parameter() -> None:
    temporal = temporalio.workflow._Definition.must_from_class(DEFN.adapter_class)
    assert temporal.arg_types == [temporalio.common.RawValue]  # the one-payload fast path
    # temporalio annotates run_fn as a bare `Callable[..., Awaitable]`.
    assert inspect.signature(temporal.run_fn).parameters.keys() == {"self", "payload"}  # pyright: ignore[reportUnknownArgumentType, reportUnknownMemberType]


@pytest.mark.parametrize("payloads", [(), ({"method": "run", "kwargs": {"x": 1}}, 2)])
async def test_a_run_with_no_input_or_several_fails_without_retrying(payloads: tuple[object, ...]) -> None:
    adapter = DEFN.adapter_class()
    with pytest.raises(temporalio.exceptions.ApplicationError) as info:
        await adapter.run(*payloads)
    assert info.value.non_retryable
    assert info.value.type == "InvalidArgumentsError"
    assert "but it takes exactly one, the call envelope" in info.value.message
    assert await adapter.run({"method": "run", "kwargs": {"x": 1}}) == 1


# --- what an exception becomes --------------------------------------------------------------------------


def test_sdk_errors_fail_the_run_without_retrying() -> None:
    for error in (InvalidArgumentsError("bad"), UnknownMethodError("no such method")):
        failure = failure_to_raise(error, DEFN, "PolicyWorkflow.run")
        assert isinstance(failure, temporalio.exceptions.ApplicationError)
        assert (failure.type, failure.message, failure.non_retryable) == (
            type(error).__name__,
            str(error),
            True,
        )
        assert failure.__cause__ is error


def test_a_workflow_failure_fails_the_run_with_its_type_details_and_retry_choice() -> None:
    class OutOfStock(WorkflowFailure):
        pass

    failure = failure_to_raise(OutOfStock("none left", details=[{"sku": "tea"}, 3]), DEFN, "W.run")
    assert isinstance(failure, temporalio.exceptions.ApplicationError)
    assert (failure.type, failure.message, failure.details) == (
        "OutOfStock",
        "none left",
        ({"sku": "tea"}, 3),
    )
    assert not failure.non_retryable  # a workflow retry policy, if any, decides
    again = failure_to_raise(WorkflowFailure("final", non_retryable=True), DEFN, "W.run")
    assert isinstance(again, temporalio.exceptions.ApplicationError)
    assert again.non_retryable


@pytest.mark.parametrize(
    "error", [AttributeError("typo"), KeyError("k"), Rejected("listed"), ValueError("v")]
)
def test_other_exceptions_reach_temporalio_unchanged(error: Exception) -> None:
    # temporalio fails the run for listed types (Rejected here) and the task for the rest
    assert failure_to_raise(error, DEFN, "W.run") is error


def _activity_error(cause: BaseException) -> temporalio.exceptions.ActivityError:
    error = temporalio.exceptions.ActivityError(
        "Activity task failed",
        scheduled_event_id=1,
        started_event_id=2,
        identity="w",
        activity_type="charge",
        activity_id="1",
        retry_state=None,
    )
    error.__cause__ = cause
    return error


def test_an_uncaught_activity_failure_is_raised_as_temporals_own_with_its_cause_intact() -> None:
    cancelled = temporalio.exceptions.CancelledError("cancelled")
    native = _activity_error(cancelled)
    ours = ActivityFailedError("Activity 'charge' failed", activity_name="charge")
    ours.__cause__ = native
    failure = failure_to_raise(ours, DEFN, "W.run")
    assert failure is native
    assert failure.__cause__ is cancelled  # what temporalio reads to end the run CANCELED
    assert temporalio.exceptions.is_cancelled_exception(failure)


class CancelledActivityWorkflow(Workflow, registry=REGISTRY):
    """Its activity was cancelled and it does not catch the failure."""

    async def run(self) -> None:
        try:
            raise _activity_error(temporalio.exceptions.CancelledError("cancelled"))
        except temporalio.exceptions.ActivityError as exc:
            raise ActivityFailedError("Activity 'charge' failed", activity_name="charge") from exc


async def test_the_adapter_re_raises_it_without_replacing_its_cause() -> None:
    # The bug: `raise failure from exc` made our wrapper the cause of Temporal's activity error, so
    # a run cancelled while awaiting an activity ended FAILED instead of CANCELED.
    adapter = definition_of(CancelledActivityWorkflow).adapter_class()
    with pytest.raises(temporalio.exceptions.ActivityError) as info:
        await adapter.run({"method": "run", "kwargs": {}})
    assert isinstance(info.value.cause, temporalio.exceptions.CancelledError)
    assert temporalio.exceptions.is_cancelled_exception(info.value)


def test_any_exception_in_an_update_handler_fails_only_the_update() -> None:
    failure = update_failure(AttributeError("typo"), DEFN)
    assert isinstance(failure, temporalio.exceptions.ApplicationError)
    assert (failure.type, failure.message, failure.non_retryable) == ("AttributeError", "typo", True)
    native = temporalio.exceptions.ApplicationError("already a failure")
    assert update_failure(native, DEFN) is native


# --- sandbox advice -------------------------------------------------------------------------------------


class FakeRestrictedAccess(temporalio.workflow.NondeterminismError):
    """Shaped like temporalio's RestrictedWorkflowAccessError (recognised by its qualified_name)."""

    def __init__(self, qualified_name: str) -> None:
        super().__init__(f"Cannot access {qualified_name} ... mark the import as pass through.")
        self.qualified_name = qualified_name


@pytest.mark.parametrize(
    ("qualified", "call", "fix"),
    [
        ("datetime.datetime.now.__call__", "datetime.datetime.now()", "Use self.now()"),
        ("datetime.date.today.__call__", "datetime.date.today()", "Use self.now()"),
        ("time.time.__call__", "time.time()", "Use self.now()"),
        ("time.sleep.__call__", "time.sleep()", "Use `await self.sleep(seconds)`"),
        ("random.randint.__call__", "random.randint()", "use self.random() (a deterministic random.Random"),
        (
            "uuid.uuid4.__call__",
            "uuid.uuid4()",
            "use self.uuid4() (a deterministic uuid, the same on replay)",
        ),
        ("__builtins__.open", "open", "do I/O and other non-deterministic work in an activity"),
        (
            "os.getcwd.__call__",
            "os.getcwd()",
            "in an activity: `await self.exec(activity, args, timeout=...)`",
        ),
    ],
)
def test_a_call_at_run_time_is_named_with_its_deterministic_replacement(
    qualified: str, call: str, fix: str
) -> None:
    violation = FakeRestrictedAccess(qualified)
    assert is_sandbox_violation(violation)
    error = explain_sandbox_violation(violation, workflow="Workflow 'W' (m.W)", workflow_modules={"m"})
    assert isinstance(error, SandboxViolationError)
    message = str(error)
    assert message.startswith(f"Workflow 'W' (m.W) called {call}, which Temporal's workflow sandbox forbids")
    assert fix.lower() in message.lower()
    assert "pass through" not in message
    assert "sandbox_passthrough" not in message  # not for standard-library calls
    assert message.endswith("the run stays RUNNING and resumes once the fixed code is deployed.")
    assert error.__cause__ is None  # temporalio's advice is not chained in
    assert error.__suppress_context__
    assert failure_to_raise(violation, DEFN, "W.run").__class__ is SandboxViolationError


def test_replacements_that_exist_on_workflow_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    def uuid4(self: Workflow) -> None:
        return None

    monkeypatch.setattr(Workflow, "uuid4", uuid4, raising=False)
    message = str(
        advice.explain_sandbox_violation(
            FakeRestrictedAccess("uuid.uuid4.__call__"), workflow="W", workflow_modules=()
        )
    )
    assert "use self.uuid4() (a deterministic uuid, the same on replay)" in message.lower()
    assert "coming" not in message


def test_other_nondeterminism_errors_are_not_taken_for_sandbox_violations() -> None:
    assert not is_sandbox_violation(temporalio.workflow.NondeterminismError("replay mismatch"))
    assert not is_sandbox_violation(ValueError("x"))
