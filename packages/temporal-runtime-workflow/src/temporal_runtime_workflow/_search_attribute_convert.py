"""Our typed search attribute values to temporalio's and back, and the run summary.

Core's :class:`SearchAttributeValue` (a typed key with a checked value) becomes temporalio's
``SearchAttributePair`` (at start) or ``SearchAttributeUpdate`` (an upsert); temporalio's
``TypedSearchAttributes`` becomes our read-only :class:`SearchAttributes` (a keyword list as a tuple of
``str``, datetimes in UTC). Every run temporal-runtime starts also carries
:data:`METHOD_SEARCH_ATTRIBUTE` (``"Workflow.method"``) where the namespace has it, and the summary
:func:`run_summary`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final, cast

import temporalio.common

from temporal_runtime_core import (
    METHOD_SEARCH_ATTRIBUTE,
    InvalidOptionError,
    SearchAttribute,
    SearchAttributes,
    SearchAttributeType,
    SearchAttributeValue,
    method_search_attribute_value,
)

__all__ = [
    "check_search_attribute_values",
    "method_pair",
    "run_summary",
    "search_attributes_from_temporal",
    "to_temporal_key",
    "to_temporal_pairs",
    "to_temporal_updates",
    "upsert_search_attributes",
]

_KEYS: Final = {
    SearchAttributeType.KEYWORD: temporalio.common.SearchAttributeKey.for_keyword,
    SearchAttributeType.TEXT: temporalio.common.SearchAttributeKey.for_text,
    SearchAttributeType.INT: temporalio.common.SearchAttributeKey.for_int,
    SearchAttributeType.FLOAT: temporalio.common.SearchAttributeKey.for_float,
    SearchAttributeType.BOOL: temporalio.common.SearchAttributeKey.for_bool,
    SearchAttributeType.DATETIME: temporalio.common.SearchAttributeKey.for_datetime,
    SearchAttributeType.KEYWORD_LIST: temporalio.common.SearchAttributeKey.for_keyword_list,
}


_temporal_keys: dict[SearchAttribute[Any], temporalio.common.SearchAttributeKey[Any]] = {}


def to_temporal_key(key: SearchAttribute[Any]) -> temporalio.common.SearchAttributeKey[Any]:
    """temporalio's key of the same name and index type (made once per key: it takes ~15 us)."""
    temporal_key = _temporal_keys.get(key)
    if temporal_key is None:
        make = cast("Any", _KEYS[key.type])
        temporal_key = _temporal_keys[key] = make(key.name)
    return temporal_key


def _temporal_value(value: SearchAttributeValue[Any]) -> Any:
    if value.key.type is SearchAttributeType.KEYWORD_LIST:
        return list(cast("Sequence[str]", value.value))
    return value.value


def check_search_attribute_values(
    values: object, where: str, *, allow_unset: bool = False
) -> tuple[SearchAttributeValue[Any], ...]:
    """``values`` as a tuple of typed values, or :class:`InvalidOptionError` naming ``where``: each
    must come from ``Key.value(...)`` (``Key.unset()`` too when ``allow_unset``), each name once, and
    not the method attribute temporal-runtime sets itself."""
    given: object = values
    if isinstance(given, str | bytes | Mapping | SearchAttributeValue) or not isinstance(given, Iterable):
        raise InvalidOptionError(
            f"{where}: search attributes are a list of typed values, e.g. "
            f"[CustomerId.value('c-1')], got {type(values).__name__}"
        )
    checked: list[SearchAttributeValue[Any]] = []
    seen: set[str] = set()
    for value in cast("Iterable[object]", values):
        if not isinstance(value, SearchAttributeValue):
            raise InvalidOptionError(
                f"{where}: {value!r} is not a typed search attribute value; declare the key once "
                f"(CustomerId = SearchAttribute.keyword('CustomerId')) and pass CustomerId.value('c-1')"
            )
        typed: SearchAttributeValue[Any] = value  # pyright: ignore[reportUnknownVariableType]
        name = typed.key.name
        if name == METHOD_SEARCH_ATTRIBUTE.name:
            raise InvalidOptionError(
                f"{where}: {name!r} is set by temporal-runtime itself (the run's entry method); use "
                f"another attribute for your own values"
            )
        if name in seen:
            raise InvalidOptionError(f"{where}: search attribute {name!r} is given twice")
        if typed.value is None and not allow_unset:
            raise InvalidOptionError(
                f"{where}: {name}.unset() removes an attribute from a running workflow "
                f"(self.upsert_search_attributes); at start, leave the attribute out instead"
            )
        seen.add(name)
        checked.append(typed)
    return tuple(checked)


def upsert_search_attributes(values: tuple[object, ...]) -> None:
    """What ``Workflow.upsert_search_attributes`` does: check ``values``, then upsert them on the
    runtime executing the current workflow."""
    from ._runtime import current_runtime  # here: _runtime imports this module's users

    runtime = current_runtime("upsert_search_attributes")
    if not values:
        raise InvalidOptionError(
            "upsert_search_attributes() takes one or more typed values, e.g. "
            "self.upsert_search_attributes(CustomerId.value('c-2'))"
        )
    runtime.upsert_search_attributes(
        check_search_attribute_values(values, "upsert_search_attributes", allow_unset=True)
    )


def to_temporal_pairs(
    values: Iterable[SearchAttributeValue[Any]],
) -> list[temporalio.common.SearchAttributePair[Any]]:
    """temporalio's pairs for values set at start (no unset values)."""
    return [temporalio.common.SearchAttributePair(to_temporal_key(v.key), _temporal_value(v)) for v in values]


def to_temporal_updates(
    values: Iterable[SearchAttributeValue[Any]],
) -> list[temporalio.common.SearchAttributeUpdate[Any]]:
    """temporalio's updates for an upsert: ``Key.unset()`` removes the attribute."""
    updates: list[temporalio.common.SearchAttributeUpdate[Any]] = []
    for value in values:
        key = to_temporal_key(value.key)
        updates.append(key.value_unset() if value.value is None else key.value_set(_temporal_value(value)))
    return updates


_METHOD_KEY: Final = temporalio.common.SearchAttributeKey.for_keyword(METHOD_SEARCH_ATTRIBUTE.name)
"""Made once: ``SearchAttributeKey.for_keyword`` takes about 15 us."""


def method_pair(workflow: str, method: str) -> temporalio.common.SearchAttributePair[str]:
    """The :data:`METHOD_SEARCH_ATTRIBUTE` pair of a run of ``workflow.method``."""
    return temporalio.common.SearchAttributePair(_METHOD_KEY, method_search_attribute_value(workflow, method))


def run_summary(workflow: str, method: str, summary: str | None) -> str:
    """The run's summary shown by the Web UI and ``temporal workflow describe``: ``"Workflow.method"``,
    followed by the user's ``summary=`` (``"OrderWorkflow.process: order 42"``), so the entry method
    stays visible whatever the user writes."""
    if summary is not None and (not isinstance(summary, str) or not summary):  # pyright: ignore[reportUnnecessaryIsInstance]
        raise InvalidOptionError(f"summary must be a non-empty string, got {summary!r}")
    entry = method_search_attribute_value(workflow, method)
    return entry if summary is None else f"{entry}: {summary}"


def search_attributes_from_temporal(attributes: temporalio.common.TypedSearchAttributes) -> SearchAttributes:
    """The search attributes by name as plain values; a keyword list becomes a tuple of ``str``,
    a datetime is aware (UTC)."""
    values: dict[str, object] = {}
    # temporalio types the pairs' values per key; iterating mixes them (pyright: partially unknown)
    pairs = cast("Sequence[temporalio.common.SearchAttributePair[Any]]", attributes)
    for pair in pairs:
        value: object = pair.value
        if isinstance(value, list):
            value = tuple(cast("list[str]", value))
        elif isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        values[pair.key.name] = value
    return SearchAttributes(values)
