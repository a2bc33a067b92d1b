"""``StartOptionsDict``: the options of a workflow start, as keyword arguments a type checker checks.

``proxy.options(**options)``, ``engine.start_workflow(Wf.method, arg, **options)``,
``engine.execute_workflow(...)`` and ``engine.start_method(...)`` all take these keywords, so a
misspelled option or a value of the wrong type is a type error, and every start form offers the same
options. ``None`` leaves an option unset (the default, or the proxy's earlier setting).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from temporal_runtime_core import Duration, SearchAttributeValue

from ._convert import AnyIdConflictPolicy, AnyIdReusePolicy, AnyRetryPolicy
from ._handler_methods import SignalMethod

__all__ = ["StartOptionsDict"]


class StartOptionsDict(TypedDict, total=False):
    """Keyword options of a workflow start; every key is optional."""

    id: str | None
    """The workflow id (default: ``"{Workflow}.{method}-{uuid}"``). Business ids make starts
    idempotent with the id policies."""
    id_conflict_policy: AnyIdConflictPolicy | None
    """What to do when a run with this id is running (default: fail)."""
    id_reuse_policy: AnyIdReusePolicy | None
    """Whether the id of a closed run may be used again (default: allow)."""
    execution_timeout: Duration | None
    """Limit on the whole execution, retries and continue-as-new included."""
    run_timeout: Duration | None
    """Limit on one run."""
    task_timeout: Duration | None
    """Limit on one workflow task (default 10 s)."""
    retry_policy: AnyRetryPolicy | None
    """Retry of the whole workflow (default: none)."""
    memo: Mapping[str, object] | None
    """Non-indexed values shown with the run."""
    start_delay: Duration | None
    """Wait this long before the first workflow task."""
    task_queue: str | None
    """The task queue to start on (default: the engine's)."""
    # --- search attributes and summary (#13) ---
    search_attributes: Sequence[SearchAttributeValue[Any]] | None
    """Indexed values of the run, typed by key: ``[CustomerId.value("c-1"), Total.value(99.5)]``.
    Each must be registered in the namespace (see docs/visibility.md)."""
    summary: str | None
    """A one-line summary shown in the Web UI and CLI after the entry method:
    ``"OrderWorkflow.process: <summary>"`` (without it: ``"OrderWorkflow.process"``)."""
    # --- signal-with-start (#13) ---
    start_signal: str | SignalMethod[Any, ..., Any] | None
    """Signal-with-start: deliver this signal (a ``@wf_signal`` handler of the workflow started, e.g.
    ``OrderWorkflow.approve``, or its name) with the start, atomically: to the new run, or with
    ``id_conflict_policy=IdConflictPolicy.USE_EXISTING`` to the run already running under the id.
    Its arguments are checked against the handler before anything is sent. The form typed by the
    handler's parameters is ``proxy.options(id=...).with_start(Wf.run, x).signal(Wf.approve, ...)``."""
    start_signal_args: Sequence[object] | None
    """The arguments of ``start_signal``, positionally (default: none)."""
    # ---
    extra: Mapping[str, Any] | None
    """Keyword arguments for temporalio's ``Client.start_workflow`` that this API does not cover yet."""
