"""Report sections as HTML: each one call from a notebook cell, reused by the nämnd report."""
from __future__ import annotations

import html

import pandas as pd

from . import charts, economy, volumes
from .fmt import number, percent
from .tables import TABLE_CSS, economy_html, findings_html, html_table

MONTHS = volumes.MONTH_NAMES


def period_text(run) -> str:
    return f"januari–{MONTHS[run.month - 1]} {run.year}"


def header(run, title: str) -> str:
    m = run.meta
    return (f'<h1>{html.escape(title)}: {html.escape(m.namn)}</h1>'
            f'<p>{html.escape(", ".join(m.namnder))} · {html.escape(m.rapporttyp)} · period {html.escape(period_text(run))} '
            f'(kommunkod {html.escape(m.kommunkod)})</p>')


def economy_section(run) -> str:
    if not run.is_report_period:
        return f"<p>Ekonomidata finns bara för rapportperioden {html.escape(run.meta.period)}.</p>"
    recon = economy.reconciled_table(run)
    return economy_html(recon, f"Budget och utfall per verksamhet, {period_text(run)}, tkr")


def deviation_chart_section(run) -> str:
    if not run.is_report_period:
        return ""
    recon = economy.reconciled_table(run)
    dev = economy.deviations_for_chart(recon)
    if dev.empty:
        return "<p>Inga avvikelser per verksamhet finns att visa.</p>"
    what = "perioden" if dev.name == "avvikelse_period" else "helårsprognosen"
    pos, neg = int((dev > 0).sum()), int((dev < 0).sum())
    title = f"{pos} verksamheter går bättre och {neg} sämre än budget ({what})"
    fig, alt = charts.deviation_chart(dev, title)
    return charts.figure_html(fig, alt)


def riktpunkt_section(run) -> str:
    if not run.is_report_period:
        return ""
    recon = economy.reconciled_table(run)
    t = economy.riktpunkt_table(recon, run.month)
    if t.empty:
        return "<p>Riktpunktsjämförelse kräver utfall för perioden och helårsbudget; det finns inte i den här rapporten.</p>"
    df = t.rename(columns={"verksamhet": "Verksamhet", "helarsbudget": "Helårsbudget", "utfall_period": "Utfall perioden",
                           "andel_av_helarsbudget": "Utfall i % av budget", "riktpunkt": "Riktpunkt, %",
                           "budget_period_rak": "Periodiserad budget", "avvikelse_mot_riktpunkt": "Avvikelse mot periodiserad budget"})
    fm = {c: number for c in ("Helårsbudget", "Utfall perioden", "Periodiserad budget", "Avvikelse mot periodiserad budget")}
    fm.update({"Utfall i % av budget": percent, "Riktpunkt, %": percent})
    note = (f"Riktpunkten är andelen av året som gått: {run.month}/12 = {percent(100 * run.month / 12)}. "
            "Ett utfall över riktpunkten betyder att mer än en jämn andel av årets budget har använts. "
            "Periodiserad budget = helårsbudget × månader/12 (linjärt; ingen säsongsprofil finns i datan).")
    return TABLE_CSS + html_table(df, f"Utfall i procent av helårsbudget mot riktpunkt, {period_text(run)}", fm,
                                  df["radtyp"] == "summa", note)


def forecast_section(run) -> str:
    if not run.is_report_period:
        return ""
    recon = economy.reconciled_table(run)
    t = economy.forecast_check(recon, run.month)
    if t.empty:
        return "<p>Prognoskontrollen kräver utfall, prognos och helårsbudget.</p>"
    df = pd.DataFrame({
        "Verksamhet": t["verksamhet"], "radtyp": t["radtyp"], "Helårsbudget": t["helarsbudget"],
        "Officiell prognos": t["prognos"], "Rak uppräkning": t["prognos_rak"],
        "Skillnad": t["prognos"] - t["prognos_rak"],
        "Bedömning": t["flagga"].map({True: "Avviker – kontrollera", False: "Rimlig"}),
    })
    fm = {c: number for c in ("Helårsbudget", "Officiell prognos", "Rak uppräkning", "Skillnad")}
    n = int(t["flagga"].sum())
    note = (f"Rak uppräkning = periodens utfall / {run.month} × 12. En prognos markeras när den skiljer sig från "
            f"uppräkningen med mer än {percent(100 * economy.FORECAST_THRESHOLD, 0)} av helårsbudgeten. "
            f"{n} av {len(t)} prognoser avviker. En avvikelse kan vara rimlig (kända kostnader under hösten), men bör kunna förklaras.")
    return TABLE_CSS + html_table(df, "Prognoskontroll: officiell helårsprognos mot rak uppräkning, tkr", fm,
                                  df["radtyp"] == "summa", note)


def volume_price_section(run) -> str:
    t = economy.volume_price_table(run)
    if t.empty:
        return "<p>Volym- och prisanalys kräver både volymer och styckkostnader för samma verksamhet; det publicerar inte den här kommunen.</p>"
    df = pd.DataFrame({
        "Verksamhet": t["verksamhet"], "Volym": t["storhet"], "Budget": t["volym_budget"], "Prognos": t["volym_prognos"],
        "Volymeffekt, tkr": t["volymeffekt"], "Priseffekt, tkr": t["priseffekt"], "Totalt, tkr": t["total"],
    })
    fm = {"Budget": lambda v: number(v, 1 if v % 1 else 0), "Prognos": lambda v: number(v, 1 if v % 1 else 0)}
    fm.update({c: number for c in ("Volymeffekt, tkr", "Priseffekt, tkr", "Totalt, tkr")})
    note = ("Skillnaden mellan prognos och budget 2017 för volym × styckkostnad (nyckeltal) delas upp i en volymeffekt "
            "(ändrad volym × budgeterad styckkostnad) och en priseffekt (ändrad styckkostnad × prognosticerad volym). "
            "De två summerar exakt till totalen. Negativt = högre kostnad än budget.")
    return TABLE_CSS + html_table(df, "Volym- och priseffekter, prognos mot budget 2017", fm, None, note)


def findings_section(run, dataset: str) -> str:
    f = run.findings()
    f = f[f["dataset"] == dataset]
    counts = f["bedomning"].value_counts()
    what = "ekonomiska" if dataset == "ekonomi" else "volym"
    summary = (f"<p>{len(f)} {what}{'siffror' if dataset == 'ekonomi' else 'kontroller'} har räknats om: "
               f"{counts.get('ok', 0)} stämmer exakt, {counts.get('avrundning', 0)} skiljer sig bara genom avrundning, "
               f"<strong>{counts.get('fel', 0)} är fel</strong> och {counts.get('varning', 0)} är varningar.</p>")
    return summary + findings_html(f, "Fel och varningar i de publicerade siffrorna")


# --- volumes ----------------------------------------------------------------------------------------

def unit_label(enhet: str) -> str:
    return {"timmar": "Timmar", "beslut": "Verkställda beslut", "brukare": "Brukare",
            "helårsplatser": "Helårsplatser", "personer": "Personer"}.get(enhet, enhet.capitalize())


def volume_sections(run) -> list[str]:
    """Charts and same-period tables for every series of the municipality."""
    series = volumes.series_frame(run.tidy)
    parts: list[str] = []
    if series.empty and volumes.annual_table(run.tidy).empty:
        return [f"<p>{html.escape(run.meta.namn)} redovisar inga volymer (timmar, platser eller beslut) i rapporten, "
                "så det finns inga volymdiagram för kommunen.</p>"]
    if not series.empty:
        table = volumes.same_period_table(series, run.year, run.month)
        fig, alt = charts.small_multiples(series, f"Alla volymserier per månad, {run.meta.namn}")
        parts.append(charts.figure_html(fig, alt))
        for key in volumes.series_keys(series):
            sub = table[(table["tabell"] == key[0]) & (table["serie"] == key[1]) & (table["regi"] == key[2])]
            name = key[1] + (f" ({key[2]})" if key[2] else "")
            enhet = series[(series["tabell"] == key[0]) & (series["serie"] == key[1])]["enhet"].iat[0]
            parts.append(f"<h3>{html.escape(name)}</h3>")
            if sub.empty:
                parts.append("<p>Det finns inga hela jämförelseperioder för serien.</p>")
                continue
            last = sub.iloc[-1]
            change = last["forandring_procent"]
            trend = ("oförändrat" if change is None or pd.isna(change) or round(change, 1) == 0
                     else ("ökning" if change > 0 else "minskning"))
            agg = "summa" if volumes.aggregates_by_sum(enhet) else "medelvärde"
            title = (f"{name}: {trend} {percent(abs(change)) if change is not None and not pd.isna(change) and trend != 'oförändrat' else ''} "
                     f"{period_text(run)} mot året före").replace("  ", " ")
            fig, alt = charts.monthly_lines(series, key, title, unit_label(enhet))
            parts.append(charts.figure_html(fig, alt))
            if len(sub) > 1:
                fig, alt = charts.same_period_bars(sub, f"{name}, januari–{MONTHS[run.month - 1]} per år ({agg})", unit_label(enhet))
                parts.append(charts.figure_html(fig, alt))
            df = pd.DataFrame({
                "År": sub["ar"].astype(str), "Period": sub["period"], unit_label(enhet): sub["varde"],
                "Förändring": sub["forandring"], "Förändring, %": sub["forandring_procent"],
                "Budget": sub["budget"], "Avvikelse mot budget, %": sub["avvikelse_budget_procent"],
                "Helår": sub["helar"],
            })
            dec = 0 if volumes.aggregates_by_sum(enhet) else 1
            fm = {unit_label(enhet): lambda v, d=dec: number(v, d), "Förändring": lambda v, d=dec: number(v, d) if v is not None and not pd.isna(v) else "",
                  "Förändring, %": lambda v: percent(v) if v is not None and not pd.isna(v) else "",
                  "Budget": lambda v, d=dec: number(v, d) if v is not None and not pd.isna(v) else "",
                  "Avvikelse mot budget, %": lambda v: percent(v) if v is not None and not pd.isna(v) else "",
                  "Helår": lambda v, d=dec: number(v, d) if v is not None and not pd.isna(v) else ""}
            parts.append(TABLE_CSS + html_table(df, f"{name}: samma period varje år ({agg} av månaderna)", fm))
        regi = series[series["regi"].isin(["intern", "extern"])]
        for (tabell, serie), _ in regi.groupby(["tabell", "serie"]):
            fig, alt = charts.stacked_regi(series, tabell, serie, run.year, f"{serie}: intern och extern regi {run.year}", "Antal")
            parts.append(charts.figure_html(fig, alt))
    annual = volumes.annual_table(run.tidy)
    if not annual.empty:
        cols = [c for c in annual.columns if c.split(" ")[0] in ("Utfall", "Budget", "Prognos")]
        df = annual[["verksamhet", "storhet"] + cols].rename(columns={"verksamhet": "Verksamhet", "storhet": "Mått"})
        fm = {c: (lambda v: number(v, 0 if pd.isna(v) or float(v).is_integer() else 1)) for c in cols}
        parts.append(TABLE_CSS + html_table(df, "Volymer per år (utfall, budget och prognos)", fm))
    return parts
