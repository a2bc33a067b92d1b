"""When a schedule acts, checked before anything is sent: :class:`ScheduleTiming` (a cron expression or
an interval, a time zone, a start, an end and a jitter), the aware datetimes schedules take, and the
cron expression of a calendar the server returns (:func:`cron_from_calendar`).

The server checks cron expressions fully; the checks here catch what is certainly wrong (a value of
the wrong type, both or neither of ``cron`` and ``every``, a wrong number of fields, an unknown time
zone, a naive datetime) with a message that names the option and the fix. Nothing here knows temporalio.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ._errors import InvalidOptionError
from ._options import Duration, to_timedelta

__all__ = ["ScheduleTiming", "aware_datetime", "check_cron", "cron_from_calendar"]

_CRON_FORM = (
    "a cron expression has five fields, 'minute hour day-of-month month day-of-week' "
    "(e.g. '0 2 * * *' is 02:00 every day, '*/15 * * * 1-5' every 15 minutes on weekdays), "
    "optionally a year after them, or seconds before and a year after (seven fields); "
    "@hourly, @daily, @weekly, @monthly and @yearly are accepted too"
)
_MACROS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_MIN_EVERY = timedelta(seconds=1)

type Range = tuple[int, int, int]
"""An inclusive range of a calendar field with its step: ``(start, end, step)``."""


def check_cron(cron: object, option: str = "cron") -> str:
    """``cron`` stripped, when it can be a cron expression; :class:`InvalidOptionError` otherwise."""
    if not isinstance(cron, str):
        raise InvalidOptionError(
            f"{option} must be a cron expression string, got {type(cron).__name__} {cron!r}; {_CRON_FORM}"
        )
    text = cron.strip()
    body = text.split("#", 1)[0].split()
    if body and body[0].startswith(("CRON_TZ=", "TZ=")):
        raise InvalidOptionError(
            f"{option}={cron!r} names its time zone inside the expression; pass it as "
            f"time_zone={body[0].split('=', 1)[1]!r} and {option}={' '.join(body[1:])!r} instead"
        )
    if body and body[0].startswith("@"):
        if body[0] == "@every":
            raise InvalidOptionError(
                f"{option}={cron!r} is an interval; pass every=timedelta(...) (or seconds) instead"
            )
        if len(body) != 1 or body[0] not in _MACROS:
            raise InvalidOptionError(f"{option}={cron!r} is not a cron expression: {_CRON_FORM}")
        return text
    if not 5 <= len(body) <= 7:
        raise InvalidOptionError(
            f"{option}={cron!r} has {len(body)} field{'' if len(body) == 1 else 's'}: {_CRON_FORM}"
        )
    return text


def check_every(every: object, option: str = "every") -> timedelta:
    """``every`` (seconds or a timedelta) as a timedelta of at least one second."""
    if not isinstance(every, (int, float, timedelta)):
        raise InvalidOptionError(
            f"{option} must be an interval: a timedelta or a number of seconds, got "
            f"{type(every).__name__} {every!r}"
        )
    interval = to_timedelta(every, option)
    if interval < _MIN_EVERY:
        raise InvalidOptionError(
            f"{option}={every!r} is shorter than a second, the shortest interval Temporal schedules; "
            "pass every=timedelta(seconds=1) or more"
        )
    return interval


def aware_datetime(value: object, option: str) -> datetime:
    """``value`` when it is a timezone-aware datetime; a naive one is ambiguous, so it is refused."""
    if not isinstance(value, datetime):
        raise InvalidOptionError(
            f"{option} must be a datetime, got {type(value).__name__} {value!r}; e.g. "
            "datetime(2030, 1, 31, 2, 0, tzinfo=UTC)"
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidOptionError(
            f"{option}={value!r} has no time zone, so the moment it names is ambiguous; pass an aware "
            "datetime, e.g. value.replace(tzinfo=UTC) or datetime.now(UTC)"
        )
    return value


def _check_time_zone(time_zone: object) -> str:
    if not isinstance(time_zone, str) or not time_zone:
        raise InvalidOptionError(
            f"time_zone must be an IANA time zone name such as 'Europe/Paris', got {time_zone!r}"
        )
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidOptionError(
            f"time_zone={time_zone!r} is not a known IANA time zone; use a name such as 'Europe/Paris', "
            "'America/New_York' or 'UTC' (zoneinfo.available_timezones() lists them)"
        ) from None
    return time_zone


@dataclass(frozen=True, slots=True)
class ScheduleTiming:
    """When a schedule acts: exactly one of ``cron`` (with ``time_zone``, UTC by default) and
    ``every``, optionally bounded by ``start_at``/``end_at`` and delayed by up to ``jitter``."""

    cron: str | None = None
    every: timedelta | None = None
    time_zone: str | None = None
    start_at: datetime | None = None
    end_at: datetime | None = None
    jitter: timedelta | None = None

    @classmethod
    def of(
        cls,
        *,
        cron: str | None = None,
        every: Duration | None = None,
        time_zone: str | None = None,
        start_at: datetime | None = None,
        end_at: datetime | None = None,
        jitter: Duration | None = None,
    ) -> ScheduleTiming:
        """The timing these options describe, checked; :class:`InvalidOptionError` names the culprit."""
        if (cron is None) == (every is None):
            given = "both cron and every were" if cron is not None else "neither cron nor every was"
            raise InvalidOptionError(
                f"A schedule follows a calendar or an interval, and {given} given: pass one of "
                "cron='0 2 * * *' (a cron expression) and every=timedelta(hours=1) (an interval)"
            )
        if time_zone is not None and every is not None:
            raise InvalidOptionError(
                f"time_zone={time_zone!r} applies to cron expressions only; an interval (every=...) runs "
                "at the same pace in every time zone, so leave time_zone out"
            )
        start = None if start_at is None else aware_datetime(start_at, "start_at")
        end = None if end_at is None else aware_datetime(end_at, "end_at")
        if start is not None and end is not None and end <= start:
            raise InvalidOptionError(f"end_at={end.isoformat()} is not after start_at={start.isoformat()}")
        if jitter is not None and not isinstance(jitter, (int, float, timedelta)):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise InvalidOptionError(
                f"jitter must be a timedelta or a number of seconds, got {type(jitter).__name__} {jitter!r}"
            )
        return cls(
            cron=None if cron is None else check_cron(cron),
            every=None if every is None else check_every(every),
            time_zone=None if time_zone is None else _check_time_zone(time_zone),
            start_at=start,
            end_at=end,
            jitter=None if jitter is None else to_timedelta(jitter, "jitter"),
        )


_FIELDS: tuple[tuple[int, int], ...] = ((0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 6))
"""The full range of second, minute, hour, day of month, month and day of week."""


def _field(ranges: Sequence[Range], low: int, high: int) -> str:
    parts: list[str] = []
    for start, end, step in ranges:
        end = max(end, start)
        step = step or 1
        if (start, end) == (low, high):
            parts.append("*" if step == 1 else f"*/{step}")
        elif start == end:
            parts.append(str(start))
        else:
            parts.append(f"{start}-{end}" + ("" if step == 1 else f"/{step}"))
    return ",".join(parts)


def cron_from_calendar(
    *,
    second: Sequence[Range],
    minute: Sequence[Range],
    hour: Sequence[Range],
    day_of_month: Sequence[Range],
    month: Sequence[Range],
    day_of_week: Sequence[Range],
    year: Sequence[Range] = (),
) -> str:
    """The cron expression matching this calendar (Temporal turns every cron expression into one):
    five fields, or seven (seconds first, year last) when the seconds are not just 0 or a year is set."""
    fields = [
        _field(ranges, low, high)
        for ranges, (low, high) in zip(
            (second, minute, hour, day_of_month, month, day_of_week), _FIELDS, strict=True
        )
    ]
    if fields[0] == "0" and not year:
        return " ".join(fields[1:])
    years = ",".join(
        str(start) if max(end, start) == start else f"{start}-{end}" + ("" if step in (0, 1) else f"/{step}")
        for start, end, step in year
    )
    return " ".join([*fields, years or "*"])
