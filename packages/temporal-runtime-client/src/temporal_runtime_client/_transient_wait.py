"""Waiting for a result through the server's transient refusals (RESOURCE_EXHAUSTED, UNAVAILABLE).

Waiting for a run's result is a read: temporalio long-polls the run's history until its close
event. A loaded cluster refuses long polls beyond its per-namespace limit
(``namespace concurrent poller limit exceeded``, RESOURCE_EXHAUSTED; ``frontend.namespaceCount``,
1,200 by default) and a restarting one is UNAVAILABLE for a moment. Neither says anything about the
run, so :func:`keep_waiting` retries a read (a result, a describe) with capped, jittered
exponential backoff (thousands of refused callers then come back spread out rather than in one
wave), inside the caller's timeout.
Without a timeout it gives up after :data:`GIVE_UP_AFTER` seconds of uninterrupted refusal, with an
:class:`EngineError` (an :class:`EngineConnectionError` for UNAVAILABLE) naming the run and the
cause, so a caller is never left hanging silently nor handed a bare ``RPCError``. A refused
write (a start, a signal) is not retried past temporalio's own 10 s of retries:
:func:`refusal_error` gives the caller our error instead (``translate_error`` applies it).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Final

import temporalio.service

from temporal_runtime_core import EngineConnectionError, EngineError

__all__ = [
    "GIVE_UP_AFTER",
    "TRANSIENT_STATUSES",
    "is_transient",
    "keep_waiting",
    "read_through_refusals",
    "refusal_error",
]

log = logging.getLogger("temporal_runtime")

TRANSIENT_STATUSES: Final = frozenset(
    {temporalio.service.RPCStatusCode.RESOURCE_EXHAUSTED, temporalio.service.RPCStatusCode.UNAVAILABLE}
)
GIVE_UP_AFTER: Final = 120.0
"""Seconds of uninterrupted refusal after which a wait without a timeout raises."""
_FIRST_DELAY: Final = 0.1
_MAX_DELAY: Final = 5.0
_LOG_EVERY: Final = 30.0


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` is a refusal that says nothing about the run (retry the wait)."""
    return isinstance(exc, temporalio.service.RPCError) and exc.status in TRANSIENT_STATUSES


def refusal_error(
    exc: temporalio.service.RPCError, workflow_id: str | None, seconds: float | None = None
) -> EngineError:
    """Our error for a transient refusal that is not retried further: an
    :class:`EngineConnectionError` for UNAVAILABLE, an :class:`EngineError` for RESOURCE_EXHAUSTED,
    naming the run (when known), how long it was refused (when retried) and the likely fix."""
    target = f" for workflow {workflow_id!r}" if workflow_id else ""
    during = f" for {seconds:.0f} s" if seconds is not None else ""
    text = f"The Temporal server refused a call{target}{during} ({exc.status.name}: {exc.message}). "
    if exc.status == temporalio.service.RPCStatusCode.UNAVAILABLE:
        return EngineConnectionError(text + "Check that the server is up and reachable, then try again.")
    return EngineError(
        text + "The cluster is over a limit (its concurrent long polls or requests per second per "
        "namespace: dynamic config frontend.namespaceCount, frontend.namespaceRPS): raise it, send "
        "fewer calls at once, or try again later."
    )


async def keep_waiting[T](
    wait: Callable[[], Awaitable[T]],
    refused: temporalio.service.RPCError,
    workflow_id: str,
    *,
    give_up_after: float | None = GIVE_UP_AFTER,
) -> T:
    """Call ``wait()`` again (after backoff) until it returns or fails other than transiently.

    ``refused`` is the transient error the first attempt got. The caller's own deadline (an
    ``asyncio.timeout`` around this call) bounds the retries when it has one; pass
    ``give_up_after=None`` then. Otherwise, after ``give_up_after`` seconds of refusals in a row the
    last one is raised as an :class:`EngineError`.
    """
    started = last_log = time.monotonic()
    log.warning(
        "Waiting for the result of workflow %r: the server refused (%s: %s); retrying with backoff",
        workflow_id,
        refused.status.name,
        refused.message,
    )
    delay = _FIRST_DELAY
    while True:
        await asyncio.sleep(random.uniform(delay / 2, delay))  # jitter, not crypto
        delay = min(delay * 2, _MAX_DELAY)
        try:
            return await wait()
        except temporalio.service.RPCError as exc:
            if not is_transient(exc):
                raise
            refused = exc
        now = time.monotonic()
        if give_up_after is not None and now - started >= give_up_after:
            raise refusal_error(refused, workflow_id, now - started) from refused
        if now - last_log >= _LOG_EVERY:
            last_log = now
            log.warning(
                "Still waiting for the result of workflow %r after %.0f s of refusals (%s)",
                workflow_id,
                now - started,
                refused.message,
            )


async def read_through_refusals[T](
    read: Callable[[], Awaitable[T]], workflow_id: str, *, give_up_after: float | None = GIVE_UP_AFTER
) -> T:
    """``await read()``, and on a transient refusal :func:`keep_waiting` on it."""
    try:
        return await read()
    except temporalio.service.RPCError as exc:
        if not is_transient(exc):
            raise
        return await keep_waiting(read, exc, workflow_id, give_up_after=give_up_after)
