"""Reporting a run whose workflow task fails: once per run, at ERROR, with the traceback and the fix.

A bug in workflow code fails the workflow *task*; Temporal retries it, every few seconds at first
and then every ten minutes, for as long as the run lives. Without a report the run would look like
a silent hang (temporalio logs each retry at WARNING only). Each retry replays the run in a fresh
sandbox that imports the workflow's module again, so the record of runs already reported lives here,
in a module the sandbox shares with the worker (the engine passes the SDK's layers through).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Final

import temporalio.workflow

from temporal_runtime_core import SandboxViolationError

__all__ = ["REPLAY_THREAD_PREFIX", "forget_task_failure", "report_task_failure"]

_log = logging.getLogger("temporal_runtime.workflow")

REPLAY_THREAD_PREFIX: Final = "temporal-runtime-replay"
"""Threads whose names start with this run replay checks (the testing kit's ``assert_replays``):
there is no live run to report there, and the advice to fix and redeploy would be wrong."""

_MAX_REMEMBERED: Final = 10_000
_reported: OrderedDict[str, None] = OrderedDict()  # run ids, oldest first


def report_task_failure(exc: BaseException, *, workflow: str, where: str) -> None:
    """Log that ``exc``, raised in ``where`` (e.g. ``"Orders.process"``) of ``workflow`` (a
    description of the workflow), fails the current run's workflow task; once per run and worker."""
    if threading.current_thread().name.startswith(REPLAY_THREAD_PREFIX):
        return  # a replay check: the replayer reports the failure itself
    info = temporalio.workflow.info()
    if info.run_id in _reported:
        return
    _reported[info.run_id] = None
    while len(_reported) > _MAX_REMEMBERED:
        _reported.popitem(last=False)
    business = (
        ""
        if isinstance(exc, SandboxViolationError)
        else (
            "\nIf this exception is a business outcome that should fail the run, raise WorkflowFailure "
            "instead or list its type in failure_exceptions=(...) of the workflow class or in "
            "TemporalEngine(workflow_failure_exceptions=[...])."
        )
    )
    _log.error(
        "Workflow task failed in %s, run %s of workflow id %r (%s):\n%s: %s\n"
        "The run stays RUNNING: Temporal retries its workflow task (reported once per run; temporalio "
        "logs each retry at WARNING). Fix the code and restart the worker: the run resumes where it "
        "stopped.%s\nTo give the run up instead: temporal workflow terminate --workflow-id %s",
        where,
        info.run_id,
        info.workflow_id,
        workflow,
        type(exc).__name__,
        exc,
        business,
        info.workflow_id,
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"workflow_id": info.workflow_id, "run_id": info.run_id},
    )


def forget_task_failure() -> None:
    """The current run's entry method returned: drop its record (this only frees memory; a run that
    got past a failure and fails again later is not reported again while it is remembered)."""
    if _reported:  # nearly always empty: no per-run cost
        _reported.pop(temporalio.workflow.info().run_id, None)
