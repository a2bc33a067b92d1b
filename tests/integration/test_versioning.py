"""Versioning, proven on the real dev server: a run started on v1 finishes on the old path after
the worker is replaced by v2 (the change behind ``patched("v2")``), new runs take the new path, and
``assert_replays`` accepts both histories; after ``deprecate_patch`` new histories replay too."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest

from temporal_runtime import TemporalEngine
from temporal_runtime.testing import ReplayError, assert_replays, save_history
from tests.integration.versioning import shipment_unpatched, shipment_v1, shipment_v2, shipment_v3

pytestmark = pytest.mark.integration

type Version = type[shipment_v1.Shipment] | type[shipment_v2.Shipment] | type[shipment_v3.Shipment]


def _engine(address: str, queue: str, module: object) -> TemporalEngine:
    return TemporalEngine(
        url=address,
        task_queue=queue,
        workflow_registry=module.workflows,  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType, reportUnknownArgumentType]
        activity_registry=module.activities,  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType, reportUnknownArgumentType]
        graceful_shutdown_timeout=1,
    )


async def _wait_for_step(engine: TemporalEngine, workflow_id: str) -> None:
    """Wait until the run has completed its step (it then waits for the release signal)."""
    handle = engine.get_handle_for(shipment_v1.Shipment.run, workflow_id)
    for _ in range(200):
        history = await handle.temporal_handle.fetch_history()
        if any(e.HasField("activity_task_completed_event_attributes") for e in history.events):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the step of {workflow_id} did not complete")


async def test_patched_change_old_run_keeps_old_path_new_run_takes_new(
    temporal_address: str, tmp_path: Path
) -> None:
    queue = f"vs-{uuid.uuid4().hex[:12]}"
    async with _engine(temporal_address, queue, shipment_v1) as v1:
        old = await v1.start_workflow(shipment_v1.Shipment.run)
        await _wait_for_step(v1, old.id)
    # The worker is stopped mid-run; the code changes behind patched("v2"); a new worker starts.
    async with _engine(temporal_address, queue, shipment_v2) as v2:
        resumed = v2.get_handle_for(shipment_v2.Shipment.run, old.id)
        await resumed.signal(shipment_v2.Shipment.release)
        assert await asyncio.wait_for(resumed.result(), 30) == "old path"
        new = await v2.start_workflow(shipment_v2.Shipment.run)
        await new.signal(shipment_v2.Shipment.release)
        assert await asyncio.wait_for(new.result(), 30) == "new path"
        old_history = await save_history(v2, old.id, tmp_path / "old.json")
        new_history = await save_history(v2, new.id, tmp_path / "new.json")
    await assert_replays([old_history, new_history], workflows=[shipment_v2.Shipment])

    # The same change without patched() breaks the old run, and the message names the fix.
    with pytest.raises(ReplayError, match=r"patched\("):
        await assert_replays(old_history, workflows=[shipment_unpatched.Shipment])

    # No old-path run is left: v3 deprecates the patch. Histories recorded by v2's new path and by
    # v3 itself replay on v3.
    async with _engine(temporal_address, queue, shipment_v3) as v3:
        latest = await v3.start_workflow(shipment_v3.Shipment.run)
        await latest.signal(shipment_v3.Shipment.release)
        assert await asyncio.wait_for(latest.result(), 30) == "new path"
        latest_history = await save_history(v3, latest.id, tmp_path / "latest.json")
    await assert_replays([new_history, latest_history], workflows=[shipment_v3.Shipment])
