"""The house style for every chart: one matplotlib style file, a colour-blind-safe palette
(Okabe–Ito), the same colour for the same year in every chart, Swedish month names and numbers."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.ticker import FuncFormatter  # noqa: E402

from ..core.formats import number  # noqa: E402
from ..core.vocabulary import MONTH_ABBR  # noqa: E402

STYLE_FILE = Path(__file__).with_name("omsorg.mplstyle")
# Okabe & Ito (2008): distinguishable with all common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
POSITIVE = "#0072B2"   # better than budget
NEGATIVE = "#D55E00"   # worse than budget
BUDGET = "#000000"
MONTHS_SHORT = list(MONTH_ABBR)
_applied = False


def apply() -> None:
    """Use the house style (once per process)."""
    global _applied
    if not _applied:
        plt.style.use(str(STYLE_FILE))
        _applied = True


def thousands(decimals: int = 0) -> FuncFormatter:
    return FuncFormatter(lambda v, _pos: number(v, decimals))


def year_colour(year: int) -> str:
    """The same colour for the same year in every chart (2014 blue, 2015 orange, 2016 green, 2017 pink)."""
    return PALETTE[(int(year) - 2014) % len(PALETTE)]


def pad_flat_axis(ax, values) -> None:
    """A flat series (e.g. 16 every month) gets a readable range around it."""
    lo, hi = float(min(values)), float(max(values))
    if hi - lo < 2:
        ax.set_ylim(lo - 2, hi + 2)
