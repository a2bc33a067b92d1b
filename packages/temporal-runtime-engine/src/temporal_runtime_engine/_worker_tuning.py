"""How a worker runs what it serves: slots, cache, threads and graceful shutdown, checked.

``TemporalEngine(...)`` gives the engine's tuning; ``engine.add_worker(...)`` may override each value
for its own queue and inherits the engine's for the rest, so an engine-wide
``graceful_shutdown_timeout=30`` applies to every worker it runs. A value left out everywhere is
temporalio's default (100 slots of each kind, 1000 cached workflows), except the thread pool for
thread activities (``activity_threads``: ``max_concurrent_activities``, else 10) and the graceful
shutdown (10 seconds).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import timedelta
from typing import Any, Final, cast

from temporal_runtime_core import Duration, InvalidOptionError, to_timedelta

__all__ = [
    "DEFAULT_ACTIVITY_THREADS",
    "DEFAULT_GRACEFUL_SHUTDOWN",
    "WorkerTuning",
    "activity_thread_count",
    "shutdown_timeout",
]

DEFAULT_GRACEFUL_SHUTDOWN: Final = timedelta(seconds=10)
"""How long ``engine.stop()`` lets running activities finish before cancelling them."""

DEFAULT_ACTIVITY_THREADS: Final = 10
"""Threads for thread activities, unless ``activity_threads`` or ``max_concurrent_activities`` is given."""

_TEMPORALIO_CACHE_DEFAULT: Final = 1000
"""temporalio's ``max_cached_workflows`` default (nonzero: sticky queues, so two workflow-task slots)."""


def activity_thread_count(threads: int | None, max_concurrent_activities: int | None) -> int:
    """``activity_threads`` with its default: ``max_concurrent_activities`` (so every activity slot
    can run a thread activity) or 10."""
    if threads is not None:
        return threads
    return max_concurrent_activities or DEFAULT_ACTIVITY_THREADS


def shutdown_timeout(value: Duration, where: str = "TemporalEngine") -> timedelta:
    """``graceful_shutdown_timeout`` as a timedelta: seconds or a timedelta, zero allowed."""
    if value == 0 and not isinstance(value, bool):
        return timedelta()
    return to_timedelta(value, f"{where} graceful_shutdown_timeout")


def _count(where: str, option: str, value: object, minimum: int, example: int, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidOptionError(
            f"{where}({option}=...) is {what}, an int >= {minimum}, e.g. {option}={example}; got {value!r} "
            f"(leave it out for the default)"
        )
    return value


@dataclass(frozen=True, slots=True)
class WorkerTuning:
    """The tuning options of one worker; None: inherited (``add_worker``) or the default."""

    max_concurrent_activities: int | None = None
    max_concurrent_workflow_tasks: int | None = None
    max_cached_workflows: int | None = None
    graceful_shutdown_timeout: timedelta | None = None
    activity_threads: int | None = None

    @classmethod
    def checked(
        cls,
        where: str,
        *,
        max_concurrent_activities: object = None,
        max_concurrent_workflow_tasks: object = None,
        max_cached_workflows: object = None,
        graceful_shutdown_timeout: object = None,
        activity_threads: object = None,
    ) -> WorkerTuning:
        """The options given to ``where`` (``"TemporalEngine"`` or ``"engine.add_worker"``), each
        checked: an :class:`InvalidOptionError` names the option, the value and what it takes."""
        grace: timedelta | None = None
        if graceful_shutdown_timeout is not None:
            grace = shutdown_timeout(cast(Duration, graceful_shutdown_timeout), where)  # checked there
        return cls(
            max_concurrent_activities=_count(
                where, "max_concurrent_activities", max_concurrent_activities, 1, 20,
                "how many activities this worker runs at once",
            ),
            max_concurrent_workflow_tasks=_count(
                where, "max_concurrent_workflow_tasks", max_concurrent_workflow_tasks, 1, 50,
                "how many workflow tasks this worker runs at once",
            ),
            max_cached_workflows=_count(
                where, "max_cached_workflows", max_cached_workflows, 0, 500,
                "how many workflow runs this worker keeps in memory between their tasks (0: none, "
                "every task replays the history)",
            ),
            graceful_shutdown_timeout=grace,
            activity_threads=_count(
                where, "activity_threads", activity_threads, 1, 20,
                "the number of threads running thread activities (plain `def` activities)",
            ),
        )  # fmt: skip

    def over(self, base: WorkerTuning) -> WorkerTuning:
        """These values where given, ``base``'s for the rest."""
        given = {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}
        return replace(base, **given)

    def check_consistent(self, where: str) -> None:
        """temporalio needs two workflow-task slots when workflows are cached (sticky queues)."""
        cached = self.max_cached_workflows
        cached = _TEMPORALIO_CACHE_DEFAULT if cached is None else cached
        slots = self.max_concurrent_workflow_tasks
        if slots is not None and slots < 2 and cached > 0:
            raise InvalidOptionError(
                f"{where}(max_concurrent_workflow_tasks={slots}) needs max_cached_workflows=0: a worker "
                "that caches workflows (the default keeps 1000) polls its own sticky queue too and needs at "
                "least 2 workflow-task slots; pass max_concurrent_workflow_tasks=2 or more, or "
                "max_cached_workflows=0"
            )

    @property
    def shutdown(self) -> timedelta:
        """The graceful shutdown timeout in effect."""
        grace = self.graceful_shutdown_timeout
        return DEFAULT_GRACEFUL_SHUTDOWN if grace is None else grace

    @property
    def threads(self) -> int:
        """The size of the thread pool for thread activities."""
        return activity_thread_count(self.activity_threads, self.max_concurrent_activities)

    def worker_options(self) -> dict[str, Any]:
        """Keyword arguments for ``temporalio.worker.Worker``: the slots and cache given (temporalio's
        defaults otherwise) and the graceful shutdown timeout."""
        options: dict[str, Any] = {"graceful_shutdown_timeout": self.shutdown}
        for name in ("max_concurrent_activities", "max_concurrent_workflow_tasks", "max_cached_workflows"):
            value = getattr(self, name)
            if value is not None:
                options[name] = value
        return options
