"""``WorkflowTester``: run workflow methods in-process with fake activities and a virtual clock.

No Temporal server, worker or sandbox is involved. The tester installs its own
:class:`~temporal_runtime_workflow.WorkflowRuntime` (with ``use_runtime``) for the workflow's task, so
``self.exec``/``self.sleep``/``self.wait_until``/``self.now()``/``self.workflow_id`` inside the
workflow talk to the tester:

* ``exec`` calls the *fake* registered for the activity handle (a value, an exception, or a function
  of the validated ``Args``) and records the call; arguments and results are validated and converted
  through JSON exactly like on a worker, and a failing fake surfaces as ``ActivityFailedError``;
* ``sleep`` and ``wait_until(timeout=...)`` use a virtual clock: whenever the workflow is blocked on
  timers or conditions only (no fake activity running), ``result()`` moves the clock straight to the
  next timer, so a 30-day sleep finishes at once;
* signals, queries and updates are delivered to the running workflow object, validated through the
  same method specs the client uses.

What it does not do: replay/determinism checks, the workflow sandbox, real payload converters,
activity heartbeats and timeouts (``timeout=`` is recorded, not enforced), and Temporal's default
unlimited retries (without a ``retry_policy`` a failing fake fails the workflow at once). Use the
time-skipping test server or a dev server for those.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Concatenate, Self, cast

import temporalio.workflow

from temporal_runtime_core import (
    ActivityDefinition,
    DefinitionError,
    Duration,
    InvalidOptionError,
    TemporalRuntimeError,
    UpdateFailedError,
    WorkflowCancelledError,
    WorkflowNotFoundError,
    WorkflowTesterError,
    to_timedelta,
)
from temporal_runtime_workflow import (
    ActivityCall,
    MethodSpec,
    Workflow,
    WorkflowDefinition,
    activity_failed,
    definition_of,
    run_without_waiting,
    to_temporal_retry_policy,
    use_runtime,
)

from ._fake_activities import (
    UNLIMITED_ATTEMPTS_CAP,
    ActivityCallRecord,
    activity_args_json,
    activity_error,
    as_application_error,
    call_fake,
    check_fake,
    missing_fake_error,
    next_retry,
)
from ._json_round_trip import convert, through_json
from ._virtual_clock import Scheduler

__all__ = ["ActivityCallRecord", "WorkflowTester", "WorkflowTesterHandle"]

DEFAULT_START_TIME = datetime(2024, 1, 1, tzinfo=UTC)
"""The virtual clock's default start: 2024-01-01T00:00:00Z."""

type _AnyTask = asyncio.Task[Any]


# --- one workflow run ------------------------------------------------------------------------------


class _Run:
    """The state of one run started by a tester: instance, task, failures."""

    def __init__(self, tester: WorkflowTester[Any], spec: MethodSpec) -> None:
        self.tester = tester
        self.spec = spec
        self.instance: Any = None
        self.task: _AnyTask | None = None
        self.failure: BaseException | None = None  # a signal handler raised: the run failed
        self.fatal: TemporalRuntimeError | None = None  # a test-setup error (missing fake, ...)
        self.in_query = False
        self.side_tasks: set[_AnyTask] = set()
        self.runtime = _TesterRuntime(tester, self)

    @property
    def name(self) -> str:
        return f"{self.tester.definition.name}.{self.spec.name}"

    @property
    def done(self) -> bool:
        return self.failure is not None or (self.task is not None and self.task.done())

    def spawn(self, coro: Coroutine[Any, Any, Any], label: str) -> _AnyTask:
        """A task running ``coro`` as workflow code of this run (with the tester's runtime)."""
        with use_runtime(self.runtime):
            task = asyncio.get_running_loop().create_task(coro, name=f"WorkflowTester {self.name}: {label}")
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: _AnyTask) -> None:
        if not task.cancelled():
            task.exception()  # retrieved here; result() re-raises it
        self.tester._scheduler.progress().set()

    def set_fatal(self, error: TemporalRuntimeError) -> None:
        if self.fatal is None:
            self.fatal = error

    def outcome(self) -> Any:
        if self.fatal is not None:
            raise self.fatal
        if self.failure is not None:
            raise self.failure
        assert self.task is not None
        assert self.task.done()
        if self.task.cancelled():
            raise WorkflowCancelledError(
                f"Workflow {self.tester.workflow_id!r} ({self.name}) was cancelled",
                workflow_id=self.tester.workflow_id,
            )
        error = self.task.exception()
        if error is not None:
            raise error
        return convert(self.task.result(), self.spec.return_type, f"the result of {self.spec.qualname}")

    def stuck_message(self, waiting_for: str) -> str:
        scheduler = self.tester._scheduler
        signals = sorted(self.tester.definition.signals)
        updates = sorted(self.tester.definition.updates)
        ways: list[str] = []
        if signals:
            ways.append(f"signals: {', '.join(signals)}")
        if updates:
            ways.append(f"updates: {', '.join(updates)}")
        accepts = f" ({'; '.join(ways)})" if ways else ""
        waiters = [w for w in scheduler.waiters if w.owner is self]
        if waiters:
            where = ", ".join(_describe_predicate(w.predicate) for w in waiters)
            return (
                f"Deadlock while awaiting {waiting_for} of workflow {self.name} (id "
                f"{self.tester.workflow_id!r}): the workflow is waiting for a condition that no timer or "
                f"pending activity can change (wait_until({where}) without a timeout, no timer pending, "
                "no fake activity running). Send the signal it waits for before awaiting result()"
                f"{accepts}, give wait_until a timeout, or pass result(timeout=...) to stop at a "
                f"virtual time. Virtual clock: {scheduler.now.isoformat()}."
            )
        return (
            f"Deadlock while awaiting {waiting_for} of workflow {self.name} (id "
            f"{self.tester.workflow_id!r}): it is blocked on something the tester does not control "
            "(not a timer, a wait_until condition or a fake activity), so it can never continue. "
            "Workflow code must only wait through self.exec/self.sleep/self.wait_until. "
            f"Virtual clock: {scheduler.now.isoformat()}."
        )


class _TesterRuntime:
    """The :class:`WorkflowRuntime` a tester installs for the workflow code of one run."""

    def __init__(self, tester: WorkflowTester[Any], run: _Run) -> None:
        self._tester = tester
        self._run = run

    def _writable(self, operation: str) -> None:
        if self._run.in_query:
            # what a worker raises; run_without_waiting turns it into the "tried to wait" error
            raise temporalio.workflow.ReadOnlyContextError(
                f"While in read-only function, action attempted: {operation}"
            )

    async def execute_activity(self, call: ActivityCall) -> Any:
        self._writable("exec")
        return await self._tester._execute_activity(self._run, call)

    async def sleep(self, duration: timedelta) -> None:
        self._writable("sleep")
        await self._tester._scheduler.sleep(duration)

    async def wait_until(self, predicate: Callable[[], bool], timeout: timedelta | None) -> None:
        self._writable("wait_until")
        await self._tester._scheduler.wait_until(predicate, timeout, self._run)

    def now(self) -> datetime:
        return self._tester.now

    def workflow_id(self) -> str:
        return self._tester.workflow_id


# --- public API ------------------------------------------------------------------------------------


class WorkflowTesterHandle[W: Workflow, R]:
    """A workflow run started by :meth:`WorkflowTester.start`.

    ``R`` is the entry method's return type, ``W`` the workflow class (:attr:`instance`).
    """

    def __init__(self, run: _Run) -> None:
        self._run = run

    @property
    def id(self) -> str:
        """The workflow id (the tester's ``workflow_id``)."""
        return self._run.tester.workflow_id

    @property
    def method(self) -> str:
        """The entry method this run executes."""
        return self._run.spec.name

    @property
    def instance(self) -> W:
        """The workflow object, to inspect its state."""
        return cast(W, self._run.instance)

    @property
    def done(self) -> bool:
        """Whether the run has finished (returned, raised or was cancelled)."""
        return self._run.done

    async def result(self, timeout: Duration | None = None) -> R:
        """Drive the virtual clock until the workflow finishes; return its result.

        Exceptions raised by the workflow propagate as they are. ``timeout`` (seconds or timedelta)
        is *virtual* time: the clock runs at most that far, then :class:`TimeoutError` is raised and
        the workflow keeps running. Without a timeout, a workflow that waits for something nothing
        can bring (e.g. a signal not sent yet) raises an error explaining the deadlock.
        """
        run = self._run
        scheduler = run.tester._scheduler
        deadline = None if timeout is None else scheduler.now + to_timedelta(timeout, "result timeout")
        finished = await scheduler.drive(
            lambda: run.done or run.fatal is not None,
            deadline,
            lambda: WorkflowTesterError(run.stuck_message("result()")),
        )
        if not finished:
            raise TimeoutError(
                f"Workflow {self.id!r} ({run.name}) did not finish within {timeout} of virtual time "
                f"(clock now {scheduler.now.isoformat()}); it is still running"
            )
        return cast(R, run.outcome())

    async def signal(self, name: str, *args: Any) -> None:
        """Send signal ``name``: validate ``args`` like the client, run the handler, let it settle.

        Raises :class:`UnknownMethodError` for an unknown signal, :class:`InvalidArgumentsError` for
        arguments that do not fit, :class:`WorkflowNotFoundError` when the run already finished. An
        exception raised by the handler fails the run (``result()`` raises it), as on a worker.
        """
        run = self._run
        spec = run.tester.definition.signal(name)
        values = _received_positional(spec, args)
        self._ensure_running(f"signal {name!r}")
        task = run.spawn(_call_handler(run.instance, spec, values), f"signal {name!r}")
        run.side_tasks.add(task)
        task.add_done_callback(self._signal_done)
        await run.tester._scheduler.settle()

    def _signal_done(self, task: _AnyTask) -> None:
        run = self._run
        run.side_tasks.discard(task)
        if task.cancelled() or run.done:
            return
        error = task.exception()
        if error is not None:
            run.failure = error
            if run.task is not None:
                run.task.cancel()

    def query(self, name: str, *args: Any) -> Any:
        """Ask query ``name`` and return its answer at once (converted through JSON like a worker's).

        ``async def`` queries may not wait: one that calls ``exec``/``sleep``/``wait_until`` or awaits
        anything that suspends raises :class:`InvalidArgumentsError`, as on a worker.
        """
        run = self._run
        spec = run.tester.definition.query(name)
        values = _received_positional(spec, args)
        run.in_query = True
        try:
            with use_runtime(run.runtime):
                answer = getattr(run.instance, spec.name)(*values)
                if spec.is_async:
                    answer = run_without_waiting(answer, spec)
        finally:
            run.in_query = False
        return convert(answer, spec.return_type, f"the answer of query {spec.qualname}")

    async def update(self, name: str, *args: Any) -> Any:
        """Send update ``name`` and drive the workflow (and the virtual clock) until it is answered.

        The handler's exception raises :class:`UpdateFailedError` here; the workflow carries on.
        """
        run = self._run
        spec = run.tester.definition.update(name)
        values = _received_positional(spec, args)
        self._ensure_running(f"update {name!r}")
        task = run.spawn(_call_handler(run.instance, spec, values), f"update {name!r}")
        run.side_tasks.add(task)
        task.add_done_callback(run.side_tasks.discard)
        try:
            await run.tester._scheduler.drive(
                lambda: task.done() or run.done or run.fatal is not None,
                None,
                lambda: WorkflowTesterError(run.stuck_message(f"update {name!r}")),
            )
        except BaseException:
            task.cancel()
            raise
        if run.fatal is not None:
            raise run.fatal
        if not task.done():
            task.cancel()
            raise UpdateFailedError(
                f"Update {name!r} on workflow {self.id!r} failed: the workflow finished before answering it",
                workflow_id=self.id,
            )
        if task.cancelled():
            raise UpdateFailedError(
                f"Update {name!r} on workflow {self.id!r} failed: it was cancelled",
                error_type="CancelledError",
                workflow_id=self.id,
            )
        error = task.exception()
        if error is not None:
            error_type = type(error).__name__
            raise UpdateFailedError(
                f"Update on workflow {self.id!r} failed: {error_type}: {str(error) or error_type}",
                error_type=error_type,
                workflow_id=self.id,
            ) from error
        return convert(task.result(), spec.return_type, f"the answer of update {spec.qualname}")

    async def cancel(self) -> None:
        """Cancel the run: the workflow sees ``asyncio.CancelledError`` where it waits.

        It may clean up (even run activities) and return; if it lets the cancellation propagate,
        ``result()`` raises :class:`WorkflowCancelledError`.
        """
        run = self._run
        if run.done or run.task is None:
            return
        run.task.cancel()
        await run.tester._scheduler.settle()

    def _ensure_running(self, what: str) -> None:
        if self._run.done:
            raise WorkflowNotFoundError(
                f"Workflow {self.id!r} ({self._run.name}) already finished; it cannot receive {what}",
                workflow_id=self.id,
            )

    def __repr__(self) -> str:
        state = "done" if self.done else "running"
        return f"<WorkflowTesterHandle {self._run.name} id={self.id!r} {state}>"


class WorkflowTester[W: Workflow]:
    """Run methods of ``workflow_class`` in-process with fake activities and a virtual clock.

    ``activities`` maps activity handles (what ``activity_def`` returned) to *fakes*. A fake is

    * a function (``def`` or ``async def``) taking the validated ``Args`` and returning the result,
      which is validated against the activity's ``Result`` type (you can pass the real activity
      handle itself to run the real implementation);
    * an exception instance or class, raised on every call;
    * any other value, returned on every call.

    A fake that raises makes ``exec`` raise :class:`ActivityFailedError` in the workflow, with the
    exception's class name as ``error_type``, as on a worker. ``exec``'s ``retry_policy`` is honoured
    in virtual time (attempts, backoff, non-retryable types); *without* a retry policy the tester
    does not retry at all, so a unit test fails fast (real Temporal's default retries forever).
    Calling an activity without a fake raises :class:`MissingFakeError`.

    Usage::

        tester = WorkflowTester(OrderWorkflow, activities={charge: Receipt(id="r-1"), ship: ship_fake})
        result = await tester.run(OrderWorkflow.process, order)
        assert [c.name for c in tester.calls] == ["charge", "ship"]

        handle = await tester.start(ApprovalWorkflow.process, request)
        await handle.signal("approve", "boss")
        assert handle.query("is_approved") is True
        outcome = await handle.result()
    """

    def __init__(
        self,
        workflow_class: type[W],
        *,
        activities: Mapping[ActivityDefinition[Any, Any], object] | None = None,
        start_time: datetime = DEFAULT_START_TIME,
        workflow_id: str = "test-workflow",
    ) -> None:
        self.definition: WorkflowDefinition = definition_of(workflow_class)
        self.workflow_class = workflow_class
        if not isinstance(start_time, datetime) or start_time.tzinfo is None:
            raise InvalidOptionError(
                f"WorkflowTester start_time must be a timezone-aware datetime (e.g. "
                f"datetime(2024, 1, 1, tzinfo=UTC)), got {start_time!r}"
            )
        if not isinstance(workflow_id, str) or not workflow_id:
            raise InvalidOptionError(
                f"WorkflowTester workflow_id must be a non-empty string, got {workflow_id!r}"
            )
        self.workflow_id = workflow_id
        self._scheduler = Scheduler(start_time.astimezone(UTC))
        self._fakes: dict[str, tuple[ActivityDefinition[Any, Any], object]] = {}
        self._calls: list[ActivityCallRecord[Any]] = []
        self._runs: list[_Run] = []
        if activities is not None:
            if not isinstance(activities, Mapping):
                raise TypeError(
                    "WorkflowTester(activities=...) takes a mapping of activity handle -> fake, "
                    f"got {type(activities).__name__}"
                )
            for activity, fake in activities.items():
                self._set_fake(activity, fake)

    # --- fakes and records -----------------------------------------------------------------------

    def fake[A, R](
        self,
        activity: ActivityDefinition[A, R],
        fake: Callable[[A], Awaitable[R]] | Callable[[A], R] | R | BaseException | type[BaseException],
    ) -> Self:
        """Add or replace the fake for ``activity`` (typed against its ``Args``/``Result``)."""
        self._set_fake(activity, fake)
        return self

    def _set_fake(self, activity: object, fake: object) -> None:
        handle = check_fake(activity, fake)
        self._fakes[handle.name] = (handle, fake)

    @property
    def calls(self) -> list[ActivityCallRecord[Any]]:
        """Every activity attempt made so far, in call order (a copy)."""
        return list(self._calls)

    def calls_to[A](self, activity: ActivityDefinition[A, Any]) -> list[ActivityCallRecord[A]]:
        """The attempts made of ``activity``, in call order."""
        return [cast(ActivityCallRecord[A], c) for c in self._calls if c.activity.name == activity.name]

    # --- the clock -------------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The virtual clock (UTC); ``Workflow.now()`` inside the workflow returns it."""
        return self._scheduler.now

    async def advance(self, duration: Duration) -> None:
        """Move the virtual clock forward by ``duration``, firing the timers that fall due.

        Workflow code runs after each timer (until it blocks). Fake activities still running are not
        waited for.
        """
        scheduler = self._scheduler
        target = scheduler.now + to_timedelta(duration, "advance() duration")
        while True:
            await scheduler.settle()
            timer = scheduler.next_timer()
            if timer is None or timer.fire_at > target:
                break
            scheduler.fire_until(timer.fire_at)
        scheduler.fire_until(target)
        await scheduler.settle()

    # --- running ---------------------------------------------------------------------------------

    async def start[**P, R](
        self,
        method: Callable[Concatenate[W, P], Awaitable[R]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> WorkflowTesterHandle[W, R]:
        """Start ``method`` (e.g. ``MyWorkflow.process``) on a new workflow object; return its handle.

        Arguments are bound and validated like the client does (:class:`InvalidArgumentsError` before
        anything runs). The workflow runs until it first blocks (on an activity, timer or condition)
        before this returns; the clock does not move until ``result()`` or ``advance()``.
        """
        spec = self._entry(method)
        received = through_json(spec.bind(args, kwargs), f"the arguments of {spec.qualname}")
        bound = spec.validate_received(received)
        run = _Run(self, spec)
        with use_runtime(run.runtime):
            run.instance = self.workflow_class()
        run.task = run.spawn(_call_entry(run.instance, spec, bound), "run")
        self._runs.append(run)
        await self._scheduler.settle()
        return WorkflowTesterHandle(run)

    async def run[**P, R](
        self,
        method: Callable[Concatenate[W, P], Awaitable[R]],
        /,
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> R:
        """Run ``method`` to completion (virtual time) and return its result.

        A workflow exception propagates as it is; so do :class:`MissingFakeError` and the deadlock
        error (the run is cancelled then).
        """
        handle = await self.start(method, *args, **kwargs)
        try:
            return await handle.result()
        except BaseException:
            await self._cancel(handle._run)
            raise

    async def aclose(self) -> None:
        """Cancel every run (and handler) of this tester that has not finished."""
        for run in self._runs:
            await self._cancel(run)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _cancel(self, run: _Run) -> None:
        tasks = [t for t in [run.task, *run.side_tasks] if t is not None and not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    def _entry(self, method: Callable[..., Any]) -> MethodSpec:
        cls = self.workflow_class
        name = getattr(method, "__name__", None)
        if not isinstance(name, str) or getattr(cls, name, None) is not method:
            entries = ", ".join(f"{cls.__qualname__}.{n}" for n in sorted(self.definition.entry_methods))
            raise DefinitionError(
                f"{getattr(method, '__qualname__', method)!r} is not a method of {cls.__qualname__}, "
                f"the class this tester runs; pass one of its entry methods unbound: {entries}"
            )
        return self.definition.entry(name)

    # --- activities ------------------------------------------------------------------------------

    async def _execute_activity(self, run: _Run, call: ActivityCall) -> Any:
        """Run ``call`` on its fake, recording and retrying each attempt in virtual time."""
        activity = call.activity
        name = activity.name
        policy = to_temporal_retry_policy(call.retry_policy)
        recorded_args = activity.validate_args(activity_args_json(activity, call.args))
        scheduled_at = self._scheduler.now
        for attempt in itertools.count(1):
            self._calls.append(
                ActivityCallRecord(
                    activity=activity,
                    args=recorded_args,
                    attempt=attempt,
                    time=self._scheduler.now,
                    timeout=call.start_to_close_timeout,
                    schedule_to_close_timeout=call.schedule_to_close_timeout,
                    heartbeat_timeout=call.heartbeat_timeout,
                    retry_policy=call.retry_policy,
                    task_queue=call.task_queue,
                )
            )
            entry = self._fakes.get(name)
            if entry is None:
                missing = missing_fake_error(
                    activity, run.spec.qualname, self.workflow_class.__qualname__, self._fakes
                )
                run.set_fatal(missing)
                raise missing
            try:
                return await call_fake(self._scheduler, activity, entry[1], call.args)
            except Exception as exc:
                failure = as_application_error(exc)
            elapsed = self._scheduler.now - scheduled_at
            delay, retry_state = next_retry(policy, failure, attempt, elapsed, call)
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
                run.set_fatal(stuck)
                raise stuck
            await self._scheduler.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover


# --- helpers ---------------------------------------------------------------------------------------


async def _call_entry(instance: Any, spec: MethodSpec, kwargs: dict[str, Any]) -> Any:
    return await getattr(instance, spec.name)(**kwargs)


async def _call_handler(instance: Any, spec: MethodSpec, values: list[Any]) -> Any:
    result = getattr(instance, spec.name)(*values)
    return (await result) if spec.is_async else result


def _received_positional(spec: MethodSpec, args: tuple[Any, ...]) -> list[Any]:
    """Validate ``args`` like the client, send them through JSON, validate them like the worker."""
    sent = list(spec.bind_positional(args).values())
    return spec.validate_positional(through_json(sent, f"the arguments of {spec.qualname}"))


def _describe_predicate(predicate: Callable[[], bool]) -> str:
    code = getattr(predicate, "__code__", None)
    name = getattr(predicate, "__qualname__", None) or repr(predicate)
    if code is None:
        return name
    return f"{name} at {code.co_filename.rsplit('/', 1)[-1]}:{code.co_firstlineno}"
