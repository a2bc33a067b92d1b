"""The table of known connect failures: temporalio's error texts (recorded from temporalio 1.x
against nginx and the dev server, see tests/integration/test_tls.py) map to a hint naming the option
to change; unknown texts map to None (the engine then lists the likely causes)."""

from __future__ import annotations

import re

import pytest
import temporalio.service

from temporal_runtime_engine._connection import ConnectionSettings
from temporal_runtime_engine._connection_diagnosis import RULES, Attempt, diagnose, status_hint

PREFIX = "Failed client connect: "
UNKNOWN_ISSUER = (
    PREFIX + "Server connection error: tonic::transport::Error(Transport, ConnectError(Custom { kind: "
    "InvalidData, error: InvalidCertificate(UnknownIssuer) }))"
)
WRONG_NAME = (
    PREFIX + "Server connection error: tonic::transport::Error(Transport, ConnectError(Custom { kind: "
    'InvalidData, error: InvalidCertificate(NotValidForNameContext { expected: DnsName("wrong.example"), '
    'presented: ["DnsName(\\"localhost\\")", "IpAddress(127.0.0.1)"] }) }))'
)
PLAINTEXT_SERVER = (
    PREFIX + "Server connection error: tonic::transport::Error(Transport, ConnectError(Custom { kind: "
    "InvalidData, error: InvalidMessage(InvalidContentType) }))"
)
NGINX_400 = (
    PREFIX + "`get_system_info` call error after connection: Status { code: Internal, message: "
    '"protocol error: received message with invalid compression flag: 60 (valid flags are 0 and 1) while '
    'receiving response with status: 400 Bad Request", metadata: MetadataMap { headers: {"server": '
    '"nginx/1.22.1", "content-type": "text/html", "content-length": "237"} }, source: None }'
)
GOAWAY = (
    PREFIX + '`get_system_info` call error after connection: Status { code: Internal, message: "h2 protocol '
    'error: http2 error", source: Some(tonic::transport::Error(Transport, hyper::Error(Http2, Error { kind: '
    'GoAway(b"", FRAME_SIZE_ERROR, Library) }))) }'
)
CLOSED = (
    PREFIX + '`get_system_info` call error after connection: Status { code: Cancelled, message: "operation '
    'was canceled", source: Some(tonic::transport::Error(Transport, hyper::Error(Canceled, "connection '
    'closed"))) }'
)
BROKEN_PIPE = (
    PREFIX + '`get_system_info` call error after connection: Status { code: Unknown, message: "transport '
    'error", source: Some(tonic::transport::Error(Transport, hyper::Error(Io, Custom { kind: BrokenPipe, '
    'error: "stream closed because of a broken pipe" }))) }'
)
UNAUTHENTICATED = (
    PREFIX + "`get_system_info` call error after connection: Status { code: Unauthenticated, message: "
    '"nginx: missing or wrong API key", metadata: MetadataMap { headers: {"content-type": '
    '"application/grpc"} }, source: None }'
)
REFUSED = (
    PREFIX + 'Server connection error: tonic::transport::Error(Transport, ConnectError(ConnectError("tcp '
    'connect error", 127.0.0.1:1, Os { code: 111, kind: ConnectionRefused, message: "Connection refused" })))'
)
CERTIFICATE_REQUIRED = (
    PREFIX + '`get_system_info` call error after connection: Status { code: Unknown, message: "transport '
    'error", source: Some(tonic::transport::Error(Transport, hyper::Error(Io, Custom { kind: InvalidData, '
    'error: "received fatal alert: CertificateRequired" }))) }'
)
UNKNOWN_CA = CERTIFICATE_REQUIRED.replace("CertificateRequired", "UnknownCA")
NO_CLOSE_NOTIFY = (
    PREFIX + '`get_system_info` call error after connection: Status { code: Unknown, message: "transport '
    'error", source: Some(tonic::transport::Error(Transport, hyper::Error(Io, Custom { kind: UnexpectedEof, '
    'error: "peer closed connection without sending TLS close_notify: https://docs.rs/rustls/latest/rustls/'
    'manual/_03_howto/index.html#unexpected-eof" }))) }'
)

TLS = Attempt(url="127.0.0.1:7443", tls=True, server_ca=True)
MTLS = Attempt(url="127.0.0.1:7443", tls=True, server_ca=True, client_cert=True)
PLAIN = Attempt(url="127.0.0.1:7233", tls=False)


@pytest.mark.parametrize(
    ("detail", "attempt", "expected"),
    [
        (
            UNKNOWN_ISSUER,
            Attempt(url="h:1", tls=True),
            "it trusts the system's CAs, as tls_server_ca is not set",
        ),
        (UNKNOWN_ISSUER, MTLS, "it trusts the CA in tls_server_ca). Pass tls_server_ca="),
        (WRONG_NAME, Attempt("127.0.0.1:1", tls=True, server_name="wrong.example"), "name 'wrong.example'"),
        (WRONG_NAME, MTLS, "(it names 'localhost', '127.0.0.1'). Pass tls_server_name="),
        (PLAINTEXT_SERVER, TLS, "the server answered without it (a plaintext server"),
        (NGINX_400, TLS, "without a client certificate (mTLS): this engine sent none. Pass tls_client_cert="),
        (NGINX_400, MTLS, "a client certificate it does not trust: tls_client_cert is not signed"),
        (NGINX_400, PLAIN, "the server answered HTTP 400 instead of gRPC: the address is not a Temporal"),
        (GOAWAY, PLAIN, "TLS: this engine does not use TLS but the server seems to expect it"),
        (CLOSED, PLAIN, "Pass tls=True"),
        (CLOSED, TLS, "closed the connection right after the TLS handshake"),
        (UNAUTHENTICATED, Attempt("h:1", tls=True, api_key=True), "the api_key is wrong, expired"),
        (UNAUTHENTICATED, TLS, "requires authentication (UNAUTHENTICATED) (it said: nginx: missing or wrong"),
        (
            CERTIFICATE_REQUIRED,
            TLS,
            "TLS: the server requires a client certificate (mTLS) and this engine sent none",
        ),
        (UNKNOWN_CA, MTLS, "TLS: the server refused this engine's client certificate"),
        (
            NO_CLOSE_NOTIFY,
            TLS,
            "closed the connection right after the TLS handshake, as a server that requires",
        ),
        (NO_CLOSE_NOTIFY, MTLS, "does not trust the client certificate (tls_client_cert)"),
        (BROKEN_PIPE, TLS, "closed the connection right after the TLS handshake"),
    ],
)
def test_known_failures_name_the_option_and_the_fix(detail: str, attempt: Attempt, expected: str) -> None:
    hint = diagnose(detail, attempt)
    assert hint is not None
    assert expected in hint


def test_tls_rules_apply_only_to_the_matching_side() -> None:
    # A plaintext engine cannot fail a certificate check; a TLS engine's HTTP/2 protocol error is no hint
    # that TLS is off.
    assert diagnose(UNKNOWN_ISSUER, PLAIN) is None
    assert diagnose(GOAWAY, TLS) is None
    assert diagnose("something nobody has seen", TLS) is None
    assert diagnose(REFUSED, TLS) is None  # the engine's own list of causes covers it


SAMPLES = {
    "refused credentials": UNAUTHENTICATED,
    "wrong server name": WRONG_NAME,
    "untrusted server": UNKNOWN_ISSUER,
    "expired server certificate": "InvalidCertificate(Expired)",
    "client certificate refused": CERTIFICATE_REQUIRED,
    "plaintext server": PLAINTEXT_SERVER,
    "closed after the handshake": NO_CLOSE_NOTIFY,
    "HTTP answer": NGINX_400,
    "TLS server": GOAWAY,
}


def test_every_rule_has_a_sample_that_it_is_the_first_to_match() -> None:
    assert set(SAMPLES) == {rule.name for rule in RULES}
    for rule in RULES:
        attempt = PLAIN if rule.tls is False else TLS
        first = next(
            r
            for r in RULES
            if r.tls in (None, attempt.tls) and re.search(r.pattern, SAMPLES[rule.name], re.I)
        )
        assert first is rule
        assert diagnose(SAMPLES[rule.name], attempt) is not None


def test_status_hint_reads_temporalio_status_names() -> None:
    api_key = Attempt("h:1", tls=True, api_key=True)
    assert status_hint(
        temporalio.service.RPCStatusCode.UNAUTHENTICATED.name, "bad key", api_key
    ) == status_hint("Unauthenticated", "bad key", api_key)
    denied = status_hint("PERMISSION_DENIED", "", api_key)
    assert denied is not None
    assert denied.startswith("the server denied this engine's api_key access (PERMISSION_DENIED): grant")
    assert status_hint("NOT_FOUND", "", api_key) is None


def test_the_engine_message_leads_with_the_hint_and_keeps_the_detail() -> None:
    settings = ConnectionSettings.from_options(
        "127.0.0.1:7443", "default", tls_server_ca=b"CA", tls_server_name="wrong.example"
    )
    assert settings.attempt == Attempt(
        "127.0.0.1:7443", tls=True, server_ca=True, server_name="wrong.example"
    )
    message = settings.unreachable(WRONG_NAME)
    assert message.startswith(
        "Could not connect to Temporal at '127.0.0.1:7443' (namespace 'default'): TLS: the server's "
        "certificate is not valid for the name 'wrong.example'"
    )
    assert message.endswith(f"Detail: {WRONG_NAME}")
    unknown = ConnectionSettings.from_options("127.0.0.1:7233", "default").unreachable("mystery")
    assert "Likely causes: no Temporal server is listening there" in unknown
    assert unknown.endswith("Detail: mystery")
