"""What the engine says while it starts, runs and stops: one INFO line when ready, the Rust core's
logs through Python logging (uncoloured), early server exits reported at once, honest connection
errors and a "stopped" engine that says so."""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from pathlib import Path

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    ActivityRegistry,
    EngineConnectionError,
    EngineNotStartedError,
    LocalServerError,
    Registry,
    TemporalEngine,
    Workflow,
    WorkflowRegistry,
)
from temporal_runtime.testing import start_dev_server
from temporal_runtime_engine import SERVER_BINARY_ENV, free_port

pytestmark = pytest.mark.integration

ANSI = re.compile(r"\x1b\[")

_WORKFLOWS: WorkflowRegistry = Registry("workflow")
_NO_ACTIVITIES: ActivityRegistry = Registry("activity")


class Greeting(BaseModel):
    name: str


class GreetWorkflow(Workflow, registry=_WORKFLOWS):
    async def run(self, greeting: Greeting) -> str:
        return f"hello {greeting.name}"


def _records(caplog: pytest.LogCaptureFixture, prefix: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == prefix or r.name.startswith(prefix + ".")]


# --- the start-up line ---------------------------------------------------------------------------


async def test_one_info_line_says_where_what_and_the_web_ui(caplog: pytest.LogCaptureFixture) -> None:
    ui_port = free_port()
    engine = TemporalEngine(
        task_queue="summary-q",
        ui_port=ui_port,
        workflow_registry=_WORKFLOWS,
        activity_registry=_NO_ACTIVITIES,
    )
    with caplog.at_level(logging.INFO, logger="temporal_runtime"):
        async with engine:
            address = engine.temporal_client.service_client.config.target_host
            ours = [r for r in caplog.records if r.name == "temporal_runtime"]
    assert [r.levelno for r in ours] == [logging.INFO]  # one line at start-up, and nothing at WARNING
    assert ours[0].getMessage() == (
        f"temporal-runtime: ready: server {address} (embedded dev server), namespace 'default', "
        f"task queue 'summary-q', worker serving 1 workflow and 0 activities, Web UI http://127.0.0.1:{ui_port}"
    )
    assert not [r for r in _records(caplog, "temporal_runtime") if r.levelno >= logging.WARNING]


async def test_the_line_of_a_client_only_engine_on_a_cluster(
    temporal_address: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="temporal_runtime"):
        async with TemporalEngine(url=temporal_address, task_queue="summary-client", start_worker=False):
            pass
    lines = [r.getMessage() for r in caplog.records if r.name == "temporal_runtime"]
    assert lines == [
        f"temporal-runtime: ready: server {temporal_address}, namespace 'default', "
        "task queue 'summary-client', no worker (start_worker=False)"
    ]


# --- the Rust core's logs --------------------------------------------------------------------------


async def test_core_logs_reach_python_logging_uncoloured(
    caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    server = await start_dev_server()
    engine = TemporalEngine(url=server.address, task_queue="core-logs", workflow_registry=_WORKFLOWS)
    try:
        with caplog.at_level(logging.WARNING):
            await engine.start()
            await server.shutdown()  # the worker's calls now fail, and the core says so at WARN
            deadline = time.monotonic() + 30
            while not [r for r in _records(caplog, "temporal_runtime.core") if r.levelno >= logging.WARNING]:
                assert time.monotonic() < deadline, "no core warning reached the temporal_runtime.core logger"
                await asyncio.sleep(0.1)
    finally:
        await engine.stop()
    core = _records(caplog, "temporal_runtime.core")
    assert all(not ANSI.search(r.getMessage()) for r in core)
    assert core[0].getMessage().startswith("[temporalio_")  # the core's target first, then its message
    assert not ANSI.search(capfd.readouterr().err)  # nothing written around logging, coloured


# --- a server that exits during start-up ------------------------------------------------------------


async def test_a_binary_that_exits_at_once_is_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SERVER_BINARY_ENV, "/bin/false")
    started = time.monotonic()
    with pytest.raises(LocalServerError, match=r"\(/bin/false\) exited with code 1 during start-up") as err:
        await TemporalEngine(task_queue="bad-binary", headless=True, start_worker=False).start()
    assert time.monotonic() - started < 3
    assert SERVER_BINARY_ENV in str(err.value)  # the fix names the setting to check


async def test_the_last_lines_of_a_failed_server_are_in_the_error(tmp_path: Path) -> None:
    script = tmp_path / "temporal"
    script.write_text("#!/bin/sh\necho 'Temporal CLI 0.0'\necho 'Error: port already in use' >&2\nexit 3\n")
    script.chmod(0o755)
    started = time.monotonic()
    with pytest.raises(LocalServerError, match="exited with code 3") as err:
        await TemporalEngine(
            task_queue="bad", headless=True, server_binary=script, start_worker=False
        ).start()
    assert time.monotonic() - started < 3
    assert "Error: port already in use" in str(err.value)
    assert "Temporal CLI 0.0" in str(err.value)


# --- connection errors -----------------------------------------------------------------------------


async def test_a_connection_error_leads_with_the_cause_and_the_fix() -> None:
    port = free_port()
    engine = TemporalEngine(url=f"127.0.0.1:{port}", task_queue="x", connect_timeout=5)
    with pytest.raises(EngineConnectionError) as err:
        await engine.start()
    message = str(err.value)
    ours, detail_marker, detail = message.partition(" Detail: ")
    assert ours.startswith(f"Could not connect to Temporal at '127.0.0.1:{port}' (namespace 'default'). ")
    assert "Likely causes: no Temporal server is listening there" in ours
    assert "temporal server start-dev" in ours
    assert "this engine: TLS off" in ours
    assert detail_marker
    assert "tonic" not in ours
    assert detail  # temporalio's own text comes last


async def test_an_ipv6_address_in_brackets_connects() -> None:
    async with await start_dev_server(ip="::1") as server:
        assert server.address.startswith("[::1]:")
        async with TemporalEngine(url=server.address, task_queue="v6", start_worker=False) as engine:
            assert engine.url == server.address
            assert engine.started


async def test_a_url_without_a_port_dials_7233() -> None:
    engine = TemporalEngine(url="127.0.0.1", task_queue="x", connect_timeout=2)
    assert engine.url == "127.0.0.1:7233"
    with pytest.raises(EngineConnectionError, match=r"'127\.0\.0\.1:7233'"):
        await engine.start()


# --- stopped, not "not started" --------------------------------------------------------------------


async def test_a_stopped_engine_says_it_was_stopped(temporal_address: str) -> None:
    engine = TemporalEngine(
        url=temporal_address, task_queue=f"stopped-{uuid.uuid4().hex[:6]}", start_worker=False
    )
    with pytest.raises(EngineNotStartedError, match="is not started"):
        _ = engine.client
    async with engine:
        pass
    with pytest.raises(EngineNotStartedError, match=r"was stopped .*await engine\.start\(\)"):
        await engine.get_status("any-id")
    async with engine:  # and it starts again
        assert engine.started


# --- the temporalio Runtime ------------------------------------------------------------------------


async def test_the_engine_runs_on_its_own_runtime_unless_given_one(temporal_address: str) -> None:
    import temporalio.runtime

    from temporal_runtime_engine._core_logging import engine_runtime

    async with TemporalEngine(url=temporal_address, task_queue="rt", start_worker=False) as engine:
        assert engine.temporal_client.service_client.config.runtime is engine_runtime()
    mine = temporalio.runtime.Runtime(telemetry=temporalio.runtime.TelemetryConfig())
    async with TemporalEngine(
        url=temporal_address, task_queue="rt", start_worker=False, runtime=mine
    ) as engine:
        assert engine.temporal_client.service_client.config.runtime is mine
