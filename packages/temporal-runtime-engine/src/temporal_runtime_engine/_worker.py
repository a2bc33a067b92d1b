"""The engine's worker: what it serves, building it, running it as a task, and stopping it."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import temporalio.client
import temporalio.converter
import temporalio.worker

from temporal_runtime_core import (
    ActivityDefinition,
    ActivityRegistry,
    EngineError,
    InvalidOptionError,
    WorkflowRegistry,
)
from temporal_runtime_workflow import WorkflowDefinition, register_worker_activities

from ._activities import temporal_activity
from ._activity_instances import bind_instances, check_instances_given, serve_with_instances
from ._build_id import served_build_id
from ._payload_limit import DEFAULT_PAYLOAD_SIZE_LIMIT
from ._plugin import RuntimePlugin
from ._sandbox import sandbox_errors_explained
from ._worker_selection import select_activities, select_workflows
from ._worker_tuning import WorkerTuning

__all__ = [
    "EngineWorker",
    "Served",
    "WorkerSettings",
    "WorkerSpec",
    "exception_types",
]

log = logging.getLogger("temporal_runtime")


@dataclass(frozen=True)
class Served:
    """The workflows and activities a worker serves, as registered when the engine started."""

    workflows: tuple[WorkflowDefinition, ...]
    activities: tuple[ActivityDefinition[Any, Any], ...]


@dataclass(frozen=True)
class WorkerSpec:
    """One worker an engine runs: its task queue, what it serves and how (see ``_worker_selection``
    and ``_worker_tuning``)."""

    task_queue: str
    workflows: tuple[WorkflowDefinition, ...] | None = None
    """The workflows served; None: every workflow registered when the engine starts."""
    activities: tuple[ActivityDefinition[Any, Any], ...] | None = None
    """The activities served (method activities bound); None: every one registered at start."""
    tuning: WorkerTuning = field(default_factory=WorkerTuning)

    @property
    def polls_workflows_alone(self) -> bool:
        """Whether no other process may serve workflows on this queue that this worker lacks.

        True unless the worker was told to serve no workflows (``workflows=[]``): a worker
        without workflows does not poll the queue's workflow tasks, so another process may."""
        return self.workflows is None or bool(self.workflows)

    @property
    def polls_activities_alone(self) -> bool:
        """The same for activities: False only with ``activities=[]``."""
        return self.activities is None or bool(self.activities)


@dataclass(frozen=True)
class WorkerSettings:
    """Engine-wide: the registries workers serve from, the sandbox and failure settings, and the
    engine's own worker (its task queue, subset and tuning, which ``add_worker`` inherits)."""

    task_queue: str
    workflow_registry: WorkflowRegistry
    activity_registry: ActivityRegistry
    sandbox_passthrough: tuple[str, ...] = ()
    tuning: WorkerTuning = field(default_factory=WorkerTuning)
    workflow_failure_exceptions: tuple[type[Exception], ...] = ()
    """Exception types that fail a run instead of its workflow task, in every workflow served."""
    instance_activities: Mapping[str, ActivityDefinition[Any, Any]] = field(default_factory=dict[str, Any])
    """The method activities of ``activity_instances``, bound to them, by name."""
    workflows: tuple[WorkflowDefinition, ...] | None = None
    """``TemporalEngine(workflows=...)``: the engine's own worker's subset (None: everything)."""
    activities: tuple[ActivityDefinition[Any, Any], ...] | None = None

    @classmethod
    def from_options(
        cls,
        task_queue: str,
        workflow_registry: WorkflowRegistry,
        activity_registry: ActivityRegistry,
        tuning: WorkerTuning,
        *,
        workflows: object,
        activities: object,
        sandbox_passthrough: tuple[str, ...],
        workflow_failure_exceptions: tuple[type[Exception], ...],
        activity_instances: Iterable[object],
    ) -> WorkerSettings:
        """The settings from ``TemporalEngine``'s options, each checked (``InvalidOptionError``)."""
        tuning.check_consistent("TemporalEngine")
        instance_activities = bind_instances(activity_instances)
        return cls(
            task_queue,
            workflow_registry,
            activity_registry,
            sandbox_passthrough,
            tuning,
            workflow_failure_exceptions,
            instance_activities,
            workflows=select_workflows("TemporalEngine", workflows, workflow_registry),
            activities=select_activities(
                "TemporalEngine", activities, activity_registry, instance_activities
            ),
        )

    @property
    def main(self) -> WorkerSpec:
        """The engine's own worker, on ``task_queue``."""
        return WorkerSpec(self.task_queue, self.workflows, self.activities, self.tuning)

    def served(self, spec: WorkerSpec | None = None) -> Served:
        """What ``spec`` (by default the engine's own worker) serves: its subset, or what the
        registries hold right now (modules imported later are not served), with each method
        activity bound to its instance."""
        spec = spec if spec is not None else self.main
        return Served(
            workflows=spec.workflows
            if spec.workflows is not None
            else tuple(d for d in self.workflow_registry if isinstance(d, WorkflowDefinition)),
            activities=spec.activities
            if spec.activities is not None
            else serve_with_instances(self.activity_registry, self.instance_activities),
        )

    def plugin(
        self,
        served: Iterable[Served] = (),
        *,
        payload_codec: temporalio.converter.PayloadCodec | None = None,  # --- encryption (#14) ---
        payload_size_limit: int | None = DEFAULT_PAYLOAD_SIZE_LIMIT,  # --- payload limit (#14) ---
        # --- observability (#14) ---
        interceptors: Iterable[temporalio.client.Interceptor | temporalio.worker.Interceptor] = (),
    ) -> RuntimePlugin:
        """The plugin for a client whose workers serve ``served`` (by default the engine's own).

        Its sandbox lets through every registered activity's module, served here or not: workflow
        code only references activity handles, so a workflow-only worker need not re-import them."""
        everything = list(served) or [self.served()]
        workflows = {d.name: d for s in everything for d in s.workflows}
        activities = {a.name: a for a in self.activity_registry if not a.is_stub}
        activities.update((a.name, a) for s in everything for a in s.activities)
        return RuntimePlugin(
            workflows.values(),
            activities.values(),
            self.sandbox_passthrough,
            payload_codec=payload_codec,  # --- encryption (#14) ---
            payload_size_limit=payload_size_limit,
            interceptors=interceptors,  # --- observability (#14) ---
        )

    def extra_worker(
        self,
        task_queue: object,
        workflows: object,
        activities: object,
        tuning: WorkerTuning,
        *,
        taken: Iterable[str],
    ) -> WorkerSpec:
        """``engine.add_worker(task_queue, ...)`` checked: a new queue (not one of ``taken``), serving
        at least one workflow or activity, with ``tuning`` over the engine's."""
        where = "engine.add_worker"
        if not isinstance(task_queue, str) or not task_queue:
            raise InvalidOptionError(f"{where}(task_queue) must be a non-empty string, got {task_queue!r}")
        if task_queue in taken:
            raise InvalidOptionError(
                f"{where}({task_queue!r}): this engine already runs a worker for task queue {task_queue!r}. "
                "One worker serves all of a queue's workflows and activities: put them in one list (for "
                "the engine's own queue, TemporalEngine(workflows=..., activities=...)), or choose another "
                "task queue"
            )
        spec = WorkerSpec(
            task_queue,
            select_workflows(where, workflows, self.workflow_registry),
            select_activities(where, activities, self.activity_registry, self.instance_activities),
            tuning.over(self.tuning),
        )
        spec.tuning.check_consistent(where)
        if not spec.workflows and not spec.activities:
            raise InvalidOptionError(
                f"{where}({task_queue!r}) serves nothing: list what its worker serves, e.g. "
                f"engine.add_worker({task_queue!r}, activities=[transcode]) or workflows=[OrderWorkflow]"
            )
        return spec


class EngineWorker:
    """A temporalio ``Worker`` running as an asyncio task until :meth:`stop`.

    The worker takes its workflow runner (the sandbox) from the client's :class:`RuntimePlugin`.
    """

    def __init__(
        self,
        worker: temporalio.worker.Worker,
        task: asyncio.Task[None],
        spec: WorkerSpec,
        served: Served,
        executor: concurrent.futures.ThreadPoolExecutor | None = None,
    ) -> None:
        self.temporal_worker = worker
        self._task = task
        self.spec = spec
        self.served = served
        self._executor = executor

    @property
    def task_queue(self) -> str:
        return self.spec.task_queue

    async def lost(self) -> EngineError:
        """Wait until the worker stops by itself (a fatal polling error, or shut down from outside)
        and say so; never returns while it runs. ``engine.serve()`` ends the process with it, so
        that a supervisor restarts a worker process that no longer works."""
        try:
            await asyncio.shield(self._task)
        except asyncio.CancelledError:
            if not self._task.cancelled():
                raise  # our waiter was cancelled, not the worker
            reason = "its task was cancelled"
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
        else:
            reason = "it was shut down outside engine.stop()"
        return EngineError(
            f"The worker for task queue {self.task_queue!r} stopped by itself ({reason}); the engine "
            "no longer serves it, so serve() stops the engine: restart the process (a supervisor "
            "such as systemd or Kubernetes does this) once the cause, logged above, is fixed"
        )

    @classmethod
    def start(
        cls,
        client: temporalio.client.Client,
        settings: WorkerSettings,
        served: Served,
        spec: WorkerSpec | None = None,
    ) -> EngineWorker:
        """Build the worker ``spec`` (by default the engine's own) serving ``served`` on ``client``,
        record its activities for ``exec`` and run it."""
        spec = spec if spec is not None else settings.main
        if not served.workflows and not served.activities:
            raise EngineError(
                "start_worker=True but no workflows or activities are registered. Import the modules "
                "that define them before engine.start(), or pass start_worker=False for a client-only engine."
                if spec.workflows is None and spec.activities is None
                else f"The worker for task queue {spec.task_queue!r} serves no workflows and no activities "
                "(workflows=[] and activities=[]): list what it serves, or pass start_worker=False for an "
                "engine without a worker of its own (add_worker(...) workers still run)"
            )
        check_instances_given(served.activities)
        executor = (
            concurrent.futures.ThreadPoolExecutor(
                max_workers=spec.tuning.threads,
                thread_name_prefix=f"temporal-runtime-activity-{spec.task_queue}",
            )
            if any(a.is_thread for a in served.activities)
            else None
        )
        with sandbox_errors_explained(served.workflows):
            worker = temporalio.worker.Worker(
                client,
                task_queue=spec.task_queue,
                workflows=[d.adapter_class for d in served.workflows],
                activities=[temporal_activity(a) for a in served.activities],
                activity_executor=executor,
                # temporalio re-imports these inside the sandbox, by module and name
                workflow_failure_exception_types=settings.workflow_failure_exceptions,
                build_id=served_build_id(served.workflows, served.activities),
                **spec.tuning.worker_options(),
            )
        if spec.polls_activities_alone:
            # A worker told to serve no activities (activities=[]) does not poll them: another
            # process serves this queue's activities, so exec() must not check them here.
            register_worker_activities(spec.task_queue, _names(served.activities))
        task = asyncio.create_task(worker.run(), name=f"temporal-runtime worker {spec.task_queue}")
        task.add_done_callback(_report_worker_exit)
        return cls(worker, task, spec, served, executor)

    async def stop(self) -> None:
        """Stop polling, give running activities ``graceful_shutdown_timeout`` to finish (then cancel
        them), and wait for the worker's task.

        Failures are logged, not raised: stopping goes on to the server either way.
        """
        if self.spec.polls_activities_alone:
            register_worker_activities(self.task_queue, None)
        try:
            await self.temporal_worker.shutdown()
        except Exception:
            log.exception("temporal-runtime: worker shutdown failed (task queue %r)", self.task_queue)
        try:
            await self._task
        except Exception:
            log.exception("temporal-runtime: worker stopped with an error (task queue %r)", self.task_queue)
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
