"""The embedded dev server's ``--search-attribute`` flags (no server: the argv is checked)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from temporal_runtime_core import METHOD_SEARCH_ATTRIBUTE, SearchAttribute
from temporal_runtime_core import _search_attributes as declared_keys  # pyright: ignore[reportPrivateUsage]
from temporal_runtime_engine._search_attribute_registration import search_attribute_flags


@pytest.fixture(autouse=True)
def _forget_keys_declared_here() -> Iterator[None]:
    # keys declared by this module's tests must not reach the session's dev server
    saved = dict(declared_keys._declared)  # pyright: ignore[reportPrivateUsage]
    yield
    declared_keys._declared.clear()  # pyright: ignore[reportPrivateUsage]
    declared_keys._declared.update(saved)  # pyright: ignore[reportPrivateUsage]


def test_every_declared_key_and_the_method_attribute_become_flags() -> None:
    tags = SearchAttribute.keyword_list("FlagTags")
    assert search_attribute_flags([tags]) == ["--search-attribute", "FlagTags=KeywordList"]
    flags = search_attribute_flags()  # by default: every key declared so far
    pairs = dict(zip(flags[1::2], flags[::2], strict=True))
    assert pairs[f"{METHOD_SEARCH_ATTRIBUTE.name}=Keyword"] == "--search-attribute"


def test_beyond_what_the_dev_server_holds_the_first_declared_are_registered_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    keys: list[SearchAttribute[Any]] = [SearchAttribute.bool(f"FlagBool{n}") for n in range(4)]
    keys += [SearchAttribute.keyword(f"FlagKw{n}") for n in range(10)]
    flags = search_attribute_flags(keys)
    expected = {*(f"FlagBool{n}=Bool" for n in range(3)), *(f"FlagKw{n}=Keyword" for n in range(10))}
    assert set(flags[1::2]) == expected
    assert len(flags) == 2 * len(expected)
    assert "at most 3 search attributes of type Bool" in caplog.text
    assert "so FlagBool3 are not registered" in caplog.text
    assert "Keyword" not in caplog.text
