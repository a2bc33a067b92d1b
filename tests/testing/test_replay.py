"""Replay checks against a history recorded on a real Temporal dev server (sandbox on)."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from temporal_runtime import (
    InvalidOptionError,
    Registry,
    TemporalEngine,
    TemporalRuntimeError,
    Workflow,
    WorkflowFailedError,
    WorkflowNotFoundError,
    activity_def,
)
from temporal_runtime.testing import (
    ReplayError,
    assert_replays,
    fetch_history,
    load_history,
    save_history,
    select_registries,
)
from tests.testing import replay_v2_compatible, replay_v2_incompatible

pytestmark = pytest.mark.integration


class Order(BaseModel):
    order_id: str


@activity_def("rp_reserve", Args=Order)
async def reserve(args: Order) -> str:
    return f"reserved {args.order_id}"


@activity_def("rp_charge", Args=Order)
async def charge(args: Order) -> str:
    return f"charged {args.order_id}"


class ReplayOrder(Workflow, name="rp_ReplayOrder"):
    """Version 1: reserve, then charge."""

    async def process(self, order: Order) -> list[str]:
        reserved = await self.exec(reserve, order, timeout=10)
        charged = await self.exec(charge, order, timeout=10)
        return [reserved, charged]


class OrderRejected(Exception):
    """A business outcome listed in the engine's workflow_failure_exceptions: it fails the run."""


class RejectingOrder(Workflow, name="rp_RejectingOrder"):
    async def process(self, order: Order) -> str:
        await self.exec(reserve, order, timeout=10)
        raise OrderRejected(f"{order.order_id} rejected")


class ReplayOther(Workflow, name="rp_ReplayOther", registry=Registry("workflow")):
    async def run(self, order: Order) -> str:
        return order.order_id


@dataclass
class Recorded:
    workflow_id: str
    path: Path


@pytest.fixture(scope="module")
async def recorded(temporal_address: str, tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    """One completed run of ReplayOrder (v1) on the dev server, its history saved with save_history.

    Recorded once per module (replaying does not need the server); the engine is stopped before
    the replays run, as it would be in a CI job replaying stored histories.
    """
    workflow_id = f"rp-order-{uuid.uuid4().hex[:8]}"
    task_queue = f"test-{uuid.uuid4().hex[:12]}"
    async with TemporalEngine(url=temporal_address, task_queue=task_queue, **own()) as engine:
        handle = await engine.start_method(
            ReplayOrder, "process", Order(order_id="o-1"), workflow_id=workflow_id
        )
        assert await asyncio.wait_for(handle.result(), 30) == ["reserved o-1", "charged o-1"]
        path = await save_history(
            engine, workflow_id, tmp_path_factory.mktemp("rp") / "histories" / "order.json"
        )
    return Recorded(workflow_id, path)


# --- recording -----------------------------------------------------------------------------------


def own() -> dict[str, Any]:
    """Registries with only this module's definitions: an engine built here serves those alone
    (serving everything the suite has imported would make its worker start slow and unrelated)."""
    workflows, activities = select_registries([sys.modules[__name__]])
    return {"workflow_registry": workflows, "activity_registry": activities}


async def test_save_history_writes_indented_history_json(recorded: Recorded) -> None:
    assert recorded.path.is_file()
    text = recorded.path.read_text(encoding="utf-8")
    assert text.startswith('{\n  "events": [\n')  # one field per line: diffs stay readable
    events = json.loads(text)["events"]
    scheduled = [
        e["activityTaskScheduledEventAttributes"]["activityType"]["name"]
        for e in events
        if "activityTaskScheduledEventAttributes" in e
    ]
    assert scheduled == ["rp_reserve", "rp_charge"]


async def test_load_history_round_trips(engine: TemporalEngine, recorded: Recorded) -> None:
    fetched = await fetch_history(engine, recorded.workflow_id)
    loaded = load_history(recorded.path)
    assert loaded.workflow_id == recorded.workflow_id  # read back from the history itself
    assert list(loaded.events) == list(fetched.events)
    text = recorded.path.read_text(encoding="utf-8")
    assert list(load_history(text).events) == list(fetched.events)
    assert list(load_history(json.loads(text)).events) == list(fetched.events)
    assert load_history(str(recorded.path), workflow_id="renamed").workflow_id == "renamed"


async def test_fetch_history_of_an_unknown_workflow(engine: TemporalEngine) -> None:
    with pytest.raises(WorkflowNotFoundError, match="rp-does-not-exist"):
        await fetch_history(engine, "rp-does-not-exist")


# --- replaying -----------------------------------------------------------------------------------


async def test_v1_replays_its_own_history(engine: TemporalEngine, recorded: Recorded) -> None:
    # Also while an engine (with a worker) runs in the same process.
    await assert_replays(recorded.path, workflows=[ReplayOrder])
    await assert_replays(recorded.path)  # default: every workflow of the default registry
    await assert_replays([await fetch_history(engine, recorded.workflow_id), str(recorded.path)])


async def test_a_compatible_refactor_replays(recorded: Recorded) -> None:
    await assert_replays(recorded.path, workflows=[replay_v2_compatible.ReplayOrderRefactored])


@pytest.mark.parametrize(
    "v2",
    [replay_v2_incompatible.ReplayOrderSwapped, replay_v2_incompatible.ReplayOrderWithTimer],
    ids=["activities-swapped", "timer-inserted"],
)
async def test_an_incompatible_change_fails_with_a_readable_message(
    recorded: Recorded, v2: type[Workflow]
) -> None:
    with pytest.raises(ReplayError) as info:
        await assert_replays(recorded.path, workflows=[v2])
    error = info.value
    assert isinstance(error, AssertionError)
    assert isinstance(error, TemporalRuntimeError)
    message = str(error)
    assert "'rp_ReplayOrder'" in message
    assert recorded.workflow_id in message
    assert "nondeterminism" in message.lower()
    assert f"tests.testing.replay_v2_incompatible.{v2.__qualname__}" in message
    assert "Temporal says: [TMPRL1100] Nondeterminism error:" in message
    assert 'self.patched("my-change")' in message  # the fix: versioning with patched()
    [failure] = error.failures
    assert failure.nondeterminism
    assert failure.workflow_id == recorded.workflow_id
    assert failure.workflow_type == "rp_ReplayOrder"


async def test_every_failing_history_is_reported(recorded: Recorded) -> None:
    with pytest.raises(ReplayError, match=r"2 of 2 recorded workflow histories do not replay") as info:
        await assert_replays(
            [recorded.path, load_history(recorded.path, workflow_id="copy")],
            workflows=[replay_v2_incompatible.ReplayOrderSwapped],
        )
    assert [f.workflow_id for f in info.value.failures] == [recorded.workflow_id, "copy"]


async def test_a_history_without_a_matching_workflow(recorded: Recorded) -> None:
    with pytest.raises(ReplayError, match=r"No workflow to replay 'rp_ReplayOrder'.*'rp_ReplayOther'"):
        await assert_replays(recorded.path, workflows=[ReplayOther])


async def test_option_misuse(recorded: Recorded) -> None:
    with pytest.raises(InvalidOptionError, match="two workflows named 'rp_ReplayOrder'"):
        await assert_replays(
            recorded.path, workflows=[ReplayOrder, replay_v2_compatible.ReplayOrderRefactored]
        )
    with pytest.raises(InvalidOptionError, match="not both"):
        await assert_replays(recorded.path, workflows=[ReplayOrder], registry=Registry("workflow"))
    with pytest.raises(InvalidOptionError, match="at least one history"):
        await assert_replays([], workflows=[ReplayOrder])


# --- unusable history files ----------------------------------------------------------------------


async def test_a_truncated_history_file(recorded: Recorded, tmp_path: Path) -> None:
    broken = tmp_path / "truncated.json"
    text = recorded.path.read_text(encoding="utf-8")
    broken.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ReplayError, match=r"history file '.*truncated\.json' is not valid JSON"):
        load_history(broken)
    with pytest.raises(ReplayError, match="not valid JSON"):
        await assert_replays(broken, workflows=[ReplayOrder])


async def test_a_file_that_is_not_a_history(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"orders": [1, 2]}', encoding="utf-8")
    with pytest.raises(ReplayError, match=r"is not a Temporal workflow history: .*'events'.*save_history"):
        load_history(other)


async def test_a_history_with_a_corrupted_event(recorded: Recorded, tmp_path: Path) -> None:
    data = json.loads(recorded.path.read_text(encoding="utf-8"))
    data["events"][1]["eventId"] = "not a number"
    broken = tmp_path / "corrupted.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ReplayError, match=r"corrupted\.json' is not a Temporal workflow history"):
        load_history(broken)


async def test_a_history_missing_its_start_event(recorded: Recorded) -> None:
    data = json.loads(recorded.path.read_text(encoding="utf-8"))
    del data["events"][0]
    with pytest.raises(ReplayError, match="does not start with a WorkflowExecutionStarted event"):
        load_history(data)
    with pytest.raises(ReplayError, match="contains no events"):
        load_history({"events": []})


def test_a_missing_history_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_history(tmp_path / "nope.json")


async def test_a_run_failed_by_an_engine_listed_exception_replays_with_that_list(
    temporal_address: str, caplog: pytest.LogCaptureFixture
) -> None:
    workflow_id = f"rp-reject-{uuid.uuid4().hex[:8]}"
    async with TemporalEngine(
        url=temporal_address,
        task_queue=f"test-{uuid.uuid4().hex[:12]}",
        workflow_failure_exceptions=[OrderRejected],
        **own(),
    ) as engine:
        handle = await engine.start_method(
            RejectingOrder, "process", Order(order_id="o-9"), workflow_id=workflow_id
        )
        with pytest.raises(WorkflowFailedError) as failed:
            await asyncio.wait_for(handle.result(), 30)
        assert failed.value.error_type == "OrderRejected"
        history = await fetch_history(engine, workflow_id)
    with caplog.at_level(logging.ERROR, logger="temporal_runtime.workflow"):
        # As the engine's worker ran it: the listed exception failed the run, which replays.
        await assert_replays(history, workflows=[RejectingOrder], workflow_failure_exceptions=[OrderRejected])
        # Without the list the same exception would only have failed the workflow task: a divergence.
        with pytest.raises(ReplayError, match="rp_RejectingOrder"):
            await assert_replays(history, workflows=[RejectingOrder])
    # A replay check is no live run: no "the run stays RUNNING, fix and redeploy" report.
    assert "Workflow task failed" not in caplog.text
    not_classes: list[Any] = ["OrderRejected"]
    with pytest.raises(InvalidOptionError, match="workflow_failure_exceptions"):
        await assert_replays(history, workflows=[RejectingOrder], workflow_failure_exceptions=not_classes)
