"""``TemporalEngine(metrics_port=...)`` on the real dev server: Temporal's SDK metrics, scraped over
real HTTP from the Prometheus ``/metrics`` endpoint after a workflow with an activity ran."""

from __future__ import annotations

import asyncio
import re
import socket
import sys
import urllib.request
import uuid
from typing import Any

import pytest
from pydantic import BaseModel

from temporal_runtime import EngineError, TemporalEngine, Workflow, activity_def
from temporal_runtime.testing import select_registries

pytestmark = pytest.mark.integration


class MtItem(BaseModel):
    name: str


@activity_def("mt_pack", Args=MtItem, Result=str)
async def pack(item: MtItem) -> str:
    return f"packed {item.name}"


class MtPacking(Workflow):
    async def run(self, item: MtItem) -> str:
        return await self.exec(pack, item, timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _engine(address: str, **options: Any) -> TemporalEngine:
    workflows, activities = select_registries([sys.modules[__name__]])
    return TemporalEngine(
        address,
        task_queue=f"mt-{uuid.uuid4().hex[:8]}",
        workflow_registry=workflows,
        activity_registry=activities,
        **options,
    )


def _scrape(address: str) -> str:
    with urllib.request.urlopen(f"http://{address}/metrics", timeout=5) as response:
        body: bytes = response.read()
        return body.decode()


def _value(metrics: str, name: str, **labels: str) -> float:
    """The sum of ``name``'s samples whose labels include ``labels``."""
    total = 0.0
    for line in metrics.splitlines():
        match = re.fullmatch(rf"{name}(?:\{{(.*)\}})? (\S+)", line)
        if match and all(f'{key}="{value}"' in (match[1] or "") for key, value in labels.items()):
            total += float(match[2])
    return total


async def test_the_metrics_endpoint_counts_the_workflow_and_its_activity(temporal_address: str) -> None:
    port = _free_port()
    async with _engine(temporal_address, metrics_port=port) as engine:
        address = f"127.0.0.1:{port}"
        assert engine.metrics_address == address
        result = await MtPacking.client(engine).run(MtItem(name="book"))
        assert result == "packed book"
        queue = {"task_queue": engine.task_queue}
        metrics = await asyncio.to_thread(_scrape, address)
        for _ in range(50):  # the core records a completion just after it reports it to the server
            if _value(metrics, "temporal_workflow_completed", workflow_type="MtPacking", **queue) >= 1:
                break
            await asyncio.sleep(0.1)
            metrics = await asyncio.to_thread(_scrape, address)
    assert _value(metrics, "temporal_workflow_completed", workflow_type="MtPacking", **queue) == 1
    assert _value(metrics, "temporal_activity_execution_latency_count", activity_type="mt_pack", **queue) == 1
    assert _value(metrics, "temporal_workflow_task_execution_latency_count", **queue) >= 1
    assert 'namespace="default"' in metrics


async def test_a_port_in_use_fails_with_an_engine_error_naming_it(temporal_address: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        engine = _engine(temporal_address, metrics_port=port)
        with pytest.raises(EngineError, match=rf"metrics_port={port}.*127\.0\.0\.1:{port}.*pick a free port"):
            await engine.start()
    assert not engine.started
