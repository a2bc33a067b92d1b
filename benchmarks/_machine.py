"""What the results table says about the machine and versions a run was measured with."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["load_average", "machine_info"]

ROOT = Path(__file__).resolve().parent.parent


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _git() -> str | None:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{rev}{' + local changes' if dirty else ''}"


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def machine_info(binary: Path) -> dict[str, Any]:
    server = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=False).stdout
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "os": platform.platform(terse=True),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "temporalio": _version("temporalio"),
        "pydantic": _version("pydantic"),
        "temporal_runtime": _version("temporal-runtime"),
        "server": server.strip().removeprefix("temporal version ").strip() or "unknown",
        "server_binary": str(binary),
        "git": _git(),
        "load_before": load_average(),
        # Without a bytecode cache every fresh process compiles what it imports: figure 7's import
        # time and each trial's start-up are then larger for both sides.
        "bytecode_cache": not os.environ.get("PYTHONDONTWRITEBYTECODE"),
    }
