"""Which modules the engine's workflow sandbox shares with the host (``passthrough_modules``)."""

import importlib
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import temporalio.workflow
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner

from temporal_runtime_core import ActivityDefinition
from temporal_runtime_engine import RuntimePlugin
from temporal_runtime_engine._sandbox import SDK_PASSTHROUGH, passthrough_modules
from temporal_runtime_workflow import definition_of

# A generated package laid out like an application:
#   models  DTOs (and a log of module executions, shared since DTO modules are passed through)
#   acts    activities only
#   tickets DTOs used only by an update handler of flows' workflow
#   flows   a workflow that calls acts.double, and an activity of its own
#   <pkg>   the package itself defines an activity too, and contains flows
_FILES = {
    "__init__.py": """
from temporal_runtime_core import Registry, activity_def

from .models import Item


@activity_def("unit_sandbox.in_package", Args=Item, Result=Item, registry=Registry("activity"))
async def in_package(item: Item) -> Item:
    return item
""",
    "models.py": """
from pydantic import BaseModel

EXECUTIONS: list[str] = []


class Item(BaseModel):
    n: int
""",
    "acts.py": """
from temporal_runtime_core import Registry, activity_def

from .models import EXECUTIONS, Item

EXECUTIONS.append(__name__)


@activity_def("unit_sandbox.double", Args=Item, Result=Item, registry=Registry("activity"))
async def double(item: Item) -> Item:
    return Item(n=item.n * 2)
""",
    "tickets.py": """
from pydantic import BaseModel

from .models import EXECUTIONS

EXECUTIONS.append(__name__)


class Seat(BaseModel):
    row: int


class Booking(BaseModel):
    seat: Seat
""",
    "flows.py": """
from temporal_runtime_core import Registry, activity_def
from temporal_runtime_workflow import Workflow, wf_update

from .acts import double
from .models import EXECUTIONS, Item
from .tickets import Booking, Seat

EXECUTIONS.append(__name__)


@activity_def("unit_sandbox.triple", Args=Item, Result=Item, registry=Registry("activity"))
async def triple(item: Item) -> Item:
    return Item(n=item.n * 3)


class UnitSandboxFlow(Workflow, registry=Registry("workflow")):
    async def run(self, item: Item) -> Item:
        return await self.exec(double, item, timeout=10)

    @wf_update("book")
    def book(self, seat: Seat) -> Booking:
        return Booking(seat=seat)
""",
}


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """The generated package, imported (``app.acts``, ``app.flows`` and ``app.models`` loaded)."""
    name = f"unit_sandbox_app_{uuid.uuid4().hex[:8]}"
    package = tmp_path / name
    package.mkdir()
    for file, source in _FILES.items():
        (package / file).write_text(source, encoding="utf-8")
    # pytest leaves syspath_prepend's `path` parameter unannotated.
    monkeypatch.syspath_prepend(str(tmp_path))  # pyright: ignore[reportUnknownMemberType]
    importlib.invalidate_caches()
    try:
        module = importlib.import_module(name)
        importlib.import_module(f"{name}.flows")
        yield module
    finally:
        for loaded in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
            del sys.modules[loaded]


def _activities(app: ModuleType) -> list[ActivityDefinition[Any, Any]]:
    return [app.acts.double, app.flows.triple, app.in_package]


def test_activity_only_module_is_passed_through(app: ModuleType) -> None:
    shared = passthrough_modules([definition_of(app.flows.UnitSandboxFlow)], _activities(app))
    assert f"{app.__name__}.acts" in shared
    assert f"{app.__name__}.models" in shared  # a DTO module, as before
    assert set(SDK_PASSTHROUGH) <= set(shared)


def test_dto_module_used_only_by_an_update_handler_is_passed_through(app: ModuleType) -> None:
    shared = passthrough_modules([definition_of(app.flows.UnitSandboxFlow)], [])
    assert f"{app.__name__}.tickets" in shared


def test_module_defining_a_workflow_and_an_activity_is_not_passed_through(app: ModuleType) -> None:
    shared = passthrough_modules([definition_of(app.flows.UnitSandboxFlow)], _activities(app))
    assert f"{app.__name__}.flows" not in shared


def test_package_containing_a_workflow_module_is_not_passed_through(app: ModuleType) -> None:
    # The sandbox passes a module's submodules through with it: sharing the package would share
    # its workflow module too.
    shared = passthrough_modules([definition_of(app.flows.UnitSandboxFlow)], _activities(app))
    assert app.__name__ not in shared


def test_activities_without_a_usable_module_are_skipped() -> None:
    async def in_main(x: int) -> int:
        return x

    async def without_module(x: int) -> int:
        return x

    in_main.__module__ = "__main__"
    without_module.__module__ = None  # type: ignore[assignment]  # pyright: ignore[reportFunctionMemberAccess]  # as some C-level callables have
    acts: list[ActivityDefinition[int, int]] = [
        ActivityDefinition("unit_sandbox.main", in_main, args_type=int, result_type=int),
        ActivityDefinition("unit_sandbox.none", without_module, args_type=int, result_type=int),
    ]
    assert passthrough_modules([], acts) == sorted(SDK_PASSTHROUGH)


async def test_sandbox_reimports_the_workflow_module_but_not_the_activity_module(app: ModuleType) -> None:
    executions: list[str] = app.models.EXECUTIONS
    host = [f"{app.__name__}.acts", f"{app.__name__}.tickets", f"{app.__name__}.flows"]
    assert executions == host
    defn = definition_of(app.flows.UnitSandboxFlow)
    runner = RuntimePlugin([defn], _activities(app)).sandboxed(None)
    assert isinstance(runner, SandboxedWorkflowRunner)
    # What the worker does to validate a workflow class and for each run: a fresh sandbox
    # re-imports the workflow's module (and whatever it imports that is not passed through).
    runner.prepare_workflow(temporalio.workflow._Definition.must_from_class(defn.adapter_class))
    # Only the workflow module ran again: neither the activity module nor the update-only DTO module.
    assert executions == [*host, f"{app.__name__}.flows"]
