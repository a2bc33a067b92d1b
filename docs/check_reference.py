"""After ``mkdocs build``: every public name has its entry in the built API reference (#15).

``python docs/check_reference.py SITE_DIR`` (``./dev nox -s docs`` runs it). Each name of
``temporal_runtime.__all__`` must have its anchor (``id="temporal_runtime.NAME"``) on the facade's page,
each name of ``temporal_runtime.testing.__all__`` its anchor on the testing kit's page, and each name of
the five other distributions' ``__all__`` its anchor on that distribution's page. mkdocstrings skips what
it cannot resolve without a warning, which ``--strict`` would not catch.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

PAGES = {
    "facade": "temporal_runtime",
    "core": "temporal_runtime_core",
    "workflow": "temporal_runtime_workflow",
    "client": "temporal_runtime_client",
    "engine": "temporal_runtime_engine",
    "testing": "temporal_runtime_testing",
}


def missing(site: Path) -> list[str]:
    """``page: module.NAME`` for every public name without its anchor."""
    problems: list[str] = []
    for page, module_name in PAGES.items():
        html = (site / "reference" / page / "index.html").read_text(encoding="utf-8")
        anchors = set(re.findall(r'id="([\w.]+)"', html))
        module = importlib.import_module(module_name)
        names: list[str] = list(module.__all__)
        absent = [n for n in names if f"{module_name}.{n}" not in anchors]
        problems += [f"reference/{page}: {module_name}.{n}" for n in absent]
    return problems


if __name__ == "__main__":
    problems = missing(Path(sys.argv[1]))
    if problems:
        sys.exit("not in the built API reference:\n  " + "\n  ".join(problems))
    print(f"API reference: every public name of the {len(PAGES)} pages' modules is documented")
