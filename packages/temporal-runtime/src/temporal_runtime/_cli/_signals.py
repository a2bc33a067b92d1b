"""Waiting for SIGTERM or SIGINT (Ctrl-C) in a command that owns its process (``dev``).

``worker`` does not need this: ``engine.serve()`` handles the signals itself.
"""

from __future__ import annotations

import asyncio
import signal
from types import FrameType
from typing import Any, Final

__all__ = ["SIGNALS", "wait_for_stop_signal"]

SIGNALS: Final = tuple(s for s in (getattr(signal, "SIGTERM", None), signal.SIGINT) if s is not None)


async def wait_for_stop_signal() -> signal.Signals:
    """Return the first SIGTERM or SIGINT that arrives; the previous handlers are back at once, so a
    second Ctrl-C behaves as usual. Call it in the main thread (Python delivers signals there)."""
    loop = asyncio.get_running_loop()
    received: asyncio.Future[int] = loop.create_future()
    previous: dict[int, Any] = {}

    def deliver(signum: int) -> None:
        if not received.done():
            received.set_result(signum)

    def handler(signum: int, frame: FrameType | None) -> None:
        restore()
        loop.call_soon_threadsafe(deliver, signum)

    def restore() -> None:
        while previous:
            sig, old = previous.popitem()
            signal.signal(sig, old)

    for sig in SIGNALS:
        previous[sig] = signal.signal(sig, handler)
    try:
        return signal.Signals(await received)
    finally:
        restore()
