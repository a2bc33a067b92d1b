"""The testing kit costs nothing until it is used: its pytest plugin and package import lazily.

pytest imports the plugin (``temporal_runtime_testing._pytest_plugin``, a ``pytest11`` entry point)
in every session of every environment the kit is installed in. These tests check, in fresh
interpreters, that doing so imports neither temporalio nor pydantic nor any layer of the SDK, and
that the lazy package still exposes every public name, directly and through
``temporal_runtime.testing``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import temporal_runtime.testing
import temporal_runtime_testing

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]

# What must not be imported before a fixture or a name of the kit is used.
_HEAVY = ("temporalio", "pydantic", "pydantic_core", "google.protobuf")
_LAYERS = (
    "temporal_runtime",
    "temporal_runtime_core",
    "temporal_runtime_workflow",
    "temporal_runtime_client",
    "temporal_runtime_engine",
)
_KIT_MODULES = {"temporal_runtime_testing", "temporal_runtime_testing._pytest_plugin"}


def _heavy(modules: list[str]) -> list[str]:
    """The modules of ``modules`` that belong to temporalio, pydantic or an SDK layer (not the kit)."""
    return sorted(m for m in modules if any(m == h or m.startswith(f"{h}.") for h in (*_HEAVY, *_LAYERS)))


def _modules_after(code: str) -> dict[str, list[str]]:
    """Run ``code`` in a fresh interpreter; it prints a JSON object of module lists."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    parsed: dict[str, list[str]] = json.loads(result.stdout)
    return parsed


def test_importing_the_plugin_imports_no_sdk_layer_temporalio_or_pydantic() -> None:
    loaded = _modules_after(
        "import json, sys\n"
        "import temporal_runtime_testing._pytest_plugin\n"
        "print(json.dumps({'all': sorted(sys.modules)}))\n"
    )["all"]
    assert "temporal_runtime_testing._pytest_plugin" in loaded
    assert _heavy(loaded) == []


def test_the_plugin_adds_nothing_but_the_standard_library_to_pytest() -> None:
    # pytest-asyncio is a pytest plugin of its own (pytest imports it in every session anyway).
    loaded = _modules_after(
        "import json, sys\n"
        "import pytest\n"
        "try:\n"
        "    import pytest_asyncio\n"
        "except ImportError:\n"
        "    pass\n"
        "before = set(sys.modules)\n"
        "import temporal_runtime_testing._pytest_plugin\n"
        "print(json.dumps({'new': sorted(set(sys.modules) - before)}))\n"
    )["new"]
    foreign = [m for m in loaded if m not in _KIT_MODULES and m.split(".")[0] not in sys.stdlib_module_names]
    assert foreign == []
    assert set(loaded) >= _KIT_MODULES


def test_importing_the_package_imports_nothing_until_a_name_is_used() -> None:
    loaded = _modules_after(
        "import json, sys\n"
        "import temporal_runtime_testing as kit\n"
        "before = sorted(sys.modules)\n"
        "kit.WorkflowTester\n"
        "print(json.dumps({'before': before, 'after': sorted(sys.modules)}))\n"
    )
    assert _heavy(loaded["before"]) == []
    assert "temporal_runtime_testing._workflow_tester" in loaded["after"]
    assert "temporalio" in loaded["after"]


def test_pytest_with_the_plugin_installed_and_unused_imports_none_of_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_fx_unused=f"""
        import sys

        HEAVY = {(*_HEAVY, *_LAYERS)!r}


        def test_nothing_heavy_was_imported(pytestconfig):
            assert pytestconfig.pluginmanager.hasplugin("temporal_runtime")  # the plugin is loaded
            assert "temporal_runtime_testing._pytest_plugin" in sys.modules
            heavy = sorted(m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in HEAVY))
            assert heavy == []
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", timeout=120)
    result.assert_outcomes(passed=1)


# --- the lazy package still exposes everything -----------------------------------------------------


def test_every_public_name_is_there_and_listed_by_dir() -> None:
    names = temporal_runtime_testing.__all__
    assert names == sorted(names)
    for name in names:
        assert getattr(temporal_runtime_testing, name) is not None
    assert set(names) <= set(dir(temporal_runtime_testing))


def test_the_facade_exposes_every_name_as_the_same_object() -> None:
    assert temporal_runtime.testing.__all__ == temporal_runtime_testing.__all__
    for name in temporal_runtime_testing.__all__:
        assert getattr(temporal_runtime.testing, name) is getattr(temporal_runtime_testing, name), name


def test_star_imports_bring_every_name() -> None:
    loaded = _modules_after(
        "import json\n"
        "facade, kit = {}, {}\n"
        "exec('from temporal_runtime.testing import *', facade)\n"
        "exec('from temporal_runtime_testing import *', kit)\n"
        "import temporal_runtime_testing\n"
        "print(json.dumps({'facade': sorted(n for n in facade if n != '__builtins__'),\n"
        "                  'kit': sorted(n for n in kit if n != '__builtins__'),\n"
        "                  'all': sorted(temporal_runtime_testing.__all__)}))\n"
    )
    assert loaded["facade"] == loaded["kit"] == loaded["all"]
    assert "WorkflowTester" in loaded["all"]


def test_a_misspelt_name_is_an_attribute_error_naming_it() -> None:
    with pytest.raises(AttributeError, match="'temporal_runtime_testing' has no attribute 'WorkflowTestr'"):
        getattr(temporal_runtime_testing, "WorkflowTestr")  # noqa: B009
    with pytest.raises(ImportError, match="WorkflowTestr"):
        exec("from temporal_runtime_testing import WorkflowTestr", {})
