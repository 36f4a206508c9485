"""Charts in the house style. Every function returns a ``Chart``: the matplotlib figure, a title that
states the finding, and alt text. A chart is drawn once and encoded once (no layout pass before the
draw: ``layout.arrange`` places the axes from the text's sizes); in a notebook it shows itself
(``_repr_html_``, with its alt text) and the figure stays available as ``.figure``.

The standards every chart keeps:
- bars, amounts and levels start at zero (``style.from_zero``, one rule for every value axis);
- the legend comes first, above the panels (a figure legend at the top);
- no series is drawn that does not exist (the regi chart needs both intern and extern);
- text sizes are points from the house style, the same in one chart and in 17 panels; every chart is
  ``style.WIDTH`` inches wide and prints at its own size.

Missing months are not drawn (never as zero) and months after the report period are not in the
data these functions receive."""
from __future__ import annotations

import base64
import io
import re
import textwrap
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from matplotlib import rcParams
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import imsave
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..core.formats import number, percent
from ..core.units import unit
from ..core.vocabulary import MONTH_ABBR
from . import layout, style
from .blocks import message
from .html import render

DPI = 96


def encode(figure: Figure) -> bytes:
    """The figure as PNG, drawn exactly once (a layout engine, if the figure has one, runs inside that draw)."""
    if figure.get_dpi() != DPI:
        figure.set_dpi(DPI)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    buf = io.BytesIO()
    imsave(buf, np.asarray(canvas.buffer_rgba()), format="png", dpi=DPI)
    return buf.getvalue()


@dataclass(eq=False)
class Chart:
    name: str
    title: str
    alt: str
    figure: Figure = field(repr=False)
    notes: tuple[str, ...] = ()

    @cached_property
    def png(self) -> bytes:
        """The PNG, rendered on first use and kept: the notebook view and every export share it."""
        return encode(self.figure)

    @property
    def size(self) -> tuple[int, int]:
        w, h = self.figure.get_size_inches()
        return int(round(w * DPI)), int(round(h * DPI))

    @property
    def anchor(self) -> str:
        return "diagram-" + re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")

    @cached_property
    def _html(self) -> str:
        w, h = self.size
        return render("chart.html.j2", title=self.title, alt=self.alt, png=base64.b64encode(self.png).decode("ascii"),
                      width=w, height=h, anchor=self.anchor, notes=self.notes)

    def html(self) -> str:
        return self._html

    def _repr_html_(self) -> str:  # the PNG travels once, inside the HTML with its title and alt text
        return self._html


def new_figure(width: float = style.WIDTH, height: float = 3.4, rows: int = 1, cols: int = 1,
               layout_engine: str | None = "constrained", **kw):
    """A figure in the house style. The report's charts pass ``layout_engine=None`` and place their axes
    with ``layout.arrange``; the default (constrained) suits a quick figure of one's own."""
    style.apply()
    fig = Figure(figsize=(width, height), dpi=DPI, layout=layout_engine)
    axes = fig.subplots(rows, cols, squeeze=False, **kw)
    return fig, axes


def _figure(height: float = 3.4, rows: int = 1, cols: int = 1):
    return new_figure(style.WIDTH, height, rows, cols, layout_engine=None)


def finish(fig, axes, used: int = 1, handles=None, labels=None, panel_height: float | None = None) -> float:
    """Place the axes and put the legend first, above them (one rule for every chart). Returns the width
    of a grid cell in inches."""
    if handles is None:
        handles, labels = [], []
        for ax in list(axes.flat)[:used]:
            for h, lab in zip(*ax.get_legend_handles_labels()):
                if lab not in labels:
                    handles.append(h)
                    labels.append(lab)
    ncol, cell = layout.arrange(fig, axes, used, legend_labels=list(labels), panel_height=panel_height)
    if labels:
        fig.legend(handles, labels, loc="upper left", bbox_to_anchor=layout.legend_anchor(fig), ncol=ncol)
    return cell


def _axis_label(enhet: str) -> str:
    try:
        return unit(enhet).axis or enhet
    except ValueError:
        return enhet


def _small_size() -> float:
    """Value labels on bars: the size of the tick labels."""
    return layout.points(rcParams["xtick.labelsize"])


# --- economy ---------------------------------------------------------------------------------------

def deviation_chart(name: str, deviations: pd.Series, title: str, enhet: str = "tkr", what: str = "mot budget",
                    estimated: bool = False) -> Chart:
    """Diverging horizontal bars from zero, sorted; better (blue) and worse (orange) than budget."""
    s = deviations.sort_values()
    d = unit(enhet).decimals
    names = [_wrap(str(i), 34, None) for i in s.index]
    lines = max((n.count("\n") + 1 for n in names), default=1)
    fig, axes = _figure()
    ax = axes[0, 0]
    colours = [style.POSITIVE if v >= 0 else style.NEGATIVE for v in s.values]
    ax.barh(range(len(s)), s.values, color=colours, height=0.7)
    ax.set_yticks(range(len(s)), names)
    ax.set_ylim(-0.6, len(s) - 0.4)
    ax.axvline(0, color="#333333", linewidth=1)
    style.number_axis(ax, d if abs(s).max() < 100 else 0, axis="x")
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    style.from_zero(ax, s.values, axis="x", room=0.2)   # room for the value labels
    ax.set_xlabel(f"Avvikelse {what}, {enhet} (positivt = bättre än budget)")
    for i, v in enumerate(s.values):
        ax.annotate(number(v, d), (v, i), xytext=(4 if v >= 0 else -4, 0), textcoords="offset points",
                    ha="left" if v >= 0 else "right", va="center", fontsize=_small_size())
    row = max(0.27, lines * layout.points(rcParams["ytick.labelsize"]) * 1.2 * layout.PT + 0.1)
    finish(fig, axes, panel_height=row * len(s))
    pos, neg = s[s > 0], s[s < 0]
    alt = (f"Liggande stapeldiagram: avvikelse {what} per verksamhet i {enhet}"
           + (" (uppskattad)" if estimated else "") + f". {len(pos)} verksamheter är bättre än budget och "
           f"{len(neg)} sämre. "
           + (f"Störst överskott: {pos.idxmax()} {number(pos.max(), d)} {enhet}. " if len(pos) else "")
           + (f"Störst underskott: {neg.idxmin()} {number(neg.min(), d)} {enhet}." if len(neg) else ""))
    return Chart(name, title, alt, fig)


def forecast_history_chart(name: str, history: pd.DataFrame, title: str, enhet: str, labels: list[str]) -> Chart:
    """The forecast deviation per month for the nämnd and the largest verksamheter (axis from zero)."""
    fig, axes = _figure(3.6)
    ax = axes[0, 0]
    periods = sorted(history["period"].unique())
    x = {p: i for i, p in enumerate(periods)}
    drawn = []
    for i, label in enumerate(labels):
        g = history[history["verksamhet"] == label].sort_values("period")
        if g.empty:
            continue
        ax.plot([x[p] for p in g["period"]], g["prognosavvikelse"], marker="o", markersize=4,
                color=style.PALETTE[i % len(style.PALETTE)], linewidth=2.4 if i == 0 else 1.6, label=label)
        drawn += list(g["prognosavvikelse"])
    ax.axhline(0, color="#333333", linewidth=1)
    ax.set_xticks(range(len(periods)), [MONTH_ABBR[int(p[5:]) - 1] for p in periods])
    style.number_axis(ax, unit(enhet).decimals)
    style.from_zero(ax, drawn)
    ax.set_ylabel(f"Prognosavvikelse, {enhet}")
    ax.set_xlabel(f"Prognosmånad {periods[0][:4]}" if periods else "Prognosmånad")
    finish(fig, axes)
    alt = (f"Linjediagram: helårsprognosens avvikelse mot budget i {enhet} för varje prognosmånad "
           f"({len(periods)} månader) för {', '.join(labels)}.")
    return Chart(name, title, alt, fig)


# --- volumes ---------------------------------------------------------------------------------------

def _months(ax, ticks=range(1, 13), labels=None) -> None:
    ax.set_xticks(list(ticks), labels if labels is not None else style.MONTHS_SHORT)
    ax.set_xlim(0.5, 12.5)


def monthly_lines(name: str, sub: pd.DataFrame, title: str, enhet: str) -> Chart:
    """Monthly lines per year with the budget line, for one series (only months with data), from zero."""
    fig, axes = _figure()
    ax = axes[0, 0]
    years = sorted(sub[sub["slag"] == "utfall"]["ar"].unique())
    drawn = []
    for y in years:
        g = sub[(sub["slag"] == "utfall") & (sub["ar"] == y)].sort_values("manad")
        label = f"Utfall {y}" + (f" (publicerad som '{g['omdopt'].iat[0]}')" if g["omdopt"].astype(bool).any() else "")
        ax.plot(g["manad"], g["varde"], marker="o", markersize=3, label=label, color=style.year_colour(y))
        drawn += list(g["varde"])
    b = sub[sub["slag"] == "budget"].sort_values("manad")
    if not b.empty:
        by = int(b["ar"].max())
        b = b[b["ar"] == by]
        ax.plot(b["manad"], b["varde"], linestyle="--", color=style.BUDGET, linewidth=1.5, label=f"Budget {by}")
        drawn += list(b["varde"])
    _months(ax)
    style.number_axis(ax)
    style.from_zero(ax, drawn)
    ax.set_ylabel(_axis_label(enhet))
    ax.set_xlabel("Månad")
    finish(fig, axes)
    serie = sub["serie"].iat[0] if len(sub) else name
    alt = (f"Linjediagram: {serie}, {enhet} per månad för åren {', '.join(str(y) for y in years)}"
           + (" med budgetlinje." if not b.empty else ".") + " Axeln börjar på noll.")
    return Chart(name, title, alt, fig)


def same_period_bars(name: str, table: pd.DataFrame, title: str, enhet: str) -> Chart:
    """The same months each year as bars from zero, with the change in percent against the year before."""
    fig, axes = _figure(3.2)
    ax = axes[0, 0]
    x = np.arange(len(table))
    ax.bar(x, table["varde"], color=[style.year_colour(y) for y in table["ar"]])
    ax.set_xticks(x, [str(y) for y in table["ar"]])
    style.number_axis(ax)
    style.from_zero(ax, table["varde"], room=0.25)   # room for the value and change above each bar
    ax.set_ylabel(_axis_label(enhet))
    ax.set_xlabel("År")
    for xi, (v, p) in enumerate(zip(table["varde"], table["forandring_procent"])):
        label = number(v) + ("" if p is None or pd.isna(p) else f"\n{percent(p, plus=True)}")
        ax.annotate(label, (xi, v), xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                    fontsize=_small_size())
    finish(fig, axes)
    alt = f"Stapeldiagram: {title}. " + "; ".join(f"{y}: {number(v)} {enhet}" for y, v in zip(table["ar"], table["varde"]))
    return Chart(name, title, alt, fig)


def cumulative_vs_budget(name: str, sub: pd.DataFrame, year: int, title: str, enhet: str) -> Chart:
    """Cumulative outcome so far against the cumulative budget for the same months, from zero."""
    fig, axes = _figure()
    ax = axes[0, 0]
    sub = sub[sub["ar"] == year]
    drawn = []
    for slag, colour, ls, label in (("utfall", style.year_colour(year), "-", "Utfall"), ("budget", style.BUDGET, "--", "Budget")):
        g = sub[sub["slag"] == slag].sort_values("manad")
        if not g.empty:
            cum = g["varde"].cumsum()
            ax.plot(g["manad"], cum, color=colour, linestyle=ls, marker="o" if slag == "utfall" else None,
                    markersize=3, label=f"{label} {year}, ackumulerat")
            drawn += list(cum)
    _months(ax)
    style.number_axis(ax)
    style.from_zero(ax, drawn)
    ax.set_ylabel(f"{_axis_label(enhet)}, ackumulerat")
    ax.set_xlabel("Månad")
    finish(fig, axes)
    serie = sub["serie"].iat[0] if len(sub) else name
    return Chart(name, title, f"Linjediagram: ackumulerat utfall mot ackumulerad budget {year} för {serie}, {enhet}.", fig)


def _regi_frame(series: pd.DataFrame, tabell: str, serie: str, year: int) -> pd.DataFrame:
    """Intern and extern outcome per month (rows: months with both values), or an empty frame."""
    sub = series[(series["tabell"] == tabell) & (series["serie"] == serie) & (series["ar"] == year)
                 & (series["slag"] == "utfall") & series["regi"].isin(["intern", "extern"])]
    by = {r: g.drop_duplicates("manad").set_index("manad")["varde"] for r, g in sub.groupby("regi")}
    if not {"intern", "extern"} <= set(by):
        return pd.DataFrame(columns=["intern", "extern"], dtype=float)
    return pd.concat({"intern": by["intern"], "extern": by["extern"]}, axis=1).dropna().sort_index()


def has_intern_and_extern(series: pd.DataFrame, tabell: str, serie: str, year: int) -> bool:
    """Whether a regi chart has anything to stack: months with both intern and extern outcome in the year."""
    return not _regi_frame(series, tabell, serie, year).empty


def stacked_regi(name: str, series: pd.DataFrame, tabell: str, serie: str, year: int, title: str, enhet: str):
    """Intern and extern regi stacked per month (months with both values only). A series with only one
    regi (or no month with both) has nothing to stack: a sentence saying so instead of a chart, never a
    stacked chart with one series (``has_intern_and_extern`` tells a caller beforehand)."""
    wide = _regi_frame(series, tabell, serie, year)
    if wide.empty:
        present = sorted(set(series[(series["tabell"] == tabell) & (series["serie"] == serie) & (series["ar"] == year)
                                    & (series["slag"] == "utfall")]["regi"]) & {"intern", "extern"})
        only = f"bara {present[0]} regi" if len(present) == 1 else "ingen månad med både intern och extern regi"
        return message(f"{serie} har {only} {year}; det finns ingen fördelning på intern och extern regi att visa.")
    fig, axes = _figure()
    ax = axes[0, 0]
    bottom = np.zeros(len(wide))
    for i, regi in enumerate(["intern", "extern"]):
        ax.bar(wide.index, wide[regi], bottom=bottom, label=regi.capitalize() + " regi", color=style.PALETTE[i])
        bottom += wide[regi].to_numpy()
    _months(ax)
    style.number_axis(ax)
    style.from_zero(ax, bottom)
    ax.set_ylabel(_axis_label(enhet))
    ax.set_xlabel("Månad")
    finish(fig, axes)
    return Chart(name, title, f"Staplat stapeldiagram: {serie} {year} per månad, intern och extern regi, {enhet}.", fig)


# --- small multiples -------------------------------------------------------------------------------

COLS = 3
PANEL_HEIGHT = 0.85   # inches of plot area per panel; the text round it is measured


def _panel_title_width() -> float:
    """Inches a panel title may take: its cell (the title starts at the cell's left edge)."""
    return (style.WIDTH - 2 * layout.EDGE - (COLS - 1) * layout.PANEL_GAP) / COLS - 0.05


def _titles_to_cells(axes, used: int, cell: float) -> None:
    """Move each panel title to the left edge of its cell, over the y labels, so it may use the cell's width."""
    width = axes[0, 0].figure.get_size_inches()[0]
    for i, ax in enumerate(list(axes.flat)[:used]):
        cell_left = (layout.EDGE + (i % COLS) * cell) / width
        pos = ax.get_position()
        ax.set_title(ax.get_title(loc="left"), loc="left", x=(cell_left - pos.x0) / pos.width)


def small_multiples(name: str, series: pd.DataFrame, title: str) -> Chart:
    """All monthly series of a municipality, one small panel each (outcome per year, from zero), units on
    the axes, the years' legend above the panels. One figure, drawn once."""
    out = series[series["slag"] == "utfall"]
    keys = [tuple(k) for k in out[["tabell", "serie", "regi"]].drop_duplicates().itertuples(index=False)]
    n = len(keys)
    rows = int(np.ceil(n / COLS)) or 1
    fig, axes = _figure(1.0 + 1.6 * rows, rows, COLS)
    size = layout.points(rcParams["axes.titlesize"])
    groups = dict(iter(out.groupby(["tabell", "serie", "regi"], sort=False)))
    for ax, (t, s, r) in zip(axes.flat, keys):
        sub = groups[(t, s, r)]
        for y, g in sub.groupby("ar"):
            g = g.sort_values("manad")
            ax.plot(g["manad"], g["varde"], linewidth=1.2, color=style.year_colour(y))
        style.from_zero(ax, sub["varde"])
        ax.set_ylabel(str(sub["enhet"].iat[0]))
        ax.set_title(layout.wrap(s + (f" ({r})" if r else ""), _panel_title_width(), size, 3), loc="left")
        _months(ax, [1, 4, 7, 10], ["jan", "apr", "jul", "okt"])
        style.number_axis(ax, nbins=4)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    years = sorted(out["ar"].unique())
    handles = [Line2D([0], [0], color=style.year_colour(y), linewidth=2) for y in years]
    cell = finish(fig, axes, n, handles, [str(y) for y in years], panel_height=PANEL_HEIGHT)
    _titles_to_cells(axes, n, cell)
    return Chart(name, title, f"{title}. Översikt med {n} små diagram, ett per volymserie, med utfall per månad och år. "
                              "Varje axel börjar på noll.", fig)


def annual_overview(name: str, annual: pd.DataFrame, year_columns: list[str], title: str) -> Chart:
    """Small multiples for annual volumes: outcome years as bars from zero, budget and forecast hatched; a
    missing year has no bar. The legend (years, B = budget, P = prognos) comes above the panels."""
    rows_ = annual[annual[year_columns].notna().sum(axis=1) >= 2].reset_index(drop=True)
    n = len(rows_)
    nrows = int(np.ceil(n / COLS)) or 1
    fig, axes = _figure(1.0 + 1.6 * nrows, nrows, COLS)
    size = layout.points(rcParams["axes.titlesize"])
    short = [c.split(" ")[1][-2:] if c.startswith("Utfall ") else c[0] for c in year_columns]
    kinds = [c.split(" ") for c in year_columns]
    fills = [style.year_colour(int(y)) if k == "Utfall" else "#ffffff" for k, y in kinds]
    hatches = [None if k == "Utfall" else "//" if k == "Budget" else ".." for k, _ in kinds]
    for ax, (_, r) in zip(axes.flat, rows_.iterrows()):
        present = [i for i, c in enumerate(year_columns) if pd.notna(r[c])]   # a missing year has no bar
        values = [r[year_columns[i]] for i in present]
        ax.bar(present, values, color=[fills[i] for i in present], hatch=[hatches[i] for i in present],
               edgecolor="#333333", linewidth=0.6)
        ax.set_xticks(range(len(year_columns)), short)
        ax.set_xlim(-0.6, len(year_columns) - 0.4)
        style.number_axis(ax, nbins=4)
        style.from_zero(ax, values)
        ax.set_ylabel(str(r["enhet"]))
        ax.set_title(layout.wrap(f"{r['verksamhet']}: {r['storhet']}", _panel_title_width(), size, 3), loc="left")
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    handles, labels = [], []
    for c, s in zip(year_columns, short):
        kind, year = c.split(" ")
        if kind == "Utfall":
            handles.append(Patch(facecolor=style.year_colour(int(year)), edgecolor="#333333", linewidth=0.6))
            labels.append(f"{year} ({s})")
        else:
            handles.append(Patch(facecolor="#ffffff", edgecolor="#333333", linewidth=0.6,
                                 hatch="//" if kind == "Budget" else ".."))
            labels.append(f"{kind} {year} ({s})")
    cell = finish(fig, axes, n, handles, labels, panel_height=PANEL_HEIGHT)
    _titles_to_cells(axes, n, cell)
    last = year_columns[-1].split(" ")[1] if year_columns else ""
    alt = (f"{title}. Översikt med {n} små stapeldiagram, ett per volym, med utfall per år och budget (B) och "
           f"prognos (P) för {last}. Varje axel börjar på noll.")
    return Chart(name, title, alt, fig)


def _wrap(text: str, width: int, max_lines: int | None = 2) -> str:
    lines = textwrap.wrap(text, width) or [text]
    if max_lines is None or len(lines) <= max_lines:
        return "\n".join(lines)
    return "\n".join(lines[:max_lines]) + "…"
