"""Schedules' plain data in core: the timing checks (cron or every, time zone, bounds, jitter), the cron
expression of a server calendar, and the frozen description types."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from temporal_runtime_core import (
    InvalidOptionError,
    ScheduleAction,
    ScheduleDescription,
    ScheduleOverlap,
    ScheduleTiming,
    aware_datetime,
    check_cron,
    cron_from_calendar,
)

# --- cron or every ----------------------------------------------------------------------------------


def test_a_cron_or_an_interval_is_kept_checked() -> None:
    assert ScheduleTiming.of(cron="  0 2 * * *  ") == ScheduleTiming(cron="0 2 * * *")
    assert ScheduleTiming.of(every=90).every == timedelta(seconds=90)
    assert ScheduleTiming.of(every=timedelta(hours=1)).every == timedelta(hours=1)
    assert ScheduleTiming.of(cron="@daily", time_zone="Europe/Paris").time_zone == "Europe/Paris"
    # seconds first and a year last are Temporal's seven-field form; a year alone makes six
    assert check_cron("30 0 2 * * * 2030") == "30 0 2 * * * 2030"
    assert check_cron("0 2 * * * 2030") == "0 2 * * * 2030"
    assert check_cron("0 2 * * * # nightly") == "0 2 * * * # nightly"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, r"neither cron nor every was given.*cron='0 2 \* \* \*'.*every=timedelta"),
        ({"cron": "0 2 * * *", "every": 60}, r"both cron and every were given"),
        ({"cron": 5}, r"cron must be a cron expression string, got int 5"),
        ({"cron": "0 2 * *"}, r"cron='0 2 \* \*' has 4 fields: a cron expression has five fields"),
        ({"cron": ""}, r"has 0 fields"),
        ({"cron": "@sometimes"}, r"'@sometimes' is not a cron expression"),
        ({"cron": "@every 2h"}, r"is an interval; pass every=timedelta"),
        ({"cron": "CRON_TZ=Europe/Paris 0 2 * * *"}, r"time_zone='Europe/Paris' and cron='0 2 \* \* \*'"),
        ({"every": 0}, r"every must be positive"),
        ({"every": timedelta(milliseconds=500)}, r"shorter than a second.*timedelta\(seconds=1\)"),
        ({"every": "1h"}, r"every must be an interval: a timedelta or a number of seconds, got str"),
        ({"every": True}, r"every must be seconds"),
        ({"cron": "0 2 * * *", "time_zone": "Mars/Olympus"}, r"'Mars/Olympus' is not a known IANA time zone"),
        ({"cron": "0 2 * * *", "time_zone": ""}, r"time_zone must be an IANA time zone name"),
        ({"every": 60, "time_zone": "UTC"}, r"time_zone='UTC' applies to cron expressions only"),
        ({"every": 60, "jitter": -1}, r"jitter must be positive"),
        ({"every": 60, "jitter": "1s"}, r"jitter must be a timedelta or a number of seconds, got str"),
        ({"every": 60, "start_at": datetime(2030, 1, 1)}, r"start_at=.* has no time zone.*tzinfo=UTC"),
        ({"every": 60, "end_at": "2030-01-01"}, r"end_at must be a datetime, got str"),
        (
            {
                "every": 60,
                "start_at": datetime(2030, 1, 2, tzinfo=UTC),
                "end_at": datetime(2030, 1, 1, tzinfo=UTC),
            },
            r"end_at=2030-01-01T00:00:00\+00:00 is not after start_at=2030-01-02",
        ),
    ],
)
def test_wrong_timings_name_the_option_and_the_fix(options: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidOptionError, match=message):
        ScheduleTiming.of(**options)


def test_bounds_and_jitter_are_kept() -> None:
    start, end = datetime(2030, 1, 1, tzinfo=UTC), datetime(2030, 2, 1, tzinfo=UTC)
    timing = ScheduleTiming.of(every=60, start_at=start, end_at=end, jitter=5)
    assert (timing.start_at, timing.end_at, timing.jitter) == (start, end, timedelta(seconds=5))
    assert aware_datetime(start, "start") is start


# --- the cron expression of a calendar -------------------------------------------------------------------

_ALL = {
    "second": [(0, 0, 1)],
    "minute": [(0, 0, 1)],
    "hour": [(0, 0, 1)],
    "day_of_month": [(1, 31, 1)],
    "month": [(1, 12, 1)],
    "day_of_week": [(0, 6, 1)],
}


@pytest.mark.parametrize(
    ("fields", "cron"),
    [
        ({"hour": [(2, 2, 1)]}, "0 2 * * *"),
        ({}, "0 0 * * *"),  # @daily
        (
            {"minute": [(0, 59, 15)], "hour": [(1, 1, 1), (3, 3, 1)], "day_of_week": [(1, 1, 1)]},
            "*/15 1,3 * * 1",
        ),
        ({"hour": [(9, 17, 1)], "day_of_week": [(1, 5, 1)]}, "0 9-17 * * 1-5"),
        ({"minute": [(5, 50, 5)], "day_of_month": [(1, 1, 0)]}, "5-50/5 0 1 * *"),
        ({"second": [(30, 30, 1)], "hour": [(2, 2, 1)]}, "30 0 2 * * * *"),
        ({"hour": [(2, 2, 1)], "year": [(2030, 2030, 1)]}, "0 0 2 * * * 2030"),
        ({"year": [(2030, 2032, 1)]}, "0 0 0 * * * 2030-2032"),
    ],
)
def test_a_calendar_reads_back_as_a_cron_expression(fields: dict[str, Any], cron: str) -> None:
    assert cron_from_calendar(**{**_ALL, **fields}) == cron


# --- the plain data ---------------------------------------------------------------------------------------


def test_overlap_policies_are_temporals_six_with_skip_first() -> None:
    assert [o.name for o in ScheduleOverlap] == [
        "SKIP",
        "BUFFER_ONE",
        "BUFFER_ALL",
        "CANCEL_OTHER",
        "TERMINATE_OTHER",
        "ALLOW_ALL",
    ]


def test_descriptions_are_frozen() -> None:
    now = datetime.now(UTC)
    action = ScheduleAction(workflow_id="w-1", run_id="r", scheduled_at=now, started_at=now)
    description = ScheduleDescription(
        id="s",
        workflow_type="W",
        method="run",
        cron=None,
        every=timedelta(seconds=2),
        time_zone=None,
        start_at=None,
        end_at=None,
        jitter=None,
        overlap=ScheduleOverlap.SKIP,
        paused=False,
        note=None,
        workflow_id="w",
        task_queue="q",
        next_action_times=(now,),
        recent_actions=(action,),
        running_workflow_ids=(),
        num_actions=1,
    )
    for value, field in ((action, "workflow_id"), (description, "paused")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(cast(Any, value), field, None)
    assert hash(action) == hash(dataclasses.replace(action))
