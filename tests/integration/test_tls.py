"""TLS, mTLS and API keys against a real TLS terminator (nginx on loopback, in front of the session's
dev server; see tls_terminator.py): the right client certificate or API key runs a workflow whose
worker polls through the terminator; each wrong setting fails fast with an EngineConnectionError
naming the culprit (TLS, the client certificate, tls_server_ca, tls_server_name, api_key) and the fix."""

from __future__ import annotations

import asyncio
import re
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from temporal_runtime import EngineConnectionError, TemporalEngine, Workflow, activity_def
from temporal_runtime.testing import TemporalTestServer, select_registries

from .strict_mtls_proxy import StrictMtlsProxy
from .tls_terminator import Certificates, TlsTerminator, make_certificates, nginx_or_skip, require_nginx

pytestmark = pytest.mark.integration

API_KEY = "tls-test-key-4f1e"
CONNECT_TIMEOUT = 5


class Greeting(BaseModel):
    name: str


class Greeted(BaseModel):
    text: str
    shouted: bool


@activity_def("tls_shout", Args=Greeting, Result=Greeted)
async def shout(greeting: Greeting) -> Greeted:
    return Greeted(text=f"HELLO {greeting.name.upper()}", shouted=True)


class TlsGreetingWorkflow(Workflow):
    async def run(self, greeting: Greeting) -> Greeted:
        return await self.exec(shout, greeting, timeout=10)


@pytest.fixture(scope="module")
def certificates() -> Certificates:
    return make_certificates()


@pytest.fixture(scope="module")
def terminator(
    temporal_server: TemporalTestServer, certificates: Certificates, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TlsTerminator]:
    """nginx with an mTLS listener and an API-key listener in front of the session's dev server."""
    proxy = TlsTerminator(
        nginx_or_skip(), temporal_server.address, certificates, tmp_path_factory.mktemp("nginx"), API_KEY
    )
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture(scope="module")
def strict_proxy(terminator: TlsTerminator) -> Iterator[StrictMtlsProxy]:
    """mTLS refused in the handshake (a TLS alert), as Temporal Cloud does, unlike nginx's HTTP 400."""
    paths = terminator.paths
    proxy = StrictMtlsProxy(
        terminator.upstream,
        server_cert=paths["server_cert"],
        server_key=paths["server_key"],
        client_ca=paths["ca"],
    )
    try:
        yield proxy
    finally:
        proxy.stop()


def _engine(url: str, **options: Any) -> TemporalEngine:
    """An engine serving this module's workflow and activity on a queue of its own."""
    workflows, activities = select_registries([sys.modules[__name__]])
    return TemporalEngine(
        url=url,
        task_queue=f"tls-{uuid.uuid4()}",
        connect_timeout=CONNECT_TIMEOUT,
        workflow_registry=workflows,
        activity_registry=activities,
        **options,
    )


async def _greets(engine: TemporalEngine) -> None:
    async with engine:
        result = await TlsGreetingWorkflow.client(engine).run(Greeting(name="tls"))
    assert result == Greeted(text="HELLO TLS", shouted=True)


async def _refused(engine: TemporalEngine) -> str:
    """The message of the EngineConnectionError ``engine.start()`` raises, within connect_timeout."""
    started = time.monotonic()
    with pytest.raises(EngineConnectionError) as caught:
        await engine.start()
    assert time.monotonic() - started < CONNECT_TIMEOUT
    return str(caught.value)


def _mtls(certificates: Certificates) -> dict[str, Any]:
    return {
        "tls_server_ca": certificates.ca,
        "tls_client_cert": certificates.client.cert,
        "tls_client_key": certificates.client.key,
    }


async def test_mtls_with_pem_bytes_runs_a_workflow(
    terminator: TlsTerminator, certificates: Certificates
) -> None:
    await _greets(_engine(terminator.mtls_address, **_mtls(certificates)))


async def test_mtls_with_pem_files_and_a_server_name_runs_a_workflow(terminator: TlsTerminator) -> None:
    paths = terminator.paths
    engine = _engine(
        terminator.mtls_address,
        tls_server_ca=paths["ca"],
        tls_client_cert=str(paths["client_cert"]),
        tls_client_key=paths["client_key"],
        tls_server_name="localhost",  # one of the certificate's names, though the url is an IP
    )
    await _greets(engine)


async def test_no_client_certificate_names_the_missing_certificate(
    terminator: TlsTerminator, certificates: Certificates
) -> None:
    message = await _refused(_engine(terminator.mtls_address, tls_server_ca=certificates.ca))
    assert "TLS" in message
    assert "client certificate" in message
    assert "Pass tls_client_cert= and tls_client_key=" in message


async def test_an_untrusted_client_certificate_is_named(
    terminator: TlsTerminator, certificates: Certificates
) -> None:
    engine = _engine(
        terminator.mtls_address,
        tls_server_ca=certificates.ca,
        tls_client_cert=certificates.rogue_client.cert,
        tls_client_key=certificates.rogue_client.key,
    )
    message = await _refused(engine)
    assert "TLS" in message
    assert "does not trust: tls_client_cert is not signed by the server's client CA" in message


async def test_mtls_through_a_server_that_checks_certificates_in_the_handshake(
    strict_proxy: StrictMtlsProxy, certificates: Certificates
) -> None:
    await _greets(_engine(strict_proxy.address, **_mtls(certificates)))


async def test_a_certificate_required_alert_names_the_missing_certificate(
    strict_proxy: StrictMtlsProxy, certificates: Certificates
) -> None:
    message = await _refused(_engine(strict_proxy.address, tls_server_ca=certificates.ca))
    # The client reports the alert, or (when its HTTP/2 layer sees the close first) a connection
    # closed right after the handshake: both name mTLS and the fix.
    assert re.search(
        r"TLS: the server (requires a client certificate \(mTLS\) and this engine sent none|"
        r"closed the connection right after the TLS handshake)",
        message,
    )
    assert "Pass tls_client_cert= and tls_client_key=" in message
    await asyncio.to_thread(strict_proxy.refusal, "PEER_DID_NOT_RETURN_A_CERTIFICATE")


async def test_an_unknown_ca_alert_names_the_refused_certificate(
    strict_proxy: StrictMtlsProxy, certificates: Certificates
) -> None:
    engine = _engine(
        strict_proxy.address,
        tls_server_ca=certificates.ca,
        tls_client_cert=certificates.rogue_client.cert,
        tls_client_key=certificates.rogue_client.key,
    )
    message = await _refused(engine)
    assert "TLS: the server" in message
    assert "client certificate (tls_client_cert)" in message
    assert "issued by the server's client CA" in message
    await asyncio.to_thread(strict_proxy.refusal, "certificate verify failed")


async def test_a_server_certificate_the_system_store_does_not_trust_names_tls_server_ca(
    terminator: TlsTerminator, certificates: Certificates
) -> None:
    engine = _engine(
        terminator.mtls_address,
        tls_client_cert=certificates.client.cert,
        tls_client_key=certificates.client.key,
    )
    message = await _refused(engine)
    assert "TLS: the server's certificate is not signed by a CA this engine trusts" in message
    assert "as tls_server_ca is not set" in message
    assert "Pass tls_server_ca=" in message


async def test_a_server_certificate_signed_by_another_ca_names_tls_server_ca(
    terminator: TlsTerminator, certificates: Certificates
) -> None:
    options = _mtls(certificates) | {"tls_server_ca": certificates.rogue_ca}
    message = await _refused(_engine(terminator.mtls_address, **options))
    assert "it trusts the CA in tls_server_ca" in message
    assert "Pass tls_server_ca=" in message


async def test_a_wrong_server_name_names_tls_server_name(
    terminator: TlsTerminator, certificates: Certificates
) -> None:
    engine = _engine(terminator.mtls_address, tls_server_name="wrong.example", **_mtls(certificates))
    message = await _refused(engine)
    assert "TLS: the server's certificate is not valid for the name 'wrong.example'" in message
    assert "(it names 'localhost', '127.0.0.1')" in message
    assert "Pass tls_server_name=" in message


async def test_tls_off_against_the_tls_port_says_turn_tls_on(terminator: TlsTerminator) -> None:
    message = await _refused(_engine(terminator.mtls_address, tls=False))
    assert "TLS: this engine does not use TLS but the server seems to expect it" in message
    assert "Pass tls=True" in message


async def test_tls_on_against_the_plaintext_dev_server_says_turn_tls_off(
    temporal_server: TemporalTestServer, certificates: Certificates
) -> None:
    message = await _refused(_engine(temporal_server.address, tls_server_ca=certificates.ca))
    assert "TLS: this engine uses TLS but the server answered without it" in message
    assert "Pass tls=False" in message


async def test_the_right_api_key_runs_a_workflow(
    terminator: TlsTerminator, certificates: Certificates
) -> None:
    # The terminator lets a call through only with `authorization: Bearer <API_KEY>`.
    await _greets(_engine(terminator.api_key_address, api_key=API_KEY, tls_server_ca=certificates.ca))


async def test_a_wrong_api_key_names_api_key(terminator: TlsTerminator, certificates: Certificates) -> None:
    engine = _engine(terminator.api_key_address, api_key="not-the-key", tls_server_ca=certificates.ca)
    message = await _refused(engine)
    assert "refused this engine's credentials as UNAUTHENTICATED" in message
    assert "(it said: nginx: missing or wrong API key)" in message
    assert "pass a valid key as api_key" in message


async def test_no_api_key_says_authentication_is_required(
    terminator: TlsTerminator, certificates: Certificates
) -> None:
    message = await _refused(_engine(terminator.api_key_address, tls_server_ca=certificates.ca))
    assert "the server requires authentication (UNAUTHENTICATED)" in message
    assert "Pass api_key=" in message


async def test_from_env_reads_the_tls_variables(
    terminator: TlsTerminator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    paths = terminator.paths
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("TEMPORAL_ADDRESS", terminator.mtls_address)
    monkeypatch.setenv("TEMPORAL_NAMESPACE", "default")
    monkeypatch.setenv("TEMPORAL_TLS", "true")
    monkeypatch.setenv("TEMPORAL_TLS_CLIENT_CERT_PATH", str(paths["client_cert"]))
    monkeypatch.setenv("TEMPORAL_TLS_CLIENT_KEY_PATH", str(paths["client_key"]))
    monkeypatch.setenv("TEMPORAL_TLS_SERVER_CA_CERT_DATA", terminator.certificates.ca.decode())
    monkeypatch.setenv("TEMPORAL_TLS_SERVER_NAME", "localhost")
    workflows, activities = select_registries([sys.modules[__name__]])
    engine = TemporalEngine.from_env(
        task_queue=f"tls-env-{uuid.uuid4()}",
        connect_timeout=CONNECT_TIMEOUT,
        workflow_registry=workflows,
        activity_registry=activities,
    )
    assert engine.url == terminator.mtls_address
    await _greets(engine)


async def test_from_env_without_the_client_certificate_is_refused(
    terminator: TlsTerminator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TEMPORAL_CONFIG_FILE", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("TEMPORAL_ADDRESS", terminator.mtls_address)
    monkeypatch.setenv("TEMPORAL_TLS_SERVER_CA_CERT_PATH", str(terminator.paths["ca"]))
    engine = TemporalEngine.from_env(
        task_queue="tls-env-refused", connect_timeout=CONNECT_TIMEOUT, start_worker=False
    )
    message = await _refused(engine)
    assert "client certificate (mTLS): this engine sent none" in message


def test_without_nginx_the_tls_tests_skip_naming_the_install_or_fail_under_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install nginx"):
        require_nginx(None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run them"):
        require_nginx(None)
    assert require_nginx("/usr/sbin/nginx") == "/usr/sbin/nginx"
