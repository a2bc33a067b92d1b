"""TemporalEngine: the embedded local server, persistence across restarts, connection errors."""

from __future__ import annotations

import asyncio
import importlib
import sys
import sysconfig
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    EngineConnectionError,
    EngineError,
    LocalServerError,
    Registry,
    TemporalEngine,
    Workflow,
    WorkflowStatus,
    wf_signal,
)
from temporal_runtime.testing import select_registries
from temporal_runtime_engine import (
    RuntimePayloadConverter,
    RuntimePlugin,
    _local_server,  # pyright: ignore[reportPrivateUsage]
    find_server_binary,
    free_port,
    launch_dev_server,
)

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


def own() -> dict[str, Any]:
    """Registries with only this module's definitions: an engine built here serves those alone
    (serving everything the suite has imported would make its worker start slow and unrelated)."""
    workflows, activities = select_registries([sys.modules[__name__]])
    return {"workflow_registry": workflows, "activity_registry": activities}


async def test_embedded_server_runs_workflows_and_stops() -> None:
    engine = TemporalEngine(task_queue="embedded", headless=True, **own())
    async with engine:
        handle = await TicketWorkflow.client(engine).async_.handle(Ticket(ticket_id="T-1"))
        await handle.signal("close", "ada")
        assert await handle.result(timeout=20) == "T-1 closed by ada"
        assert engine.ui_url is None
    assert not engine.started


async def test_embedded_server_logs_web_ui_address(caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()
    engine = TemporalEngine(task_queue="embedded-ui", ui_port=port, **own())
    with caplog.at_level("INFO", logger="temporal_runtime"):
        async with engine:
            assert engine.ui_url == f"http://127.0.0.1:{port}"
    assert f"http://127.0.0.1:{port}" in caplog.text


async def test_sqlite_state_survives_an_engine_restart(tmp_path: Path) -> None:
    db = tmp_path / "state" / "temporal.sqlite"
    workflow_id = f"ticket-{uuid.uuid4().hex[:8]}"
    async with TemporalEngine(task_queue="persist", headless=True, local_db_path=db, **own()) as engine:
        await engine.start_method(TicketWorkflow, "handle", Ticket(ticket_id="T-2"), workflow_id=workflow_id)
        assert await engine.get_status(workflow_id) is WorkflowStatus.RUNNING
    assert db.exists()
    async with TemporalEngine(task_queue="persist", headless=True, local_db_path=db, **own()) as engine:
        assert await engine.get_status(workflow_id) is WorkflowStatus.RUNNING
        await engine.signal(workflow_id, "close", "grace")
        assert await engine.get_result(workflow_id, timeout_seconds=20) == "T-2 closed by grace"


def test_missing_server_binary_names_the_extra(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(_local_server.SERVER_BINARY_ENV, raising=False)

    def get_path(name: str) -> str:
        return str(tmp_path)

    def which(name: str) -> None:
        return None

    monkeypatch.setattr(sysconfig, "get_path", get_path)
    monkeypatch.setattr("shutil.which", which)
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


# --- the embedded servers' banner ----------------------------------------------------------------


async def _wait_for_stdout(capfd: pytest.CaptureFixture[str], text: str, timeout: float) -> float:
    started = time.monotonic()
    seen = ""
    while text not in seen:
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{text!r} never reached stdout; got {seen!r}")
        await asyncio.sleep(0.1)
        seen += capfd.readouterr().out
    return time.monotonic() - started


async def test_embedded_server_keeps_the_cli_banner_off_stdout(capfd: pytest.CaptureFixture[str]) -> None:
    # Control: not silenced, the CLI prints its banner on the stdout it inherits, shortly after
    # it starts serving.
    loud = await launch_dev_server(find_server_binary(), quiet=False)
    try:
        delay = await _wait_for_stdout(capfd, "Temporal CLI", timeout=30)
    finally:
        await loud.shutdown()
    capfd.readouterr()
    async with TemporalEngine(task_queue="quiet", headless=True, start_worker=False) as engine:
        assert engine.temporal_client.data_converter.payload_converter_class is RuntimePayloadConverter
        await asyncio.sleep(max(2.0, 3 * delay))
    out = capfd.readouterr().out
    assert "Temporal CLI" not in out
    assert "Temporal Server:" not in out


# --- one plugin for the client and its worker ----------------------------------------------------

_APP = {
    "__init__.py": "",
    "models.py": """
from pydantic import BaseModel

EXECUTIONS: list[str] = []


class Note(BaseModel):
    text: str
""",
    "flows.py": """
from temporal_runtime_core import Registry
from temporal_runtime_workflow import Workflow

from .models import EXECUTIONS, Note

EXECUTIONS.append(__name__)
WORKFLOWS = Registry("workflow")


class EngineSandboxFlow(Workflow, registry=WORKFLOWS):
    async def run(self, note: Note) -> str:
        return note.text.upper()
""",
}


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """A generated package: ``models`` (DTOs and a log of module executions) and ``flows``."""
    name = f"engine_plugin_app_{uuid.uuid4().hex[:8]}"
    (tmp_path / name).mkdir()
    for file, source in _APP.items():
        (tmp_path / name / file).write_text(source, encoding="utf-8")
    # pytest leaves syspath_prepend's `path` parameter unannotated.
    monkeypatch.syspath_prepend(str(tmp_path))  # pyright: ignore[reportUnknownMemberType]
    importlib.invalidate_caches()
    try:
        yield importlib.import_module(f"{name}.flows")
    finally:
        for loaded in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
            del sys.modules[loaded]


async def test_the_worker_takes_the_sandbox_from_the_client_plugin(
    app: ModuleType, temporal_address: str
) -> None:
    models = sys.modules[app.__name__.rpartition(".")[0] + ".models"]
    executions: list[str] = models.EXECUTIONS
    assert executions == [app.__name__]
    async with TemporalEngine(
        url=temporal_address,
        task_queue=f"plugin-{uuid.uuid4().hex[:8]}",
        workflow_registry=app.WORKFLOWS,
        activity_registry=Registry("activity"),
    ) as engine:
        [plugin] = engine.temporal_client.config()["plugins"]
        assert isinstance(plugin, RuntimePlugin)
        assert engine.temporal_client.data_converter.payload_converter_class is RuntimePayloadConverter
        assert await app.EngineSandboxFlow.client(engine).run(models.Note(text="quiet")) == "QUIET"
    # The sandbox re-imported the workflow module (validation, then the run) and shared the DTO
    # module with the host: its log is the host's. Without the plugin's runner the sandbox would
    # re-import models too, and the host's log would stay as it was.
    assert executions.count(app.__name__) >= 2


async def test_time_skipping_client_gets_the_plugin() -> None:
    async with TemporalEngine(time_skipping=True, start_worker=False) as engine:
        assert engine.temporal_client.data_converter.payload_converter_class is RuntimePayloadConverter
        assert any(isinstance(p, RuntimePlugin) for p in engine.temporal_client.config()["plugins"])


async def test_concurrent_starts_make_one_connection_and_one_worker(temporal_address: str) -> None:
    task_queue = f"concurrent-{uuid.uuid4().hex[:8]}"
    engine = TemporalEngine(url=temporal_address, task_queue=task_queue, **own())
    await asyncio.gather(engine.start(), engine.start(), engine.start())
    try:
        workers = [t for t in asyncio.all_tasks() if t.get_name() == f"temporal-runtime worker {task_queue}"]
        assert len(workers) == 1
        handle = await TicketWorkflow.client(engine).async_.handle(Ticket(ticket_id="T-9"))
        await handle.signal("close", "ada")
        assert await handle.result(timeout=20) == "T-9 closed by ada"
    finally:
        await engine.stop()
    assert not [t for t in asyncio.all_tasks() if t.get_name() == f"temporal-runtime worker {task_queue}"]
