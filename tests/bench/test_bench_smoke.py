"""The benchmark harness in smoke mode (N=10, one pair), so it never rots. No timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.report import FIGURE_KEYS

pytestmark = pytest.mark.integration  # starts its own Temporal dev servers

ROOT = Path(__file__).resolve().parents[2]


def test_smoke_run_writes_every_figure(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]

    results = json.loads((tmp_path / "results.json").read_text())
    table = (tmp_path / "results.md").read_text()
    figures = {f["key"]: f for f in results["figures"]}
    assert list(figures) == list(FIGURE_KEYS)
    for key, figure in figures.items():
        assert figure["b_median"] is not None, key
        if key != "proxy_dispatch_overhead":
            assert figure["a_median"] is not None, key
            assert figure["ratio"] is not None, key
        assert f"| {figure['title']} |" in table, key
    for target in ("throughput", "cpu_per_workflow", "latency_median", "codec", "proxy_dispatch_overhead"):
        assert isinstance(figures[target]["met"], bool), target

    settings = results["settings"]
    assert (settings["smoke"], settings["n"], settings["pairs"]) == (True, 10, 1)
    assert len(results["trials"]["raw"]) == len(results["trials"]["runtime"]) == 1
    machine = results["machine"]
    for field in ("cpu", "cores", "python", "temporalio", "server"):
        assert machine[field], field
        assert str(machine[field]) in table, field
