"""Creating, finding and listing schedules over a :class:`WorkflowClient` (the engine's
``create_schedule``, ``get_schedule`` and ``list_schedules`` delegate here)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import temporalio.client
import temporalio.service

from temporal_runtime_core import (
    InvalidOptionError,
    ScheduleDescription,
    ScheduleTiming,
    WorkflowRegistry,
)
from temporal_runtime_workflow import WorkflowDefinition

from ._client import PreparedStart, WorkflowClient
from ._schedule_action import action_of
from ._schedule_convert import description_from_temporal, spec_of, to_temporal_overlap
from ._schedule_errors import raise_schedule_error
from ._schedule_handle import ScheduleHandle

if TYPE_CHECKING:
    from ._schedule_options import ScheduleSettings

__all__ = ["check_schedule_id", "create_schedule", "get_schedule", "list_schedules"]


def check_schedule_id(schedule_id: object) -> str:
    """``schedule_id`` when it is a usable schedule id."""
    if not isinstance(schedule_id, str) or not schedule_id.strip():
        raise InvalidOptionError(
            f"schedule_id must be a non-empty string naming the schedule (e.g. 'nightly-report'), got "
            f"{schedule_id!r}"
        )
    return schedule_id


def _given(timing: ScheduleTiming) -> str:
    parts = [f"cron={timing.cron!r}" if timing.cron is not None else f"every={timing.every!r}"]
    if timing.time_zone is not None:
        parts.append(f"time_zone={timing.time_zone!r}")
    return ", ".join(parts)


async def create_schedule(
    client: WorkflowClient, start: PreparedStart, settings: ScheduleSettings
) -> ScheduleHandle[Any, Any, Any]:
    """Create the schedule ``settings`` describe, taking ``start`` at the times they name."""
    schedule = temporalio.client.Schedule(
        action=action_of(start),
        spec=spec_of(settings.timing),
        policy=temporalio.client.SchedulePolicy(overlap=to_temporal_overlap(settings.overlap)),
        state=temporalio.client.ScheduleState(note=settings.note, paused=settings.paused),
    )
    temporal = client.temporal_client
    try:
        handle = await temporal.create_schedule(settings.schedule_id, schedule)
    except Exception as exc:
        raise_schedule_error(exc, settings.schedule_id, temporal.namespace, given=_given(settings.timing))
    return ScheduleHandle(handle, client, start.definition, start.spec.name)


async def get_schedule(
    client: WorkflowClient, registry: WorkflowRegistry, schedule_id: str
) -> ScheduleHandle[Any, Any, Any]:
    """The handle of the existing schedule ``schedule_id`` (one ``describe`` call, which raises
    :class:`ScheduleNotFoundError` when there is none); typed at run time by the workflow class
    (found in ``registry``) and the entry method its action records."""
    temporal = client.temporal_client
    handle = temporal.get_schedule_handle(check_schedule_id(schedule_id))
    try:
        described = await handle.describe()
    except Exception as exc:
        raise_schedule_error(exc, schedule_id, temporal.namespace)
    description = await description_from_temporal(described)
    found = registry.get(description.workflow_type)
    if isinstance(found, WorkflowDefinition) and description.method in found.entry_methods:
        return ScheduleHandle(handle, client, found, description.method)
    return ScheduleHandle(handle, client)


async def list_schedules(
    client: WorkflowClient, query: str | None = None
) -> AsyncIterator[ScheduleDescription]:
    """The namespace's schedules, described (one ``describe`` call each: the list the server keeps
    lags behind and lacks counts, so each is read afresh; one deleted meanwhile is left out)."""
    temporal = client.temporal_client
    try:
        listing = await temporal.list_schedules(query)
        async for entry in listing:
            try:
                described = await temporal.get_schedule_handle(entry.id).describe()
            except temporalio.service.RPCError as exc:
                if exc.status == temporalio.service.RPCStatusCode.NOT_FOUND:
                    continue
                raise
            yield await description_from_temporal(described)
    except temporalio.service.RPCError as exc:
        if exc.status != temporalio.service.RPCStatusCode.INVALID_ARGUMENT:
            raise
        raise InvalidOptionError(
            f"The server rejected the schedule list query {query!r}: {exc.message}; it takes Temporal's "
            "list filter language, e.g. 'TemporalSchedulePaused = true' (or query=None for all schedules)"
        ) from exc
