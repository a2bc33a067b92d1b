"""One run started by a :class:`WorkflowTester`: its workflow object, tasks, failures and runtime.

The run executes the workflow's code as asyncio tasks with :class:`TesterRuntime` installed, so
``self.exec``/``self.sleep``/``self.wait_until``/``self.now()``/``self.workflow_id`` inside the
workflow talk to the tester's virtual clock and retry loop. Handlers (signals, updates) run as side
tasks of the run; a signal handler that raises fails the run, as on a worker.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Coroutine
from typing import Any

from temporal_runtime_core import TemporalRuntimeError, WorkflowCancelledError
from temporal_runtime_workflow import (
    MethodSpec,
    WorkflowDefinition,
    run_without_waiting,
    use_runtime,
    validator_of,
)

from ._errors import ContinuedAsNewError
from ._fake_children import TesterChildren
from ._json_round_trip import convert
from ._retry_loop import RetryLoop
from ._run_settings import ContinueAsNew, ContinueAsNewCall, RunSettings
from ._tester_runtime import TesterRuntime
from ._tester_search_attributes import RunSearchAttributes
from ._virtual_clock import VirtualClock

__all__ = ["TesterRun"]

type _AnyTask = asyncio.Task[Any]


class TesterRun:
    """The state of one run: the workflow object, its entry task and handler tasks, its failures.

    ``definition`` and ``workflow_id`` describe the workflow, ``clock`` is the tester's virtual
    clock and ``activities`` the retry loop that runs the workflow's activity calls on fakes.
    """

    def __init__(
        self,
        definition: WorkflowDefinition,
        spec: MethodSpec,
        *,
        workflow_id: str,
        clock: VirtualClock,
        activities: RetryLoop,
        children: TesterChildren | None = None,
        settings: RunSettings,
        run_number: int = 1,
    ) -> None:
        self.definition = definition
        self.settings = settings
        self.run_number = run_number
        self.started_at = clock.now
        self.events = 3  # started, first task scheduled and started, as in a real history
        self.continued: ContinueAsNewCall | None = None
        self.successor: TesterRun | None = None
        self.spec = spec
        self.workflow_id = workflow_id
        self.clock = clock
        self.instance: Any = None
        self.task: _AnyTask | None = None
        self.failure: BaseException | None = None  # a signal handler raised: the run failed
        self.fatal: TemporalRuntimeError | None = None  # a test-setup error (missing fake, ...)
        self.in_query = False
        self._side_tasks: set[_AnyTask] = set()
        self.rng: random.Random | None = None
        self.runtime = TesterRuntime(self, clock, activities)
        self.children = children
        # --- search attributes (#13) ---
        self.visibility = RunSearchAttributes(
            definition.name, spec.name, settings.search_attributes, settings.summary
        )

    @property
    def name(self) -> str:
        return f"{self.definition.name}.{self.spec.name}"

    @property
    def done(self) -> bool:
        return self.failure is not None or (self.task is not None and self.task.done())

    @property
    def ended(self) -> bool:
        """Whether this run is over and no run it continued as is about to start."""
        if not self.done:
            return False
        task = self.task
        if self.successor is not None or task is None or task.cancelled() or self.failure is not None:
            return True
        error = task.exception()
        return not (isinstance(error, ContinueAsNew) and self.settings.follow_continue_as_new)

    # --- running workflow code ---------------------------------------------------------------------

    def start(self, workflow_class: type, kwargs: dict[str, Any]) -> None:
        """Create the workflow object and start the entry method with the validated ``kwargs``."""
        with use_runtime(self.runtime):
            self.instance = workflow_class()
        self.task = self._spawn(_call_entry(self.instance, self.spec, kwargs), "run")

    def start_signal(self, spec: MethodSpec, values: list[Any]) -> None:
        """Run signal handler ``spec``; if it raises, the run fails with its exception."""
        self.events += 2  # the signal, and the workflow task it causes
        task = self._start_handler(spec, values, f"signal {spec.name!r}")
        task.add_done_callback(self._signal_done)

    def start_update(self, spec: MethodSpec, values: list[Any]) -> _AnyTask:
        """Run update handler ``spec``; its task holds the answer (or the handler's exception)."""
        return self._start_handler(spec, values, f"update {spec.name!r}")

    def validate_update(self, spec: MethodSpec, values: list[Any]) -> None:
        """Run update ``spec``'s ``@handler.validator`` (if any) at once, read-only, as a worker does
        before accepting the update; whatever it raises propagates (the update is rejected)."""
        validator = validator_of(spec.fn)
        if validator is None:
            return
        self.in_query = True
        try:
            with use_runtime(self.runtime):
                validator(self.instance, *values)
        finally:
            self.in_query = False

    def ask(self, spec: MethodSpec, values: list[Any]) -> Any:
        """Call query handler ``spec`` at once, in a read-only context; its raw answer."""
        self.in_query = True
        try:
            with use_runtime(self.runtime):
                answer = getattr(self.instance, spec.name)(*values)
                if spec.is_async:
                    answer = run_without_waiting(answer, spec)
        finally:
            self.in_query = False
        return answer

    def handlers_running(self) -> int:
        """How many signal and update handlers of this run have not finished."""
        return sum(1 for task in self._side_tasks if not task.done())

    def cancel(self) -> bool:
        """Cancel the entry task (the workflow sees ``asyncio.CancelledError`` where it waits);
        False when the run had already finished."""
        if self.done or self.task is None:
            return False
        self.task.cancel()
        return True

    async def cancel_all(self) -> None:
        """Cancel the entry task and every handler still running, and wait until they end."""
        tasks = [t for t in [self.task, *self._side_tasks] if t is not None and not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    def _start_handler(self, spec: MethodSpec, values: list[Any], label: str) -> _AnyTask:
        task = self._spawn(_call_handler(self.instance, spec, values), label)
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)
        return task

    def _spawn(self, coro: Coroutine[Any, Any, Any], label: str) -> _AnyTask:
        """A task running ``coro`` as workflow code of this run (with the tester's runtime)."""
        with use_runtime(self.runtime):
            task = asyncio.get_running_loop().create_task(coro, name=f"WorkflowTester {self.name}: {label}")
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: _AnyTask) -> None:
        if not task.cancelled():
            error = task.exception()  # retrieved here; result() re-raises it
            if isinstance(error, ContinueAsNew) and task is self.task:
                self.continued = error.call
                start_next = self.settings.start_next
                if self.settings.follow_continue_as_new and start_next is not None:
                    self.successor = start_next(self, error.call)
        self.clock.wake()

    def _signal_done(self, task: _AnyTask) -> None:
        if task.cancelled() or self.done:
            return
        error = task.exception()
        if error is not None:
            self.failure = error
            if self.task is not None:
                self.task.cancel()

    # --- outcome -----------------------------------------------------------------------------------

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
                f"Workflow {self.workflow_id!r} ({self.name}) was cancelled",
                workflow_id=self.workflow_id,
            )
        if self.continued is not None:
            call = self.continued
            raise ContinuedAsNewError(
                f"Workflow {self.workflow_id!r} ({self.name}) continued as new: the next run would execute "
                f"{self.definition.origin}.{call.method}({call.arguments!r}). The tester records it "
                "(tester.continued_as_new) and stops; pass WorkflowTester(follow_continue_as_new=True) "
                "to run the next run too.",
                method=call.method,
                arguments=call.arguments,
            )
        error = self.task.exception()
        if error is not None:
            raise error
        return convert(self.task.result(), self.spec.return_type, f"the result of {self.spec.qualname}")

    def stuck_message(self, waiting_for: str) -> str:
        clock = self.clock
        signals = sorted(h.name for h in self.definition.handlers("signal"))
        updates = sorted(h.name for h in self.definition.handlers("update"))
        ways: list[str] = []
        if signals:
            ways.append(f"signals: {', '.join(signals)}")
        if updates:
            ways.append(f"updates: {', '.join(updates)}")
        accepts = f" ({'; '.join(ways)})" if ways else ""
        conditions = clock.conditions_of(self)
        if conditions:
            where = ", ".join(_describe_predicate(p) for p in conditions)
            return (
                f"Deadlock while awaiting {waiting_for} of workflow {self.name} (id "
                f"{self.workflow_id!r}): the workflow is waiting for a condition that no timer or "
                f"pending activity can change (wait_until({where}) without a timeout, no timer pending, "
                "no fake activity running). Send the signal it waits for before awaiting result()"
                f"{accepts}, give wait_until a timeout, or pass result(timeout=...) to stop at a "
                f"virtual time. Virtual clock: {clock.now.isoformat()}."
            )
        return (
            f"Deadlock while awaiting {waiting_for} of workflow {self.name} (id "
            f"{self.workflow_id!r}): it is blocked on something the tester does not control "
            "(not a timer, a wait_until condition or a fake activity), so it can never continue. "
            "Workflow code must only wait through self.exec/self.sleep/self.wait_until. "
            f"Virtual clock: {clock.now.isoformat()}."
        )


async def _call_entry(instance: Any, spec: MethodSpec, kwargs: dict[str, Any]) -> Any:
    return await getattr(instance, spec.name)(**kwargs)


async def _call_handler(instance: Any, spec: MethodSpec, values: list[Any]) -> Any:
    result = getattr(instance, spec.name)(*values)
    return (await result) if spec.is_async else result


def _describe_predicate(predicate: Callable[[], bool]) -> str:
    code = getattr(predicate, "__code__", None)
    name = getattr(predicate, "__qualname__", None) or repr(predicate)
    if code is None:
        return name
    return f"{name} at {code.co_filename.rsplit('/', 1)[-1]}:{code.co_firstlineno}"
