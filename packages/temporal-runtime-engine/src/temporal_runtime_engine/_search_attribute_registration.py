"""Registering search attributes: the embedded dev server's ``--search-attribute`` flags, and
``engine.register_search_attributes()`` through Temporal's operator API on any server.

Registration is per namespace and idempotent here: the namespace's attributes are listed first, an
attribute already there with the same type is left alone, one there with another type is an error
(Temporal keeps the first type; some servers accept a second registration silently, and starts then
fail on the value's type), and only the missing ones are added, in one request.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any, Final

import temporalio.client
import temporalio.service
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest, ListSearchAttributesRequest

from temporal_runtime_client import WorkflowClient
from temporal_runtime_core import (
    SearchAttribute,
    SearchAttributeRegistrationError,
    SearchAttributeType,
    declared_search_attributes,
)

log = logging.getLogger("temporal_runtime.search_attributes")

__all__ = ["SearchAttributeOperations", "register_search_attributes", "search_attribute_flags"]

_INDEXED: Final = {
    SearchAttributeType.TEXT: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
    SearchAttributeType.KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    SearchAttributeType.INT: IndexedValueType.INDEXED_VALUE_TYPE_INT,
    SearchAttributeType.FLOAT: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
    SearchAttributeType.BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
    SearchAttributeType.DATETIME: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    SearchAttributeType.KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
}
_TYPE_OF: Final = {indexed: ours for ours, indexed in _INDEXED.items()}


# The dev server keeps visibility in SQLite, with a fixed number of columns per type; more keys of a
# type make it exit with "cannot have more than 3 search attributes of type Int" (measured, CLI 1.x).
DEV_SERVER_LIMITS: Final = {SearchAttributeType.KEYWORD: 10}
_DEFAULT_LIMIT: Final = 3


def search_attribute_flags(keys: Iterable[SearchAttribute[Any]] | None = None) -> list[str]:
    """``temporal server start-dev`` flags registering ``keys`` (default: every declared key, the
    method attribute included): ``--search-attribute CustomerId=Keyword ...``.

    The dev server's SQLite store holds 10 Keyword attributes and 3 of each other type: beyond that
    the first ones declared are registered, and a warning names the others (a start that sets one
    then fails with :class:`SearchAttributeNotRegisteredError`)."""
    chosen = tuple(declared_search_attributes() if keys is None else keys)
    flags: list[str] = []
    for kind in SearchAttributeType:
        names = [key.name for key in chosen if key.type is kind]
        limit = DEV_SERVER_LIMITS.get(kind, _DEFAULT_LIMIT)
        if len(names) > limit:
            log.warning(
                "The local dev server holds at most %d search attributes of type %s (its SQLite store "
                "has that many columns); %d are declared, so %s are not registered. Declare fewer of "
                "that type, or use a server with Elasticsearch visibility (url=...)",
                limit,
                kind.value,
                len(names),
                ", ".join(names[limit:]),
            )
        for name in names[:limit]:
            flags += ["--search-attribute", f"{name}={kind.value}"]
    return flags


def _permission_error(namespace: str, exc: temporalio.service.RPCError) -> SearchAttributeRegistrationError:
    return SearchAttributeRegistrationError(
        f"Registering search attributes in namespace {namespace!r} was refused ({exc.message}): it needs "
        f"the permission to call OperatorService.AddSearchAttributes (and ListSearchAttributes), which "
        f"a self-hosted cluster grants to its admin role. Ask an operator to run "
        f"`temporal operator search-attribute create --namespace {namespace} --name NAME --type TYPE` "
        f"for each key, or on Temporal Cloud `tcld namespace search-attributes add --namespace "
        f"{namespace} --search-attribute NAME=TYPE` (or the Cloud UI)"
    )


async def register_search_attributes(
    client: temporalio.client.Client, keys: Sequence[SearchAttribute[Any]]
) -> tuple[str, ...]:
    """Add the ``keys`` the namespace of ``client`` lacks; return the names added (in order)."""
    namespace = client.namespace
    operator = client.operator_service
    try:
        listed = await operator.list_search_attributes(ListSearchAttributesRequest(namespace=namespace))
        present: dict[str, int] = dict(listed.custom_attributes)
        system = frozenset[str](listed.system_attributes)
    except temporalio.service.RPCError as exc:
        if exc.status == temporalio.service.RPCStatusCode.PERMISSION_DENIED:
            raise _permission_error(namespace, exc) from exc
        if exc.status != temporalio.service.RPCStatusCode.UNIMPLEMENTED:
            raise
        present, system = {}, frozenset[str]()  # the time-skipping test server cannot list: add them all
    conflicts = [
        f"{key.name!r} is registered as {_type_name(present[key.name])}, declared as {key.type.value}"
        for key in keys
        if key.name in present and present[key.name] != _INDEXED[key.type]
    ]
    conflicts += [
        f"{key.name!r} is one of Temporal's system attributes" for key in keys if key.name in system
    ]
    if conflicts:
        raise SearchAttributeRegistrationError(
            f"Search attributes of namespace {namespace!r} conflict with the declared keys: "
            f"{'; '.join(conflicts)}. A name keeps its first type: rename the key in the code (e.g. "
            f"SearchAttribute.keyword('CustomerIdV2')), or have an operator remove the old attribute "
            f"(`temporal operator search-attribute remove --name NAME`) if no run uses it"
        )
    missing = {key.name: _INDEXED[key.type] for key in keys if key.name not in present}
    if not missing:
        return ()
    request = AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
    try:
        await operator.add_search_attributes(request)
    except temporalio.service.RPCError as exc:
        if exc.status == temporalio.service.RPCStatusCode.PERMISSION_DENIED:
            raise _permission_error(namespace, exc) from exc
        raise SearchAttributeRegistrationError(
            f"Namespace {namespace!r} refused to register search attributes "
            f"{', '.join(map(repr, missing))}: {exc.message}"
        ) from exc
    return tuple(missing)


def _type_name(indexed: int) -> str:
    ours = _TYPE_OF.get(IndexedValueType.ValueType(indexed))
    return ours.value if ours is not None else IndexedValueType.Name(IndexedValueType.ValueType(indexed))


class SearchAttributeOperations(ABC):
    """``engine.register_search_attributes()`` (implemented by ``TemporalEngine``)."""

    __slots__ = ()

    @property
    @abstractmethod
    def client(self) -> WorkflowClient:
        """The workflow client (its namespace is where attributes are registered)."""

    async def register_search_attributes(self, *keys: SearchAttribute[Any]) -> tuple[str, ...]:
        """Register search attributes in the engine's namespace through Temporal's operator API: the
        ``keys`` given, or by default every key declared so far (``SearchAttribute.keyword(...)``
        and the others) plus the method attribute ``EntryMethod``. Return the names it added.

        Idempotent: attributes already registered with the same type are left alone. Raises
        :class:`SearchAttributeRegistrationError` when a name is registered with another type, or
        when the caller may not add search attributes (naming the permission and the CLI command an
        operator can run instead). Later starts of this engine set the method attribute at once.
        The embedded dev server needs no call: it registers the keys declared before ``start()``.
        """
        client = self.client
        added = await register_search_attributes(
            client.temporal_client, keys if keys else declared_search_attributes()
        )
        client.namespace_search_attributes.forget()
        return added
