"""Typed search attribute keys, typed values, and the read-back mapping.

A search attribute is an indexed field of a run that visibility queries filter on
(``CustomerId = 'c-1'``). Declare each key once, as a module constant::

    CustomerId = SearchAttribute.keyword("CustomerId")
    Total = SearchAttribute.float("Total")

and pass typed values: ``search_attributes=[CustomerId.value("c-1"), Total.value(99.5)]`` at start,
``self.upsert_search_attributes(CustomerId.value("c-2"))`` in a workflow. A value of the wrong type is
a type error (and an :class:`InvalidOptionError` at run time). Read values back typed with
``.get(CustomerId)`` on :class:`SearchAttributes` (a run's description, a listed execution,
``self.search_attributes`` in a workflow).

Every key declared is remembered (:func:`declared_search_attributes`), so the embedded server can
register them at start and ``engine.register_search_attributes()`` can add them to a cluster.
"""

from __future__ import annotations

import builtins
import datetime as dt
import re
import threading
from abc import ABCMeta
from collections.abc import ItemsView, Iterator, KeysView, Mapping, Sequence, ValuesView
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final, cast, overload

from ._errors import DefinitionError, InvalidOptionError

__all__ = [
    "METHOD_SEARCH_ATTRIBUTE",
    "SearchAttribute",
    "SearchAttributeType",
    "SearchAttributeValue",
    "SearchAttributes",
    "declared_search_attributes",
    "method_search_attribute_value",
]

_NAME: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_RESERVED_PREFIX: Final = "Temporal"


class SearchAttributeType(Enum):
    """The index type of a search attribute; the value is Temporal's name for it."""

    KEYWORD = "Keyword"
    """An exact-match string (ids, states, customer numbers): ``=``, ``IN``, ``STARTS_WITH``."""
    TEXT = "Text"
    """Full-text searchable string (descriptions): tokenized, not for exact matches or sorting."""
    INT = "Int"
    FLOAT = "Double"
    BOOL = "Bool"
    DATETIME = "Datetime"
    """A point in time, stored in UTC; values must be timezone-aware."""
    KEYWORD_LIST = "KeywordList"
    """A list of exact-match strings (tags); ``Tags = 'vip'`` matches a run whose list holds it."""


_KINDS: Final[Mapping[SearchAttributeType, tuple[type, ...]]] = {
    SearchAttributeType.KEYWORD: (str,),
    SearchAttributeType.TEXT: (str,),
    SearchAttributeType.INT: (builtins.int,),
    SearchAttributeType.FLOAT: (builtins.float, builtins.int),
    SearchAttributeType.BOOL: (builtins.bool,),
    SearchAttributeType.DATETIME: (dt.datetime,),
    SearchAttributeType.KEYWORD_LIST: (list, tuple),
}

_declared: dict[str, SearchAttribute[object]] = {}
_declared_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class SearchAttribute[T]:
    """A typed search attribute key: its name and index type. Make one with a constructor
    (:meth:`keyword`, :meth:`text`, :meth:`int`, :meth:`float`, :meth:`bool`, :meth:`datetime`,
    :meth:`keyword_list`), once per name, usually as a module constant."""

    name: str
    type: SearchAttributeType

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise InvalidOptionError(
                f"search attribute name {self.name!r} is not valid: use letters, digits and "
                f"underscores, starting with a letter (e.g. 'CustomerId')"
            )
        if self.name.startswith(_RESERVED_PREFIX):
            other = self.name.removeprefix(_RESERVED_PREFIX) or "Custom"
            raise InvalidOptionError(
                f"search attribute name {self.name!r} starts with {_RESERVED_PREFIX!r}, which Temporal "
                f"reserves for its own attributes: a cluster refuses to register it ('reserved by "
                f"system'). Choose another name, e.g. {other!r}"
            )
        with _declared_lock:
            known = _declared.get(self.name)
            if known is not None and known.type is not self.type:
                raise DefinitionError(
                    f"search attribute {self.name!r} is declared as {known.type.value} and again as "
                    f"{self.type.value}: a name has one type on the server; declare it once (a module "
                    f"constant) and import it where it is used"
                )
            _declared.setdefault(self.name, cast("SearchAttribute[object]", self))

    @staticmethod
    def keyword(name: str) -> SearchAttribute[str]:
        """An exact-match string attribute (ids, states): the usual kind for filtering."""
        key: SearchAttribute[str] = SearchAttribute(name, SearchAttributeType.KEYWORD)
        return key

    @staticmethod
    def text(name: str) -> SearchAttribute[str]:
        """A full-text searchable string attribute."""
        key: SearchAttribute[str] = SearchAttribute(name, SearchAttributeType.TEXT)
        return key

    @staticmethod
    def int(name: str) -> SearchAttribute[builtins.int]:
        """A 64-bit integer attribute."""
        key: SearchAttribute[builtins.int] = SearchAttribute(name, SearchAttributeType.INT)
        return key

    @staticmethod
    def float(name: str) -> SearchAttribute[builtins.float]:
        """A floating-point attribute (Temporal's ``Double``)."""
        key: SearchAttribute[builtins.float] = SearchAttribute(name, SearchAttributeType.FLOAT)
        return key

    @staticmethod
    def bool(name: str) -> SearchAttribute[builtins.bool]:
        """A boolean attribute."""
        key: SearchAttribute[builtins.bool] = SearchAttribute(name, SearchAttributeType.BOOL)
        return key

    @staticmethod
    def datetime(name: str) -> SearchAttribute[dt.datetime]:
        """A point-in-time attribute; values must be timezone-aware."""
        key: SearchAttribute[dt.datetime] = SearchAttribute(name, SearchAttributeType.DATETIME)
        return key

    @staticmethod
    def keyword_list(name: str) -> SearchAttribute[Sequence[str]]:
        """A list-of-keywords attribute (tags); read back as a tuple of ``str``."""
        key: SearchAttribute[Sequence[str]] = SearchAttribute(name, SearchAttributeType.KEYWORD_LIST)
        return key

    def value(self, value: T) -> SearchAttributeValue[T]:
        """This key with a value, for ``search_attributes=[...]`` or ``upsert_search_attributes``.

        Raises :class:`InvalidOptionError` if the value does not fit the key's type.
        """
        return SearchAttributeValue(self, check_value(self, value))

    def unset(self) -> SearchAttributeValue[T]:
        """This key without a value: ``upsert_search_attributes(Key.unset())`` removes it from the run."""
        return SearchAttributeValue(self, None)

    def __repr__(self) -> str:
        return f"SearchAttribute.{_CONSTRUCTOR[self.type]}({self.name!r})"


_CONSTRUCTOR: Final = {
    SearchAttributeType.KEYWORD: "keyword",
    SearchAttributeType.TEXT: "text",
    SearchAttributeType.INT: "int",
    SearchAttributeType.FLOAT: "float",
    SearchAttributeType.BOOL: "bool",
    SearchAttributeType.DATETIME: "datetime",
    SearchAttributeType.KEYWORD_LIST: "keyword_list",
}


@dataclass(frozen=True, slots=True)
class SearchAttributeValue[T]:
    """A search attribute key with its value (``None``: remove the attribute, when upserting)."""

    key: SearchAttribute[T]
    value: T | None


def check_value[T](key: SearchAttribute[T], value: T) -> T:
    """``value`` if it fits ``key``'s type (a float attribute takes an int too; a keyword list becomes
    a tuple); raises :class:`InvalidOptionError` otherwise."""
    given: object = value
    got = f"{type(value).__name__} {value!r}"
    checked: object = given
    fits = isinstance(given, _KINDS[key.type]) and not (
        isinstance(given, builtins.bool) and key.type is not SearchAttributeType.BOOL
    )
    if fits and key.type is SearchAttributeType.KEYWORD_LIST:
        items: tuple[object, ...] = tuple(cast("Sequence[object]", given))
        fits = all(isinstance(item, str) for item in items)
        checked = items
    elif fits and key.type is SearchAttributeType.FLOAT:
        checked = builtins.float(cast(builtins.float, given))
    elif fits and key.type is SearchAttributeType.DATETIME and cast(dt.datetime, given).tzinfo is None:
        raise InvalidOptionError(
            f"search attribute {key.name!r} needs a timezone-aware datetime, got {given!r}: use e.g. "
            f"datetime.now(UTC) or value.replace(tzinfo=UTC)"
        )
    if not fits:
        raise InvalidOptionError(
            f"search attribute {key.name!r} is a {key.type.value} attribute and takes "
            f"{_EXPECTED[key.type]}, got {got}"
        )
    return cast("T", checked)


_EXPECTED: Final = {
    SearchAttributeType.KEYWORD: "a str",
    SearchAttributeType.TEXT: "a str",
    SearchAttributeType.INT: "an int",
    SearchAttributeType.FLOAT: "a float",
    SearchAttributeType.BOOL: "a bool",
    SearchAttributeType.DATETIME: "a timezone-aware datetime",
    SearchAttributeType.KEYWORD_LIST: "a list of str",
}


class SearchAttributes:
    """A run's search attributes, read-only: ``attributes.get(CustomerId)`` -> ``str | None`` typed by
    the key; by name (``attributes["CustomerId"]``) the plain value. Values are ``str``, ``int``,
    ``float``, ``bool``, aware ``datetime`` (UTC), and a tuple of ``str`` for a keyword list.

    It reads like a ``Mapping[str, object]`` (``in``, ``len``, iteration over names, ``items()``,
    ``dict(attributes)``, equality with a dict) and is registered as one; its ``get`` is typed by key
    rather than Mapping's, which is why it is not a subclass."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, object] | None = None) -> None:
        self._values: dict[str, object] = dict(values or {})

    # One overload per key type the constructors make, before the generic one: mypy solves T from the
    # call's context first, so with only the generic one `f"{attributes.get(CustomerId)}"` (context
    # object) would ask for a SearchAttribute[object] and reject the (invariant) SearchAttribute[str].
    @overload
    def get(self, key: SearchAttribute[str], /) -> str | None: ...
    @overload
    def get(self, key: SearchAttribute[builtins.bool], /) -> builtins.bool | None: ...
    @overload
    def get(self, key: SearchAttribute[builtins.int], /) -> builtins.int | None: ...
    @overload
    def get(self, key: SearchAttribute[builtins.float], /) -> builtins.float | None: ...
    @overload
    def get(self, key: SearchAttribute[dt.datetime], /) -> dt.datetime | None: ...
    @overload
    def get(self, key: SearchAttribute[Sequence[str]], /) -> Sequence[str] | None: ...
    @overload
    def get[T](self, key: SearchAttribute[T], /) -> T | None: ...
    @overload
    def get(self, key: str, /) -> object | None: ...
    @overload
    def get(self, key: str, default: object, /) -> object: ...
    def get(self, key: SearchAttribute[Any] | str, default: object = None, /) -> object:
        name = key.name if isinstance(key, SearchAttribute) else key
        return self._values.get(name, default)

    def __getitem__(self, name: str) -> object:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> builtins.int:
        return len(self._values)

    def keys(self) -> KeysView[str]:
        return self._values.keys()

    def values(self) -> ValuesView[object]:
        return self._values.values()

    def items(self) -> ItemsView[str, object]:
        return self._values.items()

    def __contains__(self, key: object) -> builtins.bool:
        name = key.name if isinstance(key, SearchAttribute) else key
        return name in self._values

    def __eq__(self, other: object) -> builtins.bool:
        return isinstance(other, Mapping) and self._values == dict(cast("Mapping[object, object]", other))

    def __hash__(self) -> builtins.int:
        return hash(tuple(sorted(self._values.items(), key=lambda item: item[0])))

    def __repr__(self) -> str:
        return f"SearchAttributes({self._values!r})"


cast(ABCMeta, Mapping).register(SearchAttributes)


METHOD_SEARCH_ATTRIBUTE: Final = SearchAttribute.keyword("EntryMethod")
"""The keyword attribute temporal-runtime sets on every run it starts, where the namespace has it:
``"Workflow.method"`` (:func:`method_search_attribute_value`), e.g. ``EntryMethod =
'OrderWorkflow.process'`` in a list query. This constant is the one place its name is written: the
embedded server registers it, ``engine.register_search_attributes()`` adds it to a cluster, starts set
it and listings filter on it.

Why not ``TemporalRuntimeMethod``: Temporal reserves the ``Temporal`` prefix for its own attributes.
The dev server's ``--search-attribute`` flag accepts such a name, but a cluster's (and the dev
server's) ``AddSearchAttributes`` refuses it ("Search attribute TemporalRuntimeMethod is reserved by
system"), so it could never be registered on a real cluster, and queries would differ between the
dev server and production."""


def method_search_attribute_value(workflow: str, method: str) -> str:
    """The value of :data:`METHOD_SEARCH_ATTRIBUTE` (and the default run summary) for a run of
    ``workflow``'s (its Temporal type name) entry method ``method``: ``"OrderWorkflow.process"``."""
    return f"{workflow}.{method}"


def declared_search_attributes() -> tuple[SearchAttribute[object], ...]:
    """Every search attribute key declared so far in this process (each name once), in declaration
    order: what the embedded server registers at start."""
    with _declared_lock:
        return tuple(_declared.values())
