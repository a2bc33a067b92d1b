"""Registry: name -> definition, duplicate detection and registration guards."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from temporal_runtime_core import (
    DefinitionError,
    DuplicateNameError,
    Registry,
    _registry,  # pyright: ignore[reportPrivateUsage]
    add_registration_guard,
)


@dataclass(frozen=True)
class Item:
    name: str
    origin: str


@pytest.fixture
def registry() -> Registry[Item]:
    return Registry("widget")


@pytest.fixture
def guard_cleanup() -> Iterator[list[Callable[[], bool]]]:
    added: list[Callable[[], bool]] = []
    yield added
    for guard in added:
        if guard in _registry._guards:  # pyright: ignore[reportPrivateUsage]
            _registry._guards.remove(guard)  # pyright: ignore[reportPrivateUsage]


def test_new_registry_is_empty(registry: Registry[Item]) -> None:
    assert len(registry) == 0
    assert registry.names() == []
    assert list(registry) == []
    assert "x" not in registry
    assert registry.get("x") is None
    assert registry.kind == "widget"


def test_register_and_get(registry: Registry[Item]) -> None:
    item = Item("alpha", "mod.alpha")
    assert registry.register(item) is item
    assert registry.get("alpha") is item
    assert "alpha" in registry
    assert len(registry) == 1
    assert list(registry) == [item]


def test_names_are_sorted(registry: Registry[Item]) -> None:
    for name in ["gamma", "alpha", "beta"]:
        registry.register(Item(name, f"mod.{name}"))
    assert registry.names() == ["alpha", "beta", "gamma"]
    assert len(registry) == 3
    assert {i.name for i in registry} == {"alpha", "beta", "gamma"}


def test_contains_non_string(registry: Registry[Item]) -> None:
    registry.register(Item("alpha", "mod.alpha"))
    assert 42 not in registry
    assert None not in registry


def test_unregister(registry: Registry[Item]) -> None:
    registry.register(Item("alpha", "mod.alpha"))
    registry.register(Item("beta", "mod.beta"))
    registry.unregister("alpha")
    assert "alpha" not in registry
    assert registry.get("alpha") is None
    assert registry.names() == ["beta"]
    registry.unregister("does-not-exist")  # no error
    assert len(registry) == 1


def test_unregister_frees_the_name(registry: Registry[Item]) -> None:
    registry.register(Item("alpha", "mod.first"))
    registry.unregister("alpha")
    second = Item("alpha", "mod.second")
    assert registry.register(second) is second
    assert registry.get("alpha") is second


def test_clear(registry: Registry[Item]) -> None:
    registry.register(Item("alpha", "mod.alpha"))
    registry.register(Item("beta", "mod.beta"))
    registry.clear()
    assert len(registry) == 0
    assert registry.names() == []
    assert "alpha" not in registry


def test_iteration_is_a_snapshot(registry: Registry[Item]) -> None:
    registry.register(Item("alpha", "mod.alpha"))
    registry.register(Item("beta", "mod.beta"))
    for item in registry:
        registry.unregister(item.name)  # must not break iteration
    assert len(registry) == 0


def test_duplicate_name_with_different_origin_raises(registry: Registry[Item]) -> None:
    first = Item("alpha", "pkg.one.first_impl")
    registry.register(first)
    with pytest.raises(DuplicateNameError) as info:
        registry.register(Item("alpha", "pkg.two.second_impl"))
    message = str(info.value)
    assert "pkg.one.first_impl" in message
    assert "pkg.two.second_impl" in message
    assert "alpha" in message
    assert "widget" in message
    assert info.value.kind == "widget"
    assert info.value.name == "alpha"
    assert info.value.existing == "pkg.one.first_impl"
    assert info.value.new == "pkg.two.second_impl"
    # The first registration stays.
    assert registry.get("alpha") is first


def test_duplicate_name_error_is_a_definition_error(registry: Registry[Item]) -> None:
    registry.register(Item("alpha", "a"))
    with pytest.raises(DefinitionError):
        registry.register(Item("alpha", "b"))


def test_same_origin_replaces_quietly(registry: Registry[Item]) -> None:
    first = Item("alpha", "pkg.mod.impl")
    second = Item("alpha", "pkg.mod.impl")
    registry.register(first)
    assert registry.register(second) is second
    assert registry.get("alpha") is second
    assert len(registry) == 1


def test_registries_are_independent() -> None:
    a: Registry[Item] = Registry("widget")
    b: Registry[Item] = Registry("widget")
    a.register(Item("alpha", "mod.a"))
    b.register(Item("alpha", "mod.b"))  # no conflict across registries
    assert a.get("alpha") is not b.get("alpha")


def test_repr_names_kind_and_names(registry: Registry[Item]) -> None:
    registry.register(Item("alpha", "mod.alpha"))
    text = repr(registry)
    assert "widget" in text
    assert "alpha" in text


def test_registration_guard_suppresses_registration(
    registry: Registry[Item], guard_cleanup: list[Callable[[], bool]]
) -> None:
    suppressed = [True]

    def guard() -> bool:
        return suppressed[0]

    add_registration_guard(guard)
    guard_cleanup.append(guard)
    assert guard in _registry._guards  # pyright: ignore[reportPrivateUsage]

    item = Item("alpha", "mod.alpha")
    assert registry.register(item) is item  # returned, but not stored
    assert "alpha" not in registry
    assert len(registry) == 0

    # A conflicting definition is not an error while suppressed either.
    registry_with_item: Registry[Item] = Registry("widget")
    suppressed[0] = False
    registry_with_item.register(Item("beta", "mod.first"))
    suppressed[0] = True
    registry_with_item.register(Item("beta", "mod.second"))
    assert registry_with_item.get("beta") == Item("beta", "mod.first")

    suppressed[0] = False
    registry.register(item)
    assert registry.get("alpha") is item


def test_registration_guard_added_once(guard_cleanup: list[Callable[[], bool]]) -> None:
    def guard() -> bool:
        return False

    before = len(_registry._guards)  # pyright: ignore[reportPrivateUsage]
    add_registration_guard(guard)
    add_registration_guard(guard)
    guard_cleanup.append(guard)
    assert len(_registry._guards) == before + 1  # pyright: ignore[reportPrivateUsage]


def test_false_guard_does_not_suppress(
    registry: Registry[Item], guard_cleanup: list[Callable[[], bool]]
) -> None:
    def guard() -> bool:
        return False

    add_registration_guard(guard)
    guard_cleanup.append(guard)
    registry.register(Item("alpha", "mod.alpha"))
    assert "alpha" in registry
