"""The house style for every chart: one matplotlib style file, a colour-blind-safe palette
(Okabe–Ito), Swedish month names and thousands separated by a space."""
from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from .fmt import number

STYLE_FILE = Path(__file__).with_name("omsorg.mplstyle")
# Okabe & Ito (2008): distinguishable with all common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
POSITIVE = "#0072B2"   # better than budget
NEGATIVE = "#D55E00"   # worse than budget
BUDGET = "#000000"
MONTHS_SHORT = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def apply() -> None:
    plt.style.use(str(STYLE_FILE))


def thousands(decimals: int = 0) -> FuncFormatter:
    return FuncFormatter(lambda v, _pos: number(v, decimals))


def year_colour(year: int) -> str:
    """The same colour for the same year in every chart (2014 blue, 2015 orange, 2016 green, 2017 pink)."""
    return PALETTE[(int(year) - 2014) % len(PALETTE)]


def pad_flat_axis(ax, values) -> None:
    """A flat series (e.g. 16 every month) gets a readable integer range around it."""
    lo, hi = float(min(values)), float(max(values))
    if hi - lo < 2:
        ax.set_ylim(lo - 2, hi + 2)
