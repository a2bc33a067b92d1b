"""What ``Workflow.exec``/``sleep``/``wait_until``/``now`` do, and who does it.

Inside a workflow running on a worker, :class:`TemporalRuntime` calls ``temporalio.workflow``.
Test tools can install another :class:`WorkflowRuntime` for the current context with
:func:`use_runtime` (the serverless workflow tester does). Anywhere else each call raises
:class:`NotInWorkflowError` with a hint on how to unit-test instead.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Callable, Generator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, NoReturn, Protocol

import temporalio.common
import temporalio.exceptions
import temporalio.workflow

from temporal_runtime_core import (
    ActivityCancellation,
    ActivityDefinition,
    ActivityFailedError,
    ActivityNotRegisteredError,
    DefinitionError,
    Duration,
    InvalidArgumentsError,
    InvalidOptionError,
    NotInWorkflowError,
    SearchAttributes,
    SearchAttributeValue,
    describe_failure,
    to_timedelta,
    type_name,
)

from ._child_handle import ChildCall, ChildRun
from ._convert import (
    AnyActivityCancellation,
    AnyRetryPolicy,
    to_temporal_cancellation,
    to_temporal_retry_policy,
)
from ._failures import activity_failure_fields, remote_traceback
from ._info import METHOD_ATTRIBUTE, WorkflowInfo
from ._local_activity import check_local, temporal_local_activity
from ._methods import MethodSpec
from ._temporal_child import start_temporal_child
from ._temporal_search_attributes import (
    continue_as_new_search_attributes,
    current_search_attributes,
    upsert_temporal_search_attributes,
)

__all__ = [
    "ActivityCall",
    "TemporalRuntime",
    "WorkflowRuntime",
    "activity_failed",
    "current_runtime",
    "register_worker_activities",
    "use_runtime",
]

# Activity names a worker of this process serves, by task queue. The engine fills this so a workflow
# that schedules an activity nobody serves fails at once instead of waiting for a worker forever.
_served: dict[str, frozenset[str]] = {}


def register_worker_activities(task_queue: str, names: frozenset[str] | None) -> None:
    """Record (or with None, forget) the activities the worker on ``task_queue`` serves."""
    if names is None:
        _served.pop(task_queue, None)
    else:
        _served[task_queue] = names


@dataclass(frozen=True, slots=True, init=False)
class ActivityCall:
    """One ``exec`` call: the activity, its validated argument and the options given."""

    activity: ActivityDefinition[Any, Any]
    args: Any
    start_to_close_timeout: timedelta
    schedule_to_close_timeout: timedelta | None
    heartbeat_timeout: timedelta | None
    retry_policy: AnyRetryPolicy | None
    task_queue: str | None
    cancellation: AnyActivityCancellation = ActivityCancellation.TRY_CANCEL
    """What cancelling the waiting ``exec`` does to the activity (``exec(..., cancellation=...)``)."""
    local: bool = False
    """A local activity (``exec_local``): run by the workflow's own worker, no heartbeat or task queue."""

    def __init__(
        self,
        activity: ActivityDefinition[Any, Any],
        args: Any,
        start_to_close_timeout: timedelta,
        schedule_to_close_timeout: timedelta | None,
        heartbeat_timeout: timedelta | None,
        retry_policy: AnyRetryPolicy | None,
        task_queue: str | None,
        cancellation: AnyActivityCancellation = ActivityCancellation.TRY_CANCEL,
        local: bool = False,
    ) -> None:
        # The dataclass's own __init__ of a frozen class calls object.__setattr__ per field; the
        # slots' descriptors set them at half the cost (one of these is made for every exec call).
        _set_activity(self, activity)
        _set_args(self, args)
        _set_start_to_close_timeout(self, start_to_close_timeout)
        _set_schedule_to_close_timeout(self, schedule_to_close_timeout)
        _set_heartbeat_timeout(self, heartbeat_timeout)
        _set_retry_policy(self, retry_policy)
        _set_task_queue(self, task_queue)
        _set_cancellation(self, cancellation)
        _set_local(self, local)


def _slot_setter(name: str) -> Callable[[ActivityCall, Any], None]:
    setter: Callable[[ActivityCall, Any], None] = vars(ActivityCall)[name].__set__
    return setter


_set_activity = _slot_setter("activity")
_set_args = _slot_setter("args")
_set_start_to_close_timeout = _slot_setter("start_to_close_timeout")
_set_schedule_to_close_timeout = _slot_setter("schedule_to_close_timeout")
_set_heartbeat_timeout = _slot_setter("heartbeat_timeout")
_set_retry_policy = _slot_setter("retry_policy")
_set_task_queue = _slot_setter("task_queue")
_set_cancellation = _slot_setter("cancellation")
_set_local = _slot_setter("local")


class WorkflowRuntime(Protocol):
    """What a workflow needs from whatever executes it."""

    async def execute_activity(self, call: ActivityCall) -> Any:
        """Run the activity of ``call``; return its raw result or raise ``ActivityFailedError``."""
        ...

    async def sleep(self, duration: timedelta) -> None: ...

    async def wait_until(self, predicate: Callable[[], bool], timeout: timedelta | None) -> None:
        """Return once ``predicate()`` is true; raise ``TimeoutError`` after ``timeout``."""
        ...

    def now(self) -> datetime: ...

    def workflow_id(self) -> str: ...

    # --- child workflows (#12) ---

    async def start_child(self, call: ChildCall) -> ChildRun:
        """Start the child of ``call`` (validated) and return once it has started; raise
        ``WorkflowAlreadyStartedError`` when its id is in use."""
        ...

    # --- continue-as-new, run info, logger, determinism, versioning (#12) ---------------------

    def continue_as_new(self, spec: MethodSpec, kwargs: dict[str, Any]) -> NoReturn:
        """End this run and continue as a new one executing ``spec`` with validated ``kwargs``."""
        ...

    def info(self) -> WorkflowInfo: ...

    def is_replaying(self) -> bool:
        """Whether the code is re-running recorded history (the logger is silent then)."""
        ...

    def uuid4(self) -> uuid.UUID: ...

    def random(self) -> random.Random: ...

    def patched(self, patch_id: str) -> bool: ...

    def deprecate_patch(self, patch_id: str) -> None: ...

    def all_handlers_finished(self) -> bool: ...

    # --- local activities (#12) ---

    async def execute_local_activity(self, call: ActivityCall) -> Any:
        """Run the activity of ``call`` as a local activity (``exec_local``); raw result or
        ``ActivityFailedError``."""
        ...

    # --- search attributes (#13) ---

    def upsert_search_attributes(self, values: tuple[SearchAttributeValue[Any], ...]) -> None:
        """Set the checked ``values`` on the current run (a value of None removes its attribute)."""
        ...

    def search_attributes(self) -> SearchAttributes:
        """The current run's search attributes, upserts included."""
        ...


_TRY_CANCEL: Final = temporalio.workflow.ActivityCancellationType.TRY_CANCEL


class TemporalRuntime:
    """The runtime inside a workflow running on a Temporal worker."""

    async def execute_activity(self, call: ActivityCall) -> Any:
        name = call.activity.name
        # (No worker of this process registered: nothing to look up, not even the task queue.)
        served = _served.get(call.task_queue or temporalio.workflow.info().task_queue) if _served else None
        # While replaying a recorded history nothing is scheduled, so which worker serves what is moot;
        # a stub (activity_stub) is served by another process, so this process's workers never have it.
        if (
            served is not None
            and name not in served
            and not call.activity.is_stub
            and not temporalio.workflow.unsafe.is_replaying()
        ):
            queue = call.task_queue or temporalio.workflow.info().task_queue
            raise ActivityNotRegisteredError(
                f"Activity {name!r} is not registered on the worker for task queue {queue!r} "
                f"(it serves: {', '.join(sorted(served)) or 'no activities'}). Import the module that "
                "defines it before engine.start(), pass task_queue= naming a queue whose worker has it, or "
                "declare it with activity_stub(...) if another process serves it on this queue."
            )
        try:
            # An activity without Args is scheduled with no argument at all.
            positional = (call.args,) if call.activity.takes_args else ()
            return await temporalio.workflow.execute_activity(
                name,
                *positional,
                task_queue=call.task_queue,
                result_type=call.activity.result_type,
                start_to_close_timeout=call.start_to_close_timeout,
                schedule_to_close_timeout=call.schedule_to_close_timeout,
                heartbeat_timeout=call.heartbeat_timeout,
                retry_policy=None
                if call.retry_policy is None
                else to_temporal_retry_policy(call.retry_policy),
                cancellation_type=(
                    _TRY_CANCEL
                    if call.cancellation is ActivityCancellation.TRY_CANCEL
                    else to_temporal_cancellation(call.cancellation, f"exec({name!r})")
                ),
            )
        except temporalio.exceptions.ActivityError as exc:
            if isinstance(exc.cause, temporalio.exceptions.CancelledError):
                # The activity was cancelled because this await was (the workflow was cancelled,
                # or a task wrapping the call): the workflow sees asyncio's CancelledError at its
                # current await, as with a timer and as under WorkflowTester, and may clean up.
                raise asyncio.CancelledError(f"Activity {name!r} was cancelled") from exc
            raise activity_failed(exc, name) from exc

    async def sleep(self, duration: timedelta) -> None:
        await temporalio.workflow.sleep(duration)

    async def wait_until(self, predicate: Callable[[], bool], timeout: timedelta | None) -> None:
        await temporalio.workflow.wait_condition(predicate, timeout=timeout)

    def now(self) -> datetime:
        return temporalio.workflow.now()

    def workflow_id(self) -> str:
        return temporalio.workflow.info().workflow_id

    # --- child workflows (#12) ---

    async def start_child(self, call: ChildCall) -> ChildRun:
        return await start_temporal_child(call)

    # --- continue-as-new, run info, logger, determinism, versioning (#12) ---------------------

    def continue_as_new(self, spec: MethodSpec, kwargs: dict[str, Any]) -> NoReturn:
        memo: dict[str, Any] | None = None
        attributes: temporalio.common.TypedSearchAttributes | None = None
        if spec.name != _entry_method():
            # The client reads the method a run executes from its memo (describe(), handles by id),
            # and visibility queries from its method search attribute (#13).
            memo = {**temporalio.workflow.memo(), METHOD_MEMO_KEY: spec.name}
            attributes = continue_as_new_search_attributes(spec.name)
        temporalio.workflow.continue_as_new(
            {"method": spec.name, "kwargs": kwargs}, memo=memo, search_attributes=attributes
        )

    def info(self) -> WorkflowInfo:
        info = temporalio.workflow.info()
        return WorkflowInfo(
            workflow_id=info.workflow_id,
            run_id=info.run_id,
            workflow_type=info.workflow_type,
            method=_entry_method(),
            namespace=info.namespace,
            task_queue=info.task_queue,
            attempt=info.attempt,
            start_time=info.workflow_start_time,
            parent_workflow_id=info.parent.workflow_id if info.parent is not None else None,
            progress=_TemporalProgress(info),
        )

    def is_replaying(self) -> bool:
        return temporalio.workflow.unsafe.is_replaying_history_events()

    def uuid4(self) -> uuid.UUID:
        return temporalio.workflow.uuid4()

    def random(self) -> random.Random:
        return temporalio.workflow.random()

    def patched(self, patch_id: str) -> bool:
        return temporalio.workflow.patched(patch_id)

    def deprecate_patch(self, patch_id: str) -> None:
        temporalio.workflow.deprecate_patch(patch_id)

    def all_handlers_finished(self) -> bool:
        return temporalio.workflow.all_handlers_finished()

    # --- local activities (#12) ---

    async def execute_local_activity(self, call: ActivityCall) -> Any:
        return await temporal_local_activity(call)

    # --- search attributes (#13) ---

    def upsert_search_attributes(self, values: tuple[SearchAttributeValue[Any], ...]) -> None:
        upsert_temporal_search_attributes(values)

    def search_attributes(self) -> SearchAttributes:
        return current_search_attributes()


_TEMPORAL = TemporalRuntime()
_override: ContextVar[WorkflowRuntime | None] = ContextVar("temporal_runtime_workflow_runtime", default=None)


@contextmanager
def use_runtime(runtime: WorkflowRuntime) -> Generator[None]:
    """Run workflow code in this context (and tasks created in it) on ``runtime``."""
    token = _override.set(runtime)
    try:
        yield
    finally:
        _override.reset(token)


def current_runtime(operation: str) -> WorkflowRuntime:
    """The runtime executing the current workflow code, or :class:`NotInWorkflowError`."""
    override = _override.get()
    if override is not None:
        return override
    if temporalio.workflow.in_workflow():
        return _TEMPORAL
    raise NotInWorkflowError(
        f"Workflow.{operation}() only works inside a running workflow. To unit-test workflow logic "
        "without Temporal, use temporal_runtime.testing.WorkflowTester (fake activities, virtual "
        f"clock), or patch it: `patch.object(wf, {operation!r}, new_callable=AsyncMock)`."
    )


# --- the operations Workflow's methods delegate to -------------------------------------------------


async def execute_activity(
    activity: ActivityDefinition[Any, Any],
    *args: Any,
    timeout: Duration,
    retry_policy: AnyRetryPolicy | None,
    heartbeat_timeout: Duration | None,
    task_queue: str | None,
    schedule_to_close_timeout: Duration | None,
    cancellation: AnyActivityCancellation = ActivityCancellation.TRY_CANCEL,
    local: bool = False,
) -> Any:
    operation = "exec_local" if local else "exec"
    runtime = current_runtime(operation)
    if not isinstance(activity, ActivityDefinition):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise DefinitionError(
            f"Workflow.{operation}() takes an activity handle returned by activity_def(...), got {activity!r}"
        )
    if local:
        check_local(activity)
    if len(args) != (1 if activity.takes_args else 0):
        usage = (
            f"{operation}({activity.name}, args, timeout=...) with one {type_name(activity.args_type)} value"
            if activity.takes_args
            else f"{operation}({activity.name}, timeout=...) with no argument (it has no Args=)"
        )
        raise InvalidArgumentsError(
            f"Activity {activity.name!r} was given {len(args)} arguments; call it as {usage}"
        )
    try:
        call = ActivityCall(  # positionally: the fields in order (cheaper than keywords)
            activity,
            activity.validate_args(args[0] if args else None),
            to_timedelta(timeout, "timeout"),
            # optional_timedelta(...), inline: these are None on most calls
            None
            if schedule_to_close_timeout is None
            else to_timedelta(schedule_to_close_timeout, "schedule_to_close_timeout"),
            None if heartbeat_timeout is None else to_timedelta(heartbeat_timeout, "heartbeat_timeout"),
            retry_policy,
            task_queue,
            cancellation,
            local,
        )
        # Reject a wrong type before anything runs (the defaults, None and TRY_CANCEL, are right).
        if retry_policy is not None:
            to_temporal_retry_policy(retry_policy)
        if cancellation is not ActivityCancellation.TRY_CANCEL:
            to_temporal_cancellation(cancellation, f"{operation}()")
    except InvalidOptionError as exc:
        raise InvalidOptionError(f"{operation}({activity.name!r}): {exc}") from None
    if local:
        result = await runtime.execute_local_activity(call)
    else:
        result = await runtime.execute_activity(call)
    return activity.validate_result(result)


def activity_failed(exc: temporalio.exceptions.ActivityError, name: str) -> ActivityFailedError:
    """Our error for a failed activity: the user's exception type and message on top."""
    error_type, message, details = activity_failure_fields(exc)
    return ActivityFailedError(
        f"Activity {name!r} failed: {describe_failure(error_type, message)}",
        activity_name=name,
        error_type=error_type,
        details=details,
        remote_traceback=remote_traceback(exc),
    )


async def sleep(duration: Duration) -> None:
    runtime = current_runtime("sleep")
    await runtime.sleep(to_timedelta(duration, "sleep duration"))


async def wait_until(predicate: Callable[[], bool], timeout: Duration | None) -> None:
    runtime = current_runtime("wait_until")
    if not callable(predicate):
        raise InvalidArgumentsError(f"wait_until() takes a callable returning bool, got {predicate!r}")
    limit: timedelta | None = None if timeout is None else to_timedelta(timeout, "wait_until timeout")
    try:
        await runtime.wait_until(predicate, limit)
    except TimeoutError:
        raise TimeoutError(f"wait_until() condition not met within {limit}") from None


def now() -> datetime:
    return current_runtime("now").now()


def workflow_id() -> str:
    return current_runtime("workflow_id").workflow_id()


# --- continue-as-new, run info, logger, determinism, versioning (#12) -----------------------------

METHOD_MEMO_KEY: Final = "temporal_runtime.method"
"""The memo key under which a run records its entry method (the client layer reads the same key)."""


def _entry_method() -> str:
    """The entry method the running adapter executes (recorded by the adapter before it calls it;
    from the memo the client wrote while the constructor runs)."""
    method = getattr(temporalio.workflow.instance(), METHOD_ATTRIBUTE, None)
    if isinstance(method, str):
        return method
    recorded = temporalio.workflow.memo_value(METHOD_MEMO_KEY, "")
    return recorded if isinstance(recorded, str) else ""


@dataclass(frozen=True, slots=True)
class _TemporalProgress:
    info: temporalio.workflow.Info

    def history_length(self) -> int:
        return self.info.get_current_history_length()

    def continue_as_new_suggested(self) -> bool:
        return self.info.is_continue_as_new_suggested()


# --- local activities (#12) ---


def served_activities(task_queue: str) -> frozenset[str] | None:
    """The activity names the worker of this process on ``task_queue`` serves (None if unknown)."""
    return _served.get(task_queue)
