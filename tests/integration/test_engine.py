"""TemporalEngine: the embedded local server, persistence across restarts, connection errors."""

from __future__ import annotations

import asyncio
import sysconfig
import time
import uuid
from pathlib import Path

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    EngineConnectionError,
    EngineError,
    LocalServerError,
    TemporalEngine,
    Workflow,
    WorkflowStatus,
    wf_signal,
)
from temporal_runtime_engine import _local_server, free_port

pytestmark = pytest.mark.integration


class Ticket(BaseModel):
    ticket_id: str


class TicketWorkflow(Workflow):
    def __init__(self) -> None:
        self._closed_by: str | None = None

    @wf_signal("close")
    async def close(self, by: str) -> None:
        self._closed_by = by

    async def handle(self, ticket: Ticket) -> str:
        await self.wait_until(lambda: self._closed_by is not None)
        return f"{ticket.ticket_id} closed by {self._closed_by}"


async def test_embedded_server_runs_workflows_and_stops() -> None:
    engine = TemporalEngine(task_queue="embedded", headless=True)
    async with engine:
        handle = await TicketWorkflow.client(engine).async_.handle(Ticket(ticket_id="T-1"))
        await handle.signal("close", "ada")
        assert await handle.result(timeout=20) == "T-1 closed by ada"
        assert engine.ui_url is None
    assert not engine.started


async def test_embedded_server_logs_web_ui_address(caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()
    engine = TemporalEngine(task_queue="embedded-ui", ui_port=port)
    with caplog.at_level("INFO", logger="temporal_runtime"):
        async with engine:
            assert engine.ui_url == f"http://127.0.0.1:{port}"
    assert f"http://127.0.0.1:{port}" in caplog.text


async def test_sqlite_state_survives_an_engine_restart(tmp_path: Path) -> None:
    db = tmp_path / "state" / "temporal.sqlite"
    workflow_id = f"ticket-{uuid.uuid4().hex[:8]}"
    async with TemporalEngine(task_queue="persist", headless=True, local_db_path=db) as engine:
        await engine.start_method(TicketWorkflow, "handle", Ticket(ticket_id="T-2"), workflow_id=workflow_id)
        assert await engine.get_status(workflow_id) is WorkflowStatus.RUNNING
    assert db.exists()
    async with TemporalEngine(task_queue="persist", headless=True, local_db_path=db) as engine:
        assert await engine.get_status(workflow_id) is WorkflowStatus.RUNNING
        await engine.signal(workflow_id, "close", "grace")
        assert await engine.get_result(workflow_id, timeout_seconds=20) == "T-2 closed by grace"


def test_missing_server_binary_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(_local_server.SERVER_BINARY_ENV, raising=False)
    monkeypatch.setattr(sysconfig, "get_path", lambda name: str(tmp_path))
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(LocalServerError, match=r"temporal-runtime\[local\]"):
        _local_server.find_server_binary()


async def test_bad_server_binary_setting_fails_fast(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(_local_server.SERVER_BINARY_ENV, str(tmp_path / "nope"))
    with pytest.raises(LocalServerError, match="not an executable"):
        await TemporalEngine(task_queue="x").start()


async def test_unreachable_server_fails_within_seconds() -> None:
    engine = TemporalEngine(url=f"127.0.0.1:{free_port()}", task_queue="x", connect_timeout=3)
    started = time.monotonic()
    with pytest.raises(EngineConnectionError, match=r"127\.0\.0\.1"):
        await engine.start()
    assert time.monotonic() - started < 10
    assert not engine.started


async def test_unknown_namespace_is_a_connection_error(temporal_address: str) -> None:
    engine = TemporalEngine(url=temporal_address, namespace="no-such-namespace", task_queue="x")
    with pytest.raises(EngineConnectionError, match="no-such-namespace"):
        await asyncio.wait_for(engine.start(), 15)


async def test_worker_with_nothing_registered_is_refused(temporal_address: str) -> None:
    from temporal_runtime import Registry

    engine = TemporalEngine(
        url=temporal_address,
        task_queue="empty",
        workflow_registry=Registry("workflow"),
        activity_registry=Registry("activity"),
    )
    with pytest.raises(EngineError, match="start_worker=False"):
        await engine.start()
    assert not engine.started


async def test_client_only_engine_starts_workflows_served_elsewhere(
    temporal_address: str, engine: TemporalEngine
) -> None:
    async with TemporalEngine(
        url=temporal_address, task_queue=engine.task_queue, start_worker=False
    ) as client:
        handle = await TicketWorkflow.client(client).async_.handle(Ticket(ticket_id="T-3"))
        await handle.signal("close", "linus")
        assert await handle.result(timeout=20) == "T-3 closed by linus"
