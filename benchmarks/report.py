"""Turn the harness's measurements into figures: (b)/(a) ratios, targets, JSON and a Markdown table."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

__all__ = ["FIGURE_KEYS", "Figure", "build_figures", "figures_json", "markdown"]

type Goal = Literal["min_ratio", "max_ratio", "max_overhead_us"]
type _Values = tuple[list[float | None], list[float | None]]  # (a) per pair, (b) per pair
type _Row = tuple[str, str, str, str, _Values, Goal | None, float | None]


@dataclass(frozen=True)
class Figure:
    """One row of the results table."""

    number: str
    key: str
    title: str
    unit: str
    a_values: list[float]
    b_values: list[float]
    a_median: float | None
    b_median: float | None
    ratio: float | None
    pair_ratios: list[float]
    goal: Goal | None = None
    target: float | None = None
    value_for_target: float | None = None
    met: bool | None = None


FIGURE_KEYS = (
    "throughput",
    "cpu_per_workflow",
    "latency_median",
    "latency_p95",
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
"""Every figure the harness reports, in table order."""


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def _figure(
    number: str,
    key: str,
    title: str,
    unit: str,
    a: Sequence[float | None],
    b: Sequence[float | None],
    goal: Goal | None = None,
    target: float | None = None,
) -> Figure:
    a_values = [v for v in a if v is not None]
    b_values = [v for v in b if v is not None]
    a_med, b_med = _median(a_values), _median(b_values)
    ratio = b_med / a_med if a_med and b_med is not None else None
    met: bool | None = None
    if ratio is not None and target is not None:
        met = ratio >= target if goal == "min_ratio" else ratio <= target
    return Figure(
        number=number,
        key=key,
        title=title,
        unit=unit,
        a_values=a_values,
        b_values=b_values,
        a_median=a_med,
        b_median=b_med,
        ratio=ratio,
        pair_ratios=[y / x for x, y in zip(a, b, strict=False) if x and y is not None],
        goal=goal,
        target=target,
        value_for_target=ratio if goal is not None else None,
        met=met,
    )


def _overhead(micro: dict[str, dict[str, list[float]]]) -> Figure:
    """Figure 5's target: what (b) adds per call, client side plus worker side, in µs."""
    client, dispatch = micro["client_us_per_call"], micro["dispatch_us_per_call"]
    per_pair = [
        (bc - ac) + (bd - ad)
        for ac, bc, ad, bd in zip(
            client["raw"], client["runtime"], dispatch["raw"], dispatch["runtime"], strict=True
        )
    ]
    overhead = _median(per_pair)
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
        return (list(micro[key]["raw"]), list(micro[key]["runtime"]))

    rows: list[_Row] = [
        ("1", "throughput", f"throughput, {n} concurrent workflows", "workflows/s",
         trial("throughput_wps"), "min_ratio", 0.98),
        ("2", "cpu_per_workflow", "client+worker process CPU per workflow", "ms",
         trial("cpu_ms_per_wf"), "max_ratio", 1.00),
        ("3", "latency_median", "latency, sequential single workflows: median", "ms",
         trial("latency_median_ms"), "max_ratio", 1.02),
        ("3", "latency_p95", "latency, sequential single workflows: p95", "ms",
         trial("latency_p95_ms"), None, None),
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
    return figures


def _num(value: float | None) -> str:
    if value is None:
        return "—"
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
    return ""


def _verdict(figure: Figure) -> str:
    if figure.met is None:
        return ""
    return "met" if figure.met else "**missed**"


def markdown(data: dict[str, Any], figures: Sequence[Figure]) -> str:
    """The results table with the machine and settings it was measured with."""
    machine, settings = data["machine"], data["settings"]
    lines = [
        f"Measured {machine['date']} with `{settings['command']}` "
        f"({'smoke run, ' if settings['smoke'] else ''}{settings['pairs']} alternating "
        f"pair{'s' if settings['pairs'] != 1 else ''} a b ..., medians; N={settings['n']}).",
        "",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['os']}; "
        f"load average {machine['load_before']} before, {machine['load_after']} after",
        f"- Python {machine['python']}, temporalio {machine['temporalio']}, pydantic {machine['pydantic']}, "
        f"temporal-runtime {machine['temporal_runtime']}"
        + (f" (git {machine['git']})" if machine.get("git") else ""),
        f"- Server: {machine['server']} (in-memory dev server, fresh per trial)",
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
            a_cell, b_cell = _num(f.a_median), _num(f.b_median)
            ratio = "—" if f.ratio is None else f"{f.ratio:.2f}"
        cells = [f.number, f.title, f.unit, a_cell, b_cell, ratio, _target(f), _verdict(f)]
        lines.append(f"| {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def figures_json(figures: Sequence[Figure]) -> list[dict[str, Any]]:
    return [asdict(f) for f in figures]
