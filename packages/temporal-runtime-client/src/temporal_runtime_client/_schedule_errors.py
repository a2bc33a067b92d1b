"""Translate temporalio's schedule errors into ours: a missing schedule is :class:`ScheduleNotFoundError`,
a taken id :class:`ScheduleAlreadyExistsError`, a spec the server rejects :class:`InvalidOptionError`;
never a bare ``RPCError``."""

from __future__ import annotations

from typing import NoReturn

import temporalio.client
import temporalio.service

from temporal_runtime_core import InvalidOptionError, ScheduleAlreadyExistsError, ScheduleNotFoundError

from ._errors import translate_error

__all__ = ["raise_schedule_error", "schedule_not_found"]


def schedule_not_found(schedule_id: str, namespace: str) -> ScheduleNotFoundError:
    """The error for a schedule ``schedule_id`` that does not exist in ``namespace``."""
    return ScheduleNotFoundError(
        f"No schedule {schedule_id!r} in namespace {namespace!r} (never created, or deleted); "
        "engine.list_schedules() (or `temporal schedule list` in a shell) shows the schedules that exist",
        schedule_id=schedule_id,
    )


def raise_schedule_error(
    exc: Exception, schedule_id: str, namespace: str, *, given: str | None = None
) -> NoReturn:
    """Raise our error for ``exc``, raised by a call on schedule ``schedule_id``, chained to it.

    ``given`` describes the timing options of the call (``"cron='61 * * * *'"``), for a server
    rejection to name them.
    """
    if isinstance(exc, temporalio.client.ScheduleAlreadyRunningError):
        raise ScheduleAlreadyExistsError(
            f"A schedule {schedule_id!r} exists already in namespace {namespace!r}; pass another "
            "schedule_id, change the existing one with (await engine.get_schedule(id)).update(...), or "
            "delete it first with .delete()",
            schedule_id=schedule_id,
        ) from exc
    if isinstance(exc, temporalio.service.RPCError):
        if exc.status == temporalio.service.RPCStatusCode.NOT_FOUND:
            raise schedule_not_found(schedule_id, namespace) from exc
        if exc.status == temporalio.service.RPCStatusCode.INVALID_ARGUMENT:
            options = f" ({given})" if given else ""
            raise InvalidOptionError(
                f"The server rejected schedule {schedule_id!r}{options}: {exc.message}. Fix that option: "
                "a cron expression is 'minute hour day-of-month month day-of-week' with each value in its "
                "range (e.g. '0 2 * * *'), an interval at least one second"
            ) from exc
    translated = translate_error(exc)
    if translated is exc:
        raise exc
    raise translated from exc
