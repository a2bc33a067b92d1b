"""docs/errors.md has one entry (a ``### `Name` `` heading with When / Means / Fix) per public error class
of the facade and the testing kit, and its drawing matches the classes (#15)."""

from __future__ import annotations

import re
from pathlib import Path

import temporal_runtime
import temporal_runtime.testing

PAGE = (Path(__file__).resolve().parents[2] / "docs" / "errors.md").read_text(encoding="utf-8")


def _public_errors() -> set[str]:
    return {
        name
        for module in (temporal_runtime, temporal_runtime.testing)
        for name in module.__all__
        if isinstance(value := getattr(module, name), type) and issubclass(value, BaseException)
    }


def _entries() -> dict[str, str]:
    """Each entry's heading name and its text, up to the next heading."""
    parts = re.split(r"^#{2,3} ", PAGE, flags=re.MULTILINE)
    entries: dict[str, str] = {}
    for part in parts[1:]:
        heading, _, body = part.partition("\n")
        if match := re.fullmatch(r"`(\w+)`", heading.strip()):
            entries[match[1]] = body
    return entries


def test_the_page_has_one_entry_per_public_error() -> None:
    entries = _entries()
    assert "TemporalRuntimeError" in _public_errors()
    assert sorted(_public_errors() - entries.keys()) == [], "add an entry to docs/errors.md"
    assert sorted(entries.keys() - _public_errors()) == [], "docs/errors.md names classes that are not public"


def test_every_entry_says_when_what_and_the_fix() -> None:
    for name, body in _entries().items():
        for part in ("- **When:**", "- **Means:**", "- **Fix:**"):
            assert part in body, f"{name}: no {part}"


def test_the_drawing_names_every_class_with_its_parent() -> None:
    drawing = PAGE[PAGE.index("```text\n") + 8 : PAGE.index("```", PAGE.index("```text\n") + 8)]
    stack: list[str] = []
    for line in drawing.splitlines():
        match = re.match(r"^([│ ]*)(?:[├└]── )?(\w+)", line)
        assert match is not None, line
        depth = len(match[1]) // 4 + (1 if "──" in line else 0)
        name = match[2]
        del stack[depth:]
        cls = getattr(temporal_runtime, name, None) or getattr(temporal_runtime.testing, name)
        if stack:
            assert stack[-1] in [base.__name__ for base in cls.__mro__[1:]], f"{name} under {stack[-1]}"
        stack.append(name)
