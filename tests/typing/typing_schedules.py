"""Static typing of schedules (mypy --strict and pyright strict check this file; it is never run):
``create_schedule`` is typed by the method reference, its options by ``ScheduleOptionsDict``, and the
handle's ``update(arg=...)`` and run handles by the method's argument and result.

``assert_type`` fails type checking if an inferred type drifts; each ``# type: ignore[code]  #
pyright: ignore[rule]`` line is a mistake that must stay an error in both checkers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, assert_type

from pydantic import BaseModel

from temporal_runtime import (
    MethodHandle,
    NoArgs,
    ScheduleAction,
    ScheduleAlreadyExistsError,
    ScheduleDescription,
    ScheduleError,
    ScheduleHandle,
    ScheduleNotFoundError,
    ScheduleOverlap,
    TemporalEngine,
    Workflow,
    wf_signal,
)


class ReportRequest(BaseModel):
    team: str


class Report(BaseModel):
    title: str


class ReportWorkflow(Workflow):
    async def build(self, request: ReportRequest) -> Report:
        return Report(title=request.team)

    async def tick(self) -> int:
        return 1

    async def merge(self, a: int, b: str) -> str:
        return f"{a}{b}"

    @wf_signal()
    def poke(self) -> None:
        pass


async def create(engine: TemporalEngine, request: ReportRequest) -> None:
    schedule = await engine.create_schedule(
        ReportWorkflow.build,
        request,
        schedule_id="nightly",
        cron="0 2 * * *",
        time_zone="Europe/Paris",
        overlap=ScheduleOverlap.BUFFER_ONE,
        paused=False,
        note="nightly report",
        start_at=datetime(2030, 1, 1, tzinfo=UTC),
        end_at=None,
        jitter=timedelta(seconds=30),
        workflow_id="report",
        execution_timeout=600,
        memo={"team": "ops"},
    )
    assert_type(schedule, ScheduleHandle[Report, ReportWorkflow, ReportRequest])
    assert_type(schedule.id, str)
    assert_type(await schedule.describe(), ScheduleDescription)
    assert_type(await schedule.trigger(), None)
    assert_type(await schedule.trigger(overlap=ScheduleOverlap.ALLOW_ALL), None)
    assert_type(await schedule.pause(note="maintenance"), None)
    assert_type(await schedule.unpause(), None)
    assert_type(await schedule.update(every=timedelta(hours=1)), None)
    assert_type(await schedule.update(arg=ReportRequest(team="sales"), cron="0 3 * * *"), None)
    assert_type(
        await schedule.backfill(datetime(2030, 1, 1, tzinfo=UTC), datetime(2030, 1, 2, tzinfo=UTC)), None
    )
    assert_type(await schedule.delete(), None)

    description = await schedule.describe()
    assert_type(description.cron, str | None)
    assert_type(description.every, timedelta | None)
    assert_type(description.overlap, ScheduleOverlap)
    assert_type(description.next_action_times, tuple[datetime, ...])
    assert_type(description.recent_actions, tuple[ScheduleAction, ...])
    assert_type(description.num_actions, int)
    action = description.recent_actions[0]
    assert_type(action.workflow_id, str)
    assert_type(action.started_at, datetime)
    run = schedule.run_handle(action)
    assert_type(run, MethodHandle[Report, ReportWorkflow])
    assert_type(await run.result(), Report)
    assert_type(await schedule.run_handle("report-2030-01-01T02:00:00Z").result(), Report)

    ticking = await engine.create_schedule(ReportWorkflow.tick, schedule_id="tick", every=60)
    assert_type(ticking, ScheduleHandle[int, ReportWorkflow, NoArgs])
    merging = await engine.create_schedule(ReportWorkflow.merge, 1, "x", schedule_id="merge", every=60)
    assert_type(merging, ScheduleHandle[str, ReportWorkflow, tuple[int, str]])
    await merging.update(arg=(2, "y"))

    found = await engine.get_schedule("nightly")
    assert_type(found, ScheduleHandle[Any, Any, Any])
    async for listed in engine.list_schedules():
        assert_type(listed, ScheduleDescription)

    error = ScheduleNotFoundError("gone", schedule_id="nightly")
    assert_type(error.schedule_id, str | None)
    assert isinstance(error, ScheduleError)
    assert not isinstance(error, ScheduleAlreadyExistsError)


async def mistakes(engine: TemporalEngine, request: ReportRequest) -> None:
    schedule = await engine.create_schedule(ReportWorkflow.build, request, schedule_id="s", every=60)
    await schedule.update(arg="not a request")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await schedule.update(every="1h")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await schedule.trigger(overlap="SKIP")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await engine.create_schedule(ReportWorkflow.build, 42, schedule_id="s", every=60)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await engine.create_schedule(ReportWorkflow.build, request, every=60)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
    await engine.create_schedule(ReportWorkflow.build, request, schedule_id="s", cron=5)  # type: ignore[call-overload]  # pyright: ignore[reportArgumentType]
    await engine.create_schedule(ReportWorkflow.build, request, schedule_id="s", evry=60)  # type: ignore[call-overload]  # pyright: ignore[reportCallIssue]
    await engine.create_schedule(ReportWorkflow.poke, schedule_id="s", every=60)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    ticking = await engine.create_schedule(ReportWorkflow.tick, schedule_id="tick", every=60)
    await ticking.update(arg=3)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    run = schedule.run_handle(ScheduleAction)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    del run
