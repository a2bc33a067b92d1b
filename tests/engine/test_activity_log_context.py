"""The activity log context without a server: records made inside an activity (run by temporalio's
``ActivityEnvironment``) get its fields, ``extra=`` still wins and never raises, the factory is
installed once, and a custom record class is left alone."""

from __future__ import annotations

import logging
import pickle
from collections.abc import Iterator
from typing import Any

import pytest
from temporalio.testing import ActivityEnvironment

from temporal_runtime import activity_logger
from temporal_runtime_engine._activity_log_context import install_activity_log_context


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def captured() -> Iterator[_Capture]:
    handler = _Capture()
    logger = logging.getLogger("alc")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    factory = logging.getLogRecordFactory()
    install_activity_log_context()
    try:
        yield handler
    finally:
        logging.setLogRecordFactory(factory)
        logger.removeHandler(handler)


def test_records_inside_an_activity_carry_its_fields_and_extra_wins(captured: _Capture) -> None:
    def activity() -> None:
        logging.getLogger("alc").info("plain")
        logging.getLogger("alc").info("mine", extra={"workflow_id": "wf-mine", "attempt": 7})
        activity_logger("alc").info("adapter", extra={"activity_name": "renamed"})

    ActivityEnvironment().run(activity)
    logging.getLogger("alc").info("outside")
    plain, mine, adapter, outside = captured.records
    info = ActivityEnvironment.default_info()
    assert plain.__dict__["workflow_id"] == info.workflow_id
    assert plain.__dict__["activity_name"] == info.activity_type
    assert (mine.__dict__["workflow_id"], mine.__dict__["attempt"]) == ("wf-mine", 7)
    assert mine.__dict__["run_id"] == info.workflow_run_id
    assert adapter.__dict__["activity_name"] == "renamed"
    assert "workflow_id" not in outside.__dict__
    # a copy (a QueueHandler's, a pickle for another process) keeps the fields
    copied: dict[str, Any] = pickle.loads(pickle.dumps(plain)).__dict__
    assert copied["workflow_id"] == info.workflow_id


def test_the_factory_is_installed_once(captured: _Capture) -> None:
    factory = logging.getLogRecordFactory()
    install_activity_log_context()
    assert logging.getLogRecordFactory() is factory


def test_activity_logger_outside_an_activity_adds_nothing(captured: _Capture) -> None:
    activity_logger("alc").info("outside")
    [record] = captured.records
    assert "activity_name" not in record.__dict__
    assert activity_logger().logger.name == "temporal_runtime.activity"
