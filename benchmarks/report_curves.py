"""The rows of the curves: figure 7's start-up curve, figure 8's scale curve and payloads, figure 9's memory.

Each point of a curve is a row of its own (key ``startup_curve_one_200``, ``scale_1000_throughput``,
...): :func:`curve_keys` lists them for a run's settings, in table order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.report_figure import Figure, figure

__all__ = ["curve_figures", "curve_keys", "curve_medians", "size_label"]

_LAYOUT_TITLES = {"one": "in one module", "spread": "in modules of 10"}
_STARTUP_TARGET_AT = 200  # the goal: 200 classes in one module start in <= 0.05x raw's time


def curve_keys(settings: dict[str, Any]) -> list[str]:
    """The keys of the curve rows a run with ``settings`` reports, in table order."""
    parts = settings.get("parts") or ()
    keys: list[str] = []
    if "curve" in parts:
        points = settings["curve_points"]
        keys += [f"startup_curve_{layout}_{n}" for layout in _LAYOUT_TITLES for n in points]
        if len(points) > 1:
            keys.append("startup_curve_growth")
    if "scale" in parts:
        for c in settings["scale_concurrency"]:
            keys += [f"scale_{c}_{what}" for what in ("throughput", "cpu", "p50", "rpc_errors", "lost")]
        if len(settings["scale_concurrency"]) > 1:
            keys.append("scale_throughput_kept")
        for size in settings["payload_sizes"]:
            keys += [f"payload_{size}_throughput", f"payload_{size}_cpu"]
    if "memory" in parts:
        keys += ["memory_rss_before", "memory_rss_open", "memory_per_workflow"]
    return keys


def size_label(size: int) -> str:
    """``1 KB``, ``100 KB``, ``1 MB`` (decimal units, as the payload sizes are chosen)."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:g} MB"
    if size >= 1000:
        return f"{size / 1000:g} KB"
    return f"{size} B"


def curve_medians(runs: Sequence[dict[str, Any]], layout: str, n: int) -> list[float | None]:
    """Per pair, the seconds of one start-up curve point (None where it was skipped)."""
    return [r["worker_start_s"].get(layout, {}).get(str(n)) for r in runs]


def _startup(data: dict[str, Any]) -> list[Figure]:
    settings, curve = data["settings"], data["startup_curve"]
    points: list[int] = settings["curve_points"]
    cap = settings.get("startup_max_raw")
    figures: list[Figure] = []
    for layout, where in _LAYOUT_TITLES.items():
        for n in points:
            capped = cap is not None and layout == "one" and n > cap
            target = 0.05 if layout == "one" and n == _STARTUP_TARGET_AT else None
            figures.append(
                figure(
                    "7",
                    f"startup_curve_{layout}_{n}",
                    f"start-up curve: {n} workflow classes {where}, connect + worker start"
                    + (f" ((a) not run: above --startup-max-raw {cap})" if capped else ""),
                    "s",
                    curve_medians(curve["raw"], layout, n),
                    curve_medians(curve["runtime"], layout, n),
                    "max_ratio" if target is not None else None,
                    target,
                )
            )
    if len(points) > 1:
        top, below = points[-1], points[-2]

        def growth(variant: str) -> list[float | None]:
            out: list[float | None] = []
            for r in curve[variant]:
                hi, lo = r["worker_start_s"]["one"].get(str(top)), r["worker_start_s"]["one"].get(str(below))
                out.append(hi / lo if hi is not None and lo else None)
            return out

        figures.append(
            figure(
                "7",
                "startup_curve_growth",
                f"start-up curve, one module: time at {top} / time at {below} classes "
                f"(linear: {top / below:g} at most)",
                "ratio",
                growth("raw"),
                growth("runtime"),
                "max_value",
                top / below,
            )
        )
    return figures


def _scale(data: dict[str, Any]) -> list[Figure]:
    settings, scale = data["settings"], data["scale"]
    figures: list[Figure] = []

    def at(variant: str, part: str, index: int, key: str) -> list[float | None]:
        return [run[part][index][key] for run in scale[variant]]

    def total(variant: str, index: int, key: str) -> list[float | None]:
        return [float(sum(run["curve"][index][key] for run in scale[variant]))]

    concurrency: list[int] = settings["scale_concurrency"]
    for i, c in enumerate(concurrency):
        figures += [
            figure("8", f"scale_{c}_throughput", f"scale: {c:,} concurrent callers, throughput",
                   "workflows/s", at("raw", "curve", i, "throughput_wps"),
                   at("runtime", "curve", i, "throughput_wps"), "min_ratio", 1.0),
            figure("8", f"scale_{c}_cpu", f"scale: {c:,} concurrent callers, process CPU per workflow",
                   "ms", at("raw", "curve", i, "cpu_ms_per_wf"), at("runtime", "curve", i, "cpu_ms_per_wf"),
                   "max_ratio", 1.0),
            figure("8", f"scale_{c}_p50", f"scale: {c:,} concurrent callers, p50 start-to-result",
                   "s", at("raw", "curve", i, "latency_p50_s"), at("runtime", "curve", i, "latency_p50_s")),
            figure("8", f"scale_{c}_rpc_errors",
                   f"scale: {c:,} concurrent callers, bare RPCErrors reaching callers (all pairs)", "count",
                   total("raw", i, "rpc_errors"), total("runtime", i, "rpc_errors"), "max_value", 0.0),
            figure("8", f"scale_{c}_lost", f"scale: {c:,} concurrent callers, callers without a result "
                   "(all pairs)", "count", total("raw", i, "lost"), total("runtime", i, "lost"),
                   "max_value", 0.0),
        ]  # fmt: skip
    if len(concurrency) > 1:

        def kept(variant: str) -> list[float | None]:
            return [
                run["curve"][-1]["throughput_wps"] / run["curve"][-2]["throughput_wps"]
                if run["curve"][-2]["throughput_wps"]
                else None
                for run in scale[variant]
            ]

        figures.append(
            figure(
                "8",
                "scale_throughput_kept",
                f"scale: throughput at {concurrency[-1]:,} / at {concurrency[-2]:,} callers",
                "ratio",
                kept("raw"),
                kept("runtime"),
                "min_value",
                0.9,
            )
        )
    n = settings["payload_n"]
    for i, size in enumerate(settings["payload_sizes"]):
        what = f"payload of {size_label(size)} in and out, {n} concurrent"
        figures += [
            figure("8", f"payload_{size}_throughput", f"{what}: throughput", "workflows/s",
                   at("raw", "payloads", i, "throughput_wps"), at("runtime", "payloads", i, "throughput_wps"),
                   "min_ratio", 1.0),
            figure("8", f"payload_{size}_cpu", f"{what}: process CPU per workflow", "ms",
                   at("raw", "payloads", i, "cpu_ms_per_wf"), at("runtime", "payloads", i, "cpu_ms_per_wf"),
                   "max_ratio", 1.0),
        ]  # fmt: skip
    return figures


def _memory(data: dict[str, Any]) -> list[Figure]:
    memory, k = data["memory"], data["settings"]["memory_k"]

    def values(variant: str, key: str) -> list[float | None]:
        return [run[key] for run in memory[variant]]

    rows: list[tuple[str, str, str, str, bool]] = [
        ("memory_rss_before", "memory: client+worker RSS before (warm, no open workflow)", "MB",
         "rss_before_mb", False),
        ("memory_rss_open", f"memory: client+worker RSS with {k:,} open workflows waiting on a signal",
         "MB", "rss_open_mb", True),
        ("memory_per_workflow", "memory: per cached workflow (RSS increase / open workflows)", "KB",
         "kb_per_open_workflow", True),
    ]  # fmt: skip
    return [
        figure("9", key, title, unit, values("raw", field), values("runtime", field),
               "max_ratio" if goal else None, 1.0 if goal else None)
        for key, title, unit, field, goal in rows
    ]  # fmt: skip


_PARTS: dict[str, Callable[[dict[str, Any]], list[Figure]]] = {
    "curve": _startup,
    "scale": _scale,
    "memory": _memory,
}


def curve_figures(data: dict[str, Any]) -> list[Figure]:
    """The curve rows of a run (none for the parts it did not run)."""
    parts = data["settings"].get("parts") or ()
    return [f for part, build in _PARTS.items() if part in parts for f in build(data)]
