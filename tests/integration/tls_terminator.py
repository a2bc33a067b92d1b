"""A real TLS terminator for the TLS tests: certificates made with ``cryptography`` and nginx on
loopback in front of the session's (plaintext) dev server.

:func:`make_certificates` makes a private CA, a server certificate for ``127.0.0.1`` and
``localhost`` (IP and DNS SANs), a client certificate signed by the CA, and a second, untrusted CA
with its own client certificate. :class:`TlsTerminator` runs nginx (unprivileged: prefix, pid, logs
and temp files in a temporary directory) with two listeners that ``grpc_pass`` to the dev server:

- ``mtls_port``: TLS that requires a client certificate signed by the CA;
- ``api_key_port``: TLS without client certificates, which lets a call through only with
  ``authorization: Bearer <api_key>`` and answers any other with gRPC status UNAUTHENTICATED.

:func:`nginx_or_skip` finds nginx, or skips the tests naming how to install it, except under CI
(the ``CI`` environment variable set), where a missing nginx fails them: CI must run them.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = [
    "Certificates",
    "KeyPair",
    "TlsTerminator",
    "find_nginx",
    "make_certificates",
    "nginx_or_skip",
    "require_nginx",
]

INSTALL_HINT = "install nginx (Debian/Ubuntu: `sudo apt-get install nginx`; .ci/run does so as root)"


@dataclass(frozen=True)
class KeyPair:
    """A PEM certificate and its PEM private key."""

    cert: bytes
    key: bytes


@dataclass(frozen=True)
class Certificates:
    ca: bytes
    """The private CA that signed ``server`` and ``client``."""
    server: KeyPair
    """For 127.0.0.1 and localhost."""
    client: KeyPair
    """Signed by ``ca``: the terminator accepts it."""
    rogue_ca: bytes
    """A second CA, which the terminator does not trust."""
    rogue_client: KeyPair
    """Signed by ``rogue_ca``: the terminator refuses it."""

    def write(self, directory: Path) -> dict[str, Path]:
        """Every PEM as a file in ``directory``; the paths by name (``ca``, ``client_cert``, ...)."""
        files = {
            "ca": self.ca,
            "server_cert": self.server.cert,
            "server_key": self.server.key,
            "client_cert": self.client.cert,
            "client_key": self.client.key,
            "rogue_ca": self.rogue_ca,
            "rogue_client_cert": self.rogue_client.cert,
            "rogue_client_key": self.rogue_client.key,
        }
        paths: dict[str, Path] = {}
        for name, data in files.items():
            paths[name] = directory / f"{name}.pem"
            paths[name].write_bytes(data)
        return paths


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(
    subject: str, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey
) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
    )


def _ca(common_name: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = _key()
    cert = (
        _builder(common_name, _name(common_name), key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _leaf(
    common_name: str,
    ca: tuple[ec.EllipticCurvePrivateKey, x509.Certificate],
    *,
    server: bool,
) -> KeyPair:
    ca_key, ca_cert = ca
    key = _key()
    builder = (
        _builder(common_name, ca_cert.subject, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
    )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.IPv4Address("127.0.0.1"))]
            ),
            critical=False,
        )
    cert = builder.sign(ca_key, hashes.SHA256())
    return KeyPair(cert=cert.public_bytes(serialization.Encoding.PEM), key=_pem_key(key))


def make_certificates() -> Certificates:
    """Fresh certificates for one test session (EC P-256; valid for a day)."""
    ca = _ca("temporal-runtime test CA")
    rogue = _ca("untrusted test CA")
    return Certificates(
        ca=ca[1].public_bytes(serialization.Encoding.PEM),
        server=_leaf("localhost", ca, server=True),
        client=_leaf("test-client", ca, server=False),
        rogue_ca=rogue[1].public_bytes(serialization.Encoding.PEM),
        rogue_client=_leaf("rogue-client", rogue, server=False),
    )


def find_nginx() -> str | None:
    """The nginx binary on PATH or in the sbin directories (often not on a user's PATH)."""
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )


def nginx_or_skip() -> str:
    """The nginx binary; skips the calling test when there is none, unless ``CI`` is set (fails)."""
    return require_nginx(find_nginx())


def require_nginx(found: str | None) -> str:
    """``found``; if None, skips the calling test naming how to install nginx, or under CI fails it."""
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"nginx is needed for the TLS tests and CI must run them: {INSTALL_HINT}")
        pytest.skip(f"the TLS tests need nginx as their TLS terminator: {INSTALL_HINT}")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_CONFIG = """\
worker_processes 1;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/temp/body;
    proxy_temp_path {dir}/temp/proxy;
    fastcgi_temp_path {dir}/temp/fastcgi;
    uwsgi_temp_path {dir}/temp/uwsgi;
    scgi_temp_path {dir}/temp/scgi;
    ssl_certificate {dir}/server_cert.pem;
    ssl_certificate_key {dir}/server_key.pem;
    grpc_read_timeout 120s;
    grpc_send_timeout 120s;

    server {{
        # (a) mTLS: a client certificate signed by ca.pem is required.
        listen 127.0.0.1:{mtls_port} ssl http2;
        ssl_client_certificate {dir}/ca.pem;
        ssl_verify_client on;
        location / {{
            grpc_pass grpc://{upstream};
        }}
    }}

    server {{
        # (b) TLS without client certificates; the API key is checked here.
        listen 127.0.0.1:{api_key_port} ssl http2;
        location / {{
            default_type application/grpc;
            if ($http_authorization != "Bearer {api_key}") {{
                add_header grpc-status 16 always;
                add_header grpc-message "nginx: missing or wrong API key" always;
                return 200;
            }}
            grpc_pass grpc://{upstream};
        }}
    }}
}}
"""


class TlsTerminator:
    """nginx in front of ``upstream`` (``host:port`` of a plaintext Temporal frontend)."""

    def __init__(
        self, nginx: str, upstream: str, certificates: Certificates, directory: Path, api_key: str
    ) -> None:
        self.nginx = nginx
        self.upstream = upstream
        self.certificates = certificates
        self.directory = directory
        self.api_key = api_key
        self.mtls_port = _free_port()
        self.api_key_port = _free_port()
        self.paths = certificates.write(directory)
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def mtls_address(self) -> str:
        return f"127.0.0.1:{self.mtls_port}"

    @property
    def api_key_address(self) -> str:
        return f"127.0.0.1:{self.api_key_port}"

    def start(self, timeout: float = 10) -> None:
        """Start nginx and return once both listeners accept connections."""
        (self.directory / "temp").mkdir(exist_ok=True)
        config = self.directory / "nginx.conf"
        config.write_text(
            _CONFIG.format(
                dir=self.directory,
                mtls_port=self.mtls_port,
                api_key_port=self.api_key_port,
                upstream=self.upstream,
                api_key=self.api_key,
            )
        )
        self._process = subprocess.Popen(
            [
                self.nginx,
                "-p",
                str(self.directory),
                "-c",
                str(config),
                "-e",
                str(self.directory / "error.log"),
                "-g",
                f"daemon off; pid {self.directory / 'nginx.pid'};",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + timeout
        for port in (self.mtls_port, self.api_key_port):
            while not self._accepts(port):
                if self._process.poll() is not None:
                    raise RuntimeError(f"nginx exited at start: {self._stderr()}")
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"nginx did not listen on 127.0.0.1:{port} within {timeout}s")
                time.sleep(0.02)  # polling the port: the only readiness signal nginx gives

    @staticmethod
    def _accepts(port: int) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            return False

    def _stderr(self) -> str:
        assert self._process is not None
        assert self._process.stderr is not None
        log = self.directory / "error.log"
        return self._process.stderr.read().decode(errors="replace") + (
            log.read_text() if log.exists() else ""
        )

    def stop(self) -> None:
        """Stop nginx (SIGTERM: fast shutdown) and wait for it."""
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stderr is not None:
            self._process.stderr.close()
        self._process = None
