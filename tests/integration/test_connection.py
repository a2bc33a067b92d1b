"""Connection options for real clusters: TLS/mTLS settings, API keys, env/profile configuration."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import temporalio.service

from temporal_runtime import EngineConnectionError, InvalidOptionError, TemporalEngine
from temporal_runtime_engine._connection import build_tls

from .test_lifecycle import GateWorkflow, Step, own

pytestmark = pytest.mark.integration


def test_mtls_options_read_pem_files(tmp_path: Path) -> None:
    cert, key, ca = tmp_path / "c.pem", tmp_path / "k.pem", tmp_path / "ca.pem"
    cert.write_bytes(b"CERT")
    key.write_bytes(b"KEY")
    ca.write_bytes(b"CA")
    tls = build_tls(None, client_cert=cert, client_key=str(key), server_ca=ca, server_name="x.example")
    assert isinstance(tls, temporalio.service.TLSConfig)
    assert (tls.client_cert, tls.client_private_key, tls.server_root_ca_cert, tls.domain) == (
        b"CERT",
        b"KEY",
        b"CA",
        "x.example",
    )
    assert build_tls(None, client_cert=b"C", client_key=b"K") == temporalio.service.TLSConfig(
        client_cert=b"C", client_private_key=b"K"
    )


def test_tls_defaults_and_contradictions(tmp_path: Path) -> None:
    assert build_tls(None) is False
    assert build_tls(None, api_key="secret") is True  # API keys imply TLS (Temporal Cloud)
    assert build_tls(False, api_key="secret") is False
    with pytest.raises(InvalidOptionError, match="both tls_client_cert and tls_client_key"):
        build_tls(None, client_cert=b"C")
    with pytest.raises(InvalidOptionError, match="tls=False"):
        build_tls(False, server_ca=b"CA")
    with pytest.raises(InvalidOptionError, match="cannot read PEM file"):
        TemporalEngine(url="x:7233", tls_client_cert=tmp_path / "missing.pem", tls_client_key=b"K")


async def test_tls_against_a_plaintext_server_fails_fast(temporal_address: str) -> None:
    engine = TemporalEngine(url=temporal_address, tls=True, task_queue="tls", connect_timeout=5)
    started = time.monotonic()
    with pytest.raises(EngineConnectionError, match=temporal_address):
        await engine.start()
    assert time.monotonic() - started < 15


async def test_from_env_reads_standard_variables(
    temporal_address: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("TEMPORAL_ADDRESS", temporal_address)
    monkeypatch.setenv("TEMPORAL_NAMESPACE", "default")
    # own(): serve only test_lifecycle's definitions, not everything the suite has imported (slow)
    async with TemporalEngine.from_env(task_queue="from-env-queue", **own()) as engine:
        assert engine.url == temporal_address
        handle = await GateWorkflow.client(engine).async_.run(Step(label="env"))
        await handle.signal("open")
        assert await handle.result(timeout=20) == ["env"]


async def test_from_env_reads_a_profile_file(temporal_address: str, tmp_path: Path) -> None:
    config = tmp_path / "temporal.toml"
    config.write_text(f'[profile.staging]\naddress = "{temporal_address}"\nnamespace = "missing-ns"\n')
    engine = TemporalEngine.from_env("staging", config_file=config, task_queue="profile", start_worker=False)
    assert (engine.url, engine.namespace) == (temporal_address, "missing-ns")
    with pytest.raises(EngineConnectionError, match="missing-ns"):
        await engine.start()
