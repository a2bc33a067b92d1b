"""``RuntimePlugin``: the one object giving a client, a worker and a replayer the converter and sandbox."""

import dataclasses
import importlib
import sys
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType

import pytest
import temporalio.api.common.v1
import temporalio.client
import temporalio.converter
import temporalio.worker
from temporalio.worker import UnsandboxedWorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from temporal_runtime_core import DefinitionError, InvalidOptionError, PayloadTooLargeError
from temporal_runtime_engine import PayloadLimitCodec, RuntimePayloadConverter, RuntimePlugin, TemporalEngine
from temporal_runtime_engine._sandbox import SDK_PASSTHROUGH
from temporal_runtime_workflow import WorkflowDefinition, definition_of

# models: a DTO module; flows: a workflow using it (module names are made unique per test).
_FILES = {
    "__init__.py": "",
    "models.py": """
from pydantic import BaseModel


class Parcel(BaseModel):
    weight: int
""",
    "flows.py": """
from temporal_runtime_core import Registry
from temporal_runtime_workflow import Workflow

from .models import Parcel


class UnitPluginFlow(Workflow, registry=Registry("workflow")):
    async def run(self, parcel: Parcel) -> int:
        return parcel.weight
""",
}


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    name = f"unit_plugin_app_{uuid.uuid4().hex[:8]}"
    (tmp_path / name).mkdir()
    for file, source in _FILES.items():
        (tmp_path / name / file).write_text(source, encoding="utf-8")
    # pytest leaves syspath_prepend's `path` parameter unannotated.
    monkeypatch.syspath_prepend(str(tmp_path))  # pyright: ignore[reportUnknownMemberType]
    importlib.invalidate_caches()
    try:
        yield importlib.import_module(f"{name}.flows")
    finally:
        for loaded in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
            del sys.modules[loaded]


def _flow(app: ModuleType) -> WorkflowDefinition:
    return definition_of(app.UnitPluginFlow)


class _Codec(temporalio.converter.PayloadCodec):
    async def encode(
        self, payloads: Sequence[temporalio.api.common.v1.Payload]
    ) -> list[temporalio.api.common.v1.Payload]:
        return list(payloads)

    async def decode(
        self, payloads: Sequence[temporalio.api.common.v1.Payload]
    ) -> list[temporalio.api.common.v1.Payload]:
        return list(payloads)


async def test_client_gets_the_dto_converter_and_keeps_its_codec() -> None:
    codec = _Codec()
    given = dataclasses.replace(temporalio.converter.DataConverter.default, payload_codec=codec)
    # lazy: the plugin is applied when the client is built; no server is contacted.
    client = await temporalio.client.Client.connect(
        "127.0.0.1:1", lazy=True, data_converter=given, plugins=[RuntimePlugin()]
    )
    assert client.data_converter.payload_converter_class is RuntimePayloadConverter
    limited = client.data_converter.payload_codec
    assert isinstance(limited, PayloadLimitCodec)  # the size check runs last, on the codec's output
    assert (limited.inner, limited.limit) == (codec, 2 * 1024 * 1024)


async def test_client_without_a_converter_of_its_own_gets_the_dto_converter() -> None:
    client = await temporalio.client.Client.connect("127.0.0.1:1", lazy=True, plugins=[RuntimePlugin()])
    assert client.data_converter.payload_converter_class is RuntimePayloadConverter
    limited = client.data_converter.payload_codec
    assert isinstance(limited, PayloadLimitCodec)
    assert limited.inner is None


async def test_no_size_limit_leaves_the_codec_alone() -> None:
    plugin = RuntimePlugin(payload_size_limit=None)
    client = await temporalio.client.Client.connect("127.0.0.1:1", lazy=True, plugins=[plugin])
    assert client.data_converter.payload_codec is None


async def test_the_size_check_passes_payloads_within_the_limit_through_the_inner_codec() -> None:
    payload = temporalio.converter.DataConverter.default.payload_converter.to_payload("within")
    limited = PayloadLimitCodec(payload.ByteSize())
    assert await limited.encode([payload]) == [payload]
    assert await limited.decode([payload]) == [payload]
    with pytest.raises(
        PayloadTooLargeError, match=f"A payload of {payload.ByteSize()} bytes .* over the limit of 1 bytes"
    ):
        await PayloadLimitCodec(1).encode([payload])


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2MB"])
def test_a_bad_payload_size_limit_is_an_invalid_option(bad: object) -> None:
    with pytest.raises(
        InvalidOptionError, match=r"payload_size_limit=\.\.\.\) must be a positive number of bytes"
    ):
        TemporalEngine(payload_size_limit=bad)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def test_replayer_config_gets_the_converter_and_the_sandbox(app: ModuleType) -> None:
    defn = _flow(app)
    plugin = RuntimePlugin([defn])
    config = plugin.configure_replayer(
        temporalio.worker.ReplayerConfig(
            workflows=[defn.adapter_class],
            workflow_runner=SandboxedWorkflowRunner(),
            data_converter=temporalio.converter.DataConverter.default,
        )
    )
    assert "data_converter" in config
    assert "workflow_runner" in config
    assert "workflows" in config
    assert config["data_converter"].payload_converter_class is RuntimePayloadConverter
    runner = config["workflow_runner"]
    assert isinstance(runner, SandboxedWorkflowRunner)
    assert f"{app.__package__}.models" in runner.restrictions.passthrough_modules
    assert set(SDK_PASSTHROUGH) <= runner.restrictions.passthrough_modules
    assert list(config["workflows"]) == [defn.adapter_class]  # the plugin adds no workflows


def test_worker_config_gets_the_sandbox_and_no_extra_workflows_or_activities(app: ModuleType) -> None:
    defn = _flow(app)
    config = RuntimePlugin([defn]).configure_worker(
        temporalio.worker.WorkerConfig(
            task_queue="q",
            workflows=[defn.adapter_class],
            activities=[],
            workflow_runner=SandboxedWorkflowRunner(),
        )
    )
    assert "workflow_runner" in config
    assert "workflows" in config
    assert "activities" in config
    runner = config["workflow_runner"]
    assert isinstance(runner, SandboxedWorkflowRunner)
    assert f"{app.__package__}.models" in runner.restrictions.passthrough_modules
    assert list(config["workflows"]) == [defn.adapter_class]
    assert not config["activities"]


def test_custom_sandbox_restrictions_are_kept_and_extended(app: ModuleType) -> None:
    custom = SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules("unit_plugin_custom")
    )
    runner = RuntimePlugin([_flow(app)], sandbox_passthrough=["unit_plugin_extra"]).sandboxed(custom)
    assert isinstance(runner, SandboxedWorkflowRunner)
    assert {"unit_plugin_custom", "unit_plugin_extra", f"{app.__package__}.models"} <= (
        runner.restrictions.passthrough_modules
    )
    assert f"{app.__package__}.flows" not in runner.restrictions.passthrough_modules


def test_a_runner_that_is_not_sandboxed_is_left_alone(app: ModuleType) -> None:
    unsandboxed = UnsandboxedWorkflowRunner()
    assert RuntimePlugin([_flow(app)]).sandboxed(unsandboxed) is unsandboxed


def test_unimportable_workflow_module_fails_when_a_replayer_is_built_not_before(
    app: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    defn = _flow(app)
    monkeypatch.setattr(defn.workflow_class, "__module__", "unit_plugin_no_such_module")
    plugin = RuntimePlugin([defn])  # a client-only engine builds one too: no check yet
    with pytest.raises(DefinitionError, match="unit_plugin_no_such_module"):
        temporalio.worker.Replayer(workflows=[defn.adapter_class], plugins=[plugin])


def test_repr_names_what_it_serves(app: ModuleType) -> None:
    assert repr(RuntimePlugin([_flow(app)])) == "<RuntimePlugin workflows=['UnitPluginFlow'] activities=[]>"
