"""Schedules between our plain types and temporalio's: the overlap policy, the spec built from a
:class:`ScheduleTiming`, and temporalio's ``ScheduleDescription`` turned into core's
:class:`ScheduleDescription`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import temporalio.api.common.v1
import temporalio.client
import temporalio.converter

from temporal_runtime_core import (
    InvalidOptionError,
    ScheduleAction,
    ScheduleDescription,
    ScheduleOverlap,
    ScheduleTiming,
    cron_from_calendar,
)

from ._options import METHOD_MEMO_KEY

__all__ = [
    "AnyScheduleOverlap",
    "description_from_temporal",
    "overlap_from_temporal",
    "spec_of",
    "to_temporal_overlap",
]

type AnyScheduleOverlap = ScheduleOverlap | temporalio.client.ScheduleOverlapPolicy
"""Our overlap policy, or temporalio's (accepted too, for code moving over)."""

_POLICIES: Final = {
    overlap: temporalio.client.ScheduleOverlapPolicy[overlap.name] for overlap in ScheduleOverlap
}


def to_temporal_overlap(value: object, option: str = "overlap") -> temporalio.client.ScheduleOverlapPolicy:
    """temporalio's policy for ``value`` (ours or temporalio's)."""
    if isinstance(value, temporalio.client.ScheduleOverlapPolicy):
        return value
    if isinstance(value, ScheduleOverlap):
        return _POLICIES[value]
    raise InvalidOptionError(
        f"{option} must be a ScheduleOverlap (e.g. ScheduleOverlap.SKIP), got {type(value).__name__} "
        f"{value!r}; the policies are {', '.join(o.name for o in ScheduleOverlap)}"
    )


def overlap_from_temporal(policy: temporalio.client.ScheduleOverlapPolicy) -> ScheduleOverlap:
    """Our policy for temporalio's (the server's default, SKIP, for one this version does not know)."""
    return ScheduleOverlap.__members__.get(policy.name, ScheduleOverlap.SKIP)


def spec_of(timing: ScheduleTiming) -> temporalio.client.ScheduleSpec:
    """temporalio's spec for ``timing``."""
    return temporalio.client.ScheduleSpec(
        cron_expressions=[timing.cron] if timing.cron is not None else [],
        intervals=[temporalio.client.ScheduleIntervalSpec(every=timing.every)] if timing.every else [],
        time_zone_name=timing.time_zone,
        start_at=timing.start_at,
        end_at=timing.end_at,
        jitter=timing.jitter,
    )


def _ranges(ranges: Sequence[temporalio.client.ScheduleRange]) -> tuple[tuple[int, int, int], ...]:
    return tuple((r.start, r.end, r.step) for r in ranges)


def _cron(spec: temporalio.client.ScheduleSpec) -> str | None:
    """The schedule's calendar as a cron expression (the server keeps the calendar, not the text)."""
    if spec.cron_expressions:
        return spec.cron_expressions[0]
    if not spec.calendars:
        return None
    calendar = spec.calendars[0]
    return cron_from_calendar(
        second=_ranges(calendar.second),
        minute=_ranges(calendar.minute),
        hour=_ranges(calendar.hour),
        day_of_month=_ranges(calendar.day_of_month),
        month=_ranges(calendar.month),
        day_of_week=_ranges(calendar.day_of_week),
        year=_ranges(calendar.year),
    )


async def _method(
    action: temporalio.client.ScheduleActionStartWorkflow, converter: temporalio.converter.DataConverter
) -> str | None:
    """The entry method the action's runs execute, from the memo temporal-runtime records."""
    memo: Any = action.memo or {}
    value = memo.get(METHOD_MEMO_KEY)
    if isinstance(value, temporalio.api.common.v1.Payload):
        [value] = await converter.decode([value])
    return value if isinstance(value, str) else None


async def description_from_temporal(described: temporalio.client.ScheduleDescription) -> ScheduleDescription:
    """Our description of ``described`` (its memo decoded with the description's data converter)."""
    schedule = described.schedule
    spec = schedule.spec
    action = schedule.action
    info = described.info
    start = action if isinstance(action, temporalio.client.ScheduleActionStartWorkflow) else None
    return ScheduleDescription(
        id=described.id,
        workflow_type=start.workflow if start is not None else "",
        method=await _method(start, described.data_converter) if start is not None else None,
        cron=_cron(spec),
        every=spec.intervals[0].every if spec.intervals else None,
        time_zone=spec.time_zone_name,
        start_at=spec.start_at,
        end_at=spec.end_at,
        jitter=spec.jitter,
        overlap=overlap_from_temporal(schedule.policy.overlap),
        paused=schedule.state.paused,
        note=schedule.state.note,
        workflow_id=start.id if start is not None else "",
        task_queue=start.task_queue if start is not None else "",
        next_action_times=tuple(info.next_action_times),
        recent_actions=tuple(
            ScheduleAction(
                workflow_id=result.action.workflow_id,
                run_id=result.action.first_execution_run_id,
                scheduled_at=result.scheduled_at,
                started_at=result.started_at,
            )
            for result in info.recent_actions
            if isinstance(result.action, temporalio.client.ScheduleActionExecutionStartWorkflow)
        ),
        running_workflow_ids=tuple(
            running.workflow_id
            for running in info.running_actions
            if isinstance(running, temporalio.client.ScheduleActionExecutionStartWorkflow)
        ),
        num_actions=info.num_actions,
        created_at=info.created_at,
    )
