"""Waiting for SIGTERM or SIGINT (Ctrl-C) in a command that owns its process (``dev``).

``worker`` does not need this: ``engine.serve()`` handles the signals itself, the same way
(both use the engine's ``stop_signals``).
"""

from __future__ import annotations

import signal

from temporal_runtime_engine import stop_signals

__all__ = ["wait_for_stop_signal"]


async def wait_for_stop_signal() -> signal.Signals:
    """Return the first SIGTERM or SIGINT that arrives; the previous handlers are back at once, so a
    second Ctrl-C behaves as usual. Call it in the main thread (Python delivers signals there)."""
    with stop_signals() as received:
        return await received
