"""The house style for every chart: one matplotlib style file, a colour-blind-safe palette
(Okabe–Ito), the same colour for the same year in every chart, Swedish month names and numbers."""
from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from ..core.formats import number  # noqa: E402
from ..core.vocabulary import MONTH_ABBR  # noqa: E402

STYLE_FILE = Path(__file__).with_name("omsorg.mplstyle")
# Okabe & Ito (2008): distinguishable with all common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
POSITIVE = "#0072B2"   # better than budget
NEGATIVE = "#D55E00"   # worse than budget
BUDGET = "#000000"
MONTHS_SHORT = list(MONTH_ABBR)
# Every chart is this wide: it prints at its own size on A4 (182 mm between the margins), so text set in
# points prints in those points (8 pt and up), and a phone shrinks it less than a wider one.
WIDTH = 6.0
_applied = False


def apply() -> None:
    """Use the house style (once per process; every chart function calls this, only the first does anything)."""
    global _applied
    if not _applied:
        plt.style.use(str(STYLE_FILE))
        _applied = True


def thousands(decimals: int = 0) -> FuncFormatter:
    return FuncFormatter(lambda v, _pos: number(v, decimals))


def number_axis(ax, decimals: int = 0, axis: str = "y", nbins="auto") -> None:
    """Swedish numbers on a value axis; with no decimals the ticks are whole numbers (never 2,5 shown as 3)."""
    a = ax.yaxis if axis == "y" else ax.xaxis
    a.set_major_locator(MaxNLocator(nbins=nbins, integer=decimals == 0, steps=[1, 2, 2.5, 5, 10]))
    a.set_major_formatter(thousands(decimals))


def year_colour(year: int) -> str:
    """The same colour for the same year in every chart (2014 blue, 2015 orange, 2016 green, 2017 pink)."""
    return PALETTE[(int(year) - 2014) % len(PALETTE)]


def from_zero(ax, values, axis: str = "y", room: float = 0.06) -> None:
    """The one rule for a value axis: bars, amounts and levels (persons, places, hours) are drawn from zero.
    A level of 237–240 places is a flat line near 240, not a zigzag across the whole panel; a change is
    shown as a change (the deviation charts, the titles) and never by cutting the axis. The axis always
    includes zero and the values, with ``room`` (a share of the range) beyond them for value labels."""
    try:
        v = np.asarray(values, dtype=float)
    except (TypeError, ValueError):   # pd.NA or text among the values: not numbers, not drawn
        v = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    v = v[np.isfinite(v)]
    lo, hi = (min(0.0, v.min()), max(0.0, v.max())) if v.size else (0.0, 1.0)
    if hi == lo:
        hi = lo + 1.0
    span = hi - lo
    limits = (lo - (room * span if lo < 0 else 0.0), hi + (room * span if hi > 0 else 0.0))
    (ax.set_ylim if axis == "y" else ax.set_xlim)(*limits)
