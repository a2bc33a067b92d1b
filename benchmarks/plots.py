"""The PNG plots written next to ``results.json``: start-up vs classes, latency, the scale curve, memory.

matplotlib (Agg backend, no display) comes from the ``bench`` dependency group; each plot shows the
medians over the pairs, (a) raw temporalio in one colour and (b) temporal-runtime in another.
"""

# matplotlib's own annotations leave **kwargs (and BarContainer's items) untyped: pyright strict
# would flag every call; mypy --strict still checks this module.
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure as PlotFigure

from benchmarks.report_curves import curve_medians, size_label

__all__ = ["write_plots"]

_A, _A2, _B = "#d62728", "#ff9896", "#1f77b4"
_NAMES = {"raw": "(a) raw temporalio", "runtime": "(b) temporal-runtime"}
_COLOURS = {"raw": _A, "runtime": _B}


def _med(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _caption(fig: PlotFigure, data: dict[str, Any]) -> None:
    machine = data["machine"]
    fig.text(
        0.01,
        0.01,
        f"{machine['date']}, {machine['cores']} cores, load {machine['load_before']} before; "
        f"temporalio {machine['temporalio']}, git {machine.get('git')}"
        + (", SMOKE RUN (tiny counts)" if data["settings"]["smoke"] else ""),
        fontsize=7,
        color="grey",
    )


def _save(fig: PlotFigure, data: dict[str, Any], path: Path) -> Path:
    _caption(fig, data)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _startup(data: dict[str, Any], path: Path) -> Path:
    curve, points = data["startup_curve"], data["settings"]["curve_points"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    styles = {"one": ("-", "o", "in one module"), "spread": ("--", "s", "in modules of 10")}
    for ax, variants in ((left, ("raw", "runtime")), (right, ("runtime",))):
        for variant in variants:
            for layout, (line, marker, where) in styles.items():
                xs = [n for n in points if _med(curve_medians(curve[variant], layout, n)) is not None]
                ys = [_med(curve_medians(curve[variant], layout, n)) for n in xs]
                ax.plot(
                    xs, ys, line, marker=marker, color=_COLOURS[variant], label=f"{_NAMES[variant]}, {where}"
                )
        ax.set_xlabel("workflow classes")
        ax.set_ylabel("connect + worker start (s)")
        ax.set_xlim(left=0)
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    left.set_title("Worker start-up vs workflow classes")
    right.set_title("(b) alone, its own scale")
    return _save(fig, data, path)


def _bars(ax: Axes, labels: list[str], values: list[float | None], colours: list[str], fmt: str) -> None:
    heights = [v or 0.0 for v in values]
    bars = ax.bar(labels, heights, color=colours)
    for bar, value in zip(bars, values, strict=True):
        text = "n/a" if value is None else fmt.format(value)
        ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom")
    ax.set_ylim(0, max([*heights, 1e-9]) * 1.18)
    ax.grid(True, axis="y", alpha=0.3)


def _latency(data: dict[str, Any], path: Path) -> Path:
    trials = data["trials"]
    labels = ["(a) raw temporalio", "(a2) raw temporalio,\nrequest_eager_start=True", "(b) temporal-runtime"]
    colours = [_A, _A2, _B]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    for ax, stat in zip(axes, ("median", "p95"), strict=True):
        values = [
            _med([t.get(f"latency_{stat}_ms") for t in trials["raw"]]),
            _med([t.get(f"latency_eager_{stat}_ms") for t in trials["raw"]]),
            _med([t.get(f"latency_{stat}_ms") for t in trials["runtime"]]),
        ]
        _bars(ax, labels, values, colours, "{:.1f} ms")
        ax.set_ylabel(f"{stat} latency (ms)")
        ax.set_title(f"Sequential single workflows: {stat}")
        ax.tick_params(axis="x", labelsize=8)
    return _save(fig, data, path)


def _scale(data: dict[str, Any], path: Path) -> Path:
    scale, settings = data["scale"], data["settings"]
    concurrency, sizes = settings["scale_concurrency"], settings["payload_sizes"]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    for variant in ("raw", "runtime"):
        runs = scale[variant]
        for ax, key in zip(axes[:2], ("throughput_wps", "cpu_ms_per_wf"), strict=True):
            ys = [_med([r["curve"][i][key] for r in runs]) for i in range(len(concurrency))]
            ax.plot(concurrency, ys, "-o", color=_COLOURS[variant], label=_NAMES[variant])
    width = 0.38
    for offset, variant in ((-width / 2, "raw"), (width / 2, "runtime")):
        runs = scale[variant]
        ys = [_med([r["payloads"][i]["throughput_wps"] for r in runs]) or 0.0 for i in range(len(sizes))]
        axes[2].bar(
            [i + offset for i in range(len(sizes))], ys, width, color=_COLOURS[variant], label=_NAMES[variant]
        )
    axes[0].set_title("Throughput, each workflow awaited by its own caller")
    axes[0].set_ylabel("workflows/s")
    axes[1].set_title("Client+worker process CPU per workflow")
    axes[1].set_ylabel("ms")
    for ax in axes[:2]:
        ax.set_xlabel("concurrent callers")
        ax.set_xticks(concurrency)
        ax.set_xticklabels([f"{c:,}" for c in concurrency])
        ax.set_ylim(bottom=0)
    axes[2].set_title(f"Payload size, {settings['payload_n']} concurrent workflows")
    axes[2].set_ylabel("workflows/s")
    axes[2].set_xticks(range(len(sizes)))
    axes[2].set_xticklabels([size_label(s) for s in sizes])
    for ax in axes:
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    return _save(fig, data, path)


def _memory(data: dict[str, Any], path: Path) -> Path:
    memory, k = data["memory"], data["settings"]["memory_k"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    width = 0.38
    for offset, variant in ((-width / 2, "raw"), (width / 2, "runtime")):
        ys = [_med([r[key] for r in memory[variant]]) or 0.0 for key in ("rss_before_mb", "rss_open_mb")]
        bars = left.bar([0 + offset, 1 + offset], ys, width, color=_COLOURS[variant], label=_NAMES[variant])
        for bar, y in zip(bars, ys, strict=True):
            left.annotate(f"{y:.0f}", (bar.get_x() + bar.get_width() / 2, y), ha="center", va="bottom")
    left.set_xticks([0, 1])
    left.set_xticklabels(["warm, no open workflow", f"{k:,} open workflows"])
    left.set_ylabel("client+worker RSS (MB)")
    left.set_title("Process memory")
    tallest = max([*(b.get_height() for b in left.patches), 1e-9])
    left.set_ylim(0, tallest * 1.3)
    left.legend(fontsize=8, loc="upper center", ncols=2)
    per = [_med([r["kb_per_open_workflow"] for r in memory[v]]) for v in ("raw", "runtime")]
    _bars(right, [_NAMES["raw"], _NAMES["runtime"]], per, [_A, _B], "{:.0f} KB")
    right.set_ylabel("KB")
    right.set_title("Per cached workflow (RSS increase / open workflows)")
    left.grid(True, axis="y", alpha=0.3)
    return _save(fig, data, path)


def write_plots(data: dict[str, Any], out: Path) -> list[Path]:
    """The plots of the parts this run measured, as PNGs in ``out``; their paths."""
    parts = data["settings"].get("parts") or ()
    plots = (
        ("trials", "latency.png", _latency),
        ("curve", "startup_curve.png", _startup),
        ("scale", "scale.png", _scale),
        ("memory", "memory.png", _memory),
    )
    out.mkdir(parents=True, exist_ok=True)
    return [draw(data, out / name) for part, name, draw in plots if part in parts]
