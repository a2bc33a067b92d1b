"""A fresh in-memory Temporal dev server per trial, on a free loopback port."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Generator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DevServer", "dev_server", "server_binary"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_binary() -> Path:
    from temporal_runtime_engine import find_server_binary

    return find_server_binary()


@dataclass
class DevServer:
    address: str
    pid: int


@contextmanager
def dev_server(binary: Path, log_dir: Path) -> Generator[DevServer]:
    """A fresh in-memory, headless ``temporal server start-dev`` on a free loopback port."""
    port = _free_port()
    address = f"127.0.0.1:{port}"
    log_path = log_dir / f"server-{port}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                str(binary),
                "server",
                "start-dev",
                "--ip",
                "127.0.0.1",
                "--port",
                str(port),
                "--headless",
                "--log-level",
                "error",
                # As the engine's embedded server: the first workflow task of an eager start comes
                # back in the start response (figure 3's third column; (b) asks when it serves the queue).
                "--dynamic-config-value",
                "system.enableEagerWorkflowStart=true",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"dev server exited with {proc.returncode}: {log_path.read_text()[-2000:]}"
                )
            ready = subprocess.run(
                [str(binary), "operator", "namespace", "describe", "-n", "default", "--address", address],
                capture_output=True,
                check=False,
            )
            if ready.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"dev server at {address} not ready after 60s: {log_path.read_text()[-2000:]}"
                )
            time.sleep(0.2)
        yield DevServer(address, proc.pid)
    finally:
        # In memory and fresh per trial, with the trial's process gone: nothing to shut down
        # gracefully, and SIGTERM's graceful stop takes over a second per trial.
        proc.kill()
        proc.wait()
