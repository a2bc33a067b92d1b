"""``temporal-runtime dev`` in the foreground on a fixed port, shared by a worker process and this
one, stopped by SIGTERM with exit code 0 and its server gone with it."""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

import httpx
import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest

from temporal_runtime import METHOD_SEARCH_ATTRIBUTE, TemporalEngine
from temporal_runtime_engine import free_port
from tests.integration.cli_app import CliAppWorkflow, CliGreeted, CliGreeting
from tests.integration.cli_process import CliProcess

pytestmark = pytest.mark.integration


def _accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


async def test_dev_server_is_shared_by_a_worker_process_and_stops_on_sigterm(tmp_path: Path) -> None:
    port, ui_port = free_port(), free_port()
    address = f"127.0.0.1:{port}"
    db = tmp_path / "state" / "dev.db"
    queue = f"cli-dev-{uuid.uuid4().hex[:8]}"
    args = (
        "dev",
        "--port",
        str(port),
        "--ui-port",
        str(ui_port),
        "--db",
        str(db),
        "-n",
        "default",
        "-n",
        "cli",
        "--search-attribute",
        "CliDevRegion=Keyword",
    )
    with CliProcess(*args) as dev:
        ready = await dev.wait_for("dev server ready:", timeout=60)
        assert f"address {address}, namespaces 'default', 'cli', Web UI http://127.0.0.1:{ui_port}" in ready
        assert f"state in {db}; connect with TEMPORAL_ADDRESS={address}" in ready
        assert db.is_file()

        worker_args = ("worker", "tests.integration.cli_app", "--url", address, "-n", "cli", "-t", queue)
        with CliProcess(*worker_args) as worker:
            await worker.wait_for("ready:")
            async with TemporalEngine(
                url=address, namespace="cli", task_queue=queue, start_worker=False
            ) as client:
                result = await client.execute_workflow(CliAppWorkflow.greet, CliGreeting(name="dev"))
                assert result == CliGreeted(text="hello dev")
                # --search-attribute is registered (in every namespace), beside the method attribute
                listed = await client.temporal_client.operator_service.list_search_attributes(
                    ListSearchAttributesRequest(namespace="cli")
                )
                assert listed.custom_attributes["CliDevRegion"] == IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD
                assert METHOD_SEARCH_ATTRIBUTE.name in listed.custom_attributes
            assert await worker.stop() == 0

        async with httpx.AsyncClient() as http:  # the Web UI the ready line names
            assert (await http.get(f"http://127.0.0.1:{ui_port}/", timeout=10)).status_code == 200

        assert await dev.stop() == 0
        assert "SIGTERM received, stopping the dev server" in dev.output
    assert not _accepts_connections(port)  # the server process is gone with it
    assert not _accepts_connections(ui_port)
