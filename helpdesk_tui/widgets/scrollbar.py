"""A vertical scrollbar that draws a line again only when that line changes.

Textual draws a whole scrollbar again, through Rich, whenever its position moves. On a
queue of 27,000 rows a page down moves the thumb by an eighth of a cell every other page,
yet drawing the bar again took 0.75 ms of a page down's 10 (tests/bench, a million
tickets). A vertical bar is one segment per line (a piece of track or of thumb, with its
colours and its mouse action), and a line's drawing depends on nothing else: the bar's
segments are cheap to compute, and each is drawn once and then reused.
"""

from __future__ import annotations

from collections.abc import Hashable

from rich.color import Color
from rich.console import RenderableType
from rich.segment import Segment
from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.widget import Widget

# what Rich's scrollbar falls back to when its style has no colour (textual/scrollbar.py)
_BACK = Color.parse("#555555")
_BAR = Color.parse("bright_magenta")
KEPT = 64  # drawn segments kept (track, thumb, its 16 partial ends, in a few colours)


class SteadyScrollBar(ScrollBar):
    """A vertical `ScrollBar` that reuses the line it drew for the same segment."""

    def __init__(self, vertical: bool = True, name: str | None = None, *, thickness: int = 1):
        super().__init__(vertical, name, thickness=thickness)
        self._drawn_for: Hashable = None
        self._drawn: dict[Segment, Strip] = {}
        self._rendered: list[Segment] | None = None  # what Textual's last drawing shows

    def render(self) -> RenderableType:
        """Textual draws the bar from this: note what the drawing will show, line by line
        (Textual may hand back lines drawn before the latest move until it repaints)."""
        bar = super().render()
        self._rendered = self._segments(bar)
        return bar

    def render_lines(self, crop: Region) -> list[Strip]:
        shown = self._segments(super().render())
        if shown is None:
            return super().render_lines(crop)
        context = (self.size, crop.column_span, self.app.ansi_theme, self.visual_style)
        if context != self._drawn_for or len(self._drawn) > KEPT:
            self._drawn_for = context
            self._drawn.clear()
        lines = shown[crop.y : crop.bottom]
        drawn = self._drawn
        if all(segment in drawn for segment in lines):
            return [drawn[segment] for segment in lines]
        strips = super().render_lines(crop)
        rendered = self._rendered
        if rendered is not None and len(rendered) == len(shown) and len(strips) == len(lines):
            drawn.update(zip(rendered[crop.y : crop.bottom], strips, strict=True))
        return strips

    def _segments(self, bar: RenderableType) -> list[Segment] | None:
        """The segments, one per line, that `bar` draws as `ScrollBarRender` does; None
        when it is not a vertical bar of that kind."""
        if not self.vertical or not isinstance(bar, ScrollBarRender) or bar.style is None:
            return None
        style = self.app.console.get_style(bar.style)
        width, height = self.size
        segments = bar.render_bar(
            size=height,
            window_size=bar.window_size,
            virtual_size=bar.virtual_size,
            position=bar.position,
            vertical=True,
            thickness=width,
            back_color=style.bgcolor or _BACK,
            bar_color=style.color or _BAR,
        ).segments
        return segments if len(segments) == height else None


def install_steady_scrollbar(widget: Widget) -> ScrollBar:
    """`widget.vertical_scrollbar`, created as a `SteadyScrollBar` (Textual's property
    creates a plain one; this is its body with the class changed)."""
    if widget._vertical_scrollbar is None:
        bar = SteadyScrollBar(
            vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical
        )
        bar.display = False
        widget._vertical_scrollbar = bar
        widget.app._start_widget(widget, bar)
    return widget._vertical_scrollbar
