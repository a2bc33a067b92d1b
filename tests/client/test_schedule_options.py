"""``create_schedule``'s options checked and split before anything is sent (no server involved): the
schedule's own, the runs' start options, the overlap policy in temporalio's terms, the spec."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import temporalio.client

from temporal_runtime import InvalidOptionError, ScheduleOverlap
from temporal_runtime_client import ScheduleSettings, StartOptions
from temporal_runtime_client._schedule_convert import (
    overlap_from_temporal,
    spec_of,
    to_temporal_overlap,
)
from temporal_runtime_core import ScheduleTiming


def test_the_schedules_own_options_are_split_from_the_start_options() -> None:
    settings = ScheduleSettings.of(
        {"schedule_id": "nightly", "cron": "0 2 * * *", "memo": {"k": 1}, "execution_timeout": 60}
    )
    assert settings.schedule_id == "nightly"
    assert settings.timing == ScheduleTiming(cron="0 2 * * *")
    assert (settings.overlap, settings.paused, settings.note) == (ScheduleOverlap.SKIP, False, None)
    assert settings.workflow_id == "nightly"  # the runs' ids start with the schedule id by default
    assert settings.start_options == StartOptions(memo={"k": 1}, execution_timeout=60)
    custom = ScheduleSettings.of(
        {"schedule_id": "s", "every": 5, "workflow_id": "report", "paused": True, "note": "n"}
    )
    assert (custom.workflow_id, custom.paused, custom.note) == ("report", True, "n")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"every": 60}, r"needs schedule_id="),
        ({"schedule_id": "", "every": 60}, r"schedule_id must be a non-empty string.*got ''"),
        ({"schedule_id": 7, "every": 60}, r"schedule_id must be a non-empty string.*got 7"),
        ({"schedule_id": "s"}, r"neither cron nor every"),
        ({"schedule_id": "s", "every": 60, "overlap": "SKIP"}, r"overlap must be a ScheduleOverlap.*got str"),
        ({"schedule_id": "s", "every": 60, "paused": "yes"}, r"paused must be True or False"),
        ({"schedule_id": "s", "every": 60, "note": 3}, r"note must be a string, got int"),
        ({"schedule_id": "s", "every": 60, "workflow_id": 3}, r"workflow_id must be a string"),
        ({"schedule_id": "s", "every": 60, "colour": "blue"}, r"Unknown start option\(s\): colour"),
    ],
)
def test_wrong_options_are_invalid_option_errors(options: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidOptionError, match=message):
        ScheduleSettings.of(options)


def test_overlap_policies_map_to_temporalios_both_ways() -> None:
    for overlap in ScheduleOverlap:
        policy = to_temporal_overlap(overlap)
        assert policy.name == overlap.name
        assert overlap_from_temporal(policy) is overlap
    assert to_temporal_overlap(temporalio.client.ScheduleOverlapPolicy.BUFFER_ALL) is (
        temporalio.client.ScheduleOverlapPolicy.BUFFER_ALL
    )


def test_the_spec_carries_the_timing() -> None:
    start = datetime(2030, 1, 1, tzinfo=UTC)
    spec = spec_of(ScheduleTiming.of(cron="0 2 * * *", time_zone="Europe/Paris", start_at=start, jitter=9))
    assert (spec.cron_expressions, spec.intervals, spec.time_zone_name) == (["0 2 * * *"], [], "Europe/Paris")
    assert (spec.start_at, spec.end_at, spec.jitter) == (start, None, timedelta(seconds=9))
    interval = spec_of(ScheduleTiming.of(every=timedelta(minutes=5)))
    assert interval.cron_expressions == []
    assert [i.every for i in interval.intervals] == [timedelta(minutes=5)]
