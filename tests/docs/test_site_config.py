"""The documentation site's configuration (#15), checked without building it (``./dev nox -s docs`` builds
it with ``mkdocs build --strict``, in CI too): every page is in the navigation, mkdocstrings reads the six
distributions' sources, the ``docs`` dependency group is locked, and CI builds the site."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
MKDOCS = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
DISTRIBUTIONS = [
    "temporal-runtime-core",
    "temporal-runtime-workflow",
    "temporal-runtime-client",
    "temporal-runtime-engine",
    "temporal-runtime-testing",
    "temporal-runtime",
]


def test_every_page_is_in_the_navigation() -> None:
    nav = MKDOCS[MKDOCS.index("\nnav:") :]
    listed = set(re.findall(r"^\s*- (?:[^:\n]+: )?([\w./-]+\.md)\s*$", nav, re.MULTILINE))
    pages = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md") if "screenshots" not in p.parts}
    assert sorted(pages - listed) == [], "add these pages to mkdocs.yml's nav"
    assert sorted(listed - pages) == [], "mkdocs.yml's nav names pages that do not exist"


def test_mkdocstrings_reads_the_six_distributions_sources() -> None:
    paths = re.findall(r"^\s*- (packages/[\w-]+/src)$", MKDOCS, re.MULTILINE)
    assert sorted(paths) == sorted(f"packages/{d}/src" for d in DISTRIBUTIONS)
    assert all((ROOT / p).is_dir() for p in paths)


def test_the_docs_group_is_declared_and_locked() -> None:
    groups = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["dependency-groups"]
    names = {re.split(r"[\[<>=]", requirement)[0] for requirement in groups["docs"]}
    assert {"mkdocs", "mkdocs-material", "mkdocstrings", "pymdown-extensions"} <= names
    lock = (ROOT / "uv.lock").read_text(encoding="utf-8")
    for name in ("mkdocs", "mkdocs-material", "mkdocstrings", "mkdocstrings-python"):
        assert f'\nname = "{name}"\n' in lock, f"{name} is not in uv.lock: run uv lock"


def test_ci_builds_the_site_strictly_at_the_end() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    block = ci[ci.index("# --- docs site (#15) ---") :]
    assert "./dev nox -s docs" in block
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    assert '"mkdocs", "build", "--strict"' in noxfile
    assert "site/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_getting_started_installs_every_distribution_from_a_clone() -> None:
    """No release is on PyPI: pip finds a sibling only if the command names it (as README's does)."""
    page = (DOCS / "getting-started.md").read_text(encoding="utf-8")
    section = page.split("## 1. Install", 1)[1].split("\n## ", 1)[0]
    command = next(b for b in re.findall(r"```bash\n(.*?)```", section, re.S) if "/packages/" in b)
    named = set(re.findall(r"/packages/([\w-]+)", command))
    assert named == set(DISTRIBUTIONS)
    assert "temporal-runtime[local,testing]" in command


def test_the_hook_drops_sphinx_roles_from_rendered_docstrings() -> None:
    spec = importlib.util.spec_from_file_location("docs_hooks", DOCS / "hooks.py")
    assert spec is not None
    assert spec.loader is not None
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    html = "by :func:<code>activity_info</code>, see :class:<code>~temporal_runtime.AesGcmCodec</code>"
    assert hooks.on_page_content(html) == "by <code>activity_info</code>, see <code>AesGcmCodec</code>"
    assert "hooks:\n  - docs/hooks.py" in MKDOCS
