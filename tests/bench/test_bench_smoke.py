"""The benchmark harness in smoke mode (N=10, one pair, tiny curves), so it never rots. No timing is
asserted: only that every figure was measured for both sides, and written to the JSON, the table and
the plots."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.render import render
from benchmarks.report import FIGURE_KEYS, figure_keys
from benchmarks.run import PARTS

pytestmark = pytest.mark.integration  # starts its own Temporal dev servers

ROOT = Path(__file__).resolve().parents[2]

_COUNTS = ("rpc_errors", "lost")  # (b)'s goal is 0: a ratio of counts means nothing
_WITHOUT_A = ("proxy_dispatch_overhead",)  # (b) - (a), in (b)'s column


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", header[16:24])
    return width, height


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
    settings = results["settings"]
    figures = {f["key"]: f for f in results["figures"]}
    assert list(figures) == figure_keys(settings)
    assert set(FIGURE_KEYS) <= set(figures)
    assert {"startup_curve_one_10", "startup_curve_spread_5", "scale_20_lost", "payload_1000000_cpu"} <= set(
        figures
    )
    assert {"memory_rss_open", "memory_per_workflow", "latency_eager_median"} <= set(figures)
    for key, figure in figures.items():
        assert figure["b_median"] is not None, key
        if key not in _WITHOUT_A:
            assert figure["a_median"] is not None, key
        if key not in _WITHOUT_A and not key.endswith(_COUNTS):
            assert figure["ratio"] is not None, key
        assert f"| {figure['title']} |" in table, key
    for target in (
        "throughput",
        "cpu_per_workflow",
        "latency_median",
        "latency_eager_median",
        "codec",
        "proxy_dispatch_overhead",
        "startup_curve_growth",
        "scale_20_throughput",
        "scale_20_rpc_errors",
        "scale_20_lost",
        "scale_throughput_kept",
        "payload_100000_throughput",
        "memory_rss_open",
        "memory_per_workflow",
    ):
        assert isinstance(figures[target]["met"], bool), target

    assert (settings["smoke"], settings["n"], settings["pairs"], settings["curve_pairs"]) == (True, 10, 1, 1)
    assert settings["parts"] == list(PARTS)
    assert len(results["trials"]["raw"]) == len(results["trials"]["runtime"]) == 1
    raw_trial = results["trials"]["raw"][0]
    assert len(raw_trial["latency_eager_ms"]) == len(raw_trial["latency_ms"]) == settings["latency_count"]
    assert raw_trial["eager_started"] == settings["latency_count"]  # the dev server honoured the request
    for variant in ("raw", "runtime"):
        (scale,) = results["scale"][variant]
        assert [p["n"] for p in scale["curve"]] == settings["scale_concurrency"] == [10, 20]
        assert [p["payload_bytes"] for p in scale["payloads"]] == [1000, 100_000, 1_000_000]
        (memory,) = results["memory"][variant]
        assert memory["k"] == 20
    machine = results["machine"]
    for field in ("cpu", "cores", "python", "temporalio", "server"):
        assert machine[field], field
        assert str(machine[field]) in table, field
    for name in ("latency.png", "startup_curve.png", "scale.png", "memory.png"):
        width, height = _png_size(tmp_path / name)
        assert width > 800, name
        assert height > 300, name

    # Re-rendering from the stored samples gives the same figures and table, and the same plots.
    written = render(tmp_path / "results.json", tmp_path / "again")
    assert (tmp_path / "again" / "results.md").read_text() == table
    assert json.loads((tmp_path / "again" / "results.json").read_text())["figures"] == results["figures"]
    assert sorted(p.name for p in written if p.suffix == ".png") == sorted(
        ["latency.png", "startup_curve.png", "scale.png", "memory.png"]
    )


def test_only_runs_the_parts_asked_for(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--smoke",
            "--only",
            "micro",
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    results = json.loads((tmp_path / "results.json").read_text())
    assert [f["key"] for f in results["figures"]] == [
        "codec",
        "client_proxy",
        "adapter_dispatch",
        "proxy_dispatch_overhead",
        "sandbox_instance",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "results.json",
        "results.md",
    ]  # no plot of a micro run
