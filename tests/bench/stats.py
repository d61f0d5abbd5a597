"""Medians, percentiles and the budget verdicts the harness prints."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation between closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


@dataclass
class Figure:
    """One line of the results table.

    `value` is what the budget is checked against (p95 for latencies unless said otherwise);
    `baseline` is the stock implementation's figure on the same data (its p50/p95 on the
    same statistic), `ratio` = baseline / ours for times and ours / baseline for "higher is
    better" figures, so a ratio above 1 always means "better than the stock approach".
    """

    id: str
    name: str
    unit: str  # "ms", "MB", "/s", "x"
    p50: float | None = None
    p95: float | None = None
    n: int = 0
    budget: float | None = None
    budget_text: str = ""
    higher_is_better: bool = False
    checked: str = "p95"  # which statistic the budget applies to: p95 | p50 | value
    baseline_p50: float | None = None
    baseline_p95: float | None = None
    note: str = ""
    status: str = ""  # PASS | MISS | n/a | not available yet
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, id: str, name: str, unit: str, samples: Sequence[float], **kw: Any) -> Figure:
        fig = cls(id, name, unit, **kw)
        fig.n = len(samples)
        if samples:
            fig.p50 = median(samples)
            fig.p95 = percentile(samples, 95)
        return fig

    def with_baseline(self, samples: Sequence[float] | None) -> Figure:
        if samples:
            self.baseline_p50 = median(samples)
            self.baseline_p95 = percentile(samples, 95)
        return self

    @property
    def value(self) -> float | None:
        return self.p50 if self.checked == "p50" else self.p95

    @property
    def ratio(self) -> float | None:
        ours = self.value
        base = self.baseline_p50 if self.checked == "p50" else self.baseline_p95
        if ours is None or base is None or ours <= 0 or base <= 0:
            return None
        return ours / base if self.higher_is_better else base / ours

    def judge(self) -> Figure:
        if self.status:
            return self
        value = self.value
        if value is None or self.budget is None:
            self.status = "n/a"
        elif self.higher_is_better:
            self.status = "PASS" if value >= self.budget else "MISS"
        else:
            self.status = "PASS" if value <= self.budget else "MISS"
        return self

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = self.ratio
        data["value"] = self.value
        return data


def fmt(value: float | None, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "/s":
        return f"{value:,.0f}/s"
    if unit == "x":
        return f"{value:.2f}×"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if value >= 1000:
        return f"{value:,.0f} ms"
    if value >= 100:
        return f"{value:.0f} ms"
    if value >= 10:
        return f"{value:.1f} ms"
    return f"{value:.2f} ms"


def table(figures: Sequence[Figure]) -> str:
    """A fixed-width text table (also valid Markdown)."""
    head = ("#", "measurement", "p50", "p95", "n", "baseline p50/p95", "ratio", "budget", "")
    rows = []
    for f in figures:
        base = (
            f"{fmt(f.baseline_p50, f.unit)} / {fmt(f.baseline_p95, f.unit)}"
            if f.baseline_p50 is not None
            else "—"
        )
        ratio = f"{f.ratio:,.1f}×" if f.ratio is not None else "—"
        rows.append(
            (
                f.id,
                f.name,
                fmt(f.p50, f.unit),
                fmt(f.p95, f.unit),
                str(f.n) if f.n else "—",
                base,
                ratio,
                f.budget_text or "—",
                f.status,
            )
        )
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)
    ]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in rows]
    notes = [f"- {f.id} {f.name}: {f.note}" for f in figures if f.note]
    if notes:
        out += ["", *notes]
    return "\n".join(out)
