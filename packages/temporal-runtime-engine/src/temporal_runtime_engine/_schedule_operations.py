"""The schedules ``TemporalEngine`` offers: ``create_schedule`` (typed by the entry method it runs),
``get_schedule`` and ``list_schedules``. Each delegates to the client layer (``_schedules``); they live
apart from the engine's lifecycle so that each file holds one concept.

A schedule's action is the same start as ``engine.start_workflow(Wf.method, arg, **options)``: the
arguments are validated here, sent in the ``{"method", "kwargs"}`` envelope with the entry method in
the memo, on the engine's task queue by default; so its runs decode and type like any other run
(``schedule.run_handle(action)`` is a ``MethodHandle[R, Wf]``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Unpack, overload

from temporal_runtime_client import (
    ScheduleDescription,
    ScheduleHandle,
    ScheduleOptionsDict,
    ScheduleSettings,
    WorkflowClient,
    create_schedule,
    get_schedule,
    list_schedules,
    prepare_scheduled_start,
    resolve_entry,
)
from temporal_runtime_core import NoArgs, WorkflowRegistry
from temporal_runtime_workflow import Workflow

__all__ = ["ScheduleOperations"]


class ScheduleOperations(ABC):
    """Create, find and list schedules through :attr:`client` (implemented by ``TemporalEngine``)."""

    __slots__ = ()

    @property
    @abstractmethod
    def client(self) -> WorkflowClient:
        """The workflow client the operations go through."""

    @property
    @abstractmethod
    def workflow_registry(self) -> WorkflowRegistry:
        """The workflows this engine knows, by name (to type the handle of an existing schedule)."""

    @overload
    async def create_schedule[W: Workflow, R](
        self,
        method: Callable[[W], Awaitable[R]],
        /,
        **options: Unpack[ScheduleOptionsDict],
    ) -> ScheduleHandle[R, W, NoArgs]: ...
    @overload
    async def create_schedule[W: Workflow, A1, R](
        self,
        method: Callable[[W, A1], Awaitable[R]],
        a1: A1,
        /,
        **options: Unpack[ScheduleOptionsDict],
    ) -> ScheduleHandle[R, W, A1]: ...
    @overload
    async def create_schedule[W: Workflow, A1, A2, R](
        self,
        method: Callable[[W, A1, A2], Awaitable[R]],
        a1: A1,
        a2: A2,
        /,
        **options: Unpack[ScheduleOptionsDict],
    ) -> ScheduleHandle[R, W, tuple[A1, A2]]: ...
    @overload
    async def create_schedule[W: Workflow, A1, A2, A3, R](
        self,
        method: Callable[[W, A1, A2, A3], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        /,
        **options: Unpack[ScheduleOptionsDict],
    ) -> ScheduleHandle[R, W, tuple[A1, A2, A3]]: ...
    @overload
    async def create_schedule[W: Workflow, A1, A2, A3, A4, R](
        self,
        method: Callable[[W, A1, A2, A3, A4], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        a4: A4,
        /,
        **options: Unpack[ScheduleOptionsDict],
    ) -> ScheduleHandle[R, W, tuple[A1, A2, A3, A4]]: ...
    @overload
    async def create_schedule[W: Workflow, A1, A2, A3, A4, A5, R](
        self,
        method: Callable[[W, A1, A2, A3, A4, A5], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        a4: A4,
        a5: A5,
        /,
        **options: Unpack[ScheduleOptionsDict],
    ) -> ScheduleHandle[R, W, tuple[A1, A2, A3, A4, A5]]: ...
    @overload
    async def create_schedule[W: Workflow, A1, A2, A3, A4, A5, A6, R](
        self,
        method: Callable[[W, A1, A2, A3, A4, A5, A6], Awaitable[R]],
        a1: A1,
        a2: A2,
        a3: A3,
        a4: A4,
        a5: A5,
        a6: A6,
        /,
        **options: Unpack[ScheduleOptionsDict],
    ) -> ScheduleHandle[R, W, tuple[A1, A2, A3, A4, A5, A6]]: ...
    async def create_schedule(
        self, method: Callable[..., Awaitable[Any]], /, *args: Any, **options: Any
    ) -> ScheduleHandle[Any, Any, Any]:
        """Create a schedule that starts ``method`` (e.g. ``ReportWorkflow.nightly``) with ``args`` at
        the times ``cron=`` or ``every=`` names, and return its handle: ``ScheduleHandle[R, Wf, A]``.

        Options: ``schedule_id`` (required), ``cron``/``time_zone`` or ``every``, ``overlap`` (default
        ``ScheduleOverlap.SKIP``), ``paused``, ``note``, ``start_at``, ``end_at``, ``jitter``,
        ``workflow_id`` (the prefix of the runs' ids; default the schedule id), and the start options
        of each run (``StartOptionsDict``: timeouts, retry policy, memo, task queue, ...). A wrong
        option (a bad cron expression or interval, both or neither of them) raises
        :class:`InvalidOptionError`; a taken id :class:`ScheduleAlreadyExistsError`.
        """
        workflow, name = resolve_entry(method)
        settings = ScheduleSettings.of(options)
        start = prepare_scheduled_start(
            self.client,
            workflow,
            name,
            args,
            workflow_id=settings.workflow_id,
            options=settings.start_options,
        )
        return await create_schedule(self.client, start, settings)

    async def get_schedule(self, schedule_id: str) -> ScheduleHandle[Any, Any, Any]:
        """The handle of schedule ``schedule_id`` (one ``describe`` call); :class:`ScheduleNotFoundError`
        when there is none. Its runs' handles are typed at run time when this process defines the
        workflow; ``create_schedule``'s handle is the statically typed one."""
        return await get_schedule(self.client, self.workflow_registry, schedule_id)

    def list_schedules(self, query: str | None = None) -> AsyncIterator[ScheduleDescription]:
        """Every schedule of the namespace (or those matching ``query``, Temporal's list filter), as
        :class:`ScheduleDescription`: ``async for schedule in engine.list_schedules(): ...``. The server's
        list is eventually consistent: a schedule created a moment ago may be missing for a second."""
        return list_schedules(self.client, query)
