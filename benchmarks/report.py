"""Turn the harness's measurements into figures: (b)/(a) ratios, targets, JSON and a Markdown table."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from benchmarks.report_curves import curve_figures, curve_keys
from benchmarks.report_figure import Figure, Goal
from benchmarks.report_figure import figure as _figure

__all__ = ["FIGURE_KEYS", "Figure", "build_figures", "figure_keys", "figures_json", "markdown"]

type _Values = tuple[list[float | None], list[float | None]]  # (a) per pair, (b) per pair
type _Row = tuple[str, str, str, str, _Values, Goal | None, float | None]


FIGURE_KEYS = (
    "throughput",
    "cpu_per_workflow",
    "latency_median",
    "latency_p95",
    "latency_eager_median",
    "codec",
    "client_proxy",
    "adapter_dispatch",
    "proxy_dispatch_overhead",
    "sandbox_instance",
    "import_time",
    "startup_definitions",
    "startup_worker",
    "startup_total",
    "server_cpu_per_workflow",
)
"""The figures of a full run, in table order, before the curve rows (see :func:`figure_keys`)."""


_PART_OF = {
    "codec": "micro",
    "client_proxy": "micro",
    "adapter_dispatch": "micro",
    "proxy_dispatch_overhead": "micro",
    "sandbox_instance": "micro",
    "import_time": "imports",
    "startup_definitions": "startup",
    "startup_worker": "startup",
    "startup_total": "startup",
}
"""The part of a run (``run.PARTS``) each of FIGURE_KEYS comes from; the others come from "trials"."""


def _parts(settings: dict[str, Any]) -> Sequence[str]:
    parts: Sequence[str] | None = settings.get("parts")
    return parts or ("trials", "startup", "imports", "micro")  # a results.json from before --only


def figure_keys(settings: dict[str, Any]) -> list[str]:
    """Every figure a run with ``settings`` reports, in table order."""
    parts = _parts(settings)
    return [k for k in FIGURE_KEYS if _PART_OF.get(k, "trials") in parts] + curve_keys(settings)


def _overhead(micro: dict[str, dict[str, list[float]]]) -> Figure:
    """Figure 5's target: what (b) adds per call, client side plus worker side, in µs."""
    empty: dict[str, list[float]] = {"raw": [], "runtime": []}
    client = micro.get("client_us_per_call", empty)
    dispatch = micro.get("dispatch_us_per_call", empty)
    per_pair = [
        (bc - ac) + (bd - ad)
        for ac, bc, ad, bd in zip(
            client["raw"], client["runtime"], dispatch["raw"], dispatch["runtime"], strict=True
        )
    ]
    overhead = statistics.median(per_pair) if per_pair else None
    return Figure(
        number="5",
        key="proxy_dispatch_overhead",
        title="proxy + dispatch overhead per call: (b) - (a)",
        unit="µs",
        a_values=[],
        b_values=per_pair,
        a_median=None,
        b_median=overhead,
        ratio=None,
        pair_ratios=[],
        goal="max_overhead_us",
        target=20.0,
        value_for_target=overhead,
        met=None if overhead is None else overhead <= 20.0,
    )


def build_figures(data: dict[str, Any]) -> list[Figure]:
    """All figures from the collected measurements (see ``run.py`` for the layout of ``data``)."""
    trials: dict[str, list[dict[str, Any]]] = data["trials"]
    startup: dict[str, list[dict[str, Any]]] = data["startup"]
    imports: dict[str, list[float]] = data["import_ms"]
    micro: dict[str, dict[str, list[float]]] = data["micro"]["figures"]
    settings = data["settings"]
    n, wfs, acts = settings["n"], settings["startup_workflows"], settings["startup_activities"]
    many = f"{wfs} workflows + {acts} activities"

    def trial(key: str) -> _Values:
        return ([t.get(key) for t in trials["raw"]], [t.get(key) for t in trials["runtime"]])

    def start(key: str) -> _Values:
        return ([r[key] for r in startup["raw"]], [r[key] for r in startup["runtime"]])

    def mic(key: str) -> _Values:
        measured = micro.get(key, {})
        return (list(measured.get("raw", [])), list(measured.get("runtime", [])))

    rows: list[_Row] = [
        ("1", "throughput", f"throughput, {n} concurrent workflows", "workflows/s",
         trial("throughput_wps"), "min_ratio", 0.98),
        ("2", "cpu_per_workflow", "client+worker process CPU per workflow", "ms",
         trial("cpu_ms_per_wf"), "max_ratio", 1.00),
        ("3", "latency_median", "latency, sequential single workflows: median", "ms",
         trial("latency_median_ms"), "max_ratio", 0.90),
        ("3", "latency_p95", "latency, sequential single workflows: p95", "ms",
         trial("latency_p95_ms"), None, None),
        ("3", "latency_eager_median", "latency median against (a2) raw temporalio with "
         "`request_eager_start=True` (in the (a) column)", "ms",
         ([t.get("latency_eager_median_ms") for t in trials["raw"]], trial("latency_median_ms")[1]),
         "max_ratio", 1.0),
        ("4", "codec", "codec: encode+decode of a nested model", "ops/CPU-s",
         mic("codec_ops_per_s"), "min_ratio", 1.0),
        ("5", "client_proxy", "client side of one call (proxy), no server", "CPU µs",
         mic("client_us_per_call"), None, None),
        ("5", "adapter_dispatch", "worker side of one call (adapter dispatch), no server", "CPU µs",
         mic("dispatch_us_per_call"), None, None),
    ]  # fmt: skip
    figures = [
        _figure(num, key, title, unit, a, b, goal, target)
        for num, key, title, unit, (a, b), goal, target in rows
    ]
    figures.append(_overhead(micro))
    rows = [
        ("6", "sandbox_instance", "sandbox: creating one workflow instance", "ms",
         mic("sandbox_ms_per_instance"), None, None),
        ("7", "import_time", "`import temporal_runtime` (a: the temporalio imports it stands for)", "CPU ms",
         (list(imports["raw"]), list(imports["runtime"])), None, None),
        ("7", "startup_definitions", f"{many}: importing the definitions", "s",
         start("definitions_s"), None, None),
        ("7", "startup_worker", f"{many}: connect + worker start", "s", start("worker_start_s"), None, None),
        ("7", "startup_total", f"{many}: start-up total", "s", start("total_s"), None, None),
        ("i", "server_cpu_per_workflow", "for scale: dev server CPU per workflow (figure 1 runs)", "ms",
         trial("server_cpu_ms_per_wf"), None, None),
    ]  # fmt: skip
    figures += [
        _figure(num, key, title, unit, a, b, goal, target)
        for num, key, title, unit, (a, b), goal, target in rows
    ]
    parts = _parts(settings)
    return [f for f in figures if _PART_OF.get(f.key, "trials") in parts] + curve_figures(data)


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if unit == "count":
        return f"{value:,.0f}"
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 100:
        return f"{value:.0f}"
    if size >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _target(figure: Figure) -> str:
    if figure.goal == "min_ratio":
        return f"≥ {figure.target:.2f}"
    if figure.goal == "max_ratio":
        return f"≤ {figure.target:.2f}"
    if figure.goal == "max_overhead_us":
        return f"≤ {figure.target:.0f} µs"
    if figure.goal == "min_value":
        return f"(b) ≥ {figure.target:g}"
    if figure.goal == "max_value":
        return f"(b) ≤ {figure.target:g}"
    return ""


def _verdict(figure: Figure) -> str:
    if figure.met is None:
        return ""
    return "met" if figure.met else "**missed**"


def markdown(data: dict[str, Any], figures: Sequence[Figure]) -> str:
    """The results table with the machine and settings it was measured with."""
    machine, settings = data["machine"], data["settings"]
    parts = _parts(settings)
    pairs: int = (
        settings["pairs"]
        if {"trials", "startup", "imports", "micro"} & set(parts)
        else settings["curve_pairs"]
    )
    lines = [
        f"Measured {machine['date']} with `{settings['command']}` "
        f"({'smoke run, ' if settings['smoke'] else ''}{pairs} alternating "
        f"pair{'s' if pairs != 1 else ''} a b ..., medians"
        + (f"; N={settings['n']}" if "trials" in parts else "")
        + ").",
        "",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['os']}; "
        f"load average {machine['load_before']} before, {machine['load_after']} after",
        f"- Python {machine['python']}, temporalio {machine['temporalio']}, pydantic {machine['pydantic']}, "
        f"temporal-runtime {machine['temporal_runtime']}"
        + (f" (git {machine['git']})" if machine.get("git") else "")
        + (
            "; PYTHONDONTWRITEBYTECODE set: every fresh process compiles its imports from source"
            if machine.get("bytecode_cache") is False
            else ""
        ),
        f"- Server: {machine['server']} (in-memory dev server, fresh per trial, eager start enabled)",
        f"- Parts run: {', '.join(_parts(settings))}; figures 7 (curve), 8 and 9 over "
        f"{settings.get('curve_pairs', '—')} pair(s)",
        "- (a) raw temporalio as documented (`@workflow.defn`/`@activity.defn`, pydantic data converter, "
        "default sandbox); (b) temporal-runtime (`Workflow`, `activity_def`, `TemporalEngine`)"
        + (
            f"; (b) sandbox pass-through added: {', '.join(settings['runtime_passthrough'])}"
            if settings["runtime_passthrough"]
            else ""
        ),
        "",
        "| # | figure | unit | (a) raw temporalio | (b) temporal-runtime | (b)/(a) | target | |",
        "|---|---|---|--:|--:|--:|---|---|",
    ]
    for f in figures:
        if f.key == "proxy_dispatch_overhead":
            a_cell, b_cell, ratio = "", f"+{_num(f.b_median)}", ""
        else:
            a_cell, b_cell = _num(f.a_median, f.unit), _num(f.b_median, f.unit)
            ratio = "—" if f.ratio is None else f"{f.ratio:.3f}" if f.ratio < 0.1 else f"{f.ratio:.2f}"
        cells = [f.number, f.title, f.unit, a_cell, b_cell, ratio, _target(f), _verdict(f)]
        lines.append(f"| {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def figures_json(figures: Sequence[Figure]) -> list[dict[str, Any]]:
    return [asdict(f) for f in figures]
