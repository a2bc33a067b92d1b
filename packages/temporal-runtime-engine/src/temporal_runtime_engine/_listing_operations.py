"""Finding runs from the engine: ``engine.list(...)`` and ``engine.count(...)``, delegating to the
engine's :class:`~temporal_runtime_client.WorkflowClient` (so a client-only engine,
``start_worker=False``, has them too)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Concatenate

from temporal_runtime_client import DEFAULT_PAGE_SIZE, WorkflowClient, WorkflowExecution, WorkflowStatus
from temporal_runtime_workflow import Workflow

__all__ = ["ListingOperations"]


class ListingOperations(ABC):
    """``list`` and ``count`` runs through :attr:`client` (implemented by ``TemporalEngine``)."""

    __slots__ = ()

    @property
    @abstractmethod
    def client(self) -> WorkflowClient:
        """The workflow client the operations go through."""

    def list[W: Workflow](
        self,
        query: str | None = None,
        *,
        workflow: type[W] | Callable[Concatenate[W, ...], Awaitable[object]] | None = None,
        status: WorkflowStatus | Iterable[WorkflowStatus] | None = None,
        limit: int | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[WorkflowExecution]:
        """The runs matching every filter given, fetched ``page_size`` at a time as the iteration
        goes: ``async for run in engine.list(workflow=OrderWorkflow.process, status=WorkflowStatus.RUNNING)``.

        ``query`` is Temporal's list filter language (``"CustomerId = 'c-1'"``), ANDed with the
        other filters; ``workflow`` a workflow class (its runs) or an entry method (the runs of that
        method); ``status`` one status or several (any of them); ``limit`` the most runs yielded.
        A filter that is not valid raises :class:`InvalidOptionError` (or :class:`UnknownMethodError`
        for a handler given as ``workflow``) here; a query the server rejects raises
        :class:`InvalidOptionError` at the first iteration. See docs/listing.md.
        """
        return self.client.list(query, workflow=workflow, status=status, limit=limit, page_size=page_size)

    async def count[W: Workflow](
        self,
        query: str | None = None,
        *,
        workflow: type[W] | Callable[Concatenate[W, ...], Awaitable[object]] | None = None,
        status: WorkflowStatus | Iterable[WorkflowStatus] | None = None,
    ) -> int:
        """How many runs :meth:`list` would yield for the same filters: one server call, except for
        ``workflow=Wf.method`` on a namespace without the ``EntryMethod`` search
        attribute, where the runs of ``Wf`` are listed and counted client-side (see docs/listing.md)."""
        return await self.client.count(query, workflow=workflow, status=status)
