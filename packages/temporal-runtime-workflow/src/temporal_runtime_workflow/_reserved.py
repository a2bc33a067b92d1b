"""Names a workflow class may not define: the members of ``Workflow`` and of its client proxy.

A subclass attribute of one of these names would silently replace the durable helper
(``async def sleep`` is an entry method, no longer the timer) or be unreachable (the proxy's
``options`` wins over an entry method ``options``). The class statement is rejected instead.

This is the one list: a member added to ``Workflow`` or to the client proxy joins it here, and
tests check that every public member of both is listed (including members that later issues plan,
so that workflows written today keep working when those land).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ._handlers import handler_info

__all__ = ["RESERVED_NAMES", "ReservedName", "shadowing_problem"]


@dataclass(frozen=True, slots=True)
class ReservedName:
    """What a reserved name stands for, and a name to use instead."""

    member: str  # where it lives, e.g. "Workflow.sleep"
    role: str  # what it does, e.g. "the durable timer"
    rename: str  # a suggestion for the user's method, e.g. "sleep_for"


def _on_workflow(name: str, role: str, rename: str) -> tuple[str, ReservedName]:
    return name, ReservedName(f"Workflow.{name}", role, rename)


def _on_proxy(name: str, role: str, rename: str) -> tuple[str, ReservedName]:
    return name, ReservedName(f"the client proxy's {name}", role, rename)


RESERVED_NAMES: Mapping[str, ReservedName] = MappingProxyType(
    dict(
        [
            # --- Workflow, used from outside: the proxy's call styles ------------------------------
            _on_workflow("client", "which makes the client proxy", "for_client"),
            _on_workflow("async_", "the proxy's start-and-return-a-handle style", "start_async"),
            _on_workflow("after", "the proxy's delayed start", "after_delay"),
            _on_workflow("options", "the proxy's per-call start options", "set_options"),
            _on_proxy("update_with_start", "reserved for starting a run and updating it", "upsert"),
            # --- signal-with-start and update-with-start (#12) -------------------------------------
            _on_workflow("with_start", "the proxy's signal-with-start and update-with-start", "begin_with"),
            _on_proxy(
                "signal_with_start", "reserved for starting a run and signalling it", "start_and_signal"
            ),
            # --- Workflow, used inside a running workflow ------------------------------------------
            _on_workflow("exec", "which runs an activity", "run_step"),
            _on_workflow("sleep", "the durable timer", "sleep_for"),
            _on_workflow("wait_until", "the durable wait for a condition", "wait_for"),
            _on_workflow("now", "the workflow's deterministic clock", "current_time"),
            _on_workflow("workflow_id", "the running execution's id", "business_id"),
            # --- Workflow, planned (PRODUCTION-API.md section 1) -----------------------------------
            _on_workflow("exec_local", "reserved for running a local activity", "run_local_step"),
            _on_workflow("child", "the child-workflow proxy", "child_step"),
            _on_workflow("start_child", "which starts a child workflow", "launch_child"),
            _on_workflow("execute_child", "which runs a child workflow", "run_child"),
            _on_workflow(
                "start_child_by_name", "which starts a child workflow by type name", "launch_child_named"
            ),
            _on_workflow(
                "execute_child_by_name", "which runs a child workflow by type name", "run_child_named"
            ),
            _on_workflow("continue_as_new", "reserved for continuing as a new run", "restart"),
            _on_workflow("info", "reserved for the run's information", "details"),
            _on_workflow("logger", "reserved for the replay-safe logger", "log"),
            _on_workflow("uuid4", "reserved for the deterministic uuid", "new_id"),
            _on_workflow("random", "reserved for the deterministic random generator", "rng"),
            _on_workflow("patched", "reserved for versioning workflow code", "is_patched"),
            _on_workflow("deprecate_patch", "reserved for versioning workflow code", "retire_patch"),
            _on_workflow(
                "all_handlers_finished", "reserved for waiting on running handlers", "handlers_done"
            ),
            _on_workflow("upsert_search_attributes", "reserved for setting search attributes", "tag_run"),
            _on_workflow("search_attributes", "reserved for the run's search attributes", "tags"),
        ]
    )
)


def _what(value: object) -> str:
    if isinstance(value, property):
        return "property"
    if inspect.isfunction(value) or isinstance(value, classmethod | staticmethod):
        return "method"
    return "attribute"


def shadowing_problem(owner: str, attr: str, value: object, defined_in: str) -> str | None:
    """The problem with ``owner`` having attribute ``attr`` (``value``, found in class
    ``defined_in``), or None when ``attr`` is not a reserved name."""
    reserved = RESERVED_NAMES.get(attr)
    if reserved is None:
        return None
    where = f"{owner}.{attr}" if defined_in == owner else f"{owner}.{attr} (from {defined_in})"
    fix = f"rename the {_what(value)}, e.g. {reserved.rename}"
    info = handler_info(value)
    if info is not None and info.name == attr:
        fix += (
            f"; to keep {attr!r} as the Temporal name of the {info.kind}, use "
            f'@wf_{info.kind}("{attr}") on a method with another name'
        )
    elif info is not None:
        fix += f" (the {info.kind} keeps its Temporal name {info.name!r})"
    return f"{where} shadows {reserved.member}, {reserved.role}; {fix}"
