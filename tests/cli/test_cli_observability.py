"""``temporal-runtime worker --metrics-port N --metrics-host IP --tracing``: the options become engine
arguments, bad values are usage errors, and a worker process serves ``/metrics`` (dev server)."""

from __future__ import annotations

import asyncio
import urllib.request
import uuid

import pytest
from click.testing import CliRunner

from temporal_runtime import TemporalEngine
from temporal_runtime._cli import cli
from temporal_runtime._cli._engine_options import CONNECTION_OPTIONS, WORKER_OPTIONS, engine_kwargs
from temporal_runtime_engine import free_port
from tests.integration.cli_app import CliAppWorkflow, CliGreeted, CliGreeting
from tests.integration.cli_process import CliProcess


def test_the_options_become_engine_arguments() -> None:
    options = CONNECTION_OPTIONS + WORKER_OPTIONS
    given = {"metrics_port": 9464, "metrics_host": "0.0.0.0", "tracing": True}
    assert engine_kwargs(options, given) == given
    assert engine_kwargs(options, {"metrics_port": None, "metrics_host": None, "tracing": None}) == {}


@pytest.mark.parametrize("value", ["0", "65536", "http"])
def test_a_bad_metrics_port_is_a_usage_error(value: str) -> None:
    result = CliRunner().invoke(cli, ["worker", "tests.integration.cli_app", "--metrics-port", value])
    assert result.exit_code == 2, result.output
    assert "--metrics-port" in result.output


def test_a_metrics_host_that_is_not_an_ip_fails_naming_it() -> None:
    args = ["worker", "tests.integration.cli_app", "--metrics-port", "9464", "--metrics-host", "example.org"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert "metrics_host=...) must be an IP address" in result.output


def _scrape(address: str) -> str:
    with urllib.request.urlopen(f"http://{address}/metrics", timeout=5) as response:
        body: bytes = response.read()
        return body.decode()


def _completed(metrics: str, queue: str) -> float:
    """``temporal_workflow_completed`` of CliAppWorkflow on ``queue``."""
    labels = (f'task_queue="{queue}"', 'workflow_type="CliAppWorkflow"')
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith("temporal_workflow_completed{") and all(label in line for label in labels)
    )


@pytest.mark.integration
async def test_a_worker_process_with_tracing_serves_metrics(temporal_address: str) -> None:
    queue = f"cli-obs-{uuid.uuid4().hex[:8]}"
    port = free_port()
    args = (
        "worker",
        "tests.integration.cli_app",
        "--task-queue",
        queue,
        "--metrics-port",
        str(port),
        "--tracing",
    )
    with CliProcess(*args, env={"TEMPORAL_ADDRESS": temporal_address}) as worker:
        await worker.wait_for("ready:")
        async with TemporalEngine(url=temporal_address, task_queue=queue, start_worker=False) as client:
            greeted = await client.execute_workflow(CliAppWorkflow.greet, CliGreeting(name="obs"))
        assert greeted == CliGreeted(text="hello obs")
        metrics = await asyncio.to_thread(_scrape, f"127.0.0.1:{port}")
        for _ in range(50):  # the core records a completion just after it reports it to the server
            if _completed(metrics, queue) == 1:
                break
            await asyncio.sleep(0.1)
            metrics = await asyncio.to_thread(_scrape, f"127.0.0.1:{port}")
        assert _completed(metrics, queue) == 1
        assert await worker.stop() == 0
