"""Eager workflow start: a start from an engine whose own worker serves the run's task queue gets
its first workflow task back in the start response (the dev server enables eager start), and every
other start goes through the task queue as before."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from temporal_runtime import MethodHandle, TemporalEngine, Workflow
from temporal_runtime.testing import TemporalTestServer

pytestmark = pytest.mark.integration


class Doubler(Workflow):
    async def run(self, n: int) -> int:
        return n * 2


def _eagerly_started(handle: MethodHandle[object]) -> bool:
    """What the server answered: temporalio records whether the start response carried the first
    workflow task (an attribute it sets by this literal name on the handle)."""
    started: bool = getattr(handle.temporal_handle, "__temporal_eagerly_started")
    return started


async def test_a_start_served_by_the_engines_own_worker_is_eager(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(Doubler.run, 21)
    assert _eagerly_started(handle)
    assert await handle.result(timeout=10) == 42


async def test_a_delayed_start_is_not_eager(engine: TemporalEngine) -> None:
    handle = await Doubler.client(engine).options(start_delay=timedelta(milliseconds=10)).async_.run(4)
    assert not _eagerly_started(handle)
    assert await handle.result(timeout=10) == 8


async def test_a_start_for_a_worker_elsewhere_goes_through_the_task_queue(
    temporal_server: TemporalTestServer, engine: TemporalEngine
) -> None:
    async with temporal_server.engine(engine.task_queue, start_worker=False) as caller:
        handle = await caller.start_workflow(Doubler.run, 5, id=f"eager-{uuid.uuid4().hex[:8]}")
        assert not _eagerly_started(handle)
        assert await handle.result(timeout=10) == 10  # served by `engine`'s worker, through a poll
