"""The worker's build id, recorded by the server with each workflow task it completes, is the one
temporal-runtime computes from the served code (``served_build_id``), not temporalio's hash of every
loaded module."""

from __future__ import annotations

import pytest

from temporal_runtime import TemporalEngine, Workflow
from temporal_runtime_engine._build_id import served_build_id
from temporal_runtime_workflow import definition_of

pytestmark = pytest.mark.integration


class Echo(Workflow):
    async def run(self, text: str) -> str:
        return text


async def test_the_server_records_the_build_id_of_the_served_code(engine: TemporalEngine) -> None:
    handle = await engine.start_workflow(Echo.run, "hi")
    assert await handle.result(timeout=10) == "hi"
    history = await handle.temporal_handle.fetch_history()
    completed = [
        e.workflow_task_completed_event_attributes
        for e in history.events
        if e.HasField("workflow_task_completed_event_attributes")
    ]
    assert completed
    assert {c.worker_version.build_id for c in completed} == {served_build_id([definition_of(Echo)], [])}
