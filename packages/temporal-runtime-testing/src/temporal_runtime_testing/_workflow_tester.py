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

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Concatenate, Self, cast, overload

from temporal_runtime_core import (
    ActivityDefinition,
    DefinitionError,
    Duration,
    InvalidOptionError,
    NoArgs,
    SearchAttributeValue,
    to_timedelta,
)
from temporal_runtime_workflow import (
    MethodSpec,
    Workflow,
    WorkflowDefinition,
    definition_of,
    resolve_child_entry,
)

from ._fake_activities import ActivityCallRecord, FakeEntry, check_fake
from ._fake_children import ChildStartRecord, TesterChildren
from ._json_round_trip import through_json
from ._retry_loop import RetryLoop
from ._run_settings import ContinueAsNewCall, RunSettings
from ._tester_handle import WorkflowTesterHandle
from ._tester_run import TesterRun
from ._tester_search_attributes import tester_search_attributes
from ._virtual_clock import VirtualClock

__all__ = ["ActivityCallRecord", "ChildStartRecord", "WorkflowTester", "WorkflowTesterHandle"]

DEFAULT_START_TIME = datetime(2024, 1, 1, tzinfo=UTC)
"""The virtual clock's default start: 2024-01-01T00:00:00Z."""


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

    ``patches`` chooses the branch ``self.patched(id)`` takes (default True, the new code path:
    ``patches={"change-id": False}`` tests the old one). ``self.uuid4()``/``self.random()`` are seeded
    from ``seed``, the workflow id and the run number (the same values on every test run).
    A ``continue_as_new`` is recorded (:attr:`continued_as_new`); by default ``result()`` then raises
    :class:`ContinuedAsNewError` naming the next run's method and arguments, and with
    ``follow_continue_as_new=True`` the tester runs the next run (same workflow id) and ``result()``
    returns the last run's result.

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
        patches: Mapping[str, bool] | None = None,
        follow_continue_as_new: bool = False,
        seed: int = 0,
        search_attributes: Sequence[SearchAttributeValue[Any]] = (),
        summary: str | None = None,
    ) -> None:
        self.definition: WorkflowDefinition = definition_of(workflow_class)
        self.workflow_class = workflow_class
        if not isinstance(start_time, datetime) or start_time.tzinfo is None:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise InvalidOptionError(
                f"WorkflowTester start_time must be a timezone-aware datetime (e.g. "
                f"datetime(2024, 1, 1, tzinfo=UTC)), got {start_time!r}"
            )
        if not isinstance(workflow_id, str) or not workflow_id:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise InvalidOptionError(
                f"WorkflowTester workflow_id must be a non-empty string, got {workflow_id!r}"
            )
        self.workflow_id = workflow_id
        self._clock = VirtualClock(start_time.astimezone(UTC))
        self._fakes: dict[str, FakeEntry] = {}
        self._calls: list[ActivityCallRecord[Any]] = []
        self._activities = RetryLoop(self._clock, self._fakes, self._calls, workflow_class.__qualname__)
        self._runs: list[TesterRun] = []
        self._children = TesterChildren(
            self._clock, self._activities, f"WorkflowTester({workflow_class.__qualname__})"
        )

        if patches is not None and not (
            isinstance(patches, Mapping)  # pyright: ignore[reportUnnecessaryIsInstance]
            and all(isinstance(k, str) and isinstance(v, bool) for k, v in patches.items())  # pyright: ignore[reportUnnecessaryIsInstance]
        ):
            raise InvalidOptionError(
                "WorkflowTester(patches=...) maps change ids to the branch patched() returns, e.g. "
                f'{{"add-fraud-check": False}} for the old code path; got {patches!r}'
            )
        self._settings = RunSettings(dict(patches or {}), seed, follow_continue_as_new)
        self._settings.start_next = self._start_next
        # --- search attributes (#13) ---
        self._settings.search_attributes, self._settings.summary = tester_search_attributes(
            search_attributes, summary
        )
        self._children.patches, self._children.seed = self._settings.patches, seed
        if activities is not None:
            if not isinstance(activities, Mapping):  # pyright: ignore[reportUnnecessaryIsInstance]
                raise InvalidOptionError(
                    "WorkflowTester(activities=...) takes a mapping of activity handle -> fake, "
                    f"got {type(activities).__name__}; pass a dict such as {{charge: fake}}"
                )
            for activity, fake in activities.items():
                self._set_fake(activity, fake)

    # --- fakes and records -----------------------------------------------------------------------

    @overload
    def fake[R](
        self,
        activity: ActivityDefinition[NoArgs, R],
        fake: Callable[[], Awaitable[R]] | Callable[[], R] | R | BaseException | type[BaseException],
    ) -> Self: ...
    @overload
    def fake[A, R](
        self,
        activity: ActivityDefinition[A, R],
        fake: Callable[[A], Awaitable[R]] | Callable[[A], R] | R | BaseException | type[BaseException],
    ) -> Self: ...
    def fake(self, activity: ActivityDefinition[Any, Any], fake: object) -> Self:
        """Add or replace the fake for ``activity`` (typed against its ``Args``/``Result``; a fake
        for an activity without ``Args`` takes no argument)."""
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

    # --- child workflows (#12) ------------------------------------------------------------------

    @overload
    def fake_child[**P, R](
        self,
        method: Callable[Concatenate[Any, P], Awaitable[R]],
        fake: Callable[P, Awaitable[R]] | Callable[P, R] | R | BaseException | type[BaseException],
        /,
    ) -> Self: ...
    @overload
    def fake_child(self, workflow_type: str, method: str, fake: object, /) -> Self: ...
    def fake_child(self, target: object, *rest: object) -> Self:
        """Answer child starts of ``target`` (``Child.method``, or a workflow type and method name)
        with ``fake``: a value (the child's result), an exception (the child fails with it: the parent
        sees :class:`ChildWorkflowFailedError`), or a function, sync or async, called with the
        child's arguments as the parent gave them (validated). Without a fake, a child of a class
        this process defines runs for real, in-process; one started by name raises
        :class:`MissingFakeError`."""
        if isinstance(target, str):
            if len(rest) != 2 or not isinstance(rest[0], str):
                raise DefinitionError(
                    "fake_child by name takes the workflow type, the method name and the fake: "
                    'fake_child("Payment", "charge", result)'
                )
            self._children.set_fake(target, rest[0], rest[1])
            return self
        if len(rest) != 1:
            raise DefinitionError(
                "fake_child takes the child's entry method and the fake: fake_child(Pay.charge, r)"
            )
        defn, spec = resolve_child_entry(target)
        self._children.set_fake(defn.name, spec.name, rest[0])
        return self

    @property
    def children(self) -> list[ChildStartRecord]:
        """Every child start made so far, in order (a copy)."""
        return list(self._children.records)

    # --- continue-as-new --------------------------------------------------------------------------

    @property
    def continued_as_new(self) -> list[ContinueAsNewCall]:
        """Every ``continue_as_new`` the runs made, in order (method, validated arguments, run)."""
        return list(self._settings.continued)

    @property
    def continue_as_new_suggested(self) -> bool:
        """What ``self.info.continue_as_new_suggested`` answers in the workflow (default False); set
        it to test the branch that continues as new."""
        return self._settings.continue_as_new_suggested

    @continue_as_new_suggested.setter
    def continue_as_new_suggested(self, value: bool) -> None:
        self._settings.continue_as_new_suggested = value

    def _start_next(self, previous: TesterRun, call: ContinueAsNewCall) -> TesterRun:
        """Start the run ``previous`` continued as (followed continue-as-new)."""
        spec = self.definition.entry(call.method)
        run = TesterRun(
            self.definition,
            spec,
            workflow_id=self.workflow_id,
            clock=self._clock,
            activities=self._activities,
            children=self._children,
            settings=self._settings,
            run_number=previous.run_number + 1,
        )
        run.visibility = previous.visibility.continued(spec.name)  # search attributes (#13)
        run.start(self.workflow_class, spec.validate_received(call.arguments))
        self._runs.append(run)
        return run

    # --- the clock -------------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        """The virtual clock (UTC); ``Workflow.now()`` inside the workflow returns it."""
        return self._clock.now

    async def advance(self, duration: Duration) -> None:
        """Move the virtual clock forward by ``duration``, firing the timers that fall due.

        Workflow code runs after each timer (until it blocks). Fake activities still running are not
        waited for.
        """
        await self._clock.advance_to(self._clock.now + to_timedelta(duration, "advance() duration"))

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
        return WorkflowTesterHandle(await self._start(method, args, kwargs))

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
        run = await self._start(method, args, kwargs)
        try:
            return await WorkflowTesterHandle[W, R](run).result()
        except BaseException:
            await run.cancel_all()
            raise

    async def aclose(self) -> None:
        """Cancel every run (and handler) of this tester that has not finished."""
        for run in self._runs:
            await run.cancel_all()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _start(
        self, method: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> TesterRun:
        spec = self._entry(method)
        received = through_json(spec.bind(args, kwargs), f"the arguments of {spec.qualname}")
        bound = spec.validate_received(received)
        run = TesterRun(
            self.definition,
            spec,
            workflow_id=self.workflow_id,
            clock=self._clock,
            activities=self._activities,
            children=self._children,
            settings=self._settings,
        )
        run.start(self.workflow_class, bound)
        self._runs.append(run)
        await self._clock.settle()
        return run

    def _entry(self, method: Callable[..., Any]) -> MethodSpec:
        cls = self.workflow_class
        name = getattr(method, "__name__", None)
        if not isinstance(name, str) or getattr(cls, name, None) is not method:
            entries = ", ".join(
                f"{cls.__qualname__}.{n}" for n in sorted(h.name for h in self.definition.handlers("entry"))
            )
            raise DefinitionError(
                f"{getattr(method, '__qualname__', method)!r} is not a method of {cls.__qualname__}, "
                f"the class this tester runs; pass one of its entry methods unbound: {entries}"
            )
        return self.definition.handler("entry", name)
