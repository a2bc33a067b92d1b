"""The pytest plugin's fixtures and marker, and ``start_dev_server``.

Covers: one server per session, a unique task queue per engine, registry isolation between test
modules and the ``temporal_runtime`` marker (including its misuse), the time-skipping engine, the
entry point (a test file with no conftest gets the fixtures), and the missing-pytest-asyncio path.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
from pydantic import BaseModel

from examples import multi_method
from temporal_runtime import (
    EngineError,
    InvalidOptionError,
    LocalServerError,
    RetryPolicy,
    TemporalEngine,
    Workflow,
    WorkflowRegistry,
    WorkflowStatus,
    WorkflowTimedOutError,
    activity_def,
    default_activity_registry,
    default_workflow_registry,
    wf_signal,
)
from temporal_runtime.testing import TemporalTestServer, start_dev_server
from temporal_runtime_testing._pytest_plugin import select_registries

pytest_plugins = ["pytester"]

pytestmark = pytest.mark.integration


class FxItem(BaseModel):
    name: str


@activity_def("fx_shout", Args=FxItem)
async def fx_shout(item: FxItem) -> str:
    return item.name.upper()


class FxWorkflow(Workflow, name="fx_Workflow"):
    def __init__(self) -> None:
        self.released = False

    @wf_signal("release")
    def release(self) -> None:
        self.released = True

    async def shout(self, item: FxItem) -> str:
        return await self.exec(fx_shout, item, timeout=10)

    async def sleep_for(self, seconds: float) -> float:
        """Sleeps ``seconds``; returns how much workflow time passed."""
        started = self.now()
        await self.sleep(seconds)
        return (self.now() - started).total_seconds()

    async def wait_for_release(self, timeout_seconds: float) -> str:
        try:
            await self.wait_until(lambda: self.released, timeout=timeout_seconds)
        except TimeoutError:
            return "timed out"
        return "released"

    async def hang(self) -> None:
        await self.wait_until(lambda: False)

    async def shout_after(self, seconds: float, item: FxItem) -> str:
        await self.sleep(seconds)
        return await self.exec(fx_shout, item, timeout=10, retry_policy=RetryPolicy(maximum_attempts=1))


DAY = 24 * 3600


# --- the session server ---------------------------------------------------------------------------
_servers_seen: list[TemporalTestServer] = []


@pytest.mark.parametrize("round_", [1, 2])
def test_one_server_per_session(
    round_: int, temporal_server: TemporalTestServer, temporal_address: str
) -> None:
    _servers_seen.append(temporal_server)
    assert all(server is temporal_server for server in _servers_seen)
    assert temporal_server.running
    assert temporal_address == temporal_server.address  # the suite's alias
    assert temporal_server.host == "127.0.0.1"
    assert 0 < temporal_server.port < 65536
    assert temporal_server.binary.name.startswith("temporal")


def test_session_server_has_the_suites_extra_namespace(temporal_server: TemporalTestServer) -> None:
    assert temporal_server.namespace == "default"
    assert set(temporal_server.namespaces) == {"default", "test"}


async def test_engine_on_an_extra_namespace(temporal_server: TemporalTestServer) -> None:
    async with temporal_server.engine(
        f"fx-ns-{uuid.uuid4().hex[:8]}", namespace="test", workflow_registry=_only(FxWorkflow)
    ) as engine:
        assert engine.namespace == "test"
        assert await FxWorkflow.client(engine).shout(FxItem(name="test")) == "TEST"


# --- the per-test engine ---------------------------------------------------------------------------
_queues_seen: set[str] = set()


@pytest.mark.parametrize("round_", [1, 2])
async def test_each_engine_has_its_own_task_queue(
    round_: int, temporal_engine: TemporalEngine, temporal_server: TemporalTestServer
) -> None:
    assert temporal_engine.started
    assert temporal_engine.url == temporal_server.address
    assert temporal_engine.namespace == temporal_server.namespace
    assert "test_each_engine_has_its_own_task_queue" in temporal_engine.task_queue
    assert temporal_engine.task_queue not in _queues_seen
    _queues_seen.add(temporal_engine.task_queue)
    assert await FxWorkflow.client(temporal_engine).shout(FxItem(name="fx")) == "FX"


async def test_engine_alias_is_the_plugin_engine(
    engine: TemporalEngine, temporal_engine: TemporalEngine
) -> None:
    assert engine is temporal_engine


# --- registry isolation ----------------------------------------------------------------------------
async def test_engine_serves_only_this_modules_definitions(temporal_engine: TemporalEngine) -> None:
    assert temporal_engine.workflow_registry.names() == ["fx_Workflow"]
    assert temporal_engine.activity_registry.names() == ["fx_shout"]
    assert temporal_engine.workflow_registry is not default_workflow_registry
    # The process knows workflows of other modules (this module imports examples.multi_method) ...
    assert "MultiMethodWorkflow" in default_workflow_registry

    # ... but this engine's worker does not run them: starting one on its task queue is refused.
    with pytest.raises(EngineError, match="is not served by this engine's worker"):
        await temporal_engine.start_method(
            multi_method.MultiMethodWorkflow, "method_a", multi_method.InputA(text="not served here")
        )


@pytest.mark.temporal_runtime(workflows=[multi_method.MultiMethodWorkflow])
async def test_marker_adds_a_workflow_class(temporal_engine: TemporalEngine) -> None:
    assert temporal_engine.workflow_registry.names() == ["MultiMethodWorkflow", "fx_Workflow"]
    result = await multi_method.MultiMethodWorkflow.client(temporal_engine).method_a(
        multi_method.InputA(text="served by marker")
    )
    assert result == multi_method.OutputA(words=3, longest="served")


@pytest.mark.temporal_runtime(workflows=["MultiMethodWorkflow"], activities=["multi_greet"])
async def test_marker_adds_definitions_by_name(temporal_engine: TemporalEngine) -> None:
    assert "multi_greet" in temporal_engine.activity_registry
    assert "multi_sum_prices" not in temporal_engine.activity_registry
    result = await multi_method.MultiMethodWorkflow.client(temporal_engine).method_c(
        multi_method.InputC(names=["Ada"])
    )
    assert result.lines == ["Hello, Ada!"]


@pytest.mark.temporal_runtime(modules=["examples.multi_method"])
async def test_marker_adds_whole_modules(temporal_engine: TemporalEngine) -> None:
    assert {"multi_greet", "multi_sum_prices", "fx_shout"} == set(temporal_engine.activity_registry.names())
    result = await multi_method.MultiMethodWorkflow.client(temporal_engine).method_b(
        multi_method.InputB(prices_cents=[100, 300], discount_percent=50)
    )
    assert result == multi_method.OutputB(total_cents=200, saved_cents=200)


def test_selection_falls_back_to_everything_when_nothing_is_selected() -> None:
    workflows, activities = select_registries([json])  # a module that defines nothing
    assert workflows.names() == default_workflow_registry.names()
    assert activities.names() == default_activity_registry.names()
    assert workflows is not default_workflow_registry


def test_selection_by_module_object_and_name_agree() -> None:
    by_object = select_registries([multi_method])
    by_name = select_registries(["examples.multi_method"])
    assert by_object[0].names() == by_name[0].names() == ["MultiMethodWorkflow"]
    assert by_object[1].names() == by_name[1].names() == ["multi_greet", "multi_sum_prices"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"workflows": ["fx_NoSuchWorkflow"]}, "no workflow named 'fx_NoSuchWorkflow' is registered"),
        ({"workflows": [FxItem]}, "is not a runnable workflow"),
        ({"workflows": [42]}, "workflows= takes Workflow classes or workflow names"),
        ({"activities": ["fx_no_such_activity"]}, "no activity named 'fx_no_such_activity'"),
        ({"activities": [fx_shout.fn]}, "activities= takes activity handles"),
        (
            {"explicit_modules": [json]},
            "module 'json' named in modules= defines no registered workflow.*drop it from modules=",
        ),
        (
            {"explicit_modules": ["fx_no_such_module"]},
            "cannot import module 'fx_no_such_module'.*Check the dotted name",
        ),
        ({"explicit_modules": [3]}, "modules= takes module objects or dotted module names"),
    ],
)
def test_selection_misuse_is_reported(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidOptionError, match=message):
        select_registries(**kwargs)


# --- time skipping ---------------------------------------------------------------------------------
async def test_time_skipping_sleeps_seven_days_in_seconds(
    temporal_time_skipping_engine: TemporalEngine,
) -> None:
    assert temporal_time_skipping_engine.time_skipping
    assert temporal_time_skipping_engine.workflow_registry.names() == ["fx_Workflow"]
    started = time.monotonic()
    slept = await FxWorkflow.client(temporal_time_skipping_engine).sleep_for(7 * DAY)
    assert slept >= 7 * DAY  # workflow time really moved on by a week
    # ... in wall-clock seconds (an idle machine: well under 2 s; the bound only rules out waiting)
    assert time.monotonic() - started < 60


async def test_time_skipping_wait_until_timeout(temporal_time_skipping_engine: TemporalEngine) -> None:
    started = time.monotonic()
    outcome = await FxWorkflow.client(temporal_time_skipping_engine).wait_for_release(3 * DAY)
    assert outcome == "timed out"
    assert time.monotonic() - started < 60  # three days of workflow time, skipped


async def test_time_skipping_is_paused_until_the_test_awaits_the_result(
    temporal_time_skipping_engine: TemporalEngine,
) -> None:
    # Not awaiting a result: the 1-day timeout does not run out, so a signal still arrives in time.
    handle = await FxWorkflow.client(temporal_time_skipping_engine).async_.wait_for_release(DAY)
    assert await handle.status() is WorkflowStatus.RUNNING
    await handle.signal("release")
    assert await handle.result(timeout=10) == "released"


async def test_time_skipping_execution_timeout(temporal_time_skipping_engine: TemporalEngine) -> None:
    client = FxWorkflow.client(temporal_time_skipping_engine).options(execution_timeout=timedelta(days=30))
    started = time.monotonic()
    with pytest.raises(WorkflowTimedOutError):
        await client.hang()
    assert time.monotonic() - started < 5  # thirty days of workflow time


async def test_time_skipping_runs_activities_after_skipped_sleeps(
    temporal_time_skipping_engine: TemporalEngine,
) -> None:
    started = time.monotonic()
    client = FxWorkflow.client(temporal_time_skipping_engine)
    assert await client.shout_after(DAY, FxItem(name="late")) == "LATE"
    assert time.monotonic() - started < 5


# --- the entry point, without any conftest -----------------------------------------------------------
_ENTRY_POINT_TEST = """
import pytest
from pydantic import BaseModel

from temporal_runtime import TemporalEngine, Workflow, activity_def


class FxPing(BaseModel):
    text: str


@activity_def("fx_ep_echo", Args=FxPing)
async def echo(ping: FxPing) -> str:
    return ping.text


class FxEntryPointWorkflow(Workflow, name="fx_EntryPointWorkflow"):
    async def run(self, ping: FxPing) -> str:
        return await self.exec(echo, ping, timeout=10)


@pytest.mark.asyncio
async def test_engine_from_the_plugin(temporal_engine: TemporalEngine) -> None:
    assert temporal_engine.workflow_registry.names() == ["fx_EntryPointWorkflow"]
    assert await FxEntryPointWorkflow.client(temporal_engine).run(FxPing(text="pong")) == "pong"


@pytest.mark.asyncio
@pytest.mark.temporal_runtime(workflows=["fx_NotRegisteredAnywhere"])
async def test_bad_marker(temporal_engine: TemporalEngine) -> None:
    raise AssertionError("not reached")


@pytest.mark.asyncio
@pytest.mark.temporal_runtime("positional")
async def test_positional_marker(temporal_engine: TemporalEngine) -> None:
    raise AssertionError("not reached")
"""


def test_entry_point_provides_the_fixtures_without_conftest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_fx_entry_point=_ENTRY_POINT_TEST)
    assert not list(pytester.path.glob("conftest.py"))
    # -s: the dev server's start-up banner must not reach the output even when nothing is captured.
    result = pytester.runpytest_subprocess("-s", "-p", "no:cacheprovider", timeout=240)
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines(
        [
            "*no workflow named 'fx_NotRegisteredAnywhere' is registered*",
            "*temporal_runtime marker takes keyword arguments only*",
        ],
        consecutive=False,
    )
    assert "Temporal Server:" not in result.stdout.str()
    assert "Temporal CLI" not in result.stdout.str()


_BLOCK_PYTEST_ASYNCIO = """
import sys


class _Blocker:
    def find_spec(self, name, path=None, target=None):
        if name == "pytest_asyncio" or name.startswith("pytest_asyncio."):
            raise ImportError("pytest_asyncio is blocked for this test")
        return None


sys.meta_path.insert(0, _Blocker())
"""


def test_fixtures_without_pytest_asyncio_say_what_to_install(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(fx_block_pytest_asyncio=_BLOCK_PYTEST_ASYNCIO)
    pytester.makepyfile(
        test_fx_no_asyncio="""
        def test_server(temporal_server):
            pass

        def test_engine(temporal_engine):
            pass

        def test_time_skipping_engine(temporal_time_skipping_engine):
            pass
        """
    )
    result = pytester.runpytest_subprocess(
        "-p", "fx_block_pytest_asyncio", "-p", "no:asyncio", "-p", "no:cacheprovider", timeout=120
    )
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(
        [
            "*'temporal_server' of temporal-runtime's pytest plugin is async and needs pytest-asyncio*",
            "*'temporal_engine' of temporal-runtime's pytest plugin is async and needs pytest-asyncio*",
        ],
        consecutive=False,
    )


# --- start_dev_server on its own -------------------------------------------------------------------
async def test_start_dev_server_starts_and_stops_a_separate_server(
    temporal_server: TemporalTestServer,
) -> None:
    async with await start_dev_server(namespace="fx-own", extra_namespaces=["fx-extra", "default"]) as server:
        assert server.running
        assert server.address != temporal_server.address
        assert server.namespaces == ("default", "fx-own", "fx-extra")
        for namespace in ("fx-own", "fx-extra"):
            async with server.engine(
                f"fx-own-{uuid.uuid4().hex[:8]}", namespace=namespace, workflow_registry=_only(FxWorkflow)
            ) as engine:
                assert await FxWorkflow.client(engine).shout(FxItem(name=namespace)) == namespace.upper()
    assert not server.running
    await server.shutdown()  # idempotent


async def test_start_dev_server_with_a_missing_binary_fails_clearly() -> None:
    with pytest.raises(LocalServerError, match="not an executable file"):
        await start_dev_server(server_binary="/fx/no/such/temporal")


async def test_start_dev_server_rejects_empty_namespace_names() -> None:
    with pytest.raises(LocalServerError, match="extra_namespaces"):
        await start_dev_server(extra_namespaces=[""])


def _only(workflow: type[Workflow]) -> WorkflowRegistry:
    """A workflow registry with just ``workflow`` (for engines built by hand in this module)."""
    registry, _ = select_registries(workflows=[workflow])
    return registry
