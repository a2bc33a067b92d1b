"""What every distribution ships besides code: license, authors, project URLs, a README that works on
PyPI, the sibling-pinning build hook, and dependency floors that ``nox -s lowest`` can test."""

import importlib.util
import re
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ROOT / "packages"
DISTRIBUTIONS = sorted(p.parent.name for p in PACKAGES.glob("*/pyproject.toml"))
REPOSITORY = "https://github.com/temporal-runtime/temporal-runtime"
AUTHORS = [{"name": "temporal-runtime authors", "email": "maintainers@temporal-runtime.dev"}]


def project(distribution: str) -> dict[str, Any]:
    path = PACKAGES / distribution / "pyproject.toml"
    config: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    return config


def requirements(distribution: str) -> list[Requirement]:
    """Every requirement a distribution declares, in [project] or in its hook's templates."""
    config = project(distribution)
    hook = config["tool"].get("hatch", {}).get("metadata", {}).get("hooks", {}).get("custom", {})
    found: list[str] = []
    for table in (config["project"], hook):
        found += table.get("dependencies", [])
        for extra in table.get("optional-dependencies", {}).values():
            found += extra
    return [Requirement(r.replace("{version}", "0")) for r in found]


# --- license, authors, URLs ------------------------------------------------------------------------


def test_the_root_license_is_mit_for_the_temporal_runtime_authors() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert re.search(r"^Copyright \(c\) \d{4} the temporal-runtime authors$", text, re.MULTILINE)


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_each_distribution_ships_a_copy_of_the_root_license(distribution: str) -> None:
    # hatchling resolves license-files from the project root (packages/<dist>/), hence the copies.
    assert (PACKAGES / distribution / "LICENSE").read_bytes() == (ROOT / "LICENSE").read_bytes()
    config = project(distribution)["project"]
    assert config["license"] == "MIT"
    assert config["license-files"] == ["LICENSE"]


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_each_distribution_names_its_authors_and_urls(distribution: str) -> None:
    config = project(distribution)["project"]
    assert config["authors"] == AUTHORS
    urls = config["urls"]
    assert list(urls) == ["Homepage", "Repository", "Documentation", "Changelog", "Issues"]
    assert urls["Homepage"] == urls["Repository"] == REPOSITORY
    assert urls["Issues"] == f"{REPOSITORY}/issues"
    assert urls["Changelog"] == f"{REPOSITORY}/blob/main/CHANGELOG.md"
    documentation = urls["Documentation"].removeprefix(f"{REPOSITORY}/blob/main/")
    assert (ROOT / documentation).is_file(), urls["Documentation"]


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_readme_links_are_absolute_and_point_at_files_of_the_repository(distribution: str) -> None:
    # PyPI renders the README on its own page, where a relative link leads nowhere.
    text = (PACKAGES / distribution / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    assert links, "a distribution README links back to the project"
    for link in links:
        assert link.startswith("https://"), f"{distribution}/README.md: relative link {link!r}"
        for prefix in (f"{REPOSITORY}/blob/main/", f"{REPOSITORY}/tree/main/"):
            if link.startswith(prefix):
                assert (ROOT / link.removeprefix(prefix).split("#")[0]).exists(), link


# --- the sibling-pinning hook ----------------------------------------------------------------------

HOOKED = [d for d in DISTRIBUTIONS if (PACKAGES / d / "hatch_build.py").exists()]


def load_hook_module(distribution: str) -> ModuleType:
    path = PACKAGES / distribution / "hatch_build.py"
    spec = importlib.util.spec_from_file_location(f"hatch_build_{distribution.replace('-', '_')}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_distribution_with_siblings_has_the_hook_and_the_copies_are_identical() -> None:
    with_siblings = [d for d in DISTRIBUTIONS if any(r.name in DISTRIBUTIONS for r in requirements(d))]
    assert with_siblings == HOOKED
    assert "temporal-runtime-core" not in HOOKED
    first = (PACKAGES / HOOKED[0] / "hatch_build.py").read_bytes()
    assert [d for d in HOOKED if (PACKAGES / d / "hatch_build.py").read_bytes() != first] == []


def test_the_hook_replaces_the_placeholder_in_dependencies_and_extras() -> None:
    hook_class = load_hook_module("temporal-runtime").PinSiblingsHook
    config = {
        "dependencies": ["temporal-runtime-core=={version}", "temporalio>=1.35,<2"],
        "optional-dependencies": {"testing": ["temporal-runtime-testing=={version}"]},
    }
    metadata: dict[str, Any] = {"version": "1.2.3", "dynamic": ["dependencies", "optional-dependencies"]}
    hook_class(str(PACKAGES / "temporal-runtime"), config).update(metadata)
    assert metadata["dependencies"] == ["temporal-runtime-core==1.2.3", "temporalio>=1.35,<2"]
    assert metadata["optional-dependencies"] == {"testing": ["temporal-runtime-testing==1.2.3"]}


def test_the_hook_refuses_a_field_that_is_not_dynamic() -> None:
    hook_class = load_hook_module("temporal-runtime").PinSiblingsHook
    hook = hook_class(str(PACKAGES / "temporal-runtime"), {"dependencies": ["x=={version}"]})
    with pytest.raises(ValueError, match=r'add "dependencies" to dynamic'):
        hook.update({"version": "1.2.3", "dynamic": ["version"]})


# --- dependency floors -----------------------------------------------------------------------------


@pytest.mark.parametrize("distribution", DISTRIBUTIONS)
def test_every_third_party_requirement_declares_a_floor(distribution: str) -> None:
    # `nox -s lowest` installs these floors (uv --resolution lowest-direct); without one it would
    # test whatever is oldest on PyPI.
    for requirement in requirements(distribution):
        if requirement.name not in DISTRIBUTIONS:
            assert any(s.operator == ">=" for s in requirement.specifier), f"{distribution}: {requirement}"


def test_core_declares_only_pydantic() -> None:
    # typing-extensions was declared but never imported; pydantic brings it anyway.
    assert [r.name for r in requirements("temporal-runtime-core")] == ["pydantic"]


def test_temporalio_has_one_floor_everywhere() -> None:
    # The layers are installed and tested together (nox -s lowest), so a lower floor in one of them
    # would be a claim nothing checks.
    floors = {str(r.specifier) for d in DISTRIBUTIONS for r in requirements(d) if r.name == "temporalio"}
    assert len(floors) == 1, floors
