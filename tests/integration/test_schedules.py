"""Schedules on the real dev server: an every-2-seconds schedule starts typed runs with the expected
ids; pause stops it, trigger and backfill start runs, update changes its interval and argument, delete
removes it; list_schedules finds it; bad timings and missing schedules are our errors; a schedule
survives a restart of the embedded server with ``local_db_path``."""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
import zoneinfo
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    IdConflictPolicy,
    InvalidArgumentsError,
    InvalidOptionError,
    ScheduleAlreadyExistsError,
    ScheduleDescription,
    ScheduleHandle,
    ScheduleNotFoundError,
    ScheduleOverlap,
    TemporalEngine,
    Workflow,
)
from temporal_runtime.testing import select_registries

pytestmark = pytest.mark.integration


class ReportRequest(BaseModel):
    team: str


class Report(BaseModel):
    title: str
    workflow_id: str


class ScheduledReport(Workflow):
    async def build(self, request: ReportRequest) -> Report:
        return Report(title=f"report for {request.team}", workflow_id=self.workflow_id)


async def _until[T](probe: Callable[[], Awaitable[T]], done: Callable[[T], bool], timeout: float = 30) -> T:
    """Poll ``probe`` every 0.2 s until ``done`` holds for its value; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if done(value):
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"not reached within {timeout} s; last value: {value!r}")
        await asyncio.sleep(0.2)


def _ids() -> tuple[str, str]:
    tag = uuid.uuid4().hex[:8]
    return f"sched-{tag}", f"report-{tag}"


async def _listed_ids(engine: TemporalEngine, query: str) -> list[str]:
    return [description.id async for description in engine.list_schedules(query=query)]


async def _listed(engine: TemporalEngine, schedule_id: str) -> ScheduleDescription | None:
    async for description in engine.list_schedules():
        if description.id == schedule_id:
            return description
    return None


async def test_a_schedule_runs_pauses_triggers_backfills_updates_and_is_deleted(
    engine: TemporalEngine,
) -> None:
    schedule_id, prefix = _ids()
    schedule = await engine.create_schedule(
        ScheduledReport.build,
        ReportRequest(team="ops"),
        schedule_id=schedule_id,
        every=timedelta(seconds=2),
        workflow_id=prefix,
        execution_timeout=60,
    )
    try:
        assert schedule.id == schedule_id
        # at least two runs, each with the prefix and its due time as id, each with a typed result
        described = await _until(schedule.describe, lambda d: d.num_actions >= 2)
        assert (described.every, described.cron, described.time_zone) == (timedelta(seconds=2), None, None)
        assert (described.workflow_type, described.method) == ("ScheduledReport", "build")
        assert (described.workflow_id, described.task_queue) == (prefix, engine.task_queue)
        assert (described.paused, described.overlap) == (False, ScheduleOverlap.SKIP)
        assert described.next_action_times
        assert described.next_action_times[0].tzinfo is not None
        first, second = described.recent_actions[:2]
        for action in (first, second):
            assert action.workflow_id == f"{prefix}-{action.scheduled_at:%Y-%m-%dT%H:%M:%SZ}"
            assert action.run_id
            report = await schedule.run_handle(action).result(timeout=20)
            assert report == Report(title="report for ops", workflow_id=action.workflow_id)
        typed = engine.get_handle_for(ScheduledReport.build, first.workflow_id)
        assert isinstance(await typed.result(timeout=20), Report)
        # every 2 s on the schedule's grid; under load a due time can be skipped (overlap SKIP: the
        # previous run had not finished), so consecutive actions are a whole number of periods apart
        gap = second.scheduled_at - first.scheduled_at
        assert gap >= timedelta(seconds=2)
        assert gap % timedelta(seconds=2) == timedelta(0)

        listed = await _until(lambda: _listed(engine, schedule_id), lambda d: d is not None)
        assert listed is not None
        assert (listed.method, listed.every) == ("build", timedelta(seconds=2))

        # paused: no more runs, however long one waits past the interval
        await schedule.pause(note="maintenance")
        paused = await schedule.describe()
        assert (paused.paused, paused.note) == (True, "maintenance")
        await asyncio.sleep(2.5)
        assert (await schedule.describe()).num_actions == paused.num_actions

        # trigger: one run now, even while paused
        await schedule.trigger()
        triggered = await _until(schedule.describe, lambda d: d.num_actions == paused.num_actions + 1)
        await schedule.run_handle(triggered.recent_actions[-1]).result(timeout=20)

        # update: a new interval and a new argument for the runs to come
        await schedule.update(every=timedelta(hours=1), arg=ReportRequest(team="sales"))
        updated = await schedule.describe()
        assert updated.every == timedelta(hours=1)
        await schedule.unpause(note="back")
        assert (await schedule.describe()).note == "back"
        await schedule.trigger()
        after_update = await _until(schedule.describe, lambda d: d.num_actions == triggered.num_actions + 1)
        report = await schedule.run_handle(after_update.recent_actions[-1]).result(timeout=20)
        assert report.title == "report for sales"

        # backfill with ALLOW_ALL: one run per due time in the range, named after that time
        hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        start, end = hour - timedelta(hours=4, minutes=30), hour - timedelta(hours=1, minutes=30)
        await schedule.backfill(start, end)
        due = [hour - timedelta(hours=h) for h in (4, 3, 2)]
        backfilled = await _until(schedule.describe, lambda d: d.num_actions == after_update.num_actions + 3)
        assert [a.workflow_id for a in backfilled.recent_actions[-3:]] == [
            f"{prefix}-{t:%Y-%m-%dT%H:%M:%SZ}" for t in due
        ]
        results = [await schedule.run_handle(a).result(timeout=20) for a in backfilled.recent_actions[-3:]]
        assert {r.title for r in results} == {"report for sales"}
    finally:
        await schedule.delete()

    # deleted: every call names the schedule and how to list them
    with pytest.raises(ScheduleNotFoundError, match=rf"{schedule_id}.*list_schedules") as caught:
        await schedule.describe()
    assert caught.value.schedule_id == schedule_id
    with pytest.raises(ScheduleNotFoundError):
        await schedule.trigger()
    with pytest.raises(ScheduleNotFoundError):
        await engine.get_schedule(schedule_id)


async def test_cron_schedules_read_back_and_wrong_options_are_our_errors(engine: TemporalEngine) -> None:
    schedule_id, _ = _ids()
    schedule = await engine.create_schedule(
        ScheduledReport.build,
        ReportRequest(team="ops"),
        schedule_id=schedule_id,
        cron="0 2 * * 1-5",
        time_zone="Europe/Paris",
        paused=True,
        note="created paused",
        jitter=timedelta(seconds=30),
        end_at=datetime(2099, 1, 1, tzinfo=UTC),
    )
    try:
        described = await schedule.describe()
        assert (described.cron, described.every, described.time_zone) == ("0 2 * * 1-5", None, "Europe/Paris")
        assert (described.paused, described.note) == (True, "created paused")
        assert described.jitter == timedelta(seconds=30)
        assert described.end_at == datetime(2099, 1, 1, tzinfo=UTC)
        paris = [t.astimezone(zoneinfo.ZoneInfo("Europe/Paris")) for t in described.next_action_times]
        assert paris
        assert all((t.hour, t.minute) == (2, 0) and t.isoweekday() <= 5 for t in paris)

        # list_schedules takes Temporal's list filter; a wrong one is an InvalidOptionError
        paused_ids = await _until(
            lambda: _listed_ids(engine, "TemporalSchedulePaused = true"), lambda ids: schedule_id in ids
        )
        assert schedule_id in paused_ids
        with pytest.raises(InvalidOptionError, match="list query 'NoSuchField = 1'"):
            await _listed_ids(engine, "NoSuchField = 1")

        # an existing schedule found by id types its runs at run time; update takes a cron too
        found: ScheduleHandle[Any, Any, Any] = await engine.get_schedule(schedule_id)
        await found.update(cron="*/15 9-17 * * *", overlap=ScheduleOverlap.BUFFER_ONE)
        changed = await found.describe()
        assert (changed.cron, changed.time_zone, changed.overlap) == (
            "*/15 9-17 * * *",
            "Europe/Paris",
            ScheduleOverlap.BUFFER_ONE,
        )
        with pytest.raises(InvalidOptionError, match=r"61 \* \* \* \*.*Minute"):
            await found.update(cron="61 * * * *")
        with pytest.raises(InvalidArgumentsError, match="team"):
            await found.update(arg={"team": 42})
        assert (await found.describe()).cron == "*/15 9-17 * * *"  # neither failed update changed it

        with pytest.raises(ScheduleAlreadyExistsError, match=schedule_id):
            await engine.create_schedule(
                ScheduledReport.build, ReportRequest(team="x"), schedule_id=schedule_id, every=60
            )
    finally:
        await schedule.delete()

    with pytest.raises(ScheduleNotFoundError, match="no-such-schedule"):
        await engine.get_schedule("no-such-schedule")

    def create(**options: Any) -> Awaitable[object]:
        return engine.create_schedule(
            ScheduledReport.build, ReportRequest(team="x"), schedule_id=f"{schedule_id}-bad", **options
        )

    # the server's rejection of a cron expression is an InvalidOptionError naming it
    with pytest.raises(InvalidOptionError, match=r"cron='61 \* \* \* \*'.*Minute is not in range"):
        await create(cron="61 * * * *")
    with pytest.raises(InvalidOptionError, match="Mars/Olympus"):
        await create(cron="0 2 * * *", time_zone="Mars/Olympus")
    with pytest.raises(InvalidOptionError, match="neither cron nor every"):
        await create()
    with pytest.raises(InvalidOptionError, match="both cron and every"):
        await create(cron="0 2 * * *", every=60)
    with pytest.raises(InvalidOptionError, match="shorter than a second"):
        await create(every=timedelta(milliseconds=500))
    with pytest.raises(InvalidOptionError, match="workflow_id="):
        await create(every=60, id="one-run")
    with pytest.raises(InvalidOptionError, match="id_conflict_policy"):
        await create(every=60, id_conflict_policy=IdConflictPolicy.USE_EXISTING)
    with pytest.raises(InvalidOptionError, match="start_delay"):
        await create(every=60, start_delay=5)
    with pytest.raises(InvalidOptionError, match="Unknown start option"):
        await create(every=60, colour="blue")
    with pytest.raises(InvalidOptionError, match="has 4 fields"):
        await create(cron="0 2 * *")
    # nothing of these was created
    assert await _listed(engine, f"{schedule_id}-bad") is None


def _own() -> dict[str, Any]:
    """An embedded server of its own, serving this module's workflows alone."""
    workflows, activities = select_registries([sys.modules[__name__]])
    return {
        "task_queue": "sched-persist",
        "headless": True,
        "workflow_registry": workflows,
        "activity_registry": activities,
    }


async def test_a_schedule_survives_a_restart_of_the_embedded_server(tmp_path: Path) -> None:
    db = tmp_path / "temporal.sqlite"
    schedule_id, prefix = _ids()
    async with TemporalEngine(local_db_path=db, **_own()) as engine:
        schedule = await engine.create_schedule(
            ScheduledReport.build,
            ReportRequest(team="night"),
            schedule_id=schedule_id,
            every=2,
            workflow_id=prefix,
        )
        before = await _until(schedule.describe, lambda d: d.num_actions >= 1)
    async with TemporalEngine(local_db_path=db, **_own()) as engine:
        found = await engine.get_schedule(schedule_id)
        after = await _until(found.describe, lambda d: d.num_actions > before.num_actions)
        latest = after.recent_actions[-1]
        assert latest.workflow_id.startswith(f"{prefix}-")
        assert latest.started_at > before.recent_actions[-1].started_at
        report = await found.run_handle(latest).result(timeout=20)
        assert report == Report(title="report for night", workflow_id=latest.workflow_id)
        await found.delete()
