"""Replay (determinism) checks: does changed workflow code still replay recorded runs?

Temporal rebuilds a workflow's state by re-running its code against the run's event history. If the
code now issues different commands (another activity, a different order, an extra timer), runs that
were started with the old code fail with a nondeterminism error when a new worker picks them up.
:func:`save_history` records a run as JSON; :func:`assert_replays` replays such files against the
current code, exactly as the engine's worker would run it, and fails the test if they diverge.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import temporalio.client
import temporalio.converter
import temporalio.service
import temporalio.worker
import temporalio.workflow

from temporal_runtime_core import (
    ActivityRegistry,
    InvalidOptionError,
    ReplayFailure,
    WorkflowNotFoundError,
    WorkflowRegistry,
    default_activity_registry,
    default_workflow_registry,
)
from temporal_runtime_engine import RuntimePlugin, TemporalEngine, engine_runtime, sandbox_errors_explained
from temporal_runtime_workflow import REPLAY_THREAD_PREFIX, Workflow, WorkflowDefinition, definition_of

from ._errors import ReplayError

__all__ = [
    "HistorySource",
    "assert_replays",
    "fetch_history",
    "load_history",
    "save_history",
]

type HistorySource = temporalio.client.WorkflowHistory | str | os.PathLike[str] | Mapping[str, Any]
"""A history, a path to a history JSON file, a JSON string, or the parsed JSON dict."""


# --- recording -----------------------------------------------------------------------------------


async def fetch_history(
    engine: TemporalEngine, workflow_id: str, run_id: str | None = None
) -> temporalio.client.WorkflowHistory:
    """The event history of workflow ``workflow_id`` (its latest run unless ``run_id`` is given).

    A running workflow's history so far is returned; replaying it checks the part recorded.
    Raises :class:`~temporal_runtime.WorkflowNotFoundError` if there is no such workflow.
    """
    handle = engine.temporal_client.get_workflow_handle(workflow_id, run_id=run_id)
    try:
        history = await handle.fetch_history()
    except temporalio.service.RPCError as exc:
        if exc.status != temporalio.service.RPCStatusCode.NOT_FOUND:
            raise
        run = f" run {run_id!r}" if run_id else ""
        raise WorkflowNotFoundError(
            f"Cannot fetch the history of workflow {workflow_id!r}{run}: no such workflow in namespace "
            f"{engine.namespace!r} ({exc.message})",
            workflow_id=workflow_id,
            run_id=run_id,
        ) from None
    return history


async def save_history(
    engine: TemporalEngine, workflow_id: str, path: str | os.PathLike[str], *, run_id: str | None = None
) -> Path:
    """Fetch the history of workflow ``workflow_id`` and write it to ``path`` as indented JSON.

    The file has Temporal's standard history JSON format (as ``temporal workflow show --output
    json`` writes it), so histories from the CLI or the Web UI can be used the same way. Parent
    directories are created. Returns the path written.
    """
    history = await fetch_history(engine, workflow_id, run_id)
    text = json.dumps(history.to_json_dict(), indent=2, ensure_ascii=False) + "\n"
    return await asyncio.to_thread(_write, Path(path), text)


def _write(target: Path, text: str) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def load_history(
    source: str | os.PathLike[str] | Mapping[str, Any], workflow_id: str | None = None
) -> temporalio.client.WorkflowHistory:
    """A workflow history from a JSON file path, a JSON string or its parsed dict.

    ``workflow_id`` defaults to the id recorded in the history's first event. Raises
    :class:`ReplayError` if the content is not a Temporal workflow history (``OSError`` if the file
    cannot be read).
    """
    fallback_id = "unknown-workflow-id"
    if isinstance(source, Mapping):
        what = "the given history dict"
        data: Any = dict(source)
    else:
        if isinstance(source, str) and source.lstrip().startswith("{"):
            what, text = "the given history JSON string", source
        else:
            path = Path(source)
            what, text = f"history file {str(path)!r}", path.read_text(encoding="utf-8")
            fallback_id = path.stem
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ReplayError(f"{what} is not valid JSON ({exc}). {_FORMAT_HINT}") from None
    try:
        history = temporalio.client.WorkflowHistory.from_json(workflow_id or fallback_id, data)
    except Exception as exc:
        raise ReplayError(f"{what} is not a Temporal workflow history: {exc}. {_FORMAT_HINT}") from None
    if not history.events:
        raise ReplayError(f"{what} contains no events. {_FORMAT_HINT}")
    first = history.events[0]
    if not first.HasField("workflow_execution_started_event_attributes"):
        raise ReplayError(
            f"{what} does not start with a WorkflowExecutionStarted event (it is incomplete or "
            f"not a workflow history). {_FORMAT_HINT}"
        )
    recorded_id = first.workflow_execution_started_event_attributes.workflow_id
    if workflow_id is None and recorded_id:
        history = temporalio.client.WorkflowHistory(recorded_id, history.events)
    return history


_FORMAT_HINT = (
    "Expected a workflow history as written by temporal_runtime.testing.save_history() or "
    "`temporal workflow show --output json`."
)


# --- replaying -----------------------------------------------------------------------------------


async def assert_replays(
    history_or_histories: HistorySource | Iterable[HistorySource],
    *,
    workflows: Iterable[type[Workflow] | WorkflowDefinition] | None = None,
    registry: WorkflowRegistry | None = None,
    activity_registry: ActivityRegistry | None = None,
    sandbox_passthrough: Iterable[str] = (),
    workflow_failure_exceptions: Iterable[type[Exception]] = (),
    payload_codec: temporalio.converter.PayloadCodec | None = None,  # --- encryption (#14) ---
) -> None:
    """Replay recorded histories on the current workflow code; :class:`ReplayError` if any diverges.

    ``history_or_histories`` is one history or several (``WorkflowHistory`` objects, JSON file paths,
    JSON strings or dicts). Each history is replayed by the workflow class registered under its
    workflow type, taken from ``workflows`` (``Workflow`` subclasses) or else from ``registry``
    (default: every workflow of the default registry). The replay uses what the engine's worker
    uses: the generated adapter classes, the data converter, and the sandboxed runner with the
    same passthrough modules (``activity_registry`` and ``sandbox_passthrough`` as given to the
    engine, if it was given any), and the engine's ``workflow_failure_exceptions`` (give the same
    list as to the engine: a run that failed with such an exception replays only with it).
    Histories recorded by an engine with a ``payload_codec`` (encryption) replay only with that
    codec (``payload_codec=engine.payload_codec``, or one with the keys they were encrypted with).
    """
    histories = _as_histories(history_or_histories)
    if not histories:
        raise InvalidOptionError("assert_replays() needs at least one history")
    available = _definitions(workflows, registry)
    chosen: dict[str, WorkflowDefinition] = {}
    unknown: list[str] = []
    for history in histories:
        workflow_type = _workflow_type(history)
        defn = available.get(workflow_type)
        if defn is None:
            unknown.append(f"{workflow_type!r} (workflow id {history.workflow_id!r})")
        else:
            chosen[workflow_type] = defn
    if unknown:
        source = "the workflows= given" if workflows is not None else "the workflow registry"
        raise ReplayError(
            f"No workflow to replay {', '.join(unknown)}: {source} has "
            f"{', '.join(repr(n) for n in sorted(available)) or 'no workflows'}. Import the module "
            "defining it, or pass workflows=[TheWorkflowClass]."
        )
    failure_types = tuple(workflow_failure_exceptions)
    for item in failure_types:
        if not (isinstance(item, type) and issubclass(item, Exception)):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise InvalidOptionError(
                "assert_replays(workflow_failure_exceptions=...) takes exception classes (the engine's "
                f"workflow_failure_exceptions), got {item!r}"
            )
    activities = list(activity_registry if activity_registry is not None else default_activity_registry)
    plugin = RuntimePlugin(chosen.values(), activities, sandbox_passthrough, payload_codec=payload_codec)
    failures: list[ReplayFailure] = []
    # The thread name tells the workflow layer that a failure here is a replay check's, not a live run's.
    with ThreadPoolExecutor(thread_name_prefix=REPLAY_THREAD_PREFIX) as executor:
        replayer = temporalio.worker.Replayer(
            workflows=[d.adapter_class for d in chosen.values()],
            plugins=[plugin],
            workflow_task_executor=executor,
            workflow_failure_exception_types=failure_types,
            runtime=engine_runtime(),
        )
        with sandbox_errors_explained():
            async with replayer.workflow_replay_iterator(_iterate(histories)) as results:
                async for result in results:
                    if result.replay_failure is not None:
                        failures.append(_failure(result.history, result.replay_failure))
    if failures:
        raise ReplayError(_describe(failures, len(histories), chosen), failures)


def _as_histories(
    value: HistorySource | Iterable[HistorySource],
) -> list[temporalio.client.WorkflowHistory]:
    if isinstance(value, temporalio.client.WorkflowHistory | str | os.PathLike | Mapping):
        items: list[Any] = [value]
    else:
        items = list(value)
    return [h if isinstance(h, temporalio.client.WorkflowHistory) else load_history(h) for h in items]


def _definitions(
    workflows: Iterable[type[Workflow] | WorkflowDefinition] | None, registry: WorkflowRegistry | None
) -> dict[str, WorkflowDefinition]:
    if workflows is not None and registry is not None:
        raise InvalidOptionError("assert_replays() takes workflows= or registry=, not both")
    if workflows is None:
        source = registry if registry is not None else default_workflow_registry
        return {d.name: d for d in source if isinstance(d, WorkflowDefinition)}
    found: dict[str, WorkflowDefinition] = {}
    for item in workflows:
        defn = item if isinstance(item, WorkflowDefinition) else definition_of(item)
        existing = found.get(defn.name)
        if existing is not None and existing is not defn:
            raise InvalidOptionError(
                f"assert_replays(workflows=...) has two workflows named {defn.name!r}: "
                f"{existing.origin} and {defn.origin}. Replay them in separate calls."
            )
        found[defn.name] = defn
    return found


def _workflow_type(history: temporalio.client.WorkflowHistory) -> str:
    if not history.events or not history.events[0].HasField("workflow_execution_started_event_attributes"):
        raise ReplayError(
            f"The history of workflow {history.workflow_id!r} does not start with a "
            f"WorkflowExecutionStarted event. {_FORMAT_HINT}"
        )
    return history.events[0].workflow_execution_started_event_attributes.workflow_type.name


async def _iterate(
    histories: Sequence[temporalio.client.WorkflowHistory],
) -> AsyncIterator[temporalio.client.WorkflowHistory]:
    for history in histories:
        yield history


def _failure(history: temporalio.client.WorkflowHistory, cause: Exception) -> ReplayFailure:
    return ReplayFailure(
        workflow_id=history.workflow_id,
        run_id=history.run_id,
        workflow_type=_workflow_type(history),
        nondeterminism=isinstance(cause, temporalio.workflow.NondeterminismError),
        cause=cause,
    )


_CORE_MESSAGE = re.compile(r'message: "((?:[^"\\]|\\.)*)"')


def _core_message(cause: Exception) -> str:
    """The core's own message (e.g. ``[TMPRL1100] Nondeterminism error: ...``) out of the Rust
    ``Failure { ... }`` dump temporalio wraps it in; the whole text if there is none."""
    text = str(cause)
    match = _CORE_MESSAGE.search(text)
    return match.group(1).replace('\\"', '"') if match else text


def _describe(failures: Sequence[ReplayFailure], total: int, chosen: Mapping[str, WorkflowDefinition]) -> str:
    if total == 1:
        parts = ["The recorded workflow history does not replay on the current code:"]
    else:
        parts = [f"{len(failures)} of {total} recorded workflow histories do not replay on the current code:"]
    for f in failures:
        code = chosen[f.workflow_type].origin
        where = f"Workflow {f.workflow_type!r} (workflow id {f.workflow_id!r}, run id {f.run_id!r})"
        if f.nondeterminism:
            parts.append(
                f"- {where}: nondeterminism: the workflow code ({code}) now issues different commands "
                "(activities, timers, ...) or issues them in a different order than the recorded run did.\n"
                f"  Temporal says: {_core_message(f.cause)}"
            )
        else:
            parts.append(f"- {where}: replaying it on {code} failed: {type(f.cause).__name__}: {f.cause}")
    if any(f.nondeterminism for f in failures):
        parts.append(
            "Runs started with the old code would fail when a worker with this code resumes them. "
            'Put the change behind a patch: `if self.patched("my-change"): <new code> else: <old '
            "code>` (new runs take the new path, recorded runs replay the old one; see "
            "docs/versioning.md), or deploy the change under a new workflow name and let the old "
            "runs finish first."
        )
    return "\n".join(parts)
