"""``WorkflowTesterHandle``: a run started by :meth:`WorkflowTester.start`, driven from the test.

Signals, queries and updates (by method reference, typed, or by name) are validated through the
same method specs the client uses, sent through JSON, and delivered to the running workflow object;
``result()`` drives the virtual clock until the workflow finishes.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, cast, overload

from temporal_runtime_core import (
    Duration,
    SearchAttributes,
    SearchAttributeValue,
    UpdateFailedError,
    WorkflowNotFoundError,
    describe_failure,
    to_timedelta,
)
from temporal_runtime_workflow import (
    MessageKind,
    MethodSpec,
    QueryMethod,
    SignalMethod,
    UpdateMethod,
    Workflow,
    message_target,
)

from ._errors import WorkflowTesterError
from ._json_round_trip import convert, through_json
from ._tester_run import TesterRun

__all__ = ["WorkflowTesterHandle"]


class WorkflowTesterHandle[W: Workflow, R]:
    """A workflow run started by :meth:`WorkflowTester.start`.

    ``R`` is the entry method's return type, ``W`` the workflow class (:attr:`instance`).
    """

    def __init__(self, run: TesterRun) -> None:
        self._first = run

    @property
    def _run(self) -> TesterRun:
        """The current run: after a followed continue-as-new, the latest of the chain."""
        run = self._first
        while run.successor is not None:
            run = run.successor
        return run

    @property
    def id(self) -> str:
        """The workflow id (the tester's ``workflow_id``)."""
        return self._run.workflow_id

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
        """Whether the run has finished (returned, raised or was cancelled; a continue-as-new the
        tester follows is not the end)."""
        return self._run.ended

    # --- search attributes (#13) ---

    @property
    def search_attributes(self) -> SearchAttributes:
        """The run's search attributes now (the tester's ``search_attributes=``, ``EntryMethod`` and
        the upserts so far), typed by key: ``handle.search_attributes.get(CustomerId)``."""
        return self._run.visibility.current()

    @property
    def search_attribute_upserts(self) -> list[tuple[SearchAttributeValue[Any], ...]]:
        """Every ``self.upsert_search_attributes(...)`` of the current run, in order, as given."""
        return list(self._run.visibility.upserts)

    @property
    def summary(self) -> str | None:
        """The run's summary as the Web UI shows it (``"Workflow.method"`` or
        ``"Workflow.method: <summary=>"``; None for a run continued as new, as on a server)."""
        return self._run.visibility.summary

    async def result(self, timeout: Duration | None = None) -> R:
        """Drive the virtual clock until the workflow finishes; return its result.

        Exceptions raised by the workflow propagate as they are. ``timeout`` (seconds or timedelta)
        is *virtual* time: the clock runs at most that far, then :class:`TimeoutError` is raised and
        the workflow keeps running. Without a timeout, a workflow that waits for something nothing
        can bring (e.g. a signal not sent yet) raises an error explaining the deadlock.
        """
        clock = self._run.clock
        deadline = None if timeout is None else clock.now + to_timedelta(timeout, "result timeout")
        finished = await clock.drive(
            lambda: self._run.ended or self._run.fatal is not None,
            deadline,
            lambda: WorkflowTesterError(self._run.stuck_message("result()")),
        )
        run = self._run
        if not finished:
            raise TimeoutError(
                f"Workflow {self.id!r} ({run.name}) did not finish within {timeout} of virtual time "
                f"(clock now {clock.now.isoformat()}); it is still running"
            )
        return cast(R, run.outcome())

    @overload
    async def signal[**P](
        self, signal: SignalMethod[W, P, Any], /, *args: P.args, **kwargs: P.kwargs
    ) -> None: ...
    @overload
    async def signal(self, signal: str, /, *args: Any) -> None: ...
    async def signal(self, signal: object, /, *args: Any, **kwargs: Any) -> None:
        """Send a signal (``Wf.approve`` or its name): validate the arguments like the client, run the
        handler, let it settle.

        Raises :class:`UnknownMethodError` for an unknown signal, :class:`InvalidArgumentsError` for
        arguments that do not fit, :class:`WorkflowNotFoundError` when the run already finished. An
        exception raised by the handler fails the run (``result()`` raises it), as on a worker.
        """
        run = self._run
        name, spec = self._spec("signal", signal)
        values = _received(spec, args, kwargs)
        self._ensure_running(f"signal {name!r}")
        run.start_signal(spec, values)
        await run.clock.settle()

    @overload
    def query[**P, A](
        self, query: QueryMethod[W, P, Coroutine[Any, Any, A]], /, *args: P.args, **kwargs: P.kwargs
    ) -> A: ...
    @overload
    def query[**P, A](self, query: QueryMethod[W, P, A], /, *args: P.args, **kwargs: P.kwargs) -> A: ...
    @overload
    def query(self, query: str, /, *args: Any) -> Any: ...
    def query(self, query: object, /, *args: Any, **kwargs: Any) -> Any:
        """Ask a query (``Wf.status`` or its name) and return its answer at once (converted through
        JSON like a worker's). Unlike on a server handle this is not awaited: the answer is there.

        ``async def`` queries may not wait: one that calls ``exec``/``sleep``/``wait_until`` or awaits
        anything that suspends raises :class:`QueryWaitError`, as on a worker.
        """
        _, spec = self._spec("query", query)
        answer = self._run.ask(spec, _received(spec, args, kwargs))
        return convert(answer, spec.return_type, f"the answer of query {spec.qualname}")

    @overload
    async def update[**P, A](
        self, update: UpdateMethod[W, P, Coroutine[Any, Any, A]], /, *args: P.args, **kwargs: P.kwargs
    ) -> A: ...
    @overload
    async def update[**P, A](
        self, update: UpdateMethod[W, P, A], /, *args: P.args, **kwargs: P.kwargs
    ) -> A: ...
    @overload
    async def update(self, update: str, /, *args: Any) -> Any: ...
    async def update(self, update: object, /, *args: Any, **kwargs: Any) -> Any:
        """Send an update (``Wf.set_limit`` or its name) and drive the workflow (and the virtual
        clock) until it is answered.

        The handler's exception raises :class:`UpdateFailedError` here; the workflow carries on. The
        update's ``@handler.validator`` runs first, read-only: if it raises, the update is rejected
        (:class:`UpdateFailedError`) and the handler never runs.
        """
        run = self._run
        name, spec = self._spec("update", update)
        values = _received(spec, args, kwargs)
        self._ensure_running(f"update {name!r}")
        try:
            run.validate_update(spec, values)
        except Exception as rejection:
            rejected_type = type(rejection).__name__
            reason = describe_failure(rejected_type, str(rejection) or rejected_type)
            raise UpdateFailedError(
                f"Update {name!r} on workflow {self.id!r} was rejected by its validator: {reason}",
                error_type=rejected_type,
                workflow_id=self.id,
            ) from rejection
        task = run.start_update(spec, values)
        try:
            await run.clock.drive(
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
            reason = describe_failure(error_type, str(error) or error_type)
            raise UpdateFailedError(
                f"Update on workflow {self.id!r} failed: {reason}",
                error_type=error_type,
                workflow_id=self.id,
            ) from error
        return convert(task.result(), spec.return_type, f"the answer of update {spec.qualname}")

    async def cancel(self) -> None:
        """Cancel the run: the workflow sees ``asyncio.CancelledError`` where it waits.

        It may clean up (even run activities) and return; if it lets the cancellation propagate,
        ``result()`` raises :class:`WorkflowCancelledError`.
        """
        if self._run.cancel():
            await self._run.clock.settle()

    def _spec(self, kind: MessageKind, target: object) -> tuple[str, MethodSpec]:
        """The registered name and spec of handler ``target`` (a handler method or a name) of the
        run's workflow class."""
        name, reference = message_target(kind, target)
        return name, self._run.definition.handler(kind, name, reference)

    def _ensure_running(self, what: str) -> None:
        if self._run.done:
            raise WorkflowNotFoundError(
                f"Workflow {self.id!r} ({self._run.name}) already finished; it cannot receive {what}",
                workflow_id=self.id,
            )

    def __repr__(self) -> str:
        state = "done" if self.done else "running"
        return f"<WorkflowTesterHandle {self._run.name} id={self.id!r} {state}>"


def _received(spec: MethodSpec, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
    """Validate the arguments like the client, send them through JSON, validate them like the worker."""
    sent = list(spec.bind(args, kwargs).values())
    return spec.validate_positional(through_json(sent, f"the arguments of {spec.qualname}"))
