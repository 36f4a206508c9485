"""The charts' profile: every chart kind drawn on real frames, against matplotlib's own cost for the
same figure.

The report's charts are collected from real reports (the chart functions of helpers.present.charts
are wrapped while the report's section functions run, so each call keeps its real arguments). Then,
interleaved over ROUNDS rounds:

- ``helpers``: the chart function called again and its PNG made (``Chart.png``, what the report embeds);
- ``matplotlib``: the same figure drawn minimally with plain matplotlib: the same artists (lines,
  bars, value labels, ticks and tick labels, axis labels, titles, legend) at the same positions on a
  Figure of the same size with no layout engine, saved once as PNG at the same dpi.

``kvot`` = helpers / matplotlib per chart (best of the rounds for each, in CPU seconds of this process). Also counted: how many times
each figure is drawn for its PNG and for its HTML. Writes benchmarks/results_charts.json.

    OMSORG_PROCESSED=/tmp/x/processed .venv/bin/omsorg bygg
    OMSORG_PROCESSED=/tmp/x/processed .venv/bin/python benchmarks/charts.py
"""
from __future__ import annotations

import gc
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from helpers.app.report import open_report
from helpers.present import charts as ch
from helpers.present import economy, forecast, volumes

HERE = Path(__file__).resolve().parent
REPORTS = [("exempel", "2017-12"), ("exempel", "2017-08"), ("botkyrka", "2017-08"), ("nacka", "2017-10"),
           ("lomma", "2017-08"), ("sodertalje", "2017-08")]
KINDS = ["deviation_chart", "forecast_history_chart", "monthly_lines", "same_period_bars", "cumulative_vs_budget",
         "stacked_regi", "small_multiples", "annual_overview"]
ROUNDS = int(os.environ.get("CHARTS_ROUNDS", "5"))


# --- the calls of real reports ---------------------------------------------------------------------

def collect(reports=REPORTS) -> list[tuple[str, str, tuple, dict]]:
    """(report, kind, args, kwargs) of every chart the reports draw."""
    calls: list = []
    originals = {k: getattr(ch, k) for k in KINDS}
    current = [""]

    def wrap(kind):
        def recorded(*args, **kwargs):
            calls.append((current[0], kind, args, kwargs))
            return originals[kind](*args, **kwargs)
        return recorded

    for k in KINDS:
        setattr(ch, k, wrap(k))
    try:
        for kommun, period in reports:
            try:
                data = open_report(kommun, period)
            except Exception as exc:  # noqa: BLE001  (a report the build left out is skipped, and said so)
                print(f"  {kommun} {period}: hoppas över ({exc})", file=sys.stderr)
                continue
            current[0] = f"{kommun} {period}"
            for part in (economy.deviation_chart, forecast.forecast_history_section, volumes.overview,
                         volumes.series_sections, volumes.annual_volumes):
                part(data)
    finally:
        for k, f in originals.items():
            setattr(ch, k, f)
    return calls


# --- the same figure, drawn minimally with plain matplotlib ----------------------------------------

def _ticks(axis, lo, hi):
    locs = [v for v in axis.get_majorticklocs() if min(lo, hi) - 1e-9 <= v <= max(lo, hi) + 1e-9]
    return locs, list(axis.get_major_formatter().format_ticks(locs))


def recipe(fig: Figure) -> dict:
    """Everything drawn in a chart's figure, as plain data (read without drawing the figure)."""
    axes = []
    for ax in fig.axes:
        if not ax.axison:
            axes.append({"position": ax.get_position().bounds, "off": True})
            continue
        xlim, ylim = ax.get_xlim(), ax.get_ylim()
        axes.append({
            "position": ax.get_position().bounds, "off": False, "xlim": xlim, "ylim": ylim,
            "xticks": _ticks(ax.xaxis, *xlim), "yticks": _ticks(ax.yaxis, *ylim),
            "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(),
            "title": ax.get_title(loc="left"), "title_x": ax._left_title.get_position()[0],
            "grid": ax.xaxis._major_tick_kw.get("gridOn", False), "ygrid": ax.yaxis._major_tick_kw.get("gridOn", False),
            "lines": [dict(x=ln.get_xdata(), y=ln.get_ydata(), color=ln.get_color(), ls=ln.get_linestyle(),
                           lw=ln.get_linewidth(), marker=ln.get_marker(), ms=ln.get_markersize())
                      for ln in ax.get_lines()],
            "rects": [dict(xy=p.get_xy(), w=p.get_width(), h=p.get_height(), fc=p.get_facecolor(), ec=p.get_edgecolor(),
                           lw=p.get_linewidth(), hatch=p.get_hatch())
                      for p in ax.patches if isinstance(p, Rectangle)],
            "texts": [dict(s=t.get_text(), xy=t.xy, xytext=t.xyann, ha=t.get_ha(), va=t.get_va(), size=t.get_fontsize())
                      for t in ax.texts if hasattr(t, "xy")],
        })
    legends = []
    for leg in fig.legends:
        legends.append(dict(handles=list(leg.legend_handles), labels=[t.get_text() for t in leg.get_texts()],
                            loc=leg._loc, anchor=leg.get_bbox_to_anchor().bounds, ncol=leg._ncols,
                            transform_fig=True))
    return {"size": tuple(fig.get_size_inches()), "dpi": ch.DPI, "axes": axes, "legends": legends}


def minimal(r: dict) -> bytes:
    """The recipe drawn with plain matplotlib calls on a Figure without a layout engine, saved once."""
    fig = Figure(figsize=r["size"], dpi=r["dpi"], layout="none")
    for a in r["axes"]:
        ax = fig.add_axes(a["position"])
        if a["off"]:
            ax.axis("off")
            continue
        for ln in a["lines"]:
            ax.plot(ln["x"], ln["y"], color=ln["color"], linestyle=ln["ls"], linewidth=ln["lw"], marker=ln["marker"],
                    markersize=ln["ms"])
        for p in a["rects"]:
            ax.add_patch(Rectangle(p["xy"], p["w"], p["h"], facecolor=p["fc"], edgecolor=p["ec"], linewidth=p["lw"],
                                   hatch=p["hatch"]))
        for t in a["texts"]:
            ax.annotate(t["s"], t["xy"], xytext=t["xytext"], textcoords="offset points", ha=t["ha"], va=t["va"],
                        fontsize=t["size"])
        ax.set_xlim(a["xlim"])
        ax.set_ylim(a["ylim"])
        ax.set_xticks(a["xticks"][0], a["xticks"][1])
        ax.set_yticks(a["yticks"][0], a["yticks"][1])
        ax.set_xlabel(a["xlabel"])
        ax.set_ylabel(a["ylabel"])
        if a["title"]:
            ax.set_title(a["title"], loc="left", x=a["title_x"])
    for leg in r["legends"]:
        fig.legend([_copy_handle(h) for h in leg["handles"]], leg["labels"], loc=leg["loc"],
                   bbox_to_anchor=leg["anchor"][:2], ncol=leg["ncol"])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=r["dpi"])
    return buf.getvalue()


def _copy_handle(h):
    if isinstance(h, Line2D):
        return Line2D([0], [0], color=h.get_color(), linewidth=h.get_linewidth(), linestyle=h.get_linestyle(),
                      marker=h.get_marker())
    return Patch(facecolor=h.get_facecolor(), edgecolor=h.get_edgecolor(), hatch=h.get_hatch())


# --- measuring -------------------------------------------------------------------------------------

def draws(chart) -> dict:
    """How many times a fresh chart's figure is drawn for its PNG, and for its HTML and notebook view after."""
    n = [0]
    chart.figure.canvas.mpl_connect("draw_event", lambda _e: n.__setitem__(0, n[0] + 1))
    assert chart.png
    png = n[0]
    chart.html()
    chart._repr_html_()
    return {"png": png, "png_html_repr": n[0]}


def timed(fn) -> float:
    """CPU seconds of this process (drawing is single-threaded; other processes on a shared machine do
    not count, so the ratios hold when the machine is busy)."""
    gc.collect()
    t = time.process_time()
    fn()
    return time.process_time() - t


def profile(calls, rounds: int = ROUNDS) -> dict:
    own = [[] for _ in calls]
    base = [[] for _ in calls]
    recipes = []
    counts = []
    for _report, kind, args, kwargs in calls:
        chart = getattr(ch, kind)(*args, **kwargs)
        if not isinstance(chart, ch.Chart):
            recipes.append(None)
            counts.append(None)
            continue
        counts.append(draws(getattr(ch, kind)(*args, **kwargs)))
        recipes.append(recipe(chart.figure))
    for _ in range(rounds):
        for i, (_report, kind, args, kwargs) in enumerate(calls):
            if recipes[i] is None:
                continue
            own[i].append(timed(lambda f=getattr(ch, kind), a=args, k=kwargs: f(*a, **k).png))
            base[i].append(timed(lambda r=recipes[i]: minimal(r)))
    per_chart = []
    for i, (report, kind, args, _kwargs) in enumerate(calls):
        if recipes[i] is None:
            per_chart.append({"rapport": report, "diagram": kind, "namn": args[0], "ritas_inte": True})
            continue
        o, b = min(own[i]), min(base[i])
        per_chart.append({"rapport": report, "diagram": kind, "namn": args[0], "helpers_s": round(o, 4),
                          "matplotlib_s": round(b, 4), "kvot": round(o / b, 3), "ritningar": counts[i]})
    drawn = [c for c in per_chart if not c.get("ritas_inte")]
    kinds = {}
    for k in KINDS:
        cs = [c for c in drawn if c["diagram"] == k]
        if cs:
            kinds[k] = {"antal": len(cs), "helpers_s_median": round(statistics.median(c["helpers_s"] for c in cs), 4),
                        "matplotlib_s_median": round(statistics.median(c["matplotlib_s"] for c in cs), 4),
                        "kvot_median": round(statistics.median(c["kvot"] for c in cs), 3),
                        "kvot_max": max(c["kvot"] for c in cs)}
    total_own, total_base = sum(c["helpers_s"] for c in drawn), sum(c["matplotlib_s"] for c in drawn)
    return {"diagram": len(drawn), "inte_ritade": len(per_chart) - len(drawn), "helpers_s": round(total_own, 3),
            "matplotlib_s": round(total_base, 3), "total_kvot": round(total_own / total_base, 3),
            "max_kvot": max(c["kvot"] for c in drawn), "ritningar_per_png": max(c["ritningar"]["png"] for c in drawn),
            "ritningar_png_html_repr": max(c["ritningar"]["png_html_repr"] for c in drawn),
            "per_slag": kinds, "per_diagram": per_chart}


def main(out: Path = HERE / "results_charts.json") -> dict:
    calls = collect()
    result = profile(calls)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{result['diagram']} diagram: helpers {result['helpers_s']:.2f} s, matplotlib {result['matplotlib_s']:.2f} s,"
          f" kvot {result['total_kvot']:.2f} (högst {result['max_kvot']:.2f}); ritningar per PNG "
          f"{result['ritningar_per_png']}, med HTML och notebookvy {result['ritningar_png_html_repr']}")
    for k, v in result["per_slag"].items():
        print(f"  {k:24s} {v['antal']:3d}  {v['helpers_s_median']:.3f} s mot {v['matplotlib_s_median']:.3f} s"
              f"  kvot {v['kvot_median']:.2f} (högst {v['kvot_max']:.2f})")
    return result


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "results_charts.json")
