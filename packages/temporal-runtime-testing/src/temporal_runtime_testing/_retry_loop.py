"""The :class:`WorkflowTester`'s retry loop: an activity call run on its fake, attempt after attempt.

Each attempt is recorded (:class:`ActivityCallRecord`) and calls the fake; a raising fake becomes
the ``ApplicationError`` a worker would report, and the call's retry policy decides, in virtual
time, whether and when the next attempt runs. Once no attempt is left the workflow sees the
``ActivityFailedError`` a worker would raise. Without a retry policy there is no retry at all (real
Temporal's default retries forever; a unit test should fail fast).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

import temporalio.common
import temporalio.exceptions

from temporal_runtime_core import NonRetryableError, TemporalRuntimeError
from temporal_runtime_workflow import (
    ActivityCall,
    activity_failed,
    non_retryable_failure,
    to_temporal_retry_policy,
)

from ._errors import WorkflowTesterError
from ._fake_activities import (
    ActivityCallRecord,
    FakeEntry,
    activity_args_json,
    call_fake,
    missing_fake_error,
)
from ._virtual_clock import VirtualClock

__all__ = ["UNLIMITED_ATTEMPTS_CAP", "RetryLoop"]

UNLIMITED_ATTEMPTS_CAP = 100
"""With a retry policy of unlimited attempts, the tester gives up after this many failures."""


class RetryLoop:
    """Runs a tester's activity calls on their fakes, with retries in virtual time.

    ``fakes`` (activity name -> handle and fake) and ``calls`` (the record of every attempt) are the
    tester's own: the loop reads the first at each attempt and appends to the second.
    """

    def __init__(
        self,
        clock: VirtualClock,
        fakes: Mapping[str, FakeEntry],
        calls: list[ActivityCallRecord[Any]],
        workflow_class: str,
    ) -> None:
        self._clock = clock
        self._fakes = fakes
        self._calls = calls
        self._workflow_class = workflow_class

    async def execute(
        self, call: ActivityCall, *, caller: str, on_fatal: Callable[[TemporalRuntimeError], None]
    ) -> Any:
        """Run ``call`` (made by method ``caller``) to its result, or raise what the workflow sees.

        A test-setup problem (no fake, a fake that fails forever under unlimited attempts) is
        passed to ``on_fatal`` before it is raised, so the run fails with it even if the workflow
        catches it.
        """
        activity = call.activity
        name = activity.name
        clock = self._clock
        policy = to_temporal_retry_policy(call.retry_policy)
        recorded_args = activity.validate_args(activity_args_json(activity, call.args))
        scheduled_at = clock.now
        for attempt in itertools.count(1):
            self._calls.append(
                ActivityCallRecord(
                    activity=activity,
                    args=recorded_args,
                    attempt=attempt,
                    time=clock.now,
                    timeout=call.start_to_close_timeout,
                    schedule_to_close_timeout=call.schedule_to_close_timeout,
                    heartbeat_timeout=call.heartbeat_timeout,
                    retry_policy=call.retry_policy,
                    task_queue=call.task_queue,
                    cancellation=call.cancellation,
                    local=call.local,
                )
            )
            entry = self._fakes.get(name)
            if entry is None:
                missing = missing_fake_error(activity, caller, self._workflow_class, self._fakes)
                on_fatal(missing)
                raise missing
            try:
                return await call_fake(clock, activity, entry[1], call.args)
            except Exception as exc:
                failure = as_application_error(exc)
            delay, retry_state = next_retry(policy, failure, attempt, clock.now - scheduled_at, call)
            if delay is None:
                error = activity_error(name, str(len(self._calls)), retry_state, failure)
                raise activity_failed(error, name) from error
            if attempt >= UNLIMITED_ATTEMPTS_CAP and policy is not None and policy.maximum_attempts == 0:
                stuck = WorkflowTesterError(
                    f"Activity {name!r} failed {attempt} times under a retry policy with unlimited attempts "
                    f"(maximum_attempts=0); real Temporal would retry it forever. Make the fake succeed "
                    "eventually, or set maximum_attempts / non_retryable_error_types in the retry policy. "
                    f"Last failure: {failure.type}: {failure.message}"
                )
                on_fatal(stuck)
                raise stuck
            await clock.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover


# --- failures and retries --------------------------------------------------------------------------


def as_application_error(exc: Exception) -> temporalio.exceptions.ApplicationError:
    """The failure a worker reports for ``exc`` (an ApplicationError keeps its own type and flags; a
    :class:`NonRetryableError` is not retried)."""
    if isinstance(exc, temporalio.exceptions.ApplicationError):
        return exc
    if isinstance(exc, NonRetryableError):
        failure = non_retryable_failure(exc)
        failure.__cause__ = exc
        return failure
    failure = temporalio.exceptions.ApplicationError(str(exc), type=type(exc).__name__)
    failure.__cause__ = exc
    return failure


def activity_error(
    name: str,
    activity_id: str,
    retry_state: temporalio.exceptions.RetryState,
    failure: temporalio.exceptions.ApplicationError,
) -> temporalio.exceptions.ActivityError:
    """The ``ActivityError`` Temporal raises in the workflow once activity ``name`` failed for good."""
    error = temporalio.exceptions.ActivityError(
        "Activity task failed",
        scheduled_event_id=0,
        started_event_id=0,
        identity="WorkflowTester",
        activity_type=name,
        activity_id=activity_id,
        retry_state=retry_state,
    )
    error.__cause__ = failure
    return error


def next_retry(
    policy: temporalio.common.RetryPolicy | None,
    failure: temporalio.exceptions.ApplicationError,
    attempt: int,
    elapsed: timedelta,
    call: ActivityCall,
) -> tuple[timedelta | None, temporalio.exceptions.RetryState]:
    """The backoff before the next attempt, or None and why there is none."""
    states = temporalio.exceptions.RetryState
    if policy is None:
        return None, states.RETRY_POLICY_NOT_SET
    if failure.non_retryable or failure.type in (policy.non_retryable_error_types or ()):
        return None, states.NON_RETRYABLE_FAILURE
    if policy.maximum_attempts and attempt >= policy.maximum_attempts:
        return None, states.MAXIMUM_ATTEMPTS_REACHED
    delay = failure.next_retry_delay or _backoff(policy, attempt)
    limit = call.schedule_to_close_timeout
    if limit is not None and elapsed + delay >= limit:
        return None, states.TIMEOUT
    return delay, states.IN_PROGRESS


def _backoff(policy: temporalio.common.RetryPolicy, attempt: int) -> timedelta:
    """Temporal's backoff after failed attempt ``attempt``: initial * coefficient^(attempt-1), capped."""
    maximum = (policy.maximum_interval or policy.initial_interval * 100).total_seconds()
    try:
        grown = policy.initial_interval.total_seconds() * policy.backoff_coefficient ** (attempt - 1)
    except OverflowError:
        grown = maximum
    return timedelta(seconds=min(grown, maximum))
