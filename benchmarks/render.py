"""Re-render a run's table and plots from its ``results.json``, without measuring anything.

    python -m benchmarks.render benchmarks/results/results.json          # in place
    python -m benchmarks.render /tmp/bench/results.json --out benchmarks/results

For a change to ``report.py`` or ``plots.py`` after a long run: the figures (ratios, targets) are
recomputed from the stored samples, and ``results.json``, ``results.md`` and the PNGs rewritten.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from benchmarks._common import progress, write_json
from benchmarks.plots import write_plots
from benchmarks.report import build_figures, figures_json, markdown

__all__ = ["main", "render"]


def render(results: Path, out: Path) -> list[Path]:
    """Write ``out/results.json``, ``out/results.md`` and the plots from ``results``; their paths."""
    data: dict[str, Any] = json.loads(results.read_text())
    data.pop("figures", None)
    figures = build_figures(data)
    write_json(out / "results.json", {"figures": figures_json(figures), **data})
    (out / "results.md").write_text(markdown(data, figures))
    return [out / "results.json", out / "results.md", *write_plots(data, out)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("results", type=Path, help="a results.json written by run.py")
    parser.add_argument("--out", type=Path, default=None, help="directory to write into (the file's own)")
    args = parser.parse_args(argv)
    for path in render(args.results, args.out or args.results.parent):
        progress(f"wrote {path}")


if __name__ == "__main__":
    main()
