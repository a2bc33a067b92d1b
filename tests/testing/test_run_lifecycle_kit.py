"""WorkflowTester runs continue-as-new (recorded, or followed), info, logger, uuid4/random,
patched (patches= chooses the branch) and all_handlers_finished without a server (#12)."""

from __future__ import annotations

import logging
import uuid

import pytest

from temporal_runtime import InvalidArgumentsError, InvalidOptionError, Workflow
from temporal_runtime.testing import ContinueAsNewCall, ContinuedAsNewError, WorkflowTester
from tests.integration.run_lifecycle_workflows import Counter, Inspector, Relay, Tally
from tests.integration.versioning import shipment_v2


async def test_continue_as_new_is_recorded_and_stops_by_default() -> None:
    tester = WorkflowTester(Counter)
    with pytest.raises(ContinuedAsNewError) as caught:
        await tester.run(Counter.count, 0, 100, 30)
    assert (caught.value.method, caught.value.arguments) == (
        "count",
        {"done": 30, "total": 100, "every": 30, "runs": 2},
    )
    assert tester.continued_as_new == [ContinueAsNewCall("count", caught.value.arguments, run_number=1)]


async def test_continue_as_new_followed_runs_the_chain() -> None:
    tester = WorkflowTester(Counter, follow_continue_as_new=True)
    assert await tester.run(Counter.count, 0, 2000, 250) == Tally(iterations=2000, runs=8)
    assert len(tester.continued_as_new) == 7
    relay = WorkflowTester(Relay, follow_continue_as_new=True)
    assert await relay.run(Relay.start, "p") == "p via start, finished by finish after 2 hops"
    assert [c.method for c in relay.continued_as_new] == ["finish"]


async def test_continue_as_new_validates_its_arguments() -> None:
    with pytest.raises(InvalidArgumentsError, match="hops"):
        await WorkflowTester(Relay).run(Relay.broken)


class Other(Workflow, name="rlk_Other"):
    async def run(self) -> str:
        self.continue_as_new(Counter.count, 0, 1, 1)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


async def test_continue_as_new_to_another_class_is_refused() -> None:
    with pytest.raises(InvalidArgumentsError, match="entry method of Other"):
        await WorkflowTester(Other).run(Other.run)


async def test_info_logger_uuid_random_and_handlers(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=Inspector.__module__)
    tester = WorkflowTester(Inspector, workflow_id="insp-1")
    handle = await tester.start(Inspector.run, "k1")
    assert await handle.update(Inspector.slow_update) is False
    await handle.signal(Inspector.go)
    report = await handle.result()
    assert (report.workflow_id, report.run_id) == ("insp-1", "insp-1-run-1")
    assert (report.workflow_type, report.method, report.attempt) == ("rl_Inspector", "run", 1)
    assert report.history_grew
    assert report.handlers_finished
    assert report.new_path
    assert report.parent_workflow_id is None
    assert uuid.UUID(report.first_uuid).version == 4
    again = WorkflowTester(Inspector, workflow_id="insp-1")
    second = await again.start(Inspector.run, "k1")
    await second.signal(Inspector.go)
    same = await second.result()
    assert (same.first_uuid, same.random_before) == (report.first_uuid, report.random_before)  # seeded
    other_seed = WorkflowTester(Inspector, workflow_id="insp-1", seed=7)
    third = await other_seed.start(Inspector.run, "k1")
    await third.signal(Inspector.go)
    assert (await third.result()).first_uuid != report.first_uuid
    [record] = [r for r in caplog.records if "after the wait k1" in r.getMessage()][:1]
    assert record.__dict__["workflow_id"] == "insp-1"
    assert record.__dict__["method"] == "run"


async def test_patches_choose_the_branch() -> None:
    fakes = {shipment_v2.old_step: "old fake", shipment_v2.new_step: "new fake"}
    for patches, expected in [(None, "new fake"), ({"v2": True}, "new fake"), ({"v2": False}, "old fake")]:
        tester = WorkflowTester(shipment_v2.Shipment, activities=fakes, patches=patches)
        handle = await tester.start(shipment_v2.Shipment.run)
        await handle.signal(shipment_v2.Shipment.release)
        assert await handle.result() == expected
    with pytest.raises(InvalidOptionError, match="patches="):
        WorkflowTester(shipment_v2.Shipment, patches={"v2": "yes"})  # type: ignore[dict-item]  # pyright: ignore[reportArgumentType]


async def test_continue_as_new_suggested_is_live() -> None:
    tester = WorkflowTester(Inspector)
    handle = await tester.start(Inspector.run, "k2")
    tester.continue_as_new_suggested = True
    await handle.signal(Inspector.go)
    assert (await handle.result()).continue_as_new_suggested is True
