"""``engine.serve()`` ends, with the engine stopped and an EngineError, when a worker stops by itself:
a worker process must exit (so its supervisor restarts it) rather than stay alive serving nothing."""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid

import pytest
from pydantic import BaseModel

from temporal_runtime import EngineError, TemporalEngine, Workflow
from temporal_runtime.testing import select_registries

pytestmark = pytest.mark.integration


class Ping(BaseModel):
    text: str


class LostWorkerWorkflow(Workflow):
    async def run(self, ping: Ping) -> str:
        return ping.text


async def _serving(address: str) -> tuple[TemporalEngine, asyncio.Task[None]]:
    """An engine serving this module's workflow through ``serve()``, once it has started."""
    workflows, activities = select_registries([sys.modules[__name__]])
    engine = TemporalEngine(
        url=address,
        task_queue=f"lost-{uuid.uuid4().hex[:8]}",
        workflow_registry=workflows,
        activity_registry=activities,
        graceful_shutdown_timeout=0,
    )
    serving = asyncio.create_task(engine.serve())
    for _ in range(200):
        if engine.started:
            return engine, serving
        await asyncio.sleep(0.05)
    raise AssertionError("engine.serve() did not start the engine within 10 s")


async def test_serve_stops_and_raises_when_a_worker_stops_by_itself(
    temporal_address: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine, serving = await _serving(temporal_address)
    assert await engine.execute_workflow(LostWorkerWorkflow.run, Ping(text="up")) == "up"
    assert not serving.done()

    # Stop the temporalio worker behind the engine's back, as a fatal polling error would.
    await engine._workers[0].temporal_worker.shutdown()  # pyright: ignore[reportPrivateUsage]

    with caplog.at_level(logging.ERROR, "temporal_runtime"), pytest.raises(EngineError) as caught:
        await asyncio.wait_for(serving, 20)
    message = str(caught.value)
    assert f"task queue {engine.task_queue!r} stopped by itself" in message
    assert "restart the process" in message
    assert not engine.started
    assert any("stopped by itself" in record.getMessage() for record in caplog.records)


async def test_serve_without_a_lost_worker_still_ends_on_cancellation(temporal_address: str) -> None:
    engine, serving = await _serving(temporal_address)
    serving.cancel()
    with pytest.raises(asyncio.CancelledError):
        await serving
    assert not engine.started
