"""``WorkflowTesterHandle``: a run started by :meth:`WorkflowTester.start`, driven from the test.

Signals, queries and updates are validated through the same method specs the client uses, sent
through JSON, and delivered to the running workflow object; ``result()`` drives the virtual clock
until the workflow finishes.
"""

from __future__ import annotations

from typing import Any, cast

from temporal_runtime_core import (
    Duration,
    UpdateFailedError,
    WorkflowNotFoundError,
    describe_failure,
    to_timedelta,
)
from temporal_runtime_workflow import MethodSpec, Workflow

from ._errors import WorkflowTesterError
from ._json_round_trip import convert, through_json
from ._tester_run import TesterRun

__all__ = ["WorkflowTesterHandle"]


class WorkflowTesterHandle[W: Workflow, R]:
    """A workflow run started by :meth:`WorkflowTester.start`.

    ``R`` is the entry method's return type, ``W`` the workflow class (:attr:`instance`).
    """

    def __init__(self, run: TesterRun) -> None:
        self._run = run

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
        clock = run.clock
        deadline = None if timeout is None else clock.now + to_timedelta(timeout, "result timeout")
        finished = await clock.drive(
            lambda: run.done or run.fatal is not None,
            deadline,
            lambda: WorkflowTesterError(run.stuck_message("result()")),
        )
        if not finished:
            raise TimeoutError(
                f"Workflow {self.id!r} ({run.name}) did not finish within {timeout} of virtual time "
                f"(clock now {clock.now.isoformat()}); it is still running"
            )
        return cast(R, run.outcome())

    async def signal(self, name: str, *args: Any) -> None:
        """Send signal ``name``: validate ``args`` like the client, run the handler, let it settle.

        Raises :class:`UnknownMethodError` for an unknown signal, :class:`InvalidArgumentsError` for
        arguments that do not fit, :class:`WorkflowNotFoundError` when the run already finished. An
        exception raised by the handler fails the run (``result()`` raises it), as on a worker.
        """
        run = self._run
        spec = run.definition.handler("signal", name)
        values = _received_positional(spec, args)
        self._ensure_running(f"signal {name!r}")
        run.start_signal(spec, values)
        await run.clock.settle()

    def query(self, name: str, *args: Any) -> Any:
        """Ask query ``name`` and return its answer at once (converted through JSON like a worker's).

        ``async def`` queries may not wait: one that calls ``exec``/``sleep``/``wait_until`` or awaits
        anything that suspends raises :class:`QueryWaitError`, as on a worker.
        """
        spec = self._run.definition.handler("query", name)
        answer = self._run.ask(spec, _received_positional(spec, args))
        return convert(answer, spec.return_type, f"the answer of query {spec.qualname}")

    async def update(self, name: str, *args: Any) -> Any:
        """Send update ``name`` and drive the workflow (and the virtual clock) until it is answered.

        The handler's exception raises :class:`UpdateFailedError` here; the workflow carries on.
        """
        run = self._run
        spec = run.definition.handler("update", name)
        values = _received_positional(spec, args)
        self._ensure_running(f"update {name!r}")
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

    def _ensure_running(self, what: str) -> None:
        if self._run.done:
            raise WorkflowNotFoundError(
                f"Workflow {self.id!r} ({self._run.name}) already finished; it cannot receive {what}",
                workflow_id=self.id,
            )

    def __repr__(self) -> str:
        state = "done" if self.done else "running"
        return f"<WorkflowTesterHandle {self._run.name} id={self.id!r} {state}>"


def _received_positional(spec: MethodSpec, args: tuple[Any, ...]) -> list[Any]:
    """Validate ``args`` like the client, send them through JSON, validate them like the worker."""
    sent = list(spec.bind_positional(args).values())
    return spec.validate_positional(through_json(sent, f"the arguments of {spec.qualname}"))
