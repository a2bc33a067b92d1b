"""Name registries for workflows and activities.

A registry is a plain object: the process has a default instance of each kind, and tests or
multi-tenant hosts can make their own. Registering a *different* definition under a taken name
raises :class:`DuplicateNameError` naming both; registering the *same* definition again (a module
re-imported, e.g. by the workflow sandbox or ``importlib.reload``) replaces it quietly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from ._errors import DuplicateNameError

__all__ = [
    "Registrable",
    "Registry",
    "add_registration_guard",
]


class Registrable(Protocol):
    """What a registry stores: a unique ``name`` and an ``origin`` naming where it was defined."""

    @property
    def name(self) -> str: ...

    @property
    def origin(self) -> str: ...


_guards: list[Callable[[], bool]] = []


def add_registration_guard(guard: Callable[[], bool]) -> None:
    """Install a check that returns True when registrations must be ignored.

    Higher layers use this to keep definitions re-created inside Temporal's workflow sandbox out of
    the host process's registries, without this layer knowing about Temporal.
    """
    if guard not in _guards:
        _guards.append(guard)


def _registration_suppressed() -> bool:
    return any(guard() for guard in _guards)


class Registry[T: Registrable]:
    """Definitions of one kind (``"workflow"`` or ``"activity"``), by unique name."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, item: T) -> T:
        """Add ``item``; a different item of the same name raises :class:`DuplicateNameError`."""
        if _registration_suppressed():
            return item
        existing = self._items.get(item.name)
        if existing is not None and existing.origin != item.origin:
            raise DuplicateNameError(self.kind, item.name, existing.origin, item.origin)
        self._items[item.name] = item
        return item

    def unregister(self, name: str) -> None:
        """Remove the definition called ``name`` (no error if absent)."""
        self._items.pop(name, None)

    def get(self, name: str) -> T | None:
        """The definition called ``name``, or None."""
        return self._items.get(name)

    def names(self) -> list[str]:
        """Registered names, sorted."""
        return sorted(self._items)

    def clear(self) -> None:
        """Forget every definition."""
        self._items.clear()

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.kind}s={self.names()!r}>"
