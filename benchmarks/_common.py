"""Helpers shared by the harness processes: progress output, statistics and result files."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["CLOCK_ENV", "VARIANTS", "label", "median", "p95", "process_cpu_seconds", "progress", "write_json"]

VARIANTS = ("raw", "runtime")
"""Variant (a) raw temporalio and variant (b) temporal-runtime, in that order."""

CLOCK_ENV = "BENCH_STARTED_AT"
"""Environment variable with the harness's start time (``time.time()``), shared by its processes."""

_START = float(os.environ.get(CLOCK_ENV) or time.time())


def progress(message: str) -> None:
    """One progress line on stderr, with the seconds elapsed since the harness started."""
    print(f"[bench {time.time() - _START:6.1f}s] {message}", file=sys.stderr, flush=True)


def label(variant: str) -> str:
    """``a`` for raw temporalio, ``b`` for temporal-runtime."""
    return "a" if variant == "raw" else "b"


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of process ``pid`` so far (Linux ``/proc``; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def p95(values: Sequence[float]) -> float:
    """The 95th percentile (linear interpolation between closest ranks)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n")
