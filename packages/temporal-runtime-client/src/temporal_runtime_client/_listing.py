"""Finding and counting runs: ``list(...)`` and ``count(...)`` of :class:`WorkflowClient`.

``list`` pages lazily through temporalio's ``list_workflows`` (one ``ListWorkflowExecutions`` call
per ``page_size`` runs, made when the previous page is used up), turning each run into core's
:class:`WorkflowExecution`. ``count`` asks the server (``CountWorkflowExecutions``), except for the
runs of an entry method the namespace cannot filter on (no method search attribute, or
runs that lack it), which it pages through and counts here.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from types import MappingProxyType
from typing import Concatenate, NoReturn

import temporalio.client
import temporalio.service

from temporal_runtime_core import (
    METHOD_SEARCH_ATTRIBUTE,
    InvalidOptionError,
    WorkflowExecution,
    WorkflowStatus,
    method_search_attribute_value,
)
from temporal_runtime_workflow import Workflow, search_attributes_from_temporal

from ._describe import status_from_temporal
from ._errors import raise_translated
from ._list_query import LIST_FILTER_DOCS, ListFilter, list_filter
from ._namespace_search_attributes import NamespaceSearchAttributes
from ._options import METHOD_MEMO_KEY

__all__ = ["DEFAULT_PAGE_SIZE", "RunListing"]

log = logging.getLogger("temporal_runtime")

DEFAULT_PAGE_SIZE = 1000
"""Runs fetched per ``ListWorkflowExecutions`` call (temporalio's default, the usual server maximum)."""


class RunListing(ABC):
    """``list`` and ``count`` over :attr:`temporal_client` (implemented by ``WorkflowClient``)."""

    @property
    @abstractmethod
    def temporal_client(self) -> temporalio.client.Client:
        """The temporalio client the calls go through."""

    @property
    @abstractmethod
    def namespace_search_attributes(self) -> NamespaceSearchAttributes:
        """What the namespace has (listed once per client, shared with the starts)."""

    def list[W: Workflow](
        self,
        query: str | None = None,
        *,
        workflow: type[W] | Callable[Concatenate[W, ...], Awaitable[object]] | None = None,
        status: WorkflowStatus | Iterable[WorkflowStatus] | None = None,
        limit: int | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[WorkflowExecution]:
        """The runs matching all filters, as an async iterator fetching ``page_size`` runs at a time.

        ``query`` is Temporal's list filter language (``"CustomerId = 'c-1'"``); ``workflow`` a
        workflow class or one of its entry methods; ``status`` one :class:`WorkflowStatus` or
        several (any of them); ``limit`` the most runs to yield. The filters are checked here;
        a query the server rejects raises :class:`InvalidOptionError` at the first iteration.
        """
        chosen = list_filter(query, workflow, status)
        _check_count("limit", limit, optional=True)
        _check_count("page_size", page_size)
        return self._iterate(chosen, limit, page_size)

    async def count[W: Workflow](
        self,
        query: str | None = None,
        *,
        workflow: type[W] | Callable[Concatenate[W, ...], Awaitable[object]] | None = None,
        status: WorkflowStatus | Iterable[WorkflowStatus] | None = None,
    ) -> int:
        """How many runs match the filters (the same as :meth:`list`'s).

        One server call, except for ``workflow=Wf.method``: where the namespace lacks the
        method search attribute, every run of ``Wf`` matching the other filters is listed
        and counted here (a page per 1000 runs); where it has it, only the runs of ``Wf`` without
        the attribute are (usually none).
        """
        chosen = list_filter(query, workflow, status)
        if chosen.method is None:
            return await self._server_count(chosen, chosen.query(method_attribute=False))
        if not await self.has_method_attribute():
            return await self._client_count(chosen, chosen.query(method_attribute=False))
        marked = await self._server_count(chosen, chosen.marked_query())
        unmarked = chosen.query(method_attribute=True, unmarked_only=True)
        return marked + await self._client_count(chosen, unmarked)

    async def has_method_attribute(self) -> bool:
        """Whether the namespace has the method search attribute (``METHOD_SEARCH_ATTRIBUTE``,
        asked once per client). Where the attributes cannot be listed (no permission), False: runs
        are then filtered by entry method client-side, which is slower but finds the same runs."""
        return await self.namespace_search_attributes.has_method_attribute() is True

    # --- implementation ------------------------------------------------------------------------

    async def _iterate(
        self, chosen: ListFilter, limit: int | None, page_size: int
    ) -> AsyncIterator[WorkflowExecution]:
        with_attribute = chosen.method is not None and await self.has_method_attribute()
        server_query = chosen.query(method_attribute=with_attribute)
        # A limit is applied by the server only when every run it lists is one asked for.
        server_limit = limit if chosen.method is None else None
        found = 0
        async for execution in self._executions(chosen, server_query, server_limit, page_size):
            if chosen.accepts(execution):
                yield execution
                found += 1
                if limit is not None and found >= limit:
                    return

    async def _executions(
        self, chosen: ListFilter, server_query: str | None, limit: int | None, page_size: int
    ) -> AsyncIterator[WorkflowExecution]:
        runs = self.temporal_client.list_workflows(server_query, limit=limit, page_size=page_size)
        while True:
            try:
                run = await anext(runs)
            except StopAsyncIteration:
                return
            except Exception as exc:
                _raise_list_error(exc, chosen, server_query)
            yield await execution_of(run)

    async def _server_count(self, chosen: ListFilter, server_query: str | None) -> int:
        try:
            return (await self.temporal_client.count_workflows(server_query)).count
        except Exception as exc:
            _raise_list_error(exc, chosen, server_query)

    async def _client_count(self, chosen: ListFilter, server_query: str | None) -> int:
        return sum(
            [
                1
                async for execution in self._executions(chosen, server_query, None, DEFAULT_PAGE_SIZE)
                if chosen.accepts(execution)
            ]
        )


async def execution_of(run: temporalio.client.WorkflowExecution) -> WorkflowExecution:
    """Our :class:`WorkflowExecution` for a run temporalio listed (its memo decoded)."""
    memo = dict(await run.memo())
    recorded = memo.pop(METHOD_MEMO_KEY, None)
    attributes = search_attributes_from_temporal(run.typed_search_attributes)
    method = attributes.get(METHOD_SEARCH_ATTRIBUTE)
    if method is None and isinstance(recorded, str):
        method = method_search_attribute_value(run.workflow_type, recorded)
    return WorkflowExecution(
        id=run.id,
        run_id=run.run_id,
        workflow=run.workflow_type,
        method=method,
        status=status_from_temporal(run.status),
        start_time=run.start_time,
        close_time=run.close_time,
        execution_time=run.execution_time,
        task_queue=run.task_queue,
        memo=MappingProxyType(memo),
        search_attributes=attributes,
        history_length=run.history_length,
    )


def _raise_list_error(exc: Exception, chosen: ListFilter, server_query: str | None) -> NoReturn:
    """An :class:`InvalidOptionError` for a query the server rejects, else the translated error."""
    if (
        isinstance(exc, temporalio.service.RPCError)
        and exc.status == temporalio.service.RPCStatusCode.INVALID_ARGUMENT
    ):
        given = f"query {chosen.user_query!r}" if chosen.user_query else "the filters"
        sent = f" (sent as {server_query!r})" if server_query != chosen.user_query else ""
        hint = (
            " Register the search attribute it names first (on a cluster: temporal operator "
            "search-attribute create)"
            if "search attribute" in exc.message
            else ""
        )
        raise InvalidOptionError(
            f"The server rejected {given}{sent}: {exc.message}. Write it in Temporal's list filter "
            f"language, e.g. \"CustomerId = 'c-1' AND ExecutionStatus = 'Running'\"; see "
            f"{LIST_FILTER_DOCS}.{hint}"
        ) from exc
    raise_translated(exc, workflow_id=None)


def _check_count(option: str, value: object, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        none = " or None for no limit" if optional else ""
        raise InvalidOptionError(f"{option} must be a positive int{none}, got {value!r}")
