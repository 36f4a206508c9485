"""Charts in the house style. Every function returns (figure, alt text); `figure_html` embeds the
figure as a PNG with its alt text, so the HTML report needs nothing from the network."""
from __future__ import annotations

import base64
import html
import io
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from matplotlib.ticker import MaxNLocator  # noqa: E402

from . import style  # noqa: E402
from .fmt import number, percent  # noqa: E402


def wrap(title: str, width: int = 70) -> str:
    """Long titles on at most two lines."""
    lines = textwrap.wrap(title, width)
    return "\n".join(lines[:2]) + ("…" if len(lines) > 2 else "")


def figure_html(fig, alt: str, caption: str | None = None) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return (f'<figure class="diagram"><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" '
            f'style="max-width:100%">{cap}</figure>')


def deviation_chart(deviations: pd.Series, title: str, unit: str = "tkr"):
    """Diverging horizontal bars, sorted; positive (better than budget) and negative in distinct colours."""
    style.apply()
    s = deviations.sort_values()
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.42 * len(s) + 1.2)))
    colours = [style.POSITIVE if v >= 0 else style.NEGATIVE for v in s.values]
    ax.barh(range(len(s)), s.values, color=colours)
    ax.set_yticks(range(len(s)), [str(i) for i in s.index])
    ax.axvline(0, color="#333333", linewidth=1)
    ax.xaxis.set_major_formatter(style.thousands())
    ax.grid(axis="x")
    ax.grid(axis="y", visible=False)
    ax.margins(x=0.15)  # room for the value labels at both ends
    ax.set_xlabel(f"Avvikelse mot budget, {unit} (positivt = bättre än budget)")
    ax.set_title(title)
    for i, v in enumerate(s.values):
        ax.annotate(number(v), (v, i), xytext=(4 if v >= 0 else -4, 0), textcoords="offset points",
                    ha="left" if v >= 0 else "right", va="center", fontsize=8)
    pos = s[s > 0]
    neg = s[s < 0]
    alt = (f"Liggande stapeldiagram över avvikelse mot budget per verksamhet i {unit}. "
           f"{len(pos)} verksamheter är bättre än budget och {len(neg)} sämre. "
           + (f"Störst överskott: {pos.idxmax()} {number(pos.max())} {unit}. " if len(pos) else "")
           + (f"Störst underskott: {neg.idxmin()} {number(neg.min())} {unit}." if len(neg) else ""))
    return fig, alt


def monthly_lines(series: pd.DataFrame, key, title: str, unit_label: str):
    """Monthly lines per year (2014–2017) with the budget line."""
    style.apply()
    t, s, r = key
    sub = series[(series["tabell"] == t) & (series["serie"] == s) & (series["regi"] == r)]
    fig, ax = plt.subplots()
    years = sorted(sub[sub["slag"] == "utfall"]["ar"].unique())
    for y in years:
        g = sub[(sub["slag"] == "utfall") & (sub["ar"] == y)].sort_values("manad")
        ax.plot(g["manad"], g["varde"], marker="o", markersize=3, label=f"Utfall {y}", color=style.year_colour(y))
    b = sub[sub["slag"] == "budget"].sort_values("manad")
    if not b.empty:
        ax.plot(b["manad"], b["varde"], linestyle="--", color=style.BUDGET, linewidth=1.5,
                label=f"Budget {int(b['ar'].max())}")
    ax.set_xticks(range(1, 13), style.MONTHS_SHORT)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(style.thousands())
    if len(sub):
        style.pad_flat_axis(ax, sub["varde"])
    ax.set_ylabel(unit_label)
    ax.set_xlabel("Månad")
    ax.set_title(wrap(title))
    fig.legend(ncol=5, loc="outside lower center")
    alt = (f"Linjediagram: {s}{(' ' + r) if r else ''}, {unit_label} per månad för åren "
           f"{', '.join(str(y) for y in years)}" + (" med budgetlinje." if not b.empty else "."))
    return fig, alt


def same_period_bars(table: pd.DataFrame, title: str, unit_label: str):
    """Same period each year as bars, with the change in percent against the year before."""
    style.apply()
    fig, ax = plt.subplots()
    x = np.arange(len(table))
    ax.bar(x, table["varde"], color=style.PALETTE[0])
    ax.set_xticks(x, [str(y) for y in table["ar"]])
    ax.yaxis.set_major_formatter(style.thousands())
    ax.set_ylabel(unit_label)
    ax.set_xlabel("År")
    ax.set_title(wrap(title))
    for xi, (v, p) in enumerate(zip(table["varde"], table["forandring_procent"])):
        label = number(v) + ("" if p is None or pd.isna(p) else f"\n{'+' if p > 0 else ''}{percent(p)}")
        ax.annotate(label, (xi, v), xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontsize=8)
    ax.margins(y=0.18)
    alt = f"Stapeldiagram: {title}. " + "; ".join(f"{y}: {number(v)}" for y, v in zip(table["ar"], table["varde"]))
    return fig, alt


def cumulative_vs_budget(series: pd.DataFrame, key, year: int, title: str, unit_label: str):
    """Cumulative year-to-date outcome against cumulative budget."""
    style.apply()
    t, s, r = key
    sub = series[(series["tabell"] == t) & (series["serie"] == s) & (series["regi"] == r) & (series["ar"] == year)]
    fig, ax = plt.subplots()
    for slag, colour, ls in (("utfall", style.PALETTE[0], "-"), ("budget", style.BUDGET, "--")):
        g = sub[sub["slag"] == slag].sort_values("manad")
        if not g.empty:
            ax.plot(g["manad"], g["varde"].cumsum(), color=colour, linestyle=ls, marker="o" if slag == "utfall" else None,
                    markersize=3, label=f"{slag.capitalize()} {year}, ackumulerat")
    ax.set_xticks(range(1, 13), style.MONTHS_SHORT)
    ax.yaxis.set_major_formatter(style.thousands())
    ax.set_ylabel(f"{unit_label}, ackumulerat")
    ax.set_xlabel("Månad")
    ax.set_title(wrap(title))
    ax.legend()
    return fig, f"Linjediagram: ackumulerat utfall mot ackumulerad budget {year} för {s}, {unit_label}."


def stacked_regi(series: pd.DataFrame, tabell: str, serie: str, year: int, title: str, unit_label: str):
    """Intern and extern regi stacked per month."""
    style.apply()
    sub = series[(series["tabell"] == tabell) & (series["serie"] == serie) & (series["ar"] == year) & (series["slag"] == "utfall")]
    fig, ax = plt.subplots()
    bottom = np.zeros(12)
    for i, regi in enumerate(["intern", "extern"]):
        g = sub[sub["regi"] == regi].set_index("manad")["varde"].reindex(range(1, 13)).fillna(0).to_numpy()
        ax.bar(range(1, 13), g, bottom=bottom, label=regi.capitalize() + " regi", color=style.PALETTE[i])
        bottom += g
    ax.set_xticks(range(1, 13), style.MONTHS_SHORT)
    ax.yaxis.set_major_formatter(style.thousands())
    ax.set_ylabel(unit_label)
    ax.set_title(title)
    ax.legend()
    return fig, f"Staplat stapeldiagram: {serie} {year} per månad, intern och extern regi, {unit_label}."


def small_multiples(series: pd.DataFrame, title: str):
    """All of a municipality's monthly series, one small panel each (outcome per year)."""
    style.apply()
    keys = series[series["slag"] == "utfall"][["tabell", "serie", "regi"]].drop_duplicates().itertuples(index=False)
    keys = [tuple(k) for k in keys]
    n = len(keys)
    cols = 3
    rows = int(np.ceil(n / cols)) or 1
    fig, axes = plt.subplots(rows, cols, figsize=(10, 2.5 * rows), squeeze=False)
    for ax, (t, s, r) in zip(axes.flat, keys):
        sub = series[(series["tabell"] == t) & (series["serie"] == s) & (series["regi"] == r) & (series["slag"] == "utfall")]
        for y in sorted(sub["ar"].unique()):
            g = sub[sub["ar"] == y].sort_values("manad")
            ax.plot(g["manad"], g["varde"], linewidth=1.2, color=style.year_colour(y), label=str(y))
        if len(sub):
            style.pad_flat_axis(ax, sub["varde"])
        ax.set_title(wrap(s + (f" ({r})" if r else ""), 42), fontsize=8)
        ax.set_xticks([1, 4, 7, 10], ["jan", "apr", "jul", "okt"])
        ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
        ax.yaxis.set_major_formatter(style.thousands())
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    from matplotlib.lines import Line2D

    years = sorted(series[series["slag"] == "utfall"]["ar"].unique())
    handles = [Line2D([0], [0], color=style.year_colour(y), linewidth=2) for y in years]
    fig.legend(handles, [str(y) for y in years], loc="outside lower center", ncol=len(years))
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    return fig, f"{title}. Översikt med {n} små diagram, ett per volymserie, med utfall per månad och år."


def annual_overview(annual: pd.DataFrame, title: str):
    """Small multiples for annual volumes: outcome years as bars, budget and forecast hatched."""
    style.apply()
    from .volumes import is_year_column

    cols = [c for c in annual.columns if is_year_column(c)]
    rows_ = annual[annual[cols].notna().sum(axis=1) >= 2].reset_index(drop=True)
    n = len(rows_)
    ncols = 3
    nrows = int(np.ceil(n / ncols)) or 1
    fig, axes = plt.subplots(nrows, ncols, figsize=(10, 2.4 * nrows), squeeze=False)
    for ax, r in zip(axes.flat, rows_.itertuples(index=False)):
        vals = [r[list(rows_.columns).index(c)] for c in cols]
        colours = [style.year_colour(int(c.split(" ")[1])) if c.startswith("Utfall") else "#ffffff" for c in cols]
        bars = ax.bar(range(len(cols)), [0 if pd.isna(v) else v for v in vals], color=colours, edgecolor="#333333", linewidth=0.6)
        for b, c in zip(bars, cols):
            if not c.startswith("Utfall"):
                b.set_hatch("//" if c.startswith("Budget") else "..")
        ax.set_xticks(range(len(cols)), [c.replace("Utfall ", "").replace("Budget ", "B ").replace("Prognos ", "P ") for c in cols], fontsize=7)
        ax.yaxis.set_major_formatter(style.thousands())
        ax.tick_params(labelsize=7)
        ax.set_title(wrap(f"{r.verksamhet}: {r.storhet}", 42), fontsize=8)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold")
    alt = (f"{title}. Översikt med {n} små stapeldiagram, ett per volym, med utfall per år och budget (B) och prognos (P) "
           f"för {cols[-1].split(' ')[1] if cols else ''}.")
    return fig, alt
