"""A call the server did not answer in time: DEADLINE_EXCEEDED, or CANCELLED by the transport.

temporalio raises these as a bare ``RPCError`` when a call's deadline passes before the server
answers (``DEADLINE_EXCEEDED``; the Rust core's transport says ``CANCELLED: Timeout expired``, and
``CANCELLED`` also when an HTTP/2 stream is reset under load). Seen by 5,000 callers starting
workflows at once against one dev server. A cancellation of the calling task is never one of
these: asyncio raises ``CancelledError`` for that. What the caller must know is that the call may
have taken effect: a start may have created the run, a signal may have been delivered.
"""

from __future__ import annotations

from typing import Final

import temporalio.service

from temporal_runtime_core import EngineError

__all__ = ["UNANSWERED_STATUSES", "is_unanswered", "unanswered_error"]

UNANSWERED_STATUSES: Final = frozenset(
    {temporalio.service.RPCStatusCode.DEADLINE_EXCEEDED, temporalio.service.RPCStatusCode.CANCELLED}
)


def is_unanswered(exc: BaseException) -> bool:
    """Whether ``exc`` is a call the server did not answer in time."""
    return isinstance(exc, temporalio.service.RPCError) and exc.status in UNANSWERED_STATUSES


def unanswered_error(exc: temporalio.service.RPCError, workflow_id: str | None) -> EngineError:
    """Our error for ``exc``: names the run (when known), says the call may have taken effect and
    how to find out."""
    target = f" for workflow {workflow_id!r}" if workflow_id else ""
    look_up = (
        f"look the run up with engine.get_handle({workflow_id!r})"
        if workflow_id
        else "look the run up by its id"
    )
    return EngineError(
        f"The Temporal server did not answer a call{target} in time ({exc.status.name}: {exc.message}); "
        f"it or the network is overloaded. The call may still have taken effect: {look_up}, or repeat it "
        "with the same workflow id (a start with id_conflict_policy=IdConflictPolicy.USE_EXISTING "
        "attaches to the run if it exists)"
    )
