"""Where the axes of a chart go, worked out from its text in points without drawing the figure.

A chart is drawn once, when it is encoded. Matplotlib's constrained layout would draw it twice (a
layout pass, then the real draw) and costs as much as the draw again; the margins here come from the
sizes of the tick labels, axis labels, panel titles and the legend, measured with the font itself.
Sizes are in inches on a figure of fixed width; text sizes are points from the house style, so a
panel of a 17-panel overview has the same text as a single chart."""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from matplotlib import rcParams
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties

PT = 1 / 72            # an inch per point
EDGE = 0.06            # inches of white round the figure
TICK = 7 * PT          # tick length and the pad to its label
LABEL_PAD = 4 * PT     # axis label to tick labels
TITLE_PAD = 6 * PT     # panel title to its axes
PANEL_GAP = 0.12       # inches between panels, beyond their own labels
LINESPACING = 1.2      # matplotlib's line height, in font sizes


@lru_cache(maxsize=1)
def _renderer() -> RendererAgg:
    return RendererAgg(1, 1, 72)   # 72 dpi: one pixel is one point


def points(size) -> float:
    """A font size from the style ("small", 9, …) in points."""
    return FontProperties(size=size).get_size_in_points()


@lru_cache(maxsize=8192)
def text_extent(text: str, size: float, weight: str = "normal") -> tuple[float, float]:
    """Width and height of a (multi-line) text in inches, as matplotlib will lay it out."""
    lines = str(text).split("\n") or [""]
    prop = FontProperties(size=size, weight=weight)
    width = max((_renderer().get_text_width_height_descent(line, prop, ismath=False)[0] for line in lines if line),
                default=0.0)
    return width * PT, len(lines) * size * LINESPACING * PT


def _tick_labels(axis, lo: float, hi: float) -> list[str]:
    locs = [v for v in axis.get_majorticklocs() if min(lo, hi) - 1e-9 <= v <= max(lo, hi) + 1e-9]
    return [s for s in axis.get_major_formatter().format_ticks(locs) if s]


@dataclass
class Margins:
    left: float = 0.0
    right: float = 0.0
    top: float = 0.0
    bottom: float = 0.0


def panel_margins(ax) -> Margins:
    """The room a panel's own text needs around its axes, in inches."""
    m = Margins()
    ysize, xsize = points(rcParams["ytick.labelsize"]), points(rcParams["xtick.labelsize"])
    yl = _tick_labels(ax.yaxis, *ax.get_ylim()) if ax.yaxis.get_visible() else []
    xl = _tick_labels(ax.xaxis, *ax.get_xlim()) if ax.xaxis.get_visible() else []
    m.left = max((text_extent(s, ysize)[0] for s in yl), default=0.0) + TICK
    if ax.get_ylabel():
        m.left += text_extent(ax.get_ylabel(), points(ax.yaxis.label.get_fontsize()))[1] + LABEL_PAD
    m.bottom = max((text_extent(s, xsize)[1] for s in xl), default=0.0) + TICK
    if ax.get_xlabel():
        m.bottom += text_extent(ax.get_xlabel(), points(ax.xaxis.label.get_fontsize()))[1] + LABEL_PAD
    title = ax.get_title(loc="left") or ax.get_title()
    if title:
        m.top = text_extent(title, points(rcParams["axes.titlesize"]))[1] + TITLE_PAD
    # a tick label at the right end reaches past the axes by half its width
    m.right = max((text_extent(s, xsize)[0] / 2 for s in xl[-1:]), default=0.0)
    return m


def legend_height(labels: list[str], width: float) -> tuple[float, int]:
    """Height in inches of a frameless legend above the panels and its number of columns."""
    if not labels:
        return 0.0, 1
    size = points(rcParams["legend.fontsize"])
    em = size * PT
    entries = [text_extent(s, size)[0] + (rcParams["legend.handlelength"] + rcParams["legend.handletextpad"]
                                          + rcParams["legend.columnspacing"]) * em for s in labels]
    ncol = len(labels)
    while ncol > 1 and sum(sorted(entries, reverse=True)[:ncol]) > width - 2 * em:
        ncol -= 1
    rows = math.ceil(len(labels) / ncol)
    line = max(text_extent(s, size)[1] for s in labels)
    height = rows * line + (rows - 1) * rcParams["legend.labelspacing"] * em + 2 * rcParams["legend.borderpad"] * em
    return height, ncol


def arrange(fig, axes: np.ndarray, used: int, *, legend_labels: list[str] | None = None,
            panel_height: float | None = None) -> tuple[int, float]:
    """Place the first ``used`` axes of a grid (rows × cols) with room for their text, and the legend
    (if any) at the top, before the panels. With ``panel_height`` (inches of plot area per panel) the
    figure's height follows from the content; otherwise the figure keeps its height. Returns the legend's
    number of columns and the width of a grid cell in inches."""
    rows, cols = axes.shape
    width, height = fig.get_size_inches()
    active = list(axes.flat)[:used]
    ms = [panel_margins(ax) for ax in active] or [Margins()]
    m = Margins(max(x.left for x in ms), max(x.right for x in ms), max(x.top for x in ms), max(x.bottom for x in ms))
    leg_h, ncol = legend_height(legend_labels or [], width - 2 * EDGE)
    top = EDGE + (leg_h + 4 * PT if leg_h else 0.0)
    cell_w = (width - 2 * EDGE - (cols - 1) * PANEL_GAP - m.right) / cols
    plot_w = cell_w - m.left
    if panel_height is not None:
        height = top + rows * (m.top + panel_height + m.bottom) + (rows - 1) * PANEL_GAP + EDGE
        fig.set_size_inches(width, height)
    plot_h = (height - top - EDGE - (rows - 1) * PANEL_GAP) / rows - m.top - m.bottom
    plot_w, plot_h = max(plot_w, 0.3), max(plot_h, 0.3)   # very long labels: a small plot, never an error
    for i, ax in enumerate(axes.flat):
        r, c = divmod(i, cols)
        x0 = EDGE + c * (cell_w + PANEL_GAP) + m.left
        y_top = top + r * (m.top + plot_h + m.bottom + PANEL_GAP) + m.top
        ax.set_position([x0 / width, 1 - (y_top + plot_h) / height, plot_w / width, plot_h / height])
    fig.set_layout_engine("none")
    return ncol, cell_w + PANEL_GAP


def wrap(text: str, width: float, size: float, max_lines: int = 3) -> str:
    """Text broken into lines of at most ``width`` inches at ``size`` points (words kept whole; a word
    longer than the line stands alone), at most ``max_lines`` lines, the last ending in … if cut."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and text_extent(lines[-1] + " " + word, size)[0] <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] += "…"
    return "\n".join(lines)


def legend_anchor(fig) -> tuple[float, float]:
    """Where the legend's upper left corner goes (figure fraction): the top left of the figure."""
    width, height = fig.get_size_inches()
    return EDGE / width, 1 - EDGE / height
