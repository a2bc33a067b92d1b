"""``ModuleValidatingRunner``: one sandbox validation per module of generated adapters at worker start."""

import dataclasses
import importlib
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import temporalio.workflow
from temporalio.worker import WorkflowInstance, WorkflowInstanceDetails
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from temporal_runtime_core import DefinitionError
from temporal_runtime_engine import RuntimePlugin
from temporal_runtime_engine._module_validating_runner import ModuleValidatingRunner
from temporal_runtime_engine._sandbox import sandbox_errors_explained
from temporal_runtime_workflow import WorkflowDefinition, definition_of

_FLOWS = """
from temporal_runtime_core import Registry
from temporal_runtime_workflow import Workflow

REGISTRY = Registry("workflow")
{prelude}

class {prefix}First(Workflow, registry=REGISTRY):
    async def run(self) -> int:
        return 1


class {prefix}Second(Workflow, registry=REGISTRY):
    async def run(self) -> int:
        return 2


class {prefix}Third(Workflow, registry=REGISTRY):
    async def run(self) -> int:
        return 3
"""

_RAW = """
from temporalio import workflow


@workflow.defn
class RawFlow:
    @workflow.run
    async def run(self) -> int:
        return 0
"""


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    name = f"unit_module_runner_{uuid.uuid4().hex[:8]}"
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "one.py").write_text(_FLOWS.format(prefix="One", prelude=""), encoding="utf-8")
    (package / "two.py").write_text(_FLOWS.format(prefix="Two", prelude=""), encoding="utf-8")
    # A restricted call at import time: the sandbox refuses the module, whichever class comes first.
    bad = _FLOWS.format(prefix="Bad", prelude="import random\n\nSEED = random.random()\n")
    (package / "bad.py").write_text(bad, encoding="utf-8")
    (package / "raw.py").write_text(_RAW, encoding="utf-8")
    # pytest leaves syspath_prepend's `path` parameter unannotated.
    monkeypatch.syspath_prepend(str(tmp_path))  # pyright: ignore[reportUnknownMemberType]
    importlib.invalidate_caches()
    try:
        yield name
    finally:
        for loaded in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
            del sys.modules[loaded]


def _definitions(app: str, module: str) -> list[WorkflowDefinition]:
    loaded = importlib.import_module(f"{app}.{module}")
    prefix = module.capitalize()
    return [definition_of(getattr(loaded, f"{prefix}{n}")) for n in ("First", "Second", "Third")]


def _temporal(cls: type) -> temporalio.workflow._Definition:
    return temporalio.workflow._Definition.must_from_class(cls)


@dataclasses.dataclass(frozen=True)
class _CountingRunner(ModuleValidatingRunner):
    """Records each sandbox instance it creates (what a validation costs: one fresh import)."""

    created: list[str] = dataclasses.field(default_factory=list[str])

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        self.created.append(det.defn.cls.__name__)
        return super().create_instance(det)


def _prepare_as_the_worker_does(
    runner: ModuleValidatingRunner, defn: WorkflowDefinition, served: list[WorkflowDefinition]
) -> None:
    """What temporalio's worker and our ``EngineWorker.start`` wrap around ``prepare_workflow``."""
    with sandbox_errors_explained(served):
        try:
            runner.prepare_workflow(_temporal(defn.adapter_class))
        except Exception as exc:
            raise RuntimeError(f"Failed validating workflow {defn.name}") from exc


def _runner(defns: list[WorkflowDefinition]) -> _CountingRunner:
    restrictions = SandboxRestrictions.default.with_passthrough_modules(
        "temporal_runtime_core", "temporal_runtime_workflow", "pydantic", "pydantic_core"
    )
    return _CountingRunner(restrictions=restrictions, generated=frozenset(d.adapter_class for d in defns))


async def test_each_module_of_adapters_is_validated_once_and_the_rest_of_its_classes_on_that_verdict(
    app: str,
) -> None:
    one, two = _definitions(app, "one"), _definitions(app, "two")
    runner = _runner(one + two)
    for defn in one + two:
        runner.prepare_workflow(_temporal(defn.adapter_class))
    assert runner.created == [one[0].adapter_class.__name__, two[0].adapter_class.__name__]
    assert runner.validated_modules == {f"{app}.one", f"{app}.two"}


async def test_a_class_it_did_not_generate_is_validated_on_its_own(app: str) -> None:
    raw = importlib.import_module(f"{app}.raw").RawFlow
    runner = _runner(_definitions(app, "one"))
    runner.prepare_workflow(_temporal(raw))
    runner.prepare_workflow(_temporal(raw))
    assert runner.created == ["RawFlow", "RawFlow"]
    assert runner.validated_modules == set()


@pytest.mark.parametrize("first", [0, 1, 2])
async def test_a_module_the_sandbox_refuses_fails_on_whichever_class_comes_first(
    app: str, first: int
) -> None:
    bad = _definitions(app, "bad")
    runner = _runner(bad)
    order = [bad[first], *(d for i, d in enumerate(bad) if i != first)]
    for defn in order:  # a failed verdict is not recorded: every sibling is refused the same way
        with pytest.raises(DefinitionError, match=rf"Cannot serve workflow '{defn.name}'.*random\.random"):
            _prepare_as_the_worker_does(runner, defn, bad)
    assert runner.validated_modules == set()


def test_the_plugin_gives_workers_the_module_validating_runner(app: str) -> None:
    defns = _definitions(app, "one")
    runner = RuntimePlugin(defns).sandboxed(None)
    assert isinstance(runner, ModuleValidatingRunner)
    assert runner.generated == {d.adapter_class for d in defns}
    assert "temporal_runtime_workflow" in runner.restrictions.passthrough_modules


def test_a_sandboxed_runner_subclass_of_the_users_is_kept(app: str) -> None:
    @dataclasses.dataclass(frozen=True)
    class Custom(SandboxedWorkflowRunner):
        pass

    runner = RuntimePlugin(_definitions(app, "one")).sandboxed(Custom())
    assert type(runner) is Custom
    assert "temporal_runtime_workflow" in runner.restrictions.passthrough_modules
