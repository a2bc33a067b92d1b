"""``UpdateHandle``: an update that a workflow run has accepted, typed by its answer."""

from __future__ import annotations

from abc import ABC, abstractmethod

from temporal_runtime_core import Duration

__all__ = ["UpdateHandle"]


class UpdateHandle[R](ABC):
    """An update the workflow accepted (its validation passed and the run admitted it).

    ``await handle.start_update(Wf.set_limit, 5)`` returns one as soon as the run accepts the
    update; ``await update.result()`` waits for the handler's answer, typed ``R``.
    """

    @property
    @abstractmethod
    def id(self) -> str:
        """The update id (unique within the run; give your own to make an update idempotent)."""

    @property
    @abstractmethod
    def workflow_id(self) -> str:
        """The id of the workflow run the update was sent to."""

    @property
    @abstractmethod
    def name(self) -> str:
        """The update's registered name."""

    @abstractmethod
    async def result(self, timeout: Duration | None = None) -> R:
        """Wait for the handler's answer. Raises :class:`UpdateFailedError` when the handler raised,
        and :class:`TimeoutError` when ``timeout`` passes first (the update keeps running)."""
