"""Static typing checks of worker subsets, extra task queues, worker tuning and the test server's
clock (checked by mypy and pyright, never run).

``assert_type`` fails type checking if an inferred type drifts; the ``# type: ignore`` /
``# pyright: ignore`` lines are negative cases that must stay errors for both checkers (an ignore
that is no longer needed is itself an error).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import assert_type

from pydantic import BaseModel

from temporal_runtime import TemporalEngine, Workflow, activity_def


class Clip(BaseModel):
    url: str


@activity_def("typing_workers.transcode", Args=Clip)
async def transcode(clip: Clip) -> str:
    return clip.url


class Mailer:
    @activity_def("typing_workers.send", Args=str)
    async def send(self, to: str) -> bool:
        return bool(to)


class MediaWorkflow(Workflow):
    async def run(self, clip: Clip) -> str:
        return await self.exec(transcode, clip, timeout=60, task_queue="gpu-host-7")


def subsets() -> None:
    engine = TemporalEngine(
        task_queue="media",
        workflows=[MediaWorkflow],
        activities=[],
        activity_instances=[Mailer()],
        max_concurrent_workflow_tasks=20,
        max_cached_workflows=100,
        max_concurrent_activities=4,
        graceful_shutdown_timeout=timedelta(seconds=30),
        activity_threads=4,
    )
    assert_type(
        engine.add_worker(
            "gpu-host-7",
            activities=[transcode, Mailer.send, Mailer().send],
            max_concurrent_activities=1,
            max_concurrent_workflow_tasks=2,
            max_cached_workflows=0,
            graceful_shutdown_timeout=60,
            activity_threads=1,
        ),
        None,
    )
    engine.add_worker("media-slow", workflows=[MediaWorkflow])
    assert_type(engine.task_queues, tuple[str, ...])

    TemporalEngine(workflows=[transcode])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    TemporalEngine(activities=[MediaWorkflow])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    TemporalEngine(workflows=[MediaWorkflow()])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    TemporalEngine(max_cached_workflows="100")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    TemporalEngine(max_concurrent_workflow_tasks=2.5)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    engine.add_worker("q", activities=[MediaWorkflow])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    engine.add_worker("q", max_concurrent_activities="1")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    engine.add_worker("q", graceful_shutdown_timeout="1m")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    engine.add_worker(task_queue=None)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    engine.add_worker("q", [transcode])  # type: ignore[call-arg, list-item]  # pyright: ignore[reportCallIssue]


async def clock(engine: TemporalEngine) -> None:
    assert_type(await engine.advance_time(timedelta(days=90)), None)
    assert_type(await engine.advance_time(3600), None)
    assert_type(await engine.now(), datetime)
    await engine.advance_time("90d")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    when: datetime = engine.now()  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]  # not awaited
    assert when
