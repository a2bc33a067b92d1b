"""``temporal_runtime.__version__`` is a literal (reading package metadata slows every import down);
these tests keep it from drifting away from the distributions' versions."""

import importlib.metadata
import tomllib
from pathlib import Path

import pytest

import temporal_runtime

ROOT = Path(__file__).resolve().parents[2]
DISTRIBUTIONS = sorted(p.parent.name for p in (ROOT / "packages").glob("*/pyproject.toml"))


def test_all_six_distributions_found() -> None:
    assert DISTRIBUTIONS == [
        "temporal-runtime",
        "temporal-runtime-client",
        "temporal-runtime-core",
        "temporal-runtime-engine",
        "temporal-runtime-testing",
        "temporal-runtime-workflow",
    ]


def test_version_matches_installed_metadata() -> None:
    assert temporal_runtime.__version__ == importlib.metadata.version("temporal-runtime")


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_version_matches_each_pyproject(distribution: str) -> None:
    path = ROOT / "packages" / distribution / "pyproject.toml"
    pyproject = tomllib.loads(path.read_text(encoding="utf-8"))
    assert pyproject["project"]["name"] == distribution
    assert temporal_runtime.__version__ == pyproject["project"]["version"]
