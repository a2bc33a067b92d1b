"""``temporal-runtime worker`` as a separate process on the session's dev server: it serves the
modules it imports, honours ``TEMPORAL_ADDRESS``/``TEMPORAL_NAMESPACE``, and on SIGTERM lets the
running activity finish and exits with 0."""

from __future__ import annotations

import signal
import uuid

import pytest

from temporal_runtime import TemporalEngine
from temporal_runtime.testing import select_registries
from tests.integration import cli_app
from tests.integration.cli_app import CliAppWorkflow, CliGreeted, CliGreeting, CliJob
from tests.integration.cli_process import CliProcess

pytestmark = pytest.mark.integration


async def test_worker_process_serves_its_modules_and_stops_gracefully_on_sigterm(
    temporal_address: str,
) -> None:
    queue = f"cli-worker-{uuid.uuid4().hex[:8]}"
    # The address and namespace come from the environment only, as the Temporal CLI reads them.
    env = {"TEMPORAL_ADDRESS": temporal_address, "TEMPORAL_NAMESPACE": "test"}
    with CliProcess("worker", "tests.integration.cli_app", "--task-queue", queue, env=env) as worker:
        ready = await worker.wait_for("ready:")
        assert f"server {temporal_address}, namespace 'test', task queue {queue!r}" in ready
        assert "worker serving 1 workflow and 2 activities" in ready

        client = TemporalEngine(url=temporal_address, namespace="test", task_queue=queue, start_worker=False)
        async with client:
            greeted = await client.execute_workflow(CliAppWorkflow.greet, CliGreeting(name="cli"))
            assert greeted == CliGreeted(text="hello cli")  # typed: a CliGreeted, not a dict

            handle = await client.start_workflow(CliAppWorkflow.slow, CliJob(seconds=1.5))
            await worker.wait_for("slow job started (attempt 1)")
            assert await worker.stop() == 0
            assert "slow job finished (attempt 1)" in worker.output  # it ran to its end before the exit
            assert "SIGTERM received, stopping" in worker.output

            # Another worker (here, in this process) finishes the run: the activity's result was
            # recorded during the shutdown, so it is not run again.
            workflows, activities = select_registries([cli_app])
            serving = TemporalEngine(
                url=temporal_address,
                namespace="test",
                task_queue=queue,
                workflow_registry=workflows,
                activity_registry=activities,
            )
            async with serving:
                assert await handle.result(timeout=30) == "done on attempt 1"


async def test_a_second_ctrl_c_interrupts_the_graceful_shutdown_with_exit_code_130(
    temporal_address: str,
) -> None:
    queue = f"cli-worker-{uuid.uuid4().hex[:8]}"
    with CliProcess("worker", "tests.integration.cli_app", "--url", temporal_address, "-t", queue) as worker:
        await worker.wait_for("ready:")
        async with TemporalEngine(url=temporal_address, task_queue=queue, start_worker=False) as client:
            handle = await client.start_workflow(CliAppWorkflow.slow, CliJob(seconds=30))
            await worker.wait_for("slow job started (attempt 1)")
            worker.process.send_signal(signal.SIGINT)
            await worker.wait_for("SIGINT received, stopping (running activities get up to 10s to finish)")
            assert (
                await worker.stop(signal.SIGINT, timeout=8) == 130
            )  # long before the 30 s job or the 10 s grace
            assert "temporal-runtime worker: interrupted" in worker.output
            assert "slow job finished" not in worker.output
            await handle.terminate(reason="test over")
