"""Running an engine as a process: the one start-up line, and serving until SIGTERM or SIGINT.

``engine.serve()`` is where the engine owns the loop: it installs handlers for SIGTERM and SIGINT
(Ctrl-C) for as long as it runs and stops the engine gracefully when one arrives. Nothing else in
the engine touches signal handlers: inside your own ``async with engine:`` (a web app, a script),
signals are yours to handle (uvicorn, for one, stops on SIGTERM and so leaves the ``async with``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Awaitable, Callable, Generator, Sequence
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import temporalio.client

    from ._embedded_server import EmbeddedServer
    from ._worker import EngineWorker

__all__ = ["first_lost", "ready_line", "serve_until_signalled", "stop_signals"]

log = logging.getLogger("temporal_runtime")

_SIGNALS = tuple(s for s in (getattr(signal, "SIGTERM", None), signal.SIGINT) if s is not None)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def ready_line(
    client: temporalio.client.Client,
    server: EmbeddedServer | None,
    namespace: str,
    task_queue: str,
    workers: Sequence[EngineWorker],
) -> str:
    """The engine's one INFO line once started: the server (and whether it is embedded), namespace,
    and for each task queue what its worker serves (the engine's own queue first, or that it has no
    worker), then the Web UI's address if any."""
    address = client.service_client.config.target_host
    where = address if server is None else f"{address} (embedded {server.kind})"
    line = f"temporal-runtime: ready: server {where}, namespace {namespace!r}"
    if not any(w.task_queue == task_queue for w in workers):
        line += f", task queue {task_queue!r}, no worker (start_worker=False)"
    for worker in sorted(workers, key=lambda w: w.task_queue != task_queue):  # stable: the engine's first
        served = worker.served
        line += (
            f", task queue {worker.task_queue!r}, worker serving "
            f"{_count(len(served.workflows), 'workflow', 'workflows')} and "
            f"{_count(len(served.activities), 'activity', 'activities')}"
        )
    ui_url = server.ui_url if server is not None else None
    return line + (f", Web UI {ui_url}" if ui_url is not None else "")


@contextlib.contextmanager
def stop_signals() -> Generator[asyncio.Future[signal.Signals]]:
    """Handle SIGTERM and SIGINT for as long as the block runs: the future yielded gets the first
    one that arrives, and the previous handlers are back at once (so a second Ctrl-C behaves as
    usual) or at the end of the block. Only the main thread installs handlers (Python delivers
    signals there); elsewhere the future is never set. Must run in the event loop's thread."""
    loop = asyncio.get_running_loop()
    received: asyncio.Future[signal.Signals] = loop.create_future()
    previous: dict[int, Any] = {}

    def deliver(signum: int) -> None:
        if not received.done():
            received.set_result(signal.Signals(signum))

    def handler(signum: int, frame: FrameType | None) -> None:
        _restore(previous)
        loop.call_soon_threadsafe(deliver, signum)

    if threading.current_thread() is threading.main_thread():
        for sig in _SIGNALS:
            previous[sig] = signal.signal(sig, handler)
    try:
        yield received
    finally:
        _restore(previous)


async def serve_until_signalled(
    start: Callable[[], Awaitable[None]],
    stop: Callable[[], Awaitable[None]],
    *,
    grace: str,
    lost: Callable[[], Awaitable[BaseException]] | None = None,
) -> None:
    """``await start()``, wait for SIGTERM or SIGINT (or cancellation), then ``await stop()``.

    ``lost()``, awaited once started, returns the error to raise (after stopping) if serving can no
    longer go on, such as a worker that stopped by itself: a worker process must not stay alive
    doing nothing. The signals are handled as :func:`stop_signals` says; the handlers are gone
    before ``stop()`` runs.
    """
    try:
        with stop_signals() as received:
            await start()
            failure = await _first_signal_or_failure(received, lost)
            if failure is not None:
                log.error("temporal-runtime: %s", failure)
                raise failure
            log.info(
                "temporal-runtime: %s received, stopping (running activities get up to %s to finish)",
                received.result().name,
                grace,
            )
    finally:
        await stop()


async def _first_signal_or_failure(
    received: asyncio.Future[signal.Signals], lost: Callable[[], Awaitable[BaseException]] | None
) -> BaseException | None:
    """None once a signal arrived, or the failure ``lost`` returned first."""
    if lost is None:
        await received
        return None
    failure = asyncio.ensure_future(lost())
    try:
        await asyncio.wait((received, failure), return_when=asyncio.FIRST_COMPLETED)
    finally:
        if not failure.done():
            failure.cancel()
    return None if received.done() else failure.result()


async def first_lost(workers: Sequence[EngineWorker]) -> BaseException:
    """The error of the first of ``workers`` to stop by itself (with none, waits forever)."""
    waiters = [asyncio.ensure_future(worker.lost()) for worker in workers]
    if not waiters:
        await asyncio.Event().wait()
    try:
        done, _ = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
    return next(iter(done)).result()


def _restore(previous: dict[int, Any]) -> None:
    while previous:
        sig, old = previous.popitem()
        signal.signal(sig, old)
