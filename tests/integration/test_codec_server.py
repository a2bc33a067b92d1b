"""The codec server over real HTTP: Temporal's protocol (round trip, a payload from a real history,
the Temporal CLI decoding through it), CORS for the Web UI, the authorization check, bad requests;
``temporal-runtime codec-server`` as a process, and ``temporal-runtime worker --codec``."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import temporalio.api.common.v1
import temporalio.client
from google.protobuf import json_format

from temporal_runtime import AesGcmCodec, TemporalEngine
from temporal_runtime.testing import select_registries
from temporal_runtime_engine import CodecServer, find_server_binary, free_port
from tests.integration import codec_app
from tests.integration.cli_process import CliProcess
from tests.integration.codec_app import CsEchoWorkflow, CsParcel

pytestmark = pytest.mark.integration

KEY = bytes(range(64, 96))
CODEC = AesGcmCodec(keys={"cs-key": KEY}, active="cs-key")
UI = "http://localhost:8233"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _json_payload(value: object) -> dict[str, Any]:
    """A payload as the Web UI sends it: protobuf JSON, every bytes field base64."""
    return {"metadata": {"encoding": _b64(b"json/plain")}, "data": _b64(json.dumps(value).encode())}


@pytest.fixture
def server() -> Iterator[CodecServer]:
    with CodecServer(CODEC, port=0) as running:
        yield running


async def test_encode_then_decode_round_trips(server: CodecServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        sent = {"payloads": [_json_payload({"label": "cs-round-trip"}), _json_payload(7)]}
        encoded = await http.post("/encode", json=sent, headers={"X-Namespace": "default"})
        assert encoded.status_code == 200
        assert encoded.headers["content-type"] == "application/json"
        payloads = encoded.json()["payloads"]
        assert [p["metadata"]["encoding"] for p in payloads] == [_b64(b"binary/encrypted")] * 2
        assert [p["metadata"]["encryption-key-id"] for p in payloads] == [_b64(b"cs-key")] * 2
        assert b"cs-round-trip" not in base64.b64decode(payloads[0]["data"])
        decoded = await http.post("/decode", json={"payloads": payloads}, headers={"X-Namespace": "default"})
        assert decoded.status_code == 200
        assert decoded.json() == sent
        empty = await http.post("/decode", json={"payloads": []})
        assert empty.json() == {"payloads": []}


async def test_decodes_a_payload_the_engine_wrote_to_a_real_history(
    server: CodecServer, temporal_address: str
) -> None:
    workflows, activities = select_registries([codec_app])
    queue = f"cs-{uuid.uuid4().hex[:8]}"
    async with TemporalEngine(
        url=temporal_address,
        task_queue=queue,
        payload_codec=CODEC,
        workflow_registry=workflows,
        activity_registry=activities,
    ) as engine:
        handle = await engine.start_workflow(CsEchoWorkflow.run, CsParcel(label="cs-from-history"))
        await handle.result(timeout=30)
    plain = await temporalio.client.Client.connect(temporal_address)
    history = await plain.get_workflow_handle(handle.id).fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes
    [stored] = started.input.payloads
    assert stored.metadata["encoding"] == b"binary/encrypted"
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post(
            "/decode",
            json={"payloads": [json_format.MessageToDict(stored)]},
            headers={"X-Namespace": "default"},
        )
    assert response.status_code == 200
    [decoded] = response.json()["payloads"]
    # The run's input as temporal-runtime sends it: the entry method and its arguments.
    assert json.loads(base64.b64decode(decoded["data"])) == {
        "method": "run",
        "kwargs": {"parcel": {"label": "cs-from-history"}},
    }

    # The Temporal CLI decodes the same history through the server (--codec-endpoint).
    shown = await asyncio.create_subprocess_exec(
        str(find_server_binary()),
        "workflow",
        "show",
        "--address",
        temporal_address,
        "--workflow-id",
        handle.id,
        "--output",
        "json",
        "--codec-endpoint",
        server.url,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(shown.communicate(), 30)
    assert shown.returncode == 0, stderr.decode()
    events = json.loads(stdout)["events"]
    [shown_input] = events[0]["workflowExecutionStartedEventAttributes"]["input"]["payloads"]
    assert shown_input == decoded  # the CLI's JSON keeps bytes base64, as the protocol does


async def test_cors_preflight_and_responses_for_the_web_ui(server: CodecServer) -> None:
    preflight = {
        "Origin": UI,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-namespace,authorization",
    }
    async with httpx.AsyncClient(base_url=server.url) as http:
        answer = await http.options("/decode", headers=preflight)
        assert answer.status_code == 204
        assert answer.headers["access-control-allow-origin"] == UI
        assert answer.headers["access-control-allow-headers"] == "X-Namespace, Content-Type, Authorization"
        assert "POST" in answer.headers["access-control-allow-methods"]
        assert answer.headers["access-control-allow-credentials"] == "true"
        posted = await http.post("/decode", json={"payloads": []}, headers={"Origin": UI})
        assert posted.headers["access-control-allow-origin"] == UI

        stranger = {**preflight, "Origin": "https://evil.example"}
        refused = await http.options("/decode", headers=stranger)
        assert refused.status_code == 403
        assert "access-control-allow-origin" not in refused.headers
        assert "--cors-origin https://evil.example" in refused.text
        blocked = await http.post(
            "/decode", json={"payloads": []}, headers={"Origin": "https://evil.example"}
        )
        assert blocked.status_code == 403


async def test_the_authorization_header_is_checked() -> None:
    with CodecServer(CODEC, port=0, authorization="Bearer cs-token") as server:
        async with httpx.AsyncClient(base_url=server.url) as http:
            body = {"payloads": [_json_payload("x")]}
            missing = await http.post("/encode", json=body)
            assert missing.status_code == 401
            assert "Authorization header" in missing.text
            wrong = await http.post("/encode", json=body, headers={"Authorization": "Bearer other"})
            assert wrong.status_code == 401
            right = await http.post("/encode", json=body, headers={"Authorization": "Bearer cs-token"})
            assert right.status_code == 200
            # A browser's preflight carries no credentials: it is answered without them.
            preflight = await http.options(
                "/encode", headers={"Origin": UI, "Access-Control-Request-Method": "POST"}
            )
            assert preflight.status_code == 204


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        ("/decode", b"{not json", 400, "the body is not JSON"),
        ("/decode", b'["payloads"]', 400, 'must be a JSON object {"payloads": [...]}'),
        ("/decode", b'{"payloads": [{"data": 5}]}', 400, "payloads[0] is not a payload in protobuf JSON"),
        ("/decode", b'{"payloads": [{"metadata": 3}]}', 400, "payloads[0] is not a payload"),
        ("/nowhere", b"{}", 404, "POST /encode or /decode"),
    ],
)
async def test_bad_requests_get_a_status_and_a_message(
    server: CodecServer, path: str, body: bytes, status: int, message: str
) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert message in response.text


async def test_undecryptable_payloads_name_the_key_and_other_methods_are_refused(server: CodecServer) -> None:
    [foreign] = await AesGcmCodec(keys={"elsewhere": KEY}, active="elsewhere").encode(
        [temporalio.api.common.v1.Payload(metadata={"encoding": b"json/plain"}, data=b"1")]
    )
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.post("/decode", json={"payloads": [json_format.MessageToDict(foreign)]})
        assert response.status_code == 400
        assert "PayloadDecryptionError" in response.text
        assert "key id 'elsewhere'" in response.text
        assert (await http.get("/decode")).status_code == 405
        # The Temporal CLI's {namespace} templating: http://host:8081/{namespace}/decode.
        templated = await http.post("/default/decode", json={"payloads": [_json_payload(1)]})
        assert templated.status_code == 200


# --- the command -------------------------------------------------------------------------------------


async def test_the_command_serves_keys_from_the_environment_and_stops_on_sigterm() -> None:
    port = free_port()
    env = {"TEMPORAL_RUNTIME_ENCRYPTION_KEYS": f"cs-key={_b64(KEY)}", "CS_AUTH": "Bearer cli-token"}
    args = ("codec-server", "--port", str(port), "--authorization-env", "CS_AUTH", "--cors-origin", UI)
    with CliProcess(*args, env=env) as process:
        ready = await process.wait_for("codec server ready:")
        assert f"http://127.0.0.1:{port}" in ready
        assert "<AesGcmCodec active='cs-key' keys=['cs-key']>" in ready
        assert f"--ui-codec-endpoint http://127.0.0.1:{port}" in ready
        assert _b64(KEY) not in process.output
        [encrypted] = await CODEC.encode(
            [json_format.ParseDict(_json_payload("cli"), temporalio.api.common.v1.Payload())]
        )
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            body = {"payloads": [json_format.MessageToDict(encrypted)]}
            assert (await http.post("/decode", json=body)).status_code == 401
            decoded = await http.post("/decode", json=body, headers={"Authorization": "Bearer cli-token"})
            assert decoded.json() == {"payloads": [_json_payload("cli")]}
        assert await process.stop() == 0
        assert "SIGTERM received, stopping the codec server" in process.output


async def test_the_command_loads_a_codec_factory_by_module_and_name() -> None:
    port = free_port()
    with CliProcess(
        "codec-server", "--port", str(port), "--codec", "tests.integration.codec_app:make_codec"
    ) as process:
        await process.wait_for("codec server ready:")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            encoded = await http.post("/encode", json={"payloads": [_json_payload("factory")]})
        [payload] = encoded.json()["payloads"]
        assert payload["metadata"]["encryption-key-id"] == _b64(b"app-key")
        stored = json_format.ParseDict(payload, temporalio.api.common.v1.Payload())
        assert await codec_app.make_codec().decode([stored]) == [
            json_format.ParseDict(_json_payload("factory"), temporalio.api.common.v1.Payload())
        ]
        assert await process.stop() == 0


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        ((), {}, "$TEMPORAL_RUNTIME_ENCRYPTION_KEYS is not set"),
        (("--codec", "tests.integration.codec_app:not_a_codec"), {}, "is 'a string', not a temporalio"),
        (("--codec", "tests.integration.codec_app"), {}, "write MODULE:ATTR"),
        (("--codec", "tests.integration.no_such_module:x"), {}, "cannot import module"),
        (
            ("--authorization-env", "CS_UNSET"),
            {"TEMPORAL_RUNTIME_ENCRYPTION_KEYS": f"k={_b64(KEY)}"},
            "$CS_UNSET",
        ),
    ],
)
async def test_the_command_fails_clearly_without_a_usable_codec(
    args: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    with CliProcess("codec-server", "--port", str(free_port()), *args, env=env) as process:
        assert await process.wait_exit() == 1
    assert "temporal-runtime codec-server: error:" in process.output
    assert message in process.output


async def test_a_worker_process_encrypts_with_the_codec_of_its_command_line(temporal_address: str) -> None:
    queue = f"cs-{uuid.uuid4().hex[:8]}"
    env = {
        "TEMPORAL_ADDRESS": temporal_address,
        "TEMPORAL_RUNTIME_ENCRYPTION_KEYS": f"app-key={_b64(codec_app.KEY)}",
    }
    codec = "temporal_runtime:AesGcmCodec.from_env"
    with CliProcess(
        "worker", "tests.integration.codec_app", "-t", queue, "--codec", codec, env=env
    ) as worker:
        await worker.wait_for("ready:")
        async with TemporalEngine(
            url=temporal_address, task_queue=queue, start_worker=False, payload_codec=codec_app.make_codec()
        ) as client:
            handle = await client.start_workflow(CsEchoWorkflow.run, CsParcel(label="cs-worker-cli"))
            assert await handle.result(timeout=30) == CsParcel(label="cs-worker-cli")
        assert await worker.stop() == 0
    plain = await temporalio.client.Client.connect(temporal_address)
    history = await plain.get_workflow_handle(handle.id).fetch_history()
    [result] = history.events[-1].workflow_execution_completed_event_attributes.result.payloads
    assert result.metadata["encryption-key-id"] == b"app-key"  # encrypted by the worker process


async def test_a_worker_codec_that_is_not_one_is_a_usage_error() -> None:
    args = ("worker", "tests.integration.codec_app", "--codec", "tests.integration.codec_app:not_a_codec")
    with CliProcess(*args) as worker:
        assert await worker.wait_exit() == 2
    assert "Invalid value for --codec" in worker.output
    assert "not a temporalio.converter.PayloadCodec" in worker.output
