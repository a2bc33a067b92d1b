"""docs/index.md's error table lists every public error class, so the reference cannot go stale."""

import re
from pathlib import Path

import temporal_runtime
import temporal_runtime.testing

ROOT = Path(__file__).resolve().parents[2]


def _public_errors() -> set[str]:
    names: set[str] = set()
    for module in (temporal_runtime, temporal_runtime.testing):
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type) and issubclass(value, BaseException):
                names.add(name)
    return names


def test_error_table_lists_every_public_error() -> None:
    table = set(re.findall(r"^\| `(\w+)` \|", (ROOT / "docs" / "index.md").read_text(encoding="utf-8"), re.M))
    errors = _public_errors()
    assert "TemporalRuntimeError" in errors
    assert sorted(errors - table) == []
