"""Log records from ``self.logger``, ``activity_logger()`` and plain ``logging`` inside activities
carry the run's and the activity's identity as flat ``LogRecord`` attributes (real dev server)."""

from __future__ import annotations

import json
import logging
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from temporal_runtime import TemporalEngine, Workflow, activity_def, activity_logger
from temporal_runtime.testing import WorkflowTester, select_registries

pytestmark = pytest.mark.integration

log = activity_logger(__name__)  # at module level: the fields are added when a record is made
plain = logging.getLogger(f"{__name__}.plain")


class LcParcel(BaseModel):
    ref: str


@activity_def("lc_weigh", Args=LcParcel, Result=int)
async def weigh(parcel: LcParcel) -> int:
    log.info("weighing %s", parcel.ref)
    plain.info("plain record while weighing %s", parcel.ref, extra={"attempt": "mine"})
    return len(parcel.ref)


@activity_def("lc_label", Args=LcParcel, Result=str)
def label(parcel: LcParcel) -> str:  # a thread activity: the context reaches the thread
    plain.warning("labelling %s", parcel.ref)
    return parcel.ref.upper()


class LcShipment(Workflow):
    async def ship(self, parcel: LcParcel) -> str:
        self.logger.info("shipping %s", parcel.ref)
        grams = await self.exec(weigh, parcel, timeout=10)
        text = await self.exec(label, parcel, timeout=10)
        self.logger.info("shipped", extra={"grams": grams})
        return f"{text}:{grams}"


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def by_message(self, start: str) -> logging.LogRecord:
        return next(r for r in self.records if r.getMessage().startswith(start))


@pytest.fixture
def captured() -> Iterator[_Capture]:
    handler = _Capture()
    logger = logging.getLogger(__name__)
    level, logger.level = logger.level, logging.INFO
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


class _Json(logging.Formatter):
    """The recipe of docs/observability.md, in short: the record's extras as JSON."""

    def format(self, record: logging.LogRecord) -> str:
        skip = set(vars(logging.makeLogRecord({}))) | {"message"}
        record.message = record.getMessage()
        return json.dumps({k: v for k, v in vars(record).items() if k not in skip}, default=str)


def _fields(record: logging.LogRecord, *names: str) -> dict[str, Any]:
    return {name: record.__dict__.get(name) for name in names}


async def test_workflow_and_activity_records_carry_the_run_and_the_activity(
    temporal_address: str, captured: _Capture
) -> None:
    workflows, activities = select_registries([sys.modules[__name__]])
    queue = f"lc-{uuid.uuid4().hex[:8]}"
    engine = TemporalEngine(
        temporal_address, task_queue=queue, workflow_registry=workflows, activity_registry=activities
    )
    async with engine:
        handle = await engine.start_workflow(LcShipment.ship, LcParcel(ref="p-17"))
        assert await handle.result() == "P-17:4"
    run = {"workflow_id": handle.id, "run_id": handle.run_id, "workflow_type": "LcShipment"}
    where = {"namespace": "default", "task_queue": queue}

    shipping = captured.by_message("shipping p-17")
    assert _fields(shipping, *run, *where, "workflow_method", "method", "attempt") == {
        **run,
        **where,
        "workflow_method": "ship",
        "method": "ship",
        "attempt": 1,
    }
    assert captured.by_message("shipped").__dict__["grams"] == 4

    weighing = captured.by_message("weighing p-17")
    activity = ("activity_name", "activity_id", "attempt")
    assert _fields(weighing, *run, *where, *activity) == {
        **run,
        **where,
        "activity_name": "lc_weigh",
        "activity_id": weighing.__dict__["activity_id"],
        "attempt": 1,
    }
    assert weighing.__dict__["activity_id"]
    # a plain logger's record gets them too; the call's own extra= wins (and does not raise)
    record = captured.by_message("plain record while weighing")
    assert _fields(record, "workflow_id", "activity_name", "attempt") == {
        "workflow_id": handle.id,
        "activity_name": "lc_weigh",
        "attempt": "mine",
    }
    labelling = captured.by_message("labelling p-17")
    assert _fields(labelling, "workflow_id", "run_id", "activity_name") == {
        "workflow_id": handle.id,
        "run_id": handle.run_id,
        "activity_name": "lc_label",
    }
    assert json.loads(_Json().format(labelling))["activity_name"] == "lc_label"
    formatted = logging.Formatter("%(workflow_id)s %(activity_name)s %(message)s").format(labelling)
    assert formatted == f"{handle.id} lc_label labelling p-17"


def test_records_outside_an_activity_carry_nothing(captured: _Capture) -> None:
    log.info("not in an activity")
    plain.info("plain, not in an activity")
    for record in captured.records:
        assert "workflow_id" not in record.__dict__
        assert "activity_name" not in record.__dict__


async def test_the_workflow_testers_logger_carries_the_same_fields(captured: _Capture) -> None:
    tester = WorkflowTester(LcShipment, activities={weigh: 3, label: "X"})
    assert await tester.run(LcShipment.ship, LcParcel(ref="p-1")) == "X:3"
    record = captured.by_message("shipping p-1")
    assert _fields(record, "workflow_type", "workflow_method", "task_queue", "attempt") == {
        "workflow_type": "LcShipment",
        "workflow_method": "ship",
        "task_queue": "workflow-tester",
        "attempt": 1,
    }
    assert record.__dict__["workflow_id"]
    assert record.__dict__["run_id"]
