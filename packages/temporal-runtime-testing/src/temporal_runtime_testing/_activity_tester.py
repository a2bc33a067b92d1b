"""``ActivityTester``: run one activity in-process, as a worker would, without a Temporal server."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Mapping, Sequence
from typing import Any, overload

import temporalio.testing

from temporal_runtime_core import (
    ActivityDefinition,
    DefinitionError,
    InvalidArgumentsError,
    InvalidOptionError,
    NoArgs,
)
from temporal_runtime_engine import data_converter, install_activity_log_context, thread_runner

__all__ = ["ActivityTester"]


class ActivityTester:
    """Call an activity with DTO validation applied, capture heartbeats, and deliver a cancellation.

    ``await tester.run(activity, args)`` validates ``args`` as the activity's ``Args`` type exactly
    as a worker does (a dict becomes the model; invalid input raises
    :class:`~temporal_runtime.InvalidArgumentsError` naming the activity), runs the implementation
    inside an activity context, and validates the result as ``Result``. Inside, the activity can
    call ``heartbeat(...)``, ``is_cancelled()`` and ``activity_info()``; ``activity_info()`` reports
    the ``attempt``, ``workflow_id``, ... given here and ``heartbeat_details`` as a retried attempt
    would see them (plain JSON values).

    ``tester.heartbeats`` lists the details tuple of every heartbeat, in order, across runs.
    ``tester.cancel()`` requests cancellation of every running activity: the activity receives
    ``asyncio.CancelledError`` at its current ``await`` and ``is_cancelled()`` becomes true. If the
    activity lets the ``CancelledError`` propagate (as it should), ``run`` raises
    ``asyncio.CancelledError``; if it returns a value anyway, ``run`` returns it. Runs started after
    ``cancel()`` are cancelled before the implementation's first line runs. To cancel at a known
    point, start ``run`` as a task and ``await tester.wait_for_heartbeats(n)`` first.

    A thread activity (a plain ``def``) runs in a thread, as a worker runs it: after :meth:`cancel`,
    ``is_cancelled()`` is true and its next ``heartbeat()`` raises ``asyncio.CancelledError``.

    A method activity runs on an instance: ``await tester.run(instance.send, email)`` (the activity
    bound to an instance holding test resources). The class's handle (``EmailActivities.send``) and
    a stub (``activity_stub``) have nothing to run and are refused.
    """

    def __init__(
        self,
        *,
        attempt: int = 1,
        workflow_id: str | None = "test-workflow",
        workflow_run_id: str | None = "test-run",
        workflow_type: str | None = "TestWorkflow",
        task_queue: str = "test-task-queue",
        activity_id: str = "1",
        heartbeat_details: Sequence[Any] = (),
    ) -> None:
        if isinstance(attempt, bool) or not isinstance(attempt, int) or attempt < 1:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise InvalidOptionError(f"ActivityTester(attempt=...) must be an int >= 1, got {attempt!r}")
        self._converter = data_converter().payload_converter
        install_activity_log_context()  # plain records made by the activity carry its fields, as on a worker
        try:
            # What the next attempt receives: the last details, through the payload converter.
            details = self._converter.from_payloads(self._converter.to_payloads(list(heartbeat_details)))
        except Exception as exc:
            raise InvalidOptionError(
                f"ActivityTester(heartbeat_details=...) must be JSON-serializable values: {exc}"
            ) from exc
        self._info = dataclasses.replace(
            temporalio.testing.ActivityEnvironment.default_info(),
            activity_id=activity_id,
            attempt=attempt,
            workflow_id=workflow_id,
            workflow_run_id=workflow_run_id,
            workflow_type=workflow_type,
            task_queue=task_queue,
            heartbeat_details=details,
        )
        self.heartbeats: list[tuple[Any, ...]] = []
        """The details of each heartbeat, in the order the activities sent them."""
        self._cancelled = False
        self._running: set[temporalio.testing.ActivityEnvironment] = set()

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._cancelled

    @property
    def running(self) -> bool:
        """Whether an activity started by :meth:`run` is still running."""
        return bool(self._running)

    @overload
    async def run[R](self, activity: ActivityDefinition[NoArgs, R], /) -> R: ...
    @overload
    async def run[A, R](self, activity: ActivityDefinition[A, R], args: A | Mapping[str, Any], /) -> R: ...
    async def run(self, activity: ActivityDefinition[Any, Any], *args: Any) -> Any:
        """Run ``activity`` with ``args`` (its ``Args`` DTO, or the same as a JSON-like dict) and
        return its validated result.

        Raises :class:`~temporal_runtime.InvalidArgumentsError` for invalid input or an invalid
        result, whatever the activity raises, and ``asyncio.CancelledError`` when it ends cancelled
        after :meth:`cancel`.
        """
        if not isinstance(activity, ActivityDefinition):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise DefinitionError(
                "ActivityTester.run() takes an activity handle returned by activity_def(...), "
                f"got {activity!r}"
            )
        activity.require_implementation()  # a stub, or a method activity not bound to an instance
        if len(args) != (1 if activity.takes_args else 0):
            usage = "run(activity, args)" if activity.takes_args else "run(activity) with no argument"
            raise InvalidArgumentsError(
                f"Activity {activity.name!r} was given {len(args)} arguments; call it as {usage}"
            )
        value = activity.validate_args(args[0] if args else None)
        env = self._environment(activity)
        self._running.add(env)
        try:
            if activity.is_thread:  # in a thread of its own, as a worker's pool runs it
                result = await asyncio.to_thread(env.run, thread_runner(activity), value)
            else:
                result = await (env.run(activity.fn, value) if activity.takes_args else env.run(activity.fn))
        finally:
            self._running.discard(env)
        validated = activity.validate_result(result)
        if activity.result_type is None:
            self._check_sendable(activity, (result,), "returned a result")
        return validated

    def cancel(self) -> None:
        """Request cancellation of the running activities (runs started later are cancelled at once)."""
        self._cancelled = True
        for env in list(self._running):
            env.cancel()

    async def wait_for_heartbeats(self, count: int = 1, *, timeout: float = 5.0) -> None:
        """Wait until ``count`` heartbeats have been recorded in total.

        Use it to cancel at a known point: start ``run`` as a task, wait for the first heartbeat,
        then :meth:`cancel`. Raises ``TimeoutError`` after ``timeout`` seconds, or ``AssertionError``
        if no activity is running any more and fewer heartbeats were sent.
        """
        deadline = time.monotonic() + timeout
        # Give a run started with asyncio.create_task(...) just before this call a chance to begin.
        await asyncio.sleep(0)
        while len(self.heartbeats) < count:
            if not self._running:
                raise AssertionError(
                    f"waited for {count} heartbeat(s) but no activity is running and only "
                    f"{len(self.heartbeats)} were sent"
                )
            if time.monotonic() >= deadline:
                raise TimeoutError(f"waited {timeout}s for {count} heartbeat(s), got {len(self.heartbeats)}")
            await asyncio.sleep(0.001)

    # --- internals -----------------------------------------------------------------------------

    def _environment(self, activity: ActivityDefinition[Any, Any]) -> temporalio.testing.ActivityEnvironment:
        env = temporalio.testing.ActivityEnvironment()
        env.info = dataclasses.replace(self._info, activity_type=activity.name)
        env.payload_converter = self._converter

        def on_heartbeat(*details: Any) -> None:
            self._check_sendable(activity, details, "heartbeated details")
            self.heartbeats.append(tuple(details))

        env.on_heartbeat = on_heartbeat
        if self._cancelled:
            env.cancel()
        return env

    def _check_sendable(
        self, activity: ActivityDefinition[Any, Any], values: Sequence[Any], what: str
    ) -> None:
        """A worker sends these values through the data converter; fail as clearly here if it could not."""
        try:
            self._converter.to_payloads(values)
        except Exception as exc:
            raise InvalidArgumentsError(
                f"Activity {activity.name!r} ({activity.origin}) {what} that cannot be sent to "
                f"Temporal: {exc}"
            ) from None

    def __repr__(self) -> str:
        return (
            f"<ActivityTester attempt={self._info.attempt} workflow_id={self._info.workflow_id!r} "
            f"heartbeats={len(self.heartbeats)} cancelled={self._cancelled}>"
        )
