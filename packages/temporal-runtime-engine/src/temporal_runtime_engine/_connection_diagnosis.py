"""What a failed connection most likely means: temporalio's connect errors (TLS handshakes, HTTP
answers from TLS terminators, gRPC auth statuses) mapped to the culprit and the fix. Failures
without such a sign (nothing listening, a wrong host) keep the engine's list of likely causes.

temporalio reports connect failures as a ``RuntimeError`` whose text is the Rust core's (tonic,
rustls, hyper) debug rendering, e.g. ``InvalidCertificate(UnknownIssuer)``; calls after the
connection report ``RPCError`` with a status. :func:`diagnose` reads that text against the table
:data:`RULES` (first match wins) and returns a sentence naming the option to change, or None when
the text matches nothing known.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RULES", "Attempt", "Rule", "diagnose", "status_hint"]


@dataclass(frozen=True)
class Attempt:
    """How the failed connection was made (what the hint may refer to)."""

    url: str
    tls: bool
    """Whether the engine used TLS."""
    client_cert: bool = False
    """Whether it sent a client certificate (mTLS)."""
    server_ca: bool = False
    """Whether ``tls_server_ca`` replaced the system trust store."""
    server_name: str | None = None
    """``tls_server_name``, if set."""
    api_key: bool = False

    @property
    def host(self) -> str:
        return self.url.rpartition(":")[0] or self.url


@dataclass(frozen=True)
class Rule:
    """``pattern`` (searched case-insensitively in the error text) and, when ``tls`` is not None,
    only for attempts with TLS on (True) or off (False); ``hint`` writes the sentence."""

    name: str
    pattern: str
    hint: Callable[[Attempt, re.Match[str]], str]
    tls: bool | None = None


def _wrong_name(attempt: Attempt, match: re.Match[str]) -> str:
    checked = attempt.server_name or attempt.host
    _, _, after = match.string.partition("presented:")
    found = re.findall(r'DnsName\(\\?"([^"\\]+)|IpAddress\(([^)]+)\)', after.partition("]")[0])
    presented = [dns or ip for dns, ip in found]
    names = f" (it names {', '.join(repr(n) for n in presented)})" if presented else ""
    return (
        f"TLS: the server's certificate is not valid for the name {checked!r}{names}. "
        "Pass tls_server_name= a name the certificate carries, or connect by that name"
    )


def _untrusted_server(attempt: Attempt, _: re.Match[str]) -> str:
    trusted = (
        "the CA in tls_server_ca" if attempt.server_ca else "the system's CAs, as tls_server_ca is not set"
    )
    return (
        f"TLS: the server's certificate is not signed by a CA this engine trusts (it trusts {trusted}). "
        "Pass tls_server_ca= the CA certificate that signed the server's certificate (PEM bytes or a path)"
    )


def _expired_server(_: Attempt, __: re.Match[str]) -> str:
    return (
        "TLS: the server's certificate has expired or is not yet valid; renew it on the server "
        "(or check this machine's clock)"
    )


def _plaintext_server(_: Attempt, __: re.Match[str]) -> str:
    return (
        "TLS: this engine uses TLS but the server answered without it (a plaintext server such as "
        "`temporal server start-dev`). Pass tls=False (and none of the tls_* options or api_key, "
        "which turn TLS on), or connect to the server's TLS port"
    )


def _tls_server(_: Attempt, __: re.Match[str]) -> str:
    return (
        "TLS: this engine does not use TLS but the server seems to expect it (it broke off the "
        "plaintext HTTP/2 connection). Pass tls=True (tls_server_ca=... for a private CA, "
        "tls_client_cert=/tls_client_key= for mTLS, api_key=... for Temporal Cloud)"
    )


_NO_CERT_FIX = (
    "Pass tls_client_cert= and tls_client_key= (PEM bytes or paths) of a certificate signed by a CA "
    "the server trusts"
)
_BAD_CERT_FIX = (
    "Pass a certificate and key (tls_client_cert=, tls_client_key=) issued by the server's client CA"
)


def _client_cert_refused(attempt: Attempt, _: re.Match[str]) -> str:
    if not attempt.client_cert:
        return (
            f"TLS: the server requires a client certificate (mTLS) and this engine sent none. {_NO_CERT_FIX}"
        )
    return (
        "TLS: the server refused this engine's client certificate (tls_client_cert): it is not signed "
        f"by a CA the server trusts, or it has expired or been revoked. {_BAD_CERT_FIX}"
    )


def _http_instead_of_grpc(attempt: Attempt, match: re.Match[str]) -> str:
    status = match.group(1)
    if status == "400" and attempt.tls:
        # nginx (ssl_verify_client on) completes the handshake, then answers 400 when the client
        # certificate is missing or untrusted.
        lead = (
            "TLS: the server answered HTTP 400 instead of gRPC, which is how a TLS terminator such as "
            "nginx refuses"
        )
        if not attempt.client_cert:
            return (
                f"{lead} a connection without a client certificate (mTLS): this engine sent none. "
                f"{_NO_CERT_FIX}"
            )
        return (
            f"{lead} a client certificate it does not trust: tls_client_cert is not signed by the "
            f"server's client CA, or it has expired or been revoked. {_BAD_CERT_FIX}"
        )
    return (
        f"the server answered HTTP {status} instead of gRPC: the address is not a Temporal frontend, "
        "or a proxy in front of it refused the call; check url (and the proxy's configuration)"
    )


def status_hint(code: str, message: str, attempt: Attempt) -> str | None:
    """The hint for a gRPC status the server (or a proxy) answered, by code name
    (``Unauthenticated``, ``PermissionDenied`` or their upper-case forms), or None."""
    said = f" (it said: {message})" if message else ""
    key = code.replace("_", "").lower()
    if key == "unauthenticated":
        return _unauthenticated(attempt, said)
    if key == "permissiondenied":
        return _permission_denied(attempt, said)
    return None


def _status(attempt: Attempt, match: re.Match[str]) -> str:
    hint = status_hint(match.group(1), match.group(2), attempt)
    assert hint is not None  # the rule's pattern names only the codes status_hint knows
    return hint


def _unauthenticated(attempt: Attempt, said: str) -> str:
    if attempt.api_key:
        return (
            f"the server refused this engine's credentials as UNAUTHENTICATED{said}: the api_key is "
            "wrong, expired or not valid for this namespace: pass a valid key as api_key"
        )
    return (
        f"the server requires authentication (UNAUTHENTICATED){said}. Pass api_key=... (e.g. a "
        "Temporal Cloud API key) or a client certificate (tls_client_cert=/tls_client_key=)"
    )


def _permission_denied(attempt: Attempt, said: str) -> str:
    who = "api_key" if attempt.api_key else "client certificate" if attempt.client_cert else "identity"
    return (
        f"the server denied this engine's {who} access (PERMISSION_DENIED){said}: grant it access to "
        "the namespace, or pass credentials that have it"
    )


def _closed_after_handshake(attempt: Attempt, _: re.Match[str]) -> str:
    if not attempt.client_cert:
        return (
            "TLS: the server closed the connection right after the TLS handshake, as a server that "
            f"requires a client certificate (mTLS) may when none is sent. {_NO_CERT_FIX}"
        )
    return (
        "TLS: the server closed the connection right after the TLS handshake, as a server may that "
        f"does not trust the client certificate (tls_client_cert). {_BAD_CERT_FIX}"
    )


RULES: tuple[Rule, ...] = (
    Rule(
        "refused credentials",
        r'code: (Unauthenticated|PermissionDenied), message: "((?:[^"\\]|\\.)*)"',
        _status,
    ),
    Rule("wrong server name", r"NotValidForName|not valid for name|hostname mismatch", _wrong_name, tls=True),
    Rule(
        "untrusted server",
        r"UnknownIssuer|unable to get local issuer|self.signed certificate|BadSignature",
        _untrusted_server,
        tls=True,
    ),
    Rule(
        "expired server certificate",
        r"InvalidCertificate\((?:Expired|NotValidYet)",
        _expired_server,
        tls=True,
    ),
    Rule(
        "client certificate refused",
        r"CertificateRequired|certificate required|BadCertificate|bad certificate|UnknownCA|"
        r"unknown ca|CertificateUnknown|certificate unknown|CertificateRevoked|CertificateExpired",
        _client_cert_refused,
        tls=True,
    ),
    Rule(
        "plaintext server",
        r"InvalidContentType|wrong version number|CorruptMessage",
        _plaintext_server,
        tls=True,
    ),
    Rule(
        "closed after the handshake",
        # "after connection": the handshake succeeded; then the server hung up (how the client
        # sees it depends on what it was doing at that moment).
        r"call error after connection.*"
        r'(without sending TLS close_notify|Canceled, "connection closed"|BrokenPipe|ConnectionReset)',
        _closed_after_handshake,
        tls=True,
    ),
    Rule("HTTP answer", r"response with status: (\d{3})", _http_instead_of_grpc),
    Rule(
        "TLS server",
        r"h2 protocol error|GoAway|FRAME_SIZE_ERROR|connection closed|connection reset|broken pipe|"
        r"unexpected eof",
        _tls_server,
        tls=False,
    ),
)
"""The known failures, in the order they are tried."""


def diagnose(detail: str, attempt: Attempt) -> str | None:
    """The likely cause of the connect failure ``detail`` and its fix, or None if unknown."""
    for rule in RULES:
        if rule.tls is not None and rule.tls != attempt.tls:
            continue
        match = re.search(rule.pattern, detail, re.IGNORECASE)
        if match is not None:
            return rule.hint(attempt, match)
    return None
