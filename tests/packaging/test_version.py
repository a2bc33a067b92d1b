"""The version is written once, in ``packages/temporal-runtime/src/temporal_runtime/_version.py``.

Everything else derives from it: each distribution's version (``[tool.hatch.version]``), the pins
between siblings (``=={version}`` templated by ``hatch_build.py``), ``temporal_runtime.__version__``.
These tests fail if any place writes a version of its own or disagrees with that file.
"""

import importlib.metadata
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

import temporal_runtime
from temporal_runtime import _version  # pyright: ignore[reportPrivateUsage]

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ROOT / "packages"
VERSION_FILE = PACKAGES / "temporal-runtime" / "src" / "temporal_runtime" / "_version.py"
DISTRIBUTIONS = sorted(p.parent.name for p in PACKAGES.glob("*/pyproject.toml"))
SIBLINGS = set(DISTRIBUTIONS)


def pyproject(distribution: str) -> dict[str, Any]:
    return tomllib.loads((PACKAGES / distribution / "pyproject.toml").read_text(encoding="utf-8"))


def written_version() -> str:
    match = re.search(r'^__version__ = "([^"]+)"$', VERSION_FILE.read_text(encoding="utf-8"), re.MULTILINE)
    assert match is not None, f'{VERSION_FILE} must hold one line __version__ = "X.Y.Z"'
    return match.group(1)


def test_all_six_distributions_found() -> None:
    assert DISTRIBUTIONS == [
        "temporal-runtime",
        "temporal-runtime-client",
        "temporal-runtime-core",
        "temporal-runtime-engine",
        "temporal-runtime-testing",
        "temporal-runtime-workflow",
    ]


def test_the_facade_exports_the_literal_of_the_version_file() -> None:
    assert _version.__file__ == str(VERSION_FILE)
    assert temporal_runtime.__version__ == _version.__version__ == written_version()


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_each_distribution_reads_its_version_from_the_version_file(distribution: str) -> None:
    config = pyproject(distribution)
    assert config["project"]["name"] == distribution
    assert "version" not in config["project"], "the version is written only in _version.py"
    assert "version" in config["project"]["dynamic"]
    path = (PACKAGES / distribution / config["tool"]["hatch"]["version"]["path"]).resolve()
    assert path == VERSION_FILE
    # uv must reinstall the editable package when the version file changes, or its metadata goes stale.
    cache_keys = [key["file"] for key in config["tool"]["uv"]["cache-keys"]]
    assert (PACKAGES / distribution / cache_keys[-1]).resolve() == VERSION_FILE
    assert "pyproject.toml" in cache_keys


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_siblings_are_pinned_to_the_version_placeholder_only(distribution: str) -> None:
    config = pyproject(distribution)
    static = [*config["project"].get("dependencies", [])]
    for extra in config["project"].get("optional-dependencies", {}).values():
        static += extra
    assert not [r for r in static if Requirement(r).name in SIBLINGS], (
        "sibling pins go in [tool.hatch.metadata.hooks.custom] with =={version}, not in [project]"
    )
    hook = config["tool"].get("hatch", {}).get("metadata", {}).get("hooks", {}).get("custom", {})
    templated = [*hook.get("dependencies", [])]
    for extra in hook.get("optional-dependencies", {}).values():
        templated += extra
    for requirement in templated:
        name = Requirement(requirement.replace("{version}", "0")).name
        if name in SIBLINGS:
            assert requirement.split(";")[0].strip() == f"{name}=={{version}}", requirement
        else:
            assert "{version}" not in requirement, requirement


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_installed_metadata_agrees_with_the_version_file(distribution: str) -> None:
    version = written_version()
    assert importlib.metadata.version(distribution) == version
    for requirement in map(Requirement, importlib.metadata.requires(distribution) or []):
        if requirement.name in SIBLINGS:
            assert str(requirement.specifier) == f"=={version}", f"{distribution} requires {requirement}"


def test_no_other_file_writes_the_version() -> None:
    literal = re.compile(rf"(?<![\w.]){re.escape(written_version())}(?![\w.])")
    # A version literal in a pyproject, a hatch hook or a Python source of the packages would drift.
    candidates = [
        ROOT / "pyproject.toml",
        *PACKAGES.glob("*/pyproject.toml"),
        *PACKAGES.glob("*/hatch_build.py"),
        *PACKAGES.glob("*/src/**/*.py"),
    ]
    offenders = [
        str(path.relative_to(ROOT))
        for path in candidates
        if path != VERSION_FILE and literal.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
