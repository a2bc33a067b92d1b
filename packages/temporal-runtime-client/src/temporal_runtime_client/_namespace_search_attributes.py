"""Which search attributes the namespace has, so a start sets only registered ones.

Every run temporal-runtime starts carries the method attribute (``EntryMethod =
"Workflow.method"``) *where the namespace has it*: a start naming an attribute the namespace lacks
fails, so setting it blindly would break every start on a cluster that never ran
``register_search_attributes()``. The client lists the namespace's custom attributes once
(``OperatorService.ListSearchAttributes``), at its first start, and

- adds the method attribute when it is listed;
- refuses a start naming a user attribute that is not listed (after listing again, in case it was
  registered since) with :class:`SearchAttributeNotRegisteredError`, naming it and the fix.

Where the list cannot be read (no permission, or a server without that call such as the time-skipping
test server) the client sets the method attribute optimistically: if the server answers that it is
not defined, the start is sent again without it, and later starts leave it out.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, Final, cast

import temporalio.client
import temporalio.common
import temporalio.service
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest

from temporal_runtime_core import (
    METHOD_SEARCH_ATTRIBUTE,
    SearchAttributeNotRegisteredError,
)
from temporal_runtime_workflow import method_pair

__all__ = ["NamespaceSearchAttributes", "not_registered_error", "unregistered_attribute"]

_NOT_DEFINED: Final = re.compile(
    r"(?:no mapping defined for search attribute|search attribute) (?P<name>[A-Za-z0-9_]+)"
    r"(?: is not defined)?",
)
_NO_LIST: Final = frozenset(
    {temporalio.service.RPCStatusCode.UNIMPLEMENTED, temporalio.service.RPCStatusCode.PERMISSION_DENIED}
)


def unregistered_attribute(exc: BaseException) -> str | None:
    """The attribute name if ``exc`` is the server refusing an unregistered search attribute
    ("Namespace default has no mapping defined for search attribute X", "search attribute X is not
    defined"), else None."""
    if not isinstance(exc, temporalio.service.RPCError):
        return None
    if exc.status != temporalio.service.RPCStatusCode.INVALID_ARGUMENT:
        return None
    message = exc.message
    if "no mapping defined for search attribute" not in message and "is not defined" not in message:
        return None
    found = _NOT_DEFINED.search(message)
    return found.group("name") if found is not None else None


def not_registered_error(names: Iterable[str], namespace: str | None) -> SearchAttributeNotRegisteredError:
    """Our error for a start naming search attributes ``names`` that ``namespace`` lacks."""
    missing = sorted(set(names))
    listed = ", ".join(map(repr, missing))
    first = missing[0] if missing else "CustomerId"
    where = f"namespace {namespace!r}" if namespace else "the namespace"
    flag = f"--namespace {namespace} " if namespace else ""
    return SearchAttributeNotRegisteredError(
        f"Search attribute(s) {listed} are not registered in {where}, so Temporal refuses them. "
        f"Register them once: `await engine.register_search_attributes()` (it adds every declared "
        f"key), or `temporal operator search-attribute create {flag}--name {first} --type Keyword` "
        f"(with the key's type); the embedded dev server registers the keys declared before "
        f"engine.start()",
        names=missing,
    )


class NamespaceSearchAttributes:
    """The custom search attributes of the client's namespace (name -> type), listed on first use."""

    __slots__ = ("_client", "_completed", "_known", "_listable", "_method_absent", "_method_only")

    def __init__(self, client: temporalio.client.Client) -> None:
        self._client = client
        self._known: frozenset[str] | None = None
        self._listable = True
        self._method_absent = False
        self._method_only: dict[tuple[str, str], temporalio.common.TypedSearchAttributes] = {}
        # The usual start's completed kwargs by (workflow, method), with the kwargs and the listing
        # they were completed from (the client passes the same kwargs for each start of a method).
        self._completed: dict[tuple[str, str], tuple[dict[str, Any], frozenset[str], dict[str, Any]]] = {}

    def forget(self) -> None:
        """Look the attributes up again at the next start (after registering some)."""
        self._known = None
        self._listable = True
        self._method_absent = False

    async def _list(self) -> frozenset[str] | None:
        if not self._listable:
            return None
        request = ListSearchAttributesRequest(namespace=self._client.namespace)
        try:
            listed = await self._client.operator_service.list_search_attributes(request)
        except temporalio.service.RPCError as exc:
            if exc.status not in _NO_LIST:
                return None  # a passing problem: try again at the next start
            self._listable = False
            return None
        self._known = frozenset(listed.custom_attributes)
        return self._known

    async def has_method_attribute(self) -> bool | None:
        """Whether the namespace has :data:`METHOD_SEARCH_ATTRIBUTE` (None: it cannot be listed)."""
        known = self._known if self._known is not None else await self._list()
        return None if known is None else METHOD_SEARCH_ATTRIBUTE.name in known

    async def _kwargs(
        self, kwargs: dict[str, Any], workflow: str, method: str
    ) -> tuple[dict[str, Any], bool]:
        """``kwargs`` with the method attribute added where it belongs; and whether that was a guess."""
        given: object = kwargs.get("search_attributes")
        if given is not None and not isinstance(given, temporalio.common.TypedSearchAttributes):
            return kwargs, False  # temporalio's untyped mapping, given through extra=: sent as it is
        given_pairs = cast("Sequence[temporalio.common.SearchAttributePair[Any]]", given or ())
        names = [pair.key.name for pair in given_pairs]
        known = self._known if self._known is not None else await self._list()
        if known is not None and any(name not in known for name in names):
            known = await self._list() or known  # registered since the last look?
            missing = [name for name in names if name not in known]
            if missing:
                raise not_registered_error(missing, self._client.namespace)
        guessed = known is None and not self._method_absent
        if (known is not None and METHOD_SEARCH_ATTRIBUTE.name in known) or guessed:
            if given is None:  # the usual start: the same attributes for every run of the method
                attributes = self._method_only.get((workflow, method))
                if attributes is None:
                    attributes = temporalio.common.TypedSearchAttributes([method_pair(workflow, method)])
                    self._method_only[workflow, method] = attributes
            else:
                pairs = [*given_pairs, method_pair(workflow, method)]
                attributes = temporalio.common.TypedSearchAttributes(pairs)
            kwargs = {**kwargs, "search_attributes": attributes}
        return kwargs, guessed

    async def send[T](
        self,
        kwargs: dict[str, Any],
        workflow: str,
        method: str,
        send: Callable[[dict[str, Any]], Awaitable[T]],
    ) -> T:
        """``send(kwargs)`` with the search attributes completed; ``send`` raises our errors."""
        known = self._known
        if known is not None and kwargs.get("search_attributes") is None:
            # Listed, and no attributes of the caller's to check: the completion depends only on
            # the kwargs and the listing, so it is made once for each (no guess to retry either).
            cached = self._completed.get((workflow, method))
            if cached is not None and cached[0] is kwargs and cached[1] is known:
                return await send(cached[2])
            completed, _ = await self._kwargs(kwargs, workflow, method)
            self._completed[workflow, method] = (kwargs, known, completed)
            return await send(completed)
        completed, guessed = await self._kwargs(kwargs, workflow, method)
        try:
            return await send(completed)
        except SearchAttributeNotRegisteredError as exc:
            if not guessed or exc.names != (METHOD_SEARCH_ATTRIBUTE.name,):
                raise
        self._method_absent = True  # the guess was wrong: this namespace lacks the method attribute
        completed, _ = await self._kwargs(kwargs, workflow, method)
        return await send(completed)
