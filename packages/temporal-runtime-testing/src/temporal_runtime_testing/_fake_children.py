"""Child workflows under :class:`WorkflowTester`: fakes, in-process children and the record of starts.

A child started by the workflow under test runs, in order of preference:

* its *fake*, set with ``tester.fake_child(Child.method, fake)``: a value returned as the child's
  result, an exception (instance or class) the child fails with, or a function (``def`` or
  ``async def``) called with the child's arguments as the parent gave them (validated);
* otherwise, when the child's class is known (a start by reference), the real class, in-process,
  as a run of its own on the tester's clock and fake activities;
* otherwise (a start by name of a class this process does not define) :class:`MissingFakeError`.

Every start is recorded (``tester.children``) with the child's id, type, method, arguments and
options, and the signals it was sent.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from temporal_runtime_core import (
    ChildWorkflowFailedError,
    WorkflowAlreadyStartedError,
    WorkflowCancelledError,
)
from temporal_runtime_workflow import ChildCall, ChildOptions, child_failure

from ._errors import MissingFakeError
from ._json_round_trip import convert, through_json

if TYPE_CHECKING:
    from ._retry_loop import RetryLoop
    from ._tester_run import TesterRun
    from ._virtual_clock import VirtualClock

__all__ = ["ChildStartRecord", "TesterChildren"]


@dataclass
class ChildStartRecord:
    """One child start made by the workflow under test."""

    id: str
    workflow_type: str
    method: str
    kwargs: dict[str, Any]
    """The child's arguments by parameter name, as plain JSON (what a worker would receive)."""
    options: ChildOptions
    faked: bool
    signals: list[tuple[str, list[Any]]] = field(default_factory=list[tuple[str, list[Any]]])
    """Signals sent to the child: (name, JSON arguments)."""
    cancel_requested: bool = False


def _key(workflow_type: str, method: str) -> str:
    return f"{workflow_type}.{method}"


class TesterChildren:
    """The fakes of one tester and the children its runs started."""

    def __init__(self, clock: VirtualClock, activities: RetryLoop, tester: str) -> None:
        self.clock = clock
        self.activities = activities
        self.patches: Mapping[str, bool] = {}
        """The tester's ``patches=``: children run in-process take the same branches."""
        self.seed = 0
        """The tester's ``seed=``, for the children's ``uuid4()``/``random()``."""
        self._tester = tester
        self.fakes: dict[str, object] = {}
        self.records: list[ChildStartRecord] = []
        self._running: dict[str, object] = {}

    def set_fake(self, workflow_type: str, method: str, fake: object) -> None:
        self.fakes[_key(workflow_type, method)] = fake

    async def start(self, call: ChildCall) -> _FakeChild | _InProcessChild:
        running = self._running.get(call.id)
        if running is not None and not getattr(running, "done", True):
            raise WorkflowAlreadyStartedError(
                f"Child workflow {call.id!r} ({call.workflow_type}) is already running; pass another id=",
                workflow_id=call.id,
            )
        key = _key(call.workflow_type, call.method)
        faked = key in self.fakes
        if not faked and call.definition is None:
            raise MissingFakeError(
                f"{self._tester} started child workflow {key} (id {call.id!r}), which this process does "
                f"not define, and there is no fake for it: add tester.fake_child(...) for it, e.g. "
                f'WorkflowTester(...).fake_child("{call.workflow_type}", "{call.method}", result)',
                activity_name=key,
            )
        kwargs = through_json(dict(call.kwargs), f"the arguments of child {key}")
        record = ChildStartRecord(call.id, call.workflow_type, call.method, kwargs, call.options, faked)
        self.records.append(record)
        child: _FakeChild | _InProcessChild
        if faked:
            child = _FakeChild(call, record, self.fakes[key], self.clock)
        else:
            child = _InProcessChild(call, record, self)
        self._running[call.id] = child
        await asyncio.sleep(0)  # a start is a round trip on a worker: let the child begin
        return child


def _is_exception(value: object) -> bool:
    return isinstance(value, BaseException) or (isinstance(value, type) and issubclass(value, BaseException))


def _failed(call: ChildCall, error: BaseException) -> ChildWorkflowFailedError:
    """The parent's view of a child that raised ``error`` (as a worker reports it)."""
    if isinstance(error, ChildWorkflowFailedError) and error.child_workflow_id == call.id:
        return error
    if isinstance(error, WorkflowCancelledError | asyncio.CancelledError):
        fields: tuple[str | None, str, tuple[object, ...]] = (
            "CancelledError",
            "the child workflow was cancelled",
            (),
        )
    else:
        error_type = getattr(error, "error_type", None) or type(error).__name__
        details = tuple(getattr(error, "details", ()))
        fields = (error_type, str(error) or type(error).__name__, details)
    return child_failure(child_id=call.id, child_type=call.workflow_type, fields=fields)


class _FakeChild:
    """A child answered by its fake, run as a task (an ``async def`` fake may wait on the clock)."""

    def __init__(self, call: ChildCall, record: ChildStartRecord, fake: object, clock: VirtualClock) -> None:
        self._call = call
        self._record = record
        self._clock = clock
        self._task = asyncio.get_running_loop().create_task(self._answer(fake), name=f"fake child {call.id}")
        self._task.add_done_callback(lambda _: clock.wake())

    @property
    def done(self) -> bool:
        return self._task.done()

    async def _answer(self, fake: object) -> Any:
        if _is_exception(fake):
            raise cast("BaseException | type[BaseException]", fake)
        if not callable(fake):
            return fake
        function = cast(Callable[..., Any], fake)
        self._clock.activity_started()
        try:
            answer = function(*self._call.kwargs.values())  # in parameter order, as the parent gave them
            if inspect.isawaitable(answer):
                answer = await answer
            return answer
        finally:
            self._clock.activity_finished()

    @property
    def id(self) -> str:
        return self._call.id

    @property
    def run_id(self) -> str | None:
        return None

    async def result(self) -> Any:
        try:
            value = await asyncio.shield(self._task)
        except asyncio.CancelledError:
            if not self._task.cancelled():
                raise  # the parent is being cancelled
            raise _failed(self._call, asyncio.CancelledError()) from None
        except Exception as exc:
            raise _failed(self._call, exc) from exc
        return convert(value, self._call.result_type, f"the result of the fake for child {self._call.id!r}")

    async def signal(self, name: str, args: list[Any]) -> None:
        self._record.signals.append((name, through_json(args, f"signal {name!r} to child {self.id!r}")))

    def cancel(self) -> None:
        self._record.cancel_requested = True
        self._task.cancel()


class _InProcessChild:
    """The real child class, run in-process as a run of its own on the tester's clock."""

    def __init__(self, call: ChildCall, record: ChildStartRecord, children: TesterChildren) -> None:
        from ._run_settings import RunSettings
        from ._tester_run import TesterRun  # the run module imports this one

        definition = call.definition
        assert definition is not None
        spec = definition.entry(call.method)
        self._call = call
        self._record = record
        self._run: TesterRun = TesterRun(
            definition,
            spec,
            workflow_id=call.id,
            clock=children.clock,
            activities=children.activities,
            children=children,
            # A child's continue-as-new is recorded on its own settings and not followed.
            settings=RunSettings(
                children.patches,
                children.seed,
                follow_continue_as_new=False,
                search_attributes=call.options.search_attributes,  # search attributes (#13)
                summary=call.options.summary,
            ),
        )
        self._run.start(definition.workflow_class, spec.validate_received(record.kwargs))

    @property
    def done(self) -> bool:
        return self._run.done

    @property
    def id(self) -> str:
        return self._call.id

    @property
    def run_id(self) -> str | None:
        return None

    async def result(self) -> Any:
        run = self._run
        assert run.task is not None
        try:
            await asyncio.wait([run.task])  # the parent's cancellation reaches here, not the child
        except asyncio.CancelledError:
            run.cancel()  # as on a worker: a cancelled parent asks its child to cancel
            raise
        try:
            return run.outcome()
        except Exception as exc:
            raise _failed(self._call, exc) from exc

    async def signal(self, name: str, args: list[Any]) -> None:
        spec = self._call.definition.signal(name) if self._call.definition is not None else None
        self._record.signals.append((name, through_json(args, f"signal {name!r} to child {self.id!r}")))
        if spec is not None:
            self._run.start_signal(spec, spec.validate_positional(args))

    def cancel(self) -> None:
        self._record.cancel_requested = True
        self._run.cancel()
