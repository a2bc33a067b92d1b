"""Figures 7 (start-up, and its curve), 8 and 9 in one process per variant, for the smoke run (each
in its own process otherwise: the memory figure would count what the others left behind, and the
start-up figures would find the libraries' first-use costs already paid).

Run by ``run.py --smoke`` as ``python -m benchmarks.curves_at_once --variant raw|runtime --address
HOST:PORT --settings JSON``: memory first (the process is fresh then), then the start-up curve, the
scale curve and the start-up with many definitions, on one dev server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

from benchmarks._common import VARIANTS, write_json
from benchmarks.memory import measure_memory
from benchmarks.scale import measure_scale
from benchmarks.startup import measure_startup
from benchmarks.startup_curve import LAYOUTS, measure_curve

__all__ = ["main", "measure_all"]


async def measure_all(variant: str, address: str, s: dict[str, Any]) -> dict[str, Any]:
    memory = await measure_memory(variant, address, s["memory_k"])
    curve = await measure_curve(variant, address, s["curve_points"], list(LAYOUTS), s["startup_max_raw"])
    scale = await measure_scale(
        variant, address, s["scale_concurrency"], s["payload_sizes"], s["payload_n"], s["scale_deadline"]
    )
    startup = await measure_startup(
        variant, address, s["startup_workflows"], s["startup_activities"], tuple(s["runtime_passthrough"])
    )
    return {"memory": memory, "startup_curve": curve, "scale": scale, "startup": startup}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--variant", choices=VARIANTS, required=True)
    parser.add_argument("--address", required=True)
    parser.add_argument("--settings", required=True, help="JSON: run.py's settings of these figures")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    write_json(args.out, asyncio.run(measure_all(args.variant, args.address, json.loads(args.settings))))


if __name__ == "__main__":
    main()
