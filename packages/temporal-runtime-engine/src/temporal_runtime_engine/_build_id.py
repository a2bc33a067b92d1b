"""``served_build_id``: the worker's build id, from the code it serves rather than every loaded module.

Temporal records a build id with each workflow task a worker completes (it identifies the code that
made the decision; ``temporal workflow reset`` can pick runs by it). When none is given, temporalio
computes one by reading and hashing the bytecode of *every* module in ``sys.modules``: about a second
per process for an application with several hundred modules loaded, spent at the first worker
start. temporal-runtime knows what a worker serves, so it hashes the code that makes the decisions
instead: the files of the modules defining the served workflows and activities, and the versions
of temporalio and temporal-runtime (temporalio's default hashes each module's top-level bytecode
only, which leaves out function bodies). A change to any served workflow or activity module, or
an upgrade of either library, gives a new build id; a change confined to a helper module those
modules import does not.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from temporal_runtime_core import ActivityDefinition
from temporal_runtime_workflow import WorkflowDefinition

__all__ = ["served_build_id"]

_LIBRARIES = ("temporalio", "temporal-runtime-engine")


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _module_code(name: str) -> bytes:
    """The module's file as it is on disk (source, or bytecode for a module shipped without it):
    every function body is in it, and no path, so the same code gives the same id on every host."""
    module = sys.modules.get(name)
    path = getattr(module, "__file__", None)
    if path is None:  # ``__main__`` run from stdin, a REPL, a namespace package
        return name.encode()
    try:
        return Path(path).read_bytes()
    except OSError:
        return name.encode()


def served_build_id(
    workflows: Iterable[WorkflowDefinition], activities: Iterable[ActivityDefinition[Any, Any]]
) -> str:
    """An md5 hex digest of the served modules' files and the two libraries' versions."""
    modules = {d.workflow_class.__module__ for d in workflows}
    modules |= {m for a in activities if (m := getattr(a.fn, "__module__", None))}
    digest = hashlib.md5(usedforsecurity=False)
    for dist in _LIBRARIES:
        digest.update(f"{dist}=={_version(dist)};".encode())
    for name in sorted(modules):
        digest.update(name.encode())
        digest.update(_module_code(name))
    return digest.hexdigest()
