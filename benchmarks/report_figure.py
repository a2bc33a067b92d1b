"""One row of the results table: a figure of both variants, its (b)/(a) ratio and its target."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = ["Figure", "Goal", "figure"]

type Goal = Literal["min_ratio", "max_ratio", "max_overhead_us", "min_value", "max_value"]
"""``*_ratio``: on (b)/(a); ``*_value``: on (b)'s own median (a count, or a ratio within (b))."""


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


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def figure(
    number: str,
    key: str,
    title: str,
    unit: str,
    a: Sequence[float | None],
    b: Sequence[float | None],
    goal: Goal | None = None,
    target: float | None = None,
) -> Figure:
    """The row for per-pair values ``a`` and ``b`` (None: not measured in that pair)."""
    a_values = [v for v in a if v is not None]
    b_values = [v for v in b if v is not None]
    a_med, b_med = _median(a_values), _median(b_values)
    ratio = b_med / a_med if a_med and b_med is not None else None
    value = b_med if goal in ("min_value", "max_value") else ratio
    met: bool | None = None
    if value is not None and target is not None:
        met = value >= target if goal in ("min_ratio", "min_value") else value <= target
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
        value_for_target=value if goal is not None else None,
        met=met,
    )
