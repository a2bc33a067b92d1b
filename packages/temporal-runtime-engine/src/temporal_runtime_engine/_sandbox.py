"""Which modules Temporal's workflow sandbox may share with the host process.

The sandbox re-imports a workflow's module for every run (and once per workflow class when the
worker validates it). Modules that are pure data (the SDK's own core and workflow layers, pydantic,
the user's DTO modules) can be shared instead, which keeps per-run cost low. So can modules that
only define activities: workflow code merely references their ``ActivityDefinition`` handles and
never runs activity code, so re-importing them (and re-running every ``activity_def``) would buy no
isolation. Modules that define workflows are never shared, even if they define activities too,
and neither are the packages containing them (the sandbox shares a module's submodules with it):
their isolation is the point.
"""

from __future__ import annotations

import importlib
import typing
from collections.abc import Generator, Iterable
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel

from temporal_runtime_core import ActivityDefinition, DefinitionError
from temporal_runtime_workflow import WorkflowDefinition, explain_sandbox_violation, is_sandbox_violation

__all__ = [
    "SDK_PASSTHROUGH",
    "check_reimportable",
    "passthrough_modules",
    "sandbox_errors_explained",
]

SDK_PASSTHROUGH: tuple[str, ...] = (
    "temporal_runtime",
    "temporal_runtime_core",
    "temporal_runtime_workflow",
    "temporal_runtime_client",
    "temporal_runtime_engine",
    "pydantic",
    "pydantic_core",
    "annotated_types",
    "typing_extensions",
    "typing_inspection",
    # --- encryption (#14) ---
    # A workflow module may build its AesGcmCodec at import (`codec = AesGcmCodec.from_env()`); the
    # sandbox re-imports that module, and cryptography's native bindings load only once per process.
    "cryptography",
    # --- observability (#14) ---
    # With tracing=True, temporalio's TracingWorkflowInboundInterceptor runs inside the sandbox and uses
    # opentelemetry's context (one per process: the workflow spans must join the host's trace).
    "opentelemetry",
)


def _model_modules(hint: Any, seen: set[int]) -> Iterable[str]:
    if id(hint) in seen:
        return
    seen.add(id(hint))
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        yield hint.__module__
        for field in hint.model_fields.values():
            yield from _model_modules(field.annotation, seen)
        return
    for arg in typing.get_args(hint):
        yield from _model_modules(arg, seen)


def _contains_workflows(module: str, workflow_modules: set[str]) -> bool:
    """Whether passing ``module`` through would share a workflow module: the sandbox passes a
    module's submodules through with it, so ``pkg`` must stay isolated if ``pkg.workflows`` is one."""
    return any(w == module or w.startswith(f"{module}.") for w in workflow_modules)


def passthrough_modules(
    workflows: Iterable[WorkflowDefinition],
    activities: Iterable[ActivityDefinition[Any, Any]],
    extra: Iterable[str] = (),
) -> list[str]:
    """SDK modules, DTO modules used by ``workflows`` (any entry method or handler) or
    ``activities``, modules that define ``activities`` but no workflow, and ``extra``."""
    workflow_list = list(workflows)
    activity_list = list(activities)
    workflow_modules = {d.workflow_class.__module__ for d in workflow_list}
    hints: list[Any] = []
    for defn in workflow_list:
        for handler in defn.handlers():  # every kind: entry methods, signals, queries, updates
            hints.extend(handler.spec.hints.values())
    for act in activity_list:
        hints.extend([act.args_type, act.result_type])
    seen: set[int] = set()
    dto_modules = {m for hint in hints for m in _model_modules(hint, seen)}
    activity_modules: set[str | None] = {getattr(act.fn, "__module__", None) for act in activity_list}
    shareable = {
        m
        for m in (*dto_modules, *activity_modules)
        if m
        and m != "__main__"
        and not m.startswith("builtins")
        and not _contains_workflows(m, workflow_modules)
    }
    return sorted({*SDK_PASSTHROUGH, *shareable, *extra})


def check_reimportable(defn: WorkflowDefinition) -> None:
    """The sandbox re-imports each workflow's module by name; fail early and clearly if it cannot."""
    module = defn.workflow_class.__module__
    if module == "__main__":
        return
    try:
        importlib.import_module(module)
    except ImportError as exc:
        raise DefinitionError(
            f"Workflow {defn.name!r} is defined in module {module!r}, which cannot be imported by that "
            f"name ({exc}). Temporal's workflow sandbox re-imports workflow modules by name: make the "
            "module importable (a package on sys.path; for pytest, set pythonpath or use packages)."
        ) from exc


@contextmanager
def sandbox_errors_explained(workflows: Iterable[WorkflowDefinition] = ()) -> Generator[None]:
    """Turn temporalio's bare "Failed validating workflow X" into a :class:`DefinitionError` that
    names the import-time cause and the fix (``workflows`` are those the worker is built for)."""
    try:
        yield
    except RuntimeError as exc:
        cause = exc.__cause__
        if cause is None or not str(exc).startswith("Failed validating workflow"):
            raise
        workflow_list = list(workflows)
        name = str(exc).removeprefix("Failed validating workflow").strip()
        defn = next((d for d in workflow_list if d.name == name), None)
        culprit = f"workflow {name!r}" + (f" ({defn.origin})" if defn is not None else "")
        if is_sandbox_violation(cause):
            module = defn.workflow_class.__module__ if defn is not None else "module"
            advice = explain_sandbox_violation(
                cause,
                workflow=f"its module {module}",
                workflow_modules={d.workflow_class.__module__ for d in workflow_list},
                at_import=True,
            )
            # from None: temporalio's own advice in the chain is not ours; the traceback of the
            # violation (the imports that led to it) is kept.
            raise DefinitionError(f"Cannot serve {culprit}: {advice}").with_traceback(
                cause.__traceback__
            ) from None
        raise DefinitionError(
            f"Cannot serve {culprit}: importing its module again inside Temporal's workflow "
            f"sandbox raised {type(cause).__name__}: {str(cause).rstrip('.')}. Workflow modules must be "
            "safe to import more than once: keep side effects such as asyncio.run(main()) under "
            "`if __name__ == '__main__':`, and avoid I/O, threads or non-deterministic calls at import time."
        ) from exc
