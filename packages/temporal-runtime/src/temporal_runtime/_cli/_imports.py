"""Importing the modules named on the command line, the way ``python -m`` would find them."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterable
from types import ModuleType

from temporal_runtime_core import InvalidOptionError

__all__ = ["import_modules", "make_cwd_importable"]


def make_cwd_importable() -> None:
    """Put the current directory first on ``sys.path`` (as ``python -m`` does), so that
    ``temporal-runtime worker myapp.workflows`` run from a project's root finds ``myapp``."""
    cwd = os.getcwd()
    if not any(entry in ("", cwd) or os.path.abspath(entry) == cwd for entry in sys.path):
        sys.path.insert(0, cwd)


def import_modules(names: Iterable[str]) -> list[ModuleType]:
    """Import each module, in order. A module that cannot be imported is an
    :class:`InvalidOptionError` naming it, why, and the fix (its cause keeps the original error)."""
    return [_import(name) for name in names]


def _import(name: str) -> ModuleType:
    if name.endswith(".py") or "/" in name or "\\" in name:
        dotted = name.removesuffix(".py").replace("\\", "/").strip("/").replace("/", ".")
        raise InvalidOptionError(
            f"{name!r} is a file path; name modules as you would import them, e.g. {dotted!r} "
            "(run from the directory that contains the top-level package)"
        )
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (name == exc.name or name.startswith(f"{exc.name}.")):
            raise InvalidOptionError(
                f"cannot import module {name!r}: no module named {exc.name!r} on the path. Check the "
                f"spelling, run from the directory that contains it (now {os.getcwd()}), or add its "
                "directory to PYTHONPATH"
            ) from None
        raise InvalidOptionError(
            f"importing module {name!r} failed: a module it imports is missing ({exc}); install it "
            "in this environment"
        ) from exc
    except Exception as exc:
        raise InvalidOptionError(
            f"importing module {name!r} failed: {type(exc).__name__}: {exc}; fix the module"
        ) from exc
