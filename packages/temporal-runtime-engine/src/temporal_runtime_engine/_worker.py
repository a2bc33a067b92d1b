"""The engine's worker: what it serves, building it, running it as a task, and stopping it."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Final

import temporalio.client
import temporalio.worker

from temporal_runtime_core import (
    ActivityDefinition,
    ActivityRegistry,
    Duration,
    EngineError,
    InvalidOptionError,
    WorkflowRegistry,
    to_timedelta,
)
from temporal_runtime_workflow import WorkflowDefinition, register_worker_activities

from ._activities import temporal_activity
from ._activity_instances import check_instances_given, serve_with_instances
from ._plugin import RuntimePlugin
from ._sandbox import sandbox_errors_explained

__all__ = [
    "DEFAULT_GRACEFUL_SHUTDOWN",
    "EngineWorker",
    "Served",
    "WorkerSettings",
    "activity_thread_count",
    "exception_types",
    "shutdown_timeout",
]

log = logging.getLogger("temporal_runtime")

DEFAULT_GRACEFUL_SHUTDOWN: Final = timedelta(seconds=10)
"""How long ``engine.stop()`` lets running activities finish before cancelling them."""

DEFAULT_ACTIVITY_THREADS: Final = 10
"""Threads for thread activities, unless ``activity_threads`` or ``max_concurrent_activities`` is given."""


def activity_thread_count(threads: int | None, max_concurrent_activities: int | None) -> int:
    """``TemporalEngine(activity_threads=...)`` checked; by default ``max_concurrent_activities`` (so
    every activity slot can run a thread activity) or 10."""
    if threads is None:
        return max_concurrent_activities or DEFAULT_ACTIVITY_THREADS
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:  # pyright: ignore[reportUnnecessaryIsInstance]
        raise InvalidOptionError(
            f"TemporalEngine(activity_threads=...) is the number of threads running thread activities "
            f"(plain `def` activities), an int >= 1, e.g. activity_threads=20; got {threads!r}"
        )
    return threads


def shutdown_timeout(value: Duration) -> timedelta:
    """``graceful_shutdown_timeout`` as a timedelta: seconds or a timedelta, zero allowed."""
    if value == 0 and not isinstance(value, bool):
        return timedelta()
    return to_timedelta(value, "graceful_shutdown_timeout")


@dataclass(frozen=True)
class Served:
    """The workflows and activities a worker serves, as registered when the engine started."""

    workflows: tuple[WorkflowDefinition, ...]
    activities: tuple[ActivityDefinition[Any, Any], ...]


@dataclass(frozen=True)
class WorkerSettings:
    """The task queue, the registries a worker serves from, and how it runs them."""

    task_queue: str
    workflow_registry: WorkflowRegistry
    activity_registry: ActivityRegistry
    sandbox_passthrough: tuple[str, ...] = ()
    max_concurrent_activities: int | None = None
    graceful_shutdown_timeout: timedelta = DEFAULT_GRACEFUL_SHUTDOWN
    workflow_failure_exceptions: tuple[type[Exception], ...] = ()
    """Exception types that fail a run instead of its workflow task, in every workflow served."""
    instance_activities: Mapping[str, ActivityDefinition[Any, Any]] = field(default_factory=dict[str, Any])
    """The method activities of ``activity_instances``, bound to them, by name."""
    activity_threads: int = DEFAULT_ACTIVITY_THREADS
    """Threads of the pool running thread activities (created only if one is served)."""

    def served(self) -> Served:
        """What the registries hold right now (modules imported later are not served), with each
        method activity bound to its instance."""
        return Served(
            workflows=tuple(d for d in self.workflow_registry if isinstance(d, WorkflowDefinition)),
            activities=serve_with_instances(self.activity_registry, self.instance_activities),
        )

    def plugin(self, served: Served) -> RuntimePlugin:
        """The plugin for a client whose worker serves ``served``."""
        return RuntimePlugin(served.workflows, served.activities, self.sandbox_passthrough)


class EngineWorker:
    """A temporalio ``Worker`` running as an asyncio task until :meth:`stop`.

    The worker takes its workflow runner (the sandbox) from the client's :class:`RuntimePlugin`.
    """

    def __init__(
        self,
        worker: temporalio.worker.Worker,
        task: asyncio.Task[None],
        task_queue: str,
        executor: concurrent.futures.ThreadPoolExecutor | None = None,
    ) -> None:
        self._worker = worker
        self._task = task
        self.task_queue = task_queue
        self._executor = executor

    @classmethod
    def start(
        cls, client: temporalio.client.Client, settings: WorkerSettings, served: Served
    ) -> EngineWorker:
        """Build the worker for ``served`` on ``client``, record its activities for ``exec`` and run it."""
        if not served.workflows and not served.activities:
            raise EngineError(
                "start_worker=True but no workflows or activities are registered. Import the modules "
                "that define them before engine.start(), or pass start_worker=False for a client-only engine."
            )
        check_instances_given(served.activities)
        executor = (
            concurrent.futures.ThreadPoolExecutor(
                max_workers=settings.activity_threads,
                thread_name_prefix=f"temporal-runtime-activity-{settings.task_queue}",
            )
            if any(a.is_thread for a in served.activities)
            else None
        )
        with sandbox_errors_explained(served.workflows):
            worker = temporalio.worker.Worker(
                client,
                task_queue=settings.task_queue,
                workflows=[d.adapter_class for d in served.workflows],
                activities=[temporal_activity(a) for a in served.activities],
                activity_executor=executor,
                max_concurrent_activities=settings.max_concurrent_activities,
                graceful_shutdown_timeout=settings.graceful_shutdown_timeout,
                # temporalio re-imports these inside the sandbox, by module and name
                workflow_failure_exception_types=settings.workflow_failure_exceptions,
            )
        register_worker_activities(settings.task_queue, _names(served.activities))
        task = asyncio.create_task(worker.run(), name=f"temporal-runtime worker {settings.task_queue}")
        task.add_done_callback(_report_worker_exit)
        return cls(worker, task, settings.task_queue, executor)

    async def stop(self) -> None:
        """Stop polling, give running activities ``graceful_shutdown_timeout`` to finish (then cancel
        them), and wait for the worker's task.

        Failures are logged, not raised: stopping goes on to the server either way.
        """
        register_worker_activities(self.task_queue, None)
        try:
            await self._worker.shutdown()
        except Exception:
            log.exception("temporal-runtime: worker shutdown failed")
        try:
            await self._task
        except Exception:
            log.exception("temporal-runtime: worker stopped with an error")
        if self._executor is not None:
            # The worker is done with it; a thread activity that ignores cancellation keeps its
            # thread until it returns, but stop() does not wait for it.
            self._executor.shutdown(wait=False, cancel_futures=True)


def exception_types(value: Iterable[object]) -> tuple[type[Exception], ...]:
    """``TemporalEngine(workflow_failure_exceptions=...)`` checked: exception classes defined at
    module level (temporalio imports each again inside the workflow sandbox by module and name)."""
    if isinstance(value, type):
        value = (value,)
    types: list[type[Exception]] = []
    for item in value:
        if not (isinstance(item, type) and issubclass(item, Exception)):
            raise InvalidOptionError(
                "TemporalEngine(workflow_failure_exceptions=...) takes exception classes, e.g. "
                f"workflow_failure_exceptions=[OrderRejected], got {item!r}"
            )
        if "<locals>" in item.__qualname__:
            raise InvalidOptionError(
                f"TemporalEngine(workflow_failure_exceptions=...): {item.__qualname__} is defined inside a "
                "function; define it at module level: the workflow sandbox imports it by module and name"
            )
        types.append(item)
    return tuple(types)


def _names(activities: Iterable[ActivityDefinition[Any, Any]]) -> frozenset[str]:
    return frozenset(a.name for a in activities)


def _report_worker_exit(task: asyncio.Task[None]) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.error("temporal-runtime: worker stopped unexpectedly: %s", exc, exc_info=exc)
