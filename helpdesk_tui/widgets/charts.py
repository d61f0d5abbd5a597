"""Small terminal charts drawn with block characters: no plotting library needed."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, RenderResult
from rich.style import Style
from rich.text import Text

BLOCKS = " ▁▂▃▄▅▆▇█"


def _bar(value: float, top: float, height: int) -> list[str]:
    """One column of a bar chart, top row first, in eighths of a cell."""
    eighths = round(value / top * height * 8) if top else 0
    cells = []
    for row in range(height - 1, -1, -1):
        fill = max(0, min(8, eighths - row * 8))
        cells.append(BLOCKS[fill])
    return cells


class PairedBars:
    """Two series side by side per slot (today and a week ago, per hour)."""

    def __init__(
        self,
        first: Sequence[int],
        second: Sequence[int],
        labels: Sequence[str],
        *,
        height: int = 6,
        first_style: Style | str = "",
        second_style: Style | str = "",
        legend: tuple[str, str] = ("", ""),
    ) -> None:
        self.first, self.second, self.labels = list(first), list(second), list(labels)
        self.height = height
        self.first_style, self.second_style = first_style, second_style
        self.legend = legend

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        top = max([*self.first, *self.second, 1])
        columns_first = [_bar(v, top, self.height) for v in self.first]
        columns_second = [_bar(v, top, self.height) for v in self.second]
        roomy = options.max_width >= 5 + 3 * len(columns_first)  # else drop the gaps
        gap = " " if roomy else ""
        for row in range(self.height):
            line = Text()
            line.append(f"{top if row == 0 else '':>4} ", style="dim")
            for a, b in zip(columns_first, columns_second, strict=False):
                line.append(a[row], style=self.first_style)
                line.append(b[row], style=self.second_style)
                line.append(gap)
            yield line
        axis = Text("     ")
        for i, label in enumerate(self.labels):
            if roomy:
                axis.append(f"{label:<3}"[:3], style="dim")
            elif i % 2 == 0:
                axis.append(f"{label:<4}"[:4], style="dim")
        yield axis
        if any(self.legend):
            legend = Text("     ")
            legend.append("█", style=self.first_style)
            legend.append(f" {self.legend[0]}   ")
            legend.append("█", style=self.second_style)
            legend.append(f" {self.legend[1]}")
            yield legend


def sparkline(values: Sequence[int]) -> str:
    """One line: the trend of `values`, low to high."""
    if not values:
        return ""
    lo, hi = min(values), max(values)
    span = hi - lo or 1
    return "".join(BLOCKS[1 + round((v - lo) / span * 7)] for v in values)
