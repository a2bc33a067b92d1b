"""``served_build_id``: a build id from the served code, cheap to compute, changing when that code does."""

from __future__ import annotations

import importlib
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from temporal_runtime_core import ActivityDefinition
from temporal_runtime_engine._build_id import served_build_id
from temporal_runtime_workflow import WorkflowDefinition, definition_of

_FLOW = """
from temporal_runtime_core import Registry, activity_def
from temporal_runtime_workflow import Workflow


@activity_def("build_id_act", Args=int, Result=int, registry=Registry("activity"))
async def act(n: int) -> int:
    return n + {delta}


class Flow(Workflow, registry=Registry("workflow")):
    async def run(self, n: int) -> int:
        return n * {factor}
"""

Served = tuple[WorkflowDefinition, ActivityDefinition[Any, Any]]


class _Module:
    """One module of served code, rewritten and re-imported under the same name by each call."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.name = f"unit_build_id_{uuid.uuid4().hex[:8]}"

    def served(self, factor: int = 2, delta: int = 1) -> Served:
        sys.modules.pop(self.name, None)
        source = _FLOW.format(factor=factor, delta=delta)
        (self.directory / f"{self.name}.py").write_text(source, encoding="utf-8")
        importlib.invalidate_caches()
        module = importlib.import_module(self.name)
        return definition_of(module.Flow), module.act


@pytest.fixture
def module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[_Module]:
    # pytest leaves syspath_prepend's `path` parameter unannotated.
    monkeypatch.syspath_prepend(str(tmp_path))  # pyright: ignore[reportUnknownMemberType]
    made = _Module(tmp_path)
    yield made
    sys.modules.pop(made.name, None)


def _build_id(served: Served, with_activity: bool = True) -> str:
    defn, act = served
    return served_build_id([defn], [act] if with_activity else [])


def test_the_same_code_gives_the_same_build_id_and_changed_code_another(module: _Module) -> None:
    same = _build_id(module.served())
    assert _build_id(module.served(factor=3)) != same  # a workflow's body changed
    assert _build_id(module.served(delta=2)) != same  # an activity's body changed
    assert _build_id(module.served()) == same  # the same code again


def test_the_build_id_covers_the_served_modules_and_the_libraries(module: _Module) -> None:
    defn, act = module.served()
    assert served_build_id([defn], [act]) == served_build_id([defn], [act])
    # by module: the activity's module is the workflow's here, so either names the same code
    assert served_build_id([], [act]) == served_build_id([defn], [])
    assert served_build_id([defn], [act]) != served_build_id([], [])
    assert len(served_build_id([defn], [act])) == 32  # an md5 hex digest, as temporalio's default is
