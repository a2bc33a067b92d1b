"""A run's sandbox builds only the adapter it runs; its module's other workflow classes get theirs
on demand (``_adapter_demand``: figure 9's memory per cached workflow)."""

import importlib
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, cast

import pytest
import temporalio.converter
import temporalio.workflow
from temporalio.api.common.v1.message_pb2 import Payloads
from temporalio.api.failure.v1.message_pb2 import Failure
from temporalio.worker import WorkflowInstance, WorkflowInstanceDetails
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from temporal_runtime_engine._module_validating_runner import ModuleValidatingRunner
from temporal_runtime_workflow import WorkflowDefinition, adapter_name, definition_of

_FLOWS = """
from temporal_runtime_core import Registry
from temporal_runtime_workflow import Workflow, wf_signal

REGISTRY = Registry("workflow")


class First(Workflow, registry=REGISTRY):
    async def run(self) -> int:
        return 1


class Second(Workflow, registry=REGISTRY):
    def __init__(self) -> None:
        self.seen = False

    async def run(self) -> int:
        return 2

    @wf_signal()
    def poke(self) -> None:
        self.seen = True
"""

_NAMES = ("First", "Second")


@pytest.fixture
def flows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    name = f"unit_adapter_demand_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.py").write_text(_FLOWS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))  # pyright: ignore[reportUnknownMemberType]
    importlib.invalidate_caches()
    try:
        yield importlib.import_module(name)
    finally:
        sys.modules.pop(name, None)


def _definitions(module: ModuleType) -> list[WorkflowDefinition]:
    return [definition_of(getattr(module, n)) for n in _NAMES]


def _details(adapter: type) -> WorkflowInstanceDetails:
    from temporalio.worker.workflow_sandbox._runner import (
        _fake_info,  # pyright: ignore[reportPrivateUsage]  # what prepare_workflow passes
    )

    return WorkflowInstanceDetails(
        payload_converter_factory=temporalio.converter.DataConverter.default._new_payload_converter,  # pyright: ignore[reportPrivateUsage]
        failure_converter_class=temporalio.converter.DataConverter.default.failure_converter_class,
        interceptor_classes=[],
        defn=temporalio.workflow._Definition.must_from_class(adapter),
        info=_fake_info,
        randomness_seed=-1,
        extern_functions={},
        disable_eager_activity_execution=False,
        worker_level_failure_exception_types=[],
        patch_activation_callback=None,
        last_completion_result=Payloads(),
        last_failure=Failure(),
    )


_RESTRICTIONS = SandboxRestrictions.default.with_passthrough_modules(
    "temporal_runtime_core", "temporal_runtime_workflow", "pydantic", "pydantic_core"
)


def _sandbox_module(instance: WorkflowInstance, name: str) -> ModuleType:
    """The workflow module as imported inside ``instance``'s sandbox (temporalio's importer keeps it)."""
    importer: Any = getattr(instance, "importer")  # noqa: B009  # not part of WorkflowInstance
    modules = cast("dict[str, ModuleType]", importer.new_modules)
    return modules[name]


async def test_the_host_builds_every_adapter(flows: ModuleType) -> None:
    for defn in _definitions(flows):
        assert getattr(flows, adapter_name(defn.workflow_class)) is defn.adapter_class
        assert temporalio.workflow._Definition.from_class(defn.adapter_class) is not None


async def test_a_runs_sandbox_builds_only_its_adapter_and_the_others_on_demand(flows: ModuleType) -> None:
    defns = _definitions(flows)
    runner = ModuleValidatingRunner(
        restrictions=_RESTRICTIONS, generated=frozenset(d.adapter_class for d in defns)
    )
    second = defns[1]
    instance = runner.create_instance(_details(second.adapter_class))
    inside = _sandbox_module(instance, flows.__name__)
    assert inside is not flows
    adapters = sorted(n for n in vars(inside) if n.startswith("_TemporalAdapter_"))
    assert adapters == [second.adapter_class.__name__]
    # The sibling's definition is whole, and its adapter is built (for that sandbox) when asked for.
    first_inside = definition_of(inside.First)
    assert first_inside is not defns[0]
    assert first_inside.workflow_class is inside.First
    built = first_inside.adapter_class
    assert built is not defns[0].adapter_class
    assert temporalio.workflow._Definition.from_class(built) is not None
    assert getattr(inside, adapter_name(inside.First)) is built
    assert first_inside.adapter_class is built  # built once
    assert getattr(flows, adapter_name(flows.First)) is defns[0].adapter_class  # the host's is untouched
    # The run's own class is served as before: its adapter, with its signal, from its sandbox.
    second_inside = definition_of(inside.Second)
    assert second_inside.workflow_class is inside.Second
    assert list(second_inside.signals) == ["poke"]


async def test_another_runner_builds_every_adapter_in_the_sandbox(flows: ModuleType) -> None:
    second = _definitions(flows)[1]
    instance = SandboxedWorkflowRunner(restrictions=_RESTRICTIONS).create_instance(
        _details(second.adapter_class)
    )
    inside = _sandbox_module(instance, flows.__name__)
    adapters = sorted(n for n in vars(inside) if n.startswith("_TemporalAdapter_"))
    assert adapters == sorted(adapter_name(getattr(inside, n)) for n in _NAMES)
