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
import contextvars
import heapq
import inspect
import itertools
import json
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sized
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Concatenate, Self, cast

import temporalio.common
import temporalio.exceptions

from temporal_runtime_core import (
    ActivityDefinition,
    DefinitionError,
    Duration,
    InvalidArgumentsError,
    InvalidOptionError,
    TemporalRuntimeError,
    UpdateFailedError,
    WorkflowCancelledError,
    WorkflowNotFoundError,
    default_codec,
    to_timedelta,
)
from temporal_runtime_workflow import (
    ActivityCall,
    AnyRetryPolicy,
    MethodSpec,
    Workflow,
    WorkflowDefinition,
    activity_failed,
    definition_of,
    to_temporal_retry_policy,
    use_runtime,
)

__all__ = ["ActivityCallRecord", "MissingFakeError", "WorkflowTester", "WorkflowTesterHandle"]

DEFAULT_START_TIME = datetime(2024, 1, 1, tzinfo=UTC)
"""The virtual clock's default start: 2024-01-01T00:00:00Z."""

UNLIMITED_ATTEMPTS_CAP = 100
"""With a retry policy of unlimited attempts, the tester gives up after this many failures."""

_SETTLE_ROUNDS = 10_000  # upper bound of event-loop turns to wait for workflow code to block
_SETTLE_ROUNDS_WITHOUT_READY_QUEUE = 50  # event loops that do not expose their ready queue

type _AnyTask = asyncio.Task[Any]


# --- errors and records ----------------------------------------------------------------------------


class MissingFakeError(TemporalRuntimeError, LookupError):
    """The workflow called an activity the :class:`WorkflowTester` has no fake for.

    Raised inside the workflow at the ``exec`` call, and again by ``run()``/``result()`` even if the
    workflow caught it: a missing fake is always a mistake in the test's setup.
    """

    def __init__(self, message: str, *, activity_name: str) -> None:
        super().__init__(message)
        self.activity_name = activity_name


class WorkflowTesterError(TemporalRuntimeError, RuntimeError):
    """The tester cannot go on: the workflow waits for something that can never happen (a
    deadlock), or a fake keeps failing under a retry policy with unlimited attempts."""


@dataclass(frozen=True, slots=True)
class ActivityCallRecord[A]:
    """One attempt of one activity call the workflow made (see :attr:`WorkflowTester.calls`)."""

    activity: ActivityDefinition[A, Any]
    """The activity handle the workflow passed to ``exec``."""
    args: A
    """The validated argument (a copy, as the activity received it)."""
    attempt: int
    """1 for the first attempt, 2 for the first retry, ..."""
    time: datetime
    """The virtual time the attempt started at."""
    timeout: timedelta
    """``timeout=`` of the ``exec`` call (start-to-close; recorded, not enforced)."""
    schedule_to_close_timeout: timedelta | None
    heartbeat_timeout: timedelta | None
    retry_policy: AnyRetryPolicy | None
    task_queue: str | None

    @property
    def name(self) -> str:
        """The activity's registered name."""
        return self.activity.name


# --- the virtual clock and the scheduler -----------------------------------------------------------


@dataclass(eq=False, slots=True)
class _Timer:
    fire_at: datetime
    fire: Callable[[], None]
    cancelled: bool = False


@dataclass(eq=False, slots=True)
class _Waiter:
    predicate: Callable[[], bool]
    future: asyncio.Future[None]
    context: contextvars.Context
    owner: object


class _Scheduler:
    """Virtual time, timers, ``wait_until`` conditions and the count of fakes in flight."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        self._timers: list[tuple[datetime, int, _Timer]] = []
        self._seq = itertools.count()
        self.waiters: list[_Waiter] = []
        self.in_flight = 0
        self._progress: asyncio.Event | None = None

    # timers ---------------------------------------------------------------------------------------

    def add_timer(self, delay: timedelta, fire: Callable[[], None]) -> _Timer:
        timer = _Timer(self.now + delay, fire)
        heapq.heappush(self._timers, (timer.fire_at, next(self._seq), timer))
        return timer

    def next_timer(self) -> _Timer | None:
        while self._timers and self._timers[0][2].cancelled:
            heapq.heappop(self._timers)
        return self._timers[0][2] if self._timers else None

    def fire_until(self, at: datetime) -> None:
        """Move the clock to ``at``, firing every timer due by then (in order)."""
        while (timer := self.next_timer()) is not None and timer.fire_at <= at:
            heapq.heappop(self._timers)
            self.now = max(self.now, timer.fire_at)
            timer.cancelled = True
            timer.fire()
        self.now = max(self.now, at)

    async def sleep(self, duration: timedelta) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        timer = self.add_timer(duration, lambda: _resolve(future, None))
        try:
            await future
        finally:
            timer.cancelled = True

    # conditions -----------------------------------------------------------------------------------

    async def wait_until(
        self, predicate: Callable[[], bool], timeout: timedelta | None, owner: object
    ) -> None:
        if predicate():
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiter = _Waiter(predicate, future, contextvars.copy_context(), owner)
        self.waiters.append(waiter)
        timer: _Timer | None = None
        if timeout is not None:
            timer = self.add_timer(timeout, lambda: _resolve(future, TimeoutError()))
        try:
            await future
        finally:
            if waiter in self.waiters:
                self.waiters.remove(waiter)
            if timer is not None:
                timer.cancelled = True

    def check_conditions(self) -> bool:
        """Resolve every waiter whose predicate is now true; whether any was resolved."""
        resolved = False
        for waiter in list(self.waiters):
            if waiter.future.done():
                continue
            try:
                ok = waiter.context.run(waiter.predicate)
            except Exception as exc:  # the workflow sees its predicate's error at wait_until
                waiter.future.set_exception(exc)
                resolved = True
                continue
            if ok:
                waiter.future.set_result(None)
                resolved = True
        return resolved

    # activities in flight -------------------------------------------------------------------------

    def progress(self) -> asyncio.Event:
        if self._progress is None:
            self._progress = asyncio.Event()
        return self._progress

    def activity_started(self) -> None:
        self.in_flight += 1

    def activity_finished(self) -> None:
        self.in_flight -= 1
        self.progress().set()

    # driving --------------------------------------------------------------------------------------

    async def settle(self) -> None:
        """Let workflow code run until it blocks, re-checking ``wait_until`` conditions meanwhile.

        Does not move the clock and does not wait for fake activities that are still running.
        """
        loop = asyncio.get_running_loop()
        ready = getattr(loop, "_ready", None)  # CPython's queue of runnable callbacks
        idle_check = isinstance(ready, Sized)
        while True:
            for turn in range(_SETTLE_ROUNDS):
                await asyncio.sleep(0)
                if idle_check:
                    if len(cast(Sized, ready)) == 0:
                        break
                elif turn >= _SETTLE_ROUNDS_WITHOUT_READY_QUEUE:
                    break
            if not self.check_conditions():
                return

    async def drive(
        self, until: Callable[[], bool], deadline: datetime | None, stuck: Callable[[], str]
    ) -> bool:
        """Run workflow code, jumping the clock to the next timer whenever only timers can help.

        Returns True once ``until()`` holds, False when the virtual ``deadline`` passed first.
        Raises :class:`WorkflowTesterError` (with ``stuck()``) when nothing can ever happen.
        """
        while True:
            await self.settle()
            if until():
                return True
            if self.in_flight:
                event = self.progress()
                event.clear()
                if self.in_flight:
                    await event.wait()
                continue
            timer = self.next_timer()
            if timer is not None and (deadline is None or timer.fire_at <= deadline):
                self.fire_until(timer.fire_at)
                continue
            if deadline is None:
                raise WorkflowTesterError(stuck())
            if self.now < deadline:
                self.fire_until(deadline)
                continue
            return False


# --- one workflow run ------------------------------------------------------------------------------


class _QueryWaitedError(Exception):
    """Raised inside a query that tried to exec, sleep or wait."""


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
        return _convert(self.task.result(), self.spec.return_type, f"the result of {self.spec.qualname}")

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
            raise _QueryWaitedError(operation)

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
            lambda: run.stuck_message("result()"),
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
                    answer = _run_without_waiting(answer, spec)
        finally:
            run.in_query = False
        return _convert(answer, spec.return_type, f"the answer of query {spec.qualname}")

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
                lambda: run.stuck_message(f"update {name!r}"),
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
        return _convert(task.result(), spec.return_type, f"the answer of update {spec.qualname}")

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
        self._scheduler = _Scheduler(start_time.astimezone(UTC))
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
        if not isinstance(activity, ActivityDefinition):
            raise TypeError(
                "WorkflowTester fakes are keyed by activity handles (what activity_def(...) returned), "
                f"got {activity!r}"
                + (" (pass the handle itself, not its name)" if isinstance(activity, str) else "")
            )
        if callable(fake) and not _is_exception_class(fake):
            try:
                signature = inspect.signature(fake)
            except (TypeError, ValueError):
                pass
            else:
                try:
                    signature.bind(None)
                except TypeError:
                    raise TypeError(
                        f"The fake for activity {activity.name!r} ({fake!r}) must accept one positional "
                        f"argument, the activity's {_type_name(activity.args_type)} value"
                    ) from None
        self._fakes[activity.name] = (activity, fake)

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
        received = _through_json(spec.bind(args, kwargs), f"the arguments of {spec.qualname}")
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
        activity = call.activity
        name = activity.name
        policy = to_temporal_retry_policy(call.retry_policy)
        recorded_args = activity.validate_args(_activity_args_json(activity, call.args))
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
                missing = self._missing_fake(run, activity)
                run.set_fatal(missing)
                raise missing
            try:
                return await self._attempt(activity, entry[1], call.args)
            except Exception as exc:
                failure = _as_application_error(exc)
            elapsed = self._scheduler.now - scheduled_at
            delay, retry_state = _next_retry(policy, failure, attempt, elapsed, call)
            if delay is None:
                error = temporalio.exceptions.ActivityError(
                    "Activity task failed",
                    scheduled_event_id=0,
                    started_event_id=0,
                    identity="WorkflowTester",
                    activity_type=name,
                    activity_id=str(len(self._calls)),
                    retry_state=retry_state,
                )
                error.__cause__ = failure
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

    async def _attempt(self, activity: ActivityDefinition[Any, Any], fake: object, args: Any) -> Any:
        """One attempt: call the fake like a worker calls the implementation; plain JSON back."""
        if isinstance(fake, BaseException):
            raise fake
        if _is_exception_class(fake):
            raise _instantiate(cast(type[BaseException], fake), activity.name)
        if callable(fake):
            value = activity.validate_args(_activity_args_json(activity, args))
            self._scheduler.activity_started()
            try:
                result = fake(value)
                if inspect.isawaitable(result):
                    result = await result
            finally:
                self._scheduler.activity_finished()
        else:
            result = fake
        try:
            validated = activity.validate_result(result)
            return json.loads(default_codec.encode(validated))
        except InvalidArgumentsError as exc:
            raise temporalio.exceptions.ApplicationError(
                f"{exc} (returned by the fake {fake!r})", type="InvalidResultError", non_retryable=True
            ) from None

    def _missing_fake(self, run: _Run, activity: ActivityDefinition[Any, Any]) -> MissingFakeError:
        faked = ", ".join(sorted(self._fakes)) or "none"
        cls = self.workflow_class.__qualname__
        return MissingFakeError(
            f"Activity {activity.name!r} has no fake in this WorkflowTester, so {run.spec.qualname} "
            f"cannot run it. Add one: WorkflowTester({cls}, activities={{<handle>: fake}}) or "
            f"tester.fake(<handle>, fake), where <handle> is what activity_def({activity.name!r}, ...) "
            f"returned (implementation {activity.origin}) and fake is a value to return, an exception "
            f"to raise, or a function taking {_type_name(activity.args_type)}. Activities with fakes: "
            f"{faked}.",
            activity_name=activity.name,
        )


# --- helpers ---------------------------------------------------------------------------------------


async def _call_entry(instance: Any, spec: MethodSpec, kwargs: dict[str, Any]) -> Any:
    return await getattr(instance, spec.name)(**kwargs)


async def _call_handler(instance: Any, spec: MethodSpec, values: list[Any]) -> Any:
    result = getattr(instance, spec.name)(*values)
    return (await result) if spec.is_async else result


def _received_positional(spec: MethodSpec, args: tuple[Any, ...]) -> list[Any]:
    """Validate ``args`` like the client, send them through JSON, validate them like the worker."""
    sent = list(spec.bind_positional(args).values())
    return spec.validate_positional(_through_json(sent, f"the arguments of {spec.qualname}"))


def _through_json(value: object, what: str) -> Any:
    try:
        return json.loads(default_codec.encode(value))
    except InvalidArgumentsError as exc:
        raise InvalidArgumentsError(f"Cannot send {what} as JSON: {exc}") from None


def _activity_args_json(activity: ActivityDefinition[Any, Any], args: object) -> Any:
    return _through_json(args, f"the arguments of activity {activity.name!r}")


def _resolve(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


def _convert(value: object, type_hint: object, what: str) -> Any:
    """``value`` as the caller would receive it from a worker: JSON, then the declared type."""
    try:
        return default_codec.decode(default_codec.encode(value), type_hint)
    except InvalidArgumentsError as exc:
        raise InvalidArgumentsError(
            f"{what} does not survive the JSON conversion a worker applies: {exc}"
        ) from None


def _run_without_waiting(coro: Any, spec: MethodSpec) -> Any:
    """Run an ``async def`` query to completion synchronously; it must never suspend."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    except _QueryWaitedError:
        pass
    else:
        coro.close()
    raise InvalidArgumentsError(
        f"Query {spec.qualname} tried to wait (await something that suspends). Queries are answered "
        "immediately and must only read workflow state; move waiting into the workflow or a signal."
    )


def _is_exception_class(value: object) -> bool:
    return isinstance(value, type) and issubclass(value, BaseException)


def _instantiate(cls: type[BaseException], activity_name: str) -> BaseException:
    try:
        return cls(f"raised by the fake of activity {activity_name!r}")
    except TypeError:
        return cls()


def _as_application_error(exc: Exception) -> temporalio.exceptions.ApplicationError:
    """The failure a worker reports for ``exc`` (an ApplicationError keeps its own type and flags)."""
    if isinstance(exc, temporalio.exceptions.ApplicationError):
        return exc
    failure = temporalio.exceptions.ApplicationError(str(exc), type=type(exc).__name__)
    failure.__cause__ = exc
    return failure


def _next_retry(
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


def _describe_predicate(predicate: Callable[[], bool]) -> str:
    code = getattr(predicate, "__code__", None)
    name = getattr(predicate, "__qualname__", None) or repr(predicate)
    if code is None:
        return name
    return f"{name} at {code.co_filename.rsplit('/', 1)[-1]}:{code.co_firstlineno}"


def _type_name(type_hint: object) -> str:
    return getattr(type_hint, "__name__", None) or repr(type_hint)
