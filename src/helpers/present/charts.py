"""Charts in the house style. Every function returns a ``Chart``: the matplotlib figure, a title that
states the finding, and alt text. A chart is drawn once and encoded once; in a notebook it shows
itself (``_repr_html_``, with its alt text) and the figure stays available as ``.figure``.

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
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from ..core.formats import number, percent
from ..core.units import unit
from ..core.vocabulary import MONTH_ABBR
from . import style
from .html import render

DPI = 96


@dataclass(eq=False)
class Chart:
    name: str
    title: str
    alt: str
    figure: Figure = field(repr=False)
    notes: tuple[str, ...] = ()

    @cached_property
    def png(self) -> bytes:
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=DPI)
        return buf.getvalue()

    @property
    def size(self) -> tuple[int, int]:
        w, h = self.figure.get_size_inches()
        return int(round(w * DPI)), int(round(h * DPI))

    @property
    def anchor(self) -> str:
        return "diagram-" + re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")

    def html(self) -> str:
        w, h = self.size
        return render("chart.html.j2", title=self.title, alt=self.alt, png=base64.b64encode(self.png).decode("ascii"),
                      width=w, height=h, anchor=self.anchor, notes=self.notes)

    def _repr_html_(self) -> str:  # the PNG travels once, inside the HTML with its title and alt text
        return self.html()


def new_figure(width: float = 8.0, height: float = 4.2, rows: int = 1, cols: int = 1, **kw):
    style.apply()
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False, **kw)
    return fig, axes


def _axis_label(enhet: str) -> str:
    try:
        return unit(enhet).axis or enhet
    except ValueError:
        return enhet


# --- economy ---------------------------------------------------------------------------------------

def deviation_chart(name: str, deviations: pd.Series, title: str, enhet: str = "tkr", what: str = "mot budget",
                    estimated: bool = False) -> Chart:
    """Diverging horizontal bars, sorted; better (blue) and worse (orange) than budget."""
    s = deviations.sort_values()
    d = unit(enhet).decimals
    fig, axes = new_figure(8, max(2.6, 0.42 * len(s) + 1.3))
    ax = axes[0, 0]
    colours = [style.POSITIVE if v >= 0 else style.NEGATIVE for v in s.values]
    ax.barh(range(len(s)), s.values, color=colours)
    ax.set_yticks(range(len(s)), [str(i) for i in s.index])
    ax.axvline(0, color="#333333", linewidth=1)
    ax.xaxis.set_major_formatter(style.thousands(d if abs(s).max() < 100 else 0))
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.18)
    ax.set_xlabel(f"Avvikelse {what}, {enhet} (positivt = bättre än budget)")
    for i, v in enumerate(s.values):
        ax.annotate(number(v, d), (v, i), xytext=(4 if v >= 0 else -4, 0), textcoords="offset points",
                    ha="left" if v >= 0 else "right", va="center", fontsize=8)
    pos, neg = s[s > 0], s[s < 0]
    alt = (f"Liggande stapeldiagram: avvikelse {what} per verksamhet i {enhet}"
           + (" (uppskattad)" if estimated else "") + f". {len(pos)} verksamheter är bättre än budget och "
           f"{len(neg)} sämre. "
           + (f"Störst överskott: {pos.idxmax()} {number(pos.max(), d)} {enhet}. " if len(pos) else "")
           + (f"Störst underskott: {neg.idxmin()} {number(neg.min(), d)} {enhet}." if len(neg) else ""))
    return Chart(name, title, alt, fig)


def forecast_history_chart(name: str, history: pd.DataFrame, title: str, enhet: str, labels: list[str]) -> Chart:
    """The forecast deviation per month for the nämnd and the largest verksamheter."""
    fig, axes = new_figure(8, 4.4)
    ax = axes[0, 0]
    periods = sorted(history["period"].unique())
    x = {p: i for i, p in enumerate(periods)}
    for i, label in enumerate(labels):
        g = history[history["verksamhet"] == label].sort_values("period")
        if g.empty:
            continue
        ax.plot([x[p] for p in g["period"]], g["prognosavvikelse"], marker="o", markersize=4,
                color=style.PALETTE[i % len(style.PALETTE)], linewidth=2.4 if i == 0 else 1.6, label=label)
    ax.axhline(0, color="#333333", linewidth=1)
    ax.set_xticks(range(len(periods)), [MONTH_ABBR[int(p[5:]) - 1] for p in periods])
    ax.yaxis.set_major_formatter(style.thousands(unit(enhet).decimals))
    ax.set_ylabel(f"Prognosavvikelse, {enhet}")
    ax.set_xlabel(f"Prognosmånad {periods[0][:4]}" if periods else "Prognosmånad")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    alt = (f"Linjediagram: helårsprognosens avvikelse mot budget i {enhet} för varje prognosmånad "
           f"({len(periods)} månader) för {', '.join(labels)}.")
    return Chart(name, title, alt, fig)


# --- volumes ---------------------------------------------------------------------------------------

def monthly_lines(name: str, sub: pd.DataFrame, title: str, enhet: str) -> Chart:
    """Monthly lines per year with the budget line, for one series (only months with data)."""
    fig, axes = new_figure()
    ax = axes[0, 0]
    years = sorted(sub[sub["slag"] == "utfall"]["ar"].unique())
    for y in years:
        g = sub[(sub["slag"] == "utfall") & (sub["ar"] == y)].sort_values("manad")
        label = f"Utfall {y}" + (f" (publicerad som '{g['omdopt'].iat[0]}')" if g["omdopt"].astype(bool).any() else "")
        ax.plot(g["manad"], g["varde"], marker="o", markersize=3, label=label, color=style.year_colour(y))
    b = sub[sub["slag"] == "budget"].sort_values("manad")
    if not b.empty:
        by = int(b["ar"].max())
        b = b[b["ar"] == by]
        ax.plot(b["manad"], b["varde"], linestyle="--", color=style.BUDGET, linewidth=1.5, label=f"Budget {by}")
    ax.set_xticks(range(1, 13), style.MONTHS_SHORT)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(style.thousands())
    if len(sub):
        style.pad_flat_axis(ax, sub["varde"])
    ax.set_ylabel(_axis_label(enhet))
    ax.set_xlabel("Månad")
    if years or not b.empty:
        fig.legend(ncol=min(5, len(years) + (0 if b.empty else 1)), loc="outside lower center")
    serie = sub["serie"].iat[0] if len(sub) else name
    alt = (f"Linjediagram: {serie}, {enhet} per månad för åren {', '.join(str(y) for y in years)}"
           + (" med budgetlinje." if not b.empty else "."))
    return Chart(name, title, alt, fig)


def same_period_bars(name: str, table: pd.DataFrame, title: str, enhet: str) -> Chart:
    """The same months each year as bars, with the change in percent against the year before."""
    fig, axes = new_figure(8, 3.8)
    ax = axes[0, 0]
    x = np.arange(len(table))
    ax.bar(x, table["varde"], color=[style.year_colour(y) for y in table["ar"]])
    ax.set_xticks(x, [str(y) for y in table["ar"]])
    ax.yaxis.set_major_formatter(style.thousands())
    ax.set_ylabel(_axis_label(enhet))
    ax.set_xlabel("År")
    for xi, (v, p) in enumerate(zip(table["varde"], table["forandring_procent"])):
        label = number(v) + ("" if p is None or pd.isna(p) else f"\n{percent(p, plus=True)}")
        ax.annotate(label, (xi, v), xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontsize=8)
    ax.margins(y=0.2)
    alt = f"Stapeldiagram: {title}. " + "; ".join(f"{y}: {number(v)} {enhet}" for y, v in zip(table["ar"], table["varde"]))
    return Chart(name, title, alt, fig)


def cumulative_vs_budget(name: str, sub: pd.DataFrame, year: int, title: str, enhet: str) -> Chart:
    """Cumulative outcome so far against the cumulative budget for the same months."""
    fig, axes = new_figure(8, 3.8)
    ax = axes[0, 0]
    sub = sub[sub["ar"] == year]
    for slag, colour, ls, label in (("utfall", style.year_colour(year), "-", "Utfall"), ("budget", style.BUDGET, "--", "Budget")):
        g = sub[sub["slag"] == slag].sort_values("manad")
        if not g.empty:
            ax.plot(g["manad"], g["varde"].cumsum(), color=colour, linestyle=ls, marker="o" if slag == "utfall" else None,
                    markersize=3, label=f"{label} {year}, ackumulerat")
    ax.set_xticks(range(1, 13), style.MONTHS_SHORT)
    ax.yaxis.set_major_formatter(style.thousands())
    ax.set_ylabel(f"{_axis_label(enhet)}, ackumulerat")
    ax.set_xlabel("Månad")
    ax.legend()
    serie = sub["serie"].iat[0] if len(sub) else name
    return Chart(name, title, f"Linjediagram: ackumulerat utfall mot ackumulerad budget {year} för {serie}, {enhet}.", fig)


def stacked_regi(name: str, series: pd.DataFrame, tabell: str, serie: str, year: int, title: str, enhet: str) -> Chart:
    """Intern and extern regi stacked per month (months with both values only)."""
    fig, axes = new_figure(8, 3.8)
    ax = axes[0, 0]
    sub = series[(series["tabell"] == tabell) & (series["serie"] == serie) & (series["ar"] == year)
                 & (series["slag"] == "utfall")]
    wide = sub[sub["regi"].isin(["intern", "extern"])].pivot_table(index="manad", columns="regi", values="varde",
                                                                    aggfunc="first").dropna()
    bottom = np.zeros(len(wide))
    for i, regi in enumerate(["intern", "extern"]):
        if regi in wide:
            ax.bar(wide.index, wide[regi], bottom=bottom, label=regi.capitalize() + " regi", color=style.PALETTE[i])
            bottom += wide[regi].to_numpy()
    ax.set_xticks(range(1, 13), style.MONTHS_SHORT)
    ax.yaxis.set_major_formatter(style.thousands())
    ax.set_ylabel(_axis_label(enhet))
    ax.legend()
    return Chart(name, title, f"Staplat stapeldiagram: {serie} {year} per månad, intern och extern regi, {enhet}.", fig)


def small_multiples(name: str, series: pd.DataFrame, title: str) -> Chart:
    """All monthly series of a municipality, one small panel each (outcome per year), units on the axes."""
    keys = [tuple(k) for k in series[series["slag"] == "utfall"][["tabell", "serie", "regi"]]
            .drop_duplicates().itertuples(index=False)]
    n = len(keys)
    cols = 3
    rows = int(np.ceil(n / cols)) or 1
    fig, axes = new_figure(10, 2.6 * rows + 0.6, rows, cols)
    for ax, (t, s, r) in zip(axes.flat, keys):
        sub = series[(series["tabell"] == t) & (series["serie"] == s) & (series["regi"] == r) & (series["slag"] == "utfall")]
        for y in sorted(sub["ar"].unique()):
            g = sub[sub["ar"] == y].sort_values("manad")
            ax.plot(g["manad"], g["varde"], linewidth=1.2, color=style.year_colour(y))
        if len(sub):
            style.pad_flat_axis(ax, sub["varde"])
            ax.set_ylabel(str(sub["enhet"].iat[0]), fontsize=7)
        ax.set_title(_wrap(s + (f" ({r})" if r else ""), 40), fontsize=8, fontweight="normal")
        ax.set_xticks([1, 4, 7, 10], ["jan", "apr", "jul", "okt"])
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        ax.yaxis.set_major_formatter(style.thousands())
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    years = sorted(series[series["slag"] == "utfall"]["ar"].unique())
    handles = [Line2D([0], [0], color=style.year_colour(y), linewidth=2) for y in years]
    if years:
        fig.legend(handles, [str(y) for y in years], loc="outside lower center", ncol=len(years))
    return Chart(name, title, f"{title}. Översikt med {n} små diagram, ett per volymserie, med utfall per månad och år.", fig)


def annual_overview(name: str, annual: pd.DataFrame, year_columns: list[str], title: str) -> Chart:
    """Small multiples for annual volumes: outcome years as bars, budget and forecast hatched; a missing
    year has no bar."""
    rows_ = annual[annual[year_columns].notna().sum(axis=1) >= 2].reset_index(drop=True)
    n = len(rows_)
    ncols = 3
    nrows = int(np.ceil(n / ncols)) or 1
    fig, axes = new_figure(10, 2.5 * nrows + 0.4, nrows, ncols)
    for ax, (_, r) in zip(axes.flat, rows_.iterrows()):
        for i, c in enumerate(year_columns):
            v = r[c]
            if pd.isna(v):
                continue
            kind, year = c.split(" ")
            bar = ax.bar(i, v, color=style.year_colour(int(year)) if kind == "Utfall" else "#ffffff",
                         edgecolor="#333333", linewidth=0.6)
            if kind != "Utfall":
                bar[0].set_hatch("//" if kind == "Budget" else "..")
        ax.set_xticks(range(len(year_columns)),
                      [c.replace("Utfall ", "").replace("Budget ", "B ").replace("Prognos ", "P ") for c in year_columns],
                      fontsize=7)
        ax.yaxis.set_major_formatter(style.thousands())
        ax.set_ylabel(str(r["enhet"]), fontsize=7)
        ax.tick_params(labelsize=7)
        ax.set_title(_wrap(f"{r['verksamhet']}: {r['storhet']}", 40), fontsize=8, fontweight="normal")
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    last = year_columns[-1].split(" ")[1] if year_columns else ""
    alt = (f"{title}. Översikt med {n} små stapeldiagram, ett per volym, med utfall per år och budget (B) och "
           f"prognos (P) för {last}.")
    return Chart(name, title, alt, fig)


def _wrap(text: str, width: int) -> str:
    lines = textwrap.wrap(text, width)
    return "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")
