"""The layering of the six distributions, checked on the source (AST) and at import time."""

import ast
import importlib
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ROOT / "packages"

# distribution directory -> import package
DISTRIBUTIONS: dict[str, str] = {
    "temporal-runtime-core": "temporal_runtime_core",
    "temporal-runtime-workflow": "temporal_runtime_workflow",
    "temporal-runtime-client": "temporal_runtime_client",
    "temporal-runtime-engine": "temporal_runtime_engine",
    "temporal-runtime-testing": "temporal_runtime_testing",
    "temporal-runtime": "temporal_runtime",
}

# package -> SDK packages it must never import (the layers above it). The testing kit may import
# every layer; no layer imports the testing kit (only the facade re-exports it).
FORBIDDEN: dict[str, set[str]] = {
    "temporal_runtime_core": {
        "temporalio",
        "temporal_runtime_workflow",
        "temporal_runtime_client",
        "temporal_runtime_engine",
        "temporal_runtime_testing",
        "temporal_runtime",
    },
    "temporal_runtime_workflow": {
        "temporal_runtime_client",
        "temporal_runtime_engine",
        "temporal_runtime_testing",
        "temporal_runtime",
    },
    "temporal_runtime_client": {"temporal_runtime_engine", "temporal_runtime_testing", "temporal_runtime"},
    "temporal_runtime_engine": {"temporal_runtime_testing", "temporal_runtime"},
    "temporal_runtime_testing": {"temporal_runtime"},
}


def source_dir(package: str) -> Path:
    dist = next(d for d, p in DISTRIBUTIONS.items() if p == package)
    return PACKAGES / dist / "src" / package


def python_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*.py") if "__pycache__" not in p.parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Absolute module names imported anywhere in ``path`` (incl. inside functions and TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            in {"import_module", "__import__"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def top_level(module: str) -> str:
    return module.split(".", 1)[0]


def violations(directory: Path, forbidden: set[str]) -> list[str]:
    return [
        f"{path.relative_to(directory)}:{line}: imports {module}"
        for path in python_files(directory)
        for line, module in imported_modules(path)
        if top_level(module) in forbidden
    ]


# --- the scanner itself -------------------------------------------------------------------------------


def test_scanner_finds_every_import_form(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\n"
        "import temporalio.workflow as wf\n"
        "from temporalio import client\n"
        "from . import sibling\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from temporal_runtime_engine import TemporalEngine\n"
        "def f():\n"
        "    import temporal_runtime_client\n"
        "    importlib.import_module('temporal_runtime')\n",
        encoding="utf-8",
    )
    modules = {m for _, m in imported_modules(sample)}
    assert modules == {
        "os",
        "temporalio.workflow",
        "temporalio",
        "typing",
        "temporal_runtime_engine",
        "temporal_runtime_client",
        "temporal_runtime",
    }
    assert len(violations(tmp_path, {"temporalio"})) == 2


def test_source_trees_exist() -> None:
    for package in DISTRIBUTIONS.values():
        files = python_files(source_dir(package))
        assert source_dir(package).joinpath("__init__.py") in files


# --- layering -----------------------------------------------------------------------------------------


def test_core_never_imports_temporalio() -> None:
    assert violations(PACKAGES / "temporal-runtime-core", {"temporalio"}) == []


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_lower_layers_do_not_import_higher_ones(package: str) -> None:
    assert violations(source_dir(package), FORBIDDEN[package]) == []


def test_examples_never_import_temporalio() -> None:
    examples = ROOT / "examples"
    files = python_files(examples)
    assert files, "examples/ has no Python files"
    assert violations(examples, {"temporalio"}) == []


def test_importing_core_does_not_load_temporalio() -> None:
    code = (
        "import sys, temporal_runtime_core\n"
        "loaded = sorted(m for m in sys.modules if m == 'temporalio' or m.startswith('temporalio.')\n"
        "    or m.split('.')[0] in {'temporal_runtime_workflow', 'temporal_runtime_client',\n"
        "                           'temporal_runtime_engine', 'temporal_runtime'})\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == ""


def test_importing_workflow_layer_does_not_load_client_or_engine() -> None:
    code = (
        "import sys, temporal_runtime_workflow\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in\n"
        "    {'temporal_runtime_client', 'temporal_runtime_engine', 'temporal_runtime'})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == ""


# --- public surface -----------------------------------------------------------------------------------


@pytest.mark.parametrize("package", list(DISTRIBUTIONS.values()))
def test_all_names_exist(package: str) -> None:
    module = importlib.import_module(package)
    exported: object = module.__all__
    assert isinstance(exported, list | tuple)
    names = cast("Sequence[str]", exported)  # a list or tuple, as just checked
    assert len(names) == len(set(names)), f"duplicates in {package}.__all__"
    missing = [name for name in names if not hasattr(module, name)]
    assert missing == []


@pytest.mark.parametrize("package", list(DISTRIBUTIONS.values()))
def test_private_modules_all_names_exist(package: str) -> None:
    root = source_dir(package)
    for path in python_files(root):
        relative = path.relative_to(root).with_suffix("")
        parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        name = ".".join((package, *parts))
        module = importlib.import_module(name)
        for exported in getattr(module, "__all__", []):
            assert hasattr(module, exported), f"{name}.__all__ names missing {exported!r}"


def test_facade_reexports_the_same_objects() -> None:
    import temporal_runtime
    import temporal_runtime_core
    import temporal_runtime_workflow

    for name in temporal_runtime.__all__:
        if hasattr(temporal_runtime_core, name):
            assert getattr(temporal_runtime, name) is getattr(temporal_runtime_core, name)
    assert temporal_runtime.Workflow is temporal_runtime_workflow.Workflow
    for name in ("Workflow", "activity_def", "wf_signal", "wf_query", "TemporalEngine", "RetryPolicy"):
        assert name in temporal_runtime.__all__


@pytest.mark.parametrize("dist", list(DISTRIBUTIONS))
def test_each_distribution_has_py_typed(dist: str) -> None:
    marker = PACKAGES / dist / "src" / DISTRIBUTIONS[dist] / "py.typed"
    assert marker.is_file()


@pytest.mark.parametrize("dist", list(DISTRIBUTIONS))
def test_installed_package_is_the_workspace_source(dist: str) -> None:
    module = importlib.import_module(DISTRIBUTIONS[dist])
    assert module.__file__ is not None
    assert Path(module.__file__).resolve().parent == (PACKAGES / dist / "src" / DISTRIBUTIONS[dist]).resolve()
