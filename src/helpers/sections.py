"""Report sections as HTML: each one call from a notebook cell, reused by the nämnd report."""
from __future__ import annotations

import html

import pandas as pd

from . import charts, economy, tables, volumes
from .fmt import percent, round_half_up

MONTHS = volumes.MONTH_NAMES
period_text = tables.period_text


def header(run, title: str) -> str:
    m = run.meta
    return (f'<h1>{html.escape(title)}: {html.escape(m.namn)}</h1>'
            f'<p>{html.escape(", ".join(m.namnder))} · {html.escape(m.rapporttyp)} · period {html.escape(period_text(run))} '
            f'(kommunkod {html.escape(m.kommunkod)})</p>')


def _report_period_only(run) -> str | None:
    if run.is_report_period:
        return None
    return f"<p>Ekonomidata finns bara för rapportperioden {html.escape(run.meta.period)}.</p>"


def economy_section(run) -> str:
    return _report_period_only(run) or tables.economy_table(run).html()


def deviation_chart_section(run) -> str:
    if not run.is_report_period:
        return ""
    dev = economy.chart_deviations(run)
    if dev.empty:
        return "<p>Inga avvikelser per verksamhet finns att visa.</p>"
    what = "perioden" if dev.name == "avvikelse_period" else "helårsprognosen"
    pos, neg = int((dev > 0).sum()), int((dev < 0).sum())
    title = f"{pos} verksamheter går bättre och {neg} sämre än budget ({what})"
    fig, alt = charts.deviation_chart(dev, title)
    return charts.figure_html(fig, alt)


def detail_section(run) -> str:
    """Deviations per verksamhet that the municipality gives only in its text (Lomma)."""
    if not run.is_report_period or not run.meta.detaljtabeller:
        return ""
    return "".join(tables.detail_table(run, t).html() for t in run.meta.detaljtabeller)


def _table_or_message(run, build, message: str, report_period_only: bool = True) -> str:
    """A table section, or a plain sentence saying why there is none."""
    if report_period_only and not run.is_report_period:
        return ""
    t = build(run)
    return f"<p>{message}</p>" if t.frame.empty else t.html()


def riktpunkt_section(run) -> str:
    return _table_or_message(run, tables.riktpunkt_table, "Riktpunktsjämförelse kräver utfall för perioden och "
                             "helårsbudget; det finns inte i den här rapporten.")


def forecast_section(run) -> str:
    return _table_or_message(run, tables.forecast_table, "Prognoskontrollen kräver utfall, prognos och helårsbudget.")


def volume_price_section(run) -> str:
    return _table_or_message(run, tables.volume_price_table, "Volym- och prisanalys kräver både volymer och "
                             "styckkostnader för samma verksamhet; det publicerar inte den här kommunen.", False)


def findings_section(run, dataset: str) -> str:
    f = run.findings()
    f = f[f["dataset"] == dataset]
    counts = f["bedomning"].value_counts()
    what = "ekonomiska siffror" if dataset == "ekonomi" else "volymkontroller"
    summary = (f"<p>{len(f)} {what} har räknats om: {counts.get('ok', 0)} stämmer exakt, "
               f"{counts.get('avrundning', 0)} skiljer sig bara genom avrundning, <strong>{counts.get('fel', 0)} är fel</strong> "
               f"och {counts.get('varning', 0)} är varningar.</p>")
    t = tables.findings_table(run, dataset)
    if t.frame.empty:
        return summary + "<p>Inga fel eller varningar.</p>"
    return summary + t.html()




# --- volumes ----------------------------------------------------------------------------------------

def unit_label(enhet: str) -> str:
    return {"timmar": "Timmar", "beslut": "Verkställda beslut", "brukare": "Brukare",
            "helårsplatser": "Helårsplatser", "personer": "Personer"}.get(enhet, enhet.capitalize())


def series_title(name: str, change: float | None, run) -> str:
    if change is None or pd.isna(change) or round_half_up(change, 1) == 0:
        trend = "oförändrat"
    else:
        trend = f"{'ökning' if change > 0 else 'minskning'} {percent(abs(change))}"
    return f"{name}: {trend} januari–{MONTHS[run.month - 1]} {run.year} mot {run.year - 1}"


def volume_sections(run) -> list[str]:
    """Charts and same-period tables for every series of the municipality."""
    series = volumes.run_series(run)
    annual = volumes.annual_table(run.tidy)
    if series.empty and annual.empty:
        return [f"<p>{html.escape(run.meta.namn)} redovisar inga volymer (timmar, platser eller beslut) i rapporten, "
                "så det finns inga volymdiagram för kommunen.</p>"]
    parts: list[str] = []
    if not series.empty:
        same = tables.volume_table(run)
        table = volumes.run_same_period(run)
        latest = table[(table["ar"] == run.year) & table["forandring_procent"].notna()]
        down = int((latest["forandring_procent"] < 0).sum())
        span = f"januari–{MONTHS[run.month - 1]} {run.year} mot {run.year - 1}"
        if not len(latest):
            overview = f"Alla volymserier per månad, {run.meta.namn}"
        elif down == 0:
            overview = f"Ingen av {len(latest)} volymserier minskade {span}"
        else:
            overview = f"{down} av {len(latest)} volymserier minskade {span}"
        fig, alt = charts.small_multiples(series, overview)
        parts.append(charts.figure_html(fig, alt))
        keys = volumes.series_keys(series)
        for key in keys:
            sub = table[(table["tabell"] == key[0]) & (table["serie"] == key[1]) & (table["regi"] == key[2])]
            name = key[1] + (f" ({key[2]})" if key[2] else "")
            enhet = series[(series["tabell"] == key[0]) & (series["serie"] == key[1])]["enhet"].iat[0]
            parts.append(f"<h3>{html.escape(name)}</h3>")
            change = sub["forandring_procent"].iloc[-1] if len(sub) else None
            if volumes.aggregates_by_sum(enhet) or len(keys) <= 4:
                # Hour series (and every series of a municipality with few) get their own monthly chart;
                # the others are in the overview above and in their table.
                fig, alt = charts.monthly_lines(series, key, series_title(name, change, run), unit_label(enhet))
                parts.append(charts.figure_html(fig, alt))
            if sub.empty:
                parts.append("<p>Det finns ingen hel jämförelseperiod för serien.</p>")
                continue
            agg = "summa" if volumes.aggregates_by_sum(enhet) else "medelvärde"
            if len(sub) > 1 and volumes.aggregates_by_sum(enhet):
                fig, alt = charts.same_period_bars(sub, f"{name}, januari–{MONTHS[run.month - 1]} per år ({agg})", unit_label(enhet))
                parts.append(charts.figure_html(fig, alt))
            if volumes.aggregates_by_sum(enhet) and (sub["budget"].notna()).any():
                fig, alt = charts.cumulative_vs_budget(series, key, run.year, f"{name}: ackumulerat utfall mot budget {run.year}", unit_label(enhet))
                parts.append(charts.figure_html(fig, alt))
            rows = same.frame[same.frame["Serie"] == name]
            t = tables.Table(same.name, f"{name}: samma period varje år ({agg} av månaderna)",
                             rows.drop(columns=["Serie", "Enhet"]), same.kinds)
            parts.append(t.html())
        regi = series[series["regi"].isin(["intern", "extern"])]
        for (tabell, serie), _ in regi.groupby(["tabell", "serie"]):
            fig, alt = charts.stacked_regi(series, tabell, serie, run.year, f"{serie}: intern och extern regi {run.year}", "Antal")
            parts.append(charts.figure_html(fig, alt))
    if not annual.empty:
        a = volumes.annual_changes(annual)
        over = int((a.get("Prognos mot budget, %", pd.Series(dtype=float)) > 0).sum())
        counted = int(a.get("Prognos mot budget, %", pd.Series(dtype=float)).notna().sum())
        title = (f"{over} av {counted} volymer prognosticeras över budget {run.meta.ar}" if counted
                 else f"Volymer per år, {run.meta.namn}")
        fig, alt = charts.annual_overview(annual, title)
        parts.append(charts.figure_html(fig, alt))
        parts.append(tables.annual_volume_table(run).html())
    return parts
