"""Generated Swedish sentences, one template per kind, from the same rounded numbers as the tables."""
from __future__ import annotations

import math

from .fmt import mkr, number, round_half_up

TEMPLATES = {
    "avvikelse": "{vem} visar en {riktning} budgetavvikelse på {belopp} för {nar}.",
    "avvikelse_noll": "{vem} har ingen budgetavvikelse för {nar}.",
    "prognos": "Helårsprognosen för {vem} är {riktning} {belopp} jämfört med budget.",
    "prognos_noll": "Helårsprognosen för {vem} är en budget i balans.",
    "volym": "{serie}: {varde} {enhet} {period}, {forandring} jämfört med samma period {fg_ar}.",
    "volym_utan_jamforelse": "{serie}: {varde} {enhet} {period}.",
    "fynd": "Kvalitetskontrollen räknade om {n} publicerade siffror; {fel} var fel och {varningar} {varning_ord}.",
}

SINGULAR_UNITS = {"timmar": "timme", "brukare": "brukare", "beslut": "beslut", "personer": "person",
                  "helårsplatser": "helårsplats", "platser": "plats", "årsplatser": "årsplats", "dygn": "dygn"}


def _amount(tkr: float) -> str:
    """1 mkr or more in mkr with one decimal, otherwise tkr: as the seeds write it."""
    return mkr(abs(tkr)) if abs(tkr) >= 1000 else f"{number(abs(tkr))}\u00a0tkr"


def deviation(vem: str, tkr: float, nar: str = "perioden") -> str:
    shown = _amount(tkr)
    if tkr is None or math.isnan(tkr) or shown.startswith("0\u00a0") or shown.startswith("0,0"):
        return TEMPLATES["avvikelse_noll"].format(vem=vem, nar=nar)
    return TEMPLATES["avvikelse"].format(vem=vem, riktning="positiv" if tkr > 0 else "negativ", belopp=shown, nar=nar)


def forecast(vem: str, tkr: float) -> str:
    shown = _amount(tkr)
    if tkr is None or math.isnan(tkr) or shown.startswith("0\u00a0") or shown.startswith("0,0"):
        return TEMPLATES["prognos_noll"].format(vem=vem)
    return TEMPLATES["prognos"].format(vem=vem, riktning="ett överskott på" if tkr > 0 else "ett underskott på", belopp=shown)


def unit_word(enhet: str, value: float) -> str:
    return SINGULAR_UNITS.get(enhet, enhet) if round_half_up(abs(value)) == 1 else enhet


def volume(serie: str, value: float, enhet: str, period: str, change_pct: float | None, prev_year: int | None,
           decimals: int = 0, adjective: str = "") -> str:
    unit = (adjective + " " if adjective else "") + unit_word(enhet, value)
    if change_pct is None or (isinstance(change_pct, float) and math.isnan(change_pct)) or prev_year is None:
        return TEMPLATES["volym_utan_jamforelse"].format(serie=serie, varde=number(value, decimals), enhet=unit, period=period)
    p = round_half_up(change_pct, 1)
    if p == 0:
        change = "oförändrat"
    else:
        change = f"en {'ökning' if p > 0 else 'minskning'} med {number(abs(p), 1)} procent"
    return TEMPLATES["volym"].format(serie=serie, varde=number(value, decimals), enhet=unit, period=period,
                                     forandring=change, fg_ar=prev_year)


def findings(n: int, fel: int, varningar: int) -> str:
    return TEMPLATES["fynd"].format(
        n=number(n), fel="inga" if fel == 0 else number(fel),
        varningar="inga" if varningar == 0 else number(varningar), varning_ord="varningar" if varningar != 1 else "varning",
    )


def sentences(run) -> list[dict]:
    """Every generated sentence for a run: one per verksamhet (period and forecast) and one per
    volume series, with what it describes, so it can be checked against its table."""
    import pandas as pd

    from . import economy, tables, volumes

    out: list[dict] = []
    nar = f"perioden {tables.period_text(run)}"
    if run.is_report_period:
        recon = economy.reconciled_table(run)
        recon = recon[recon["radtyp"] != "rubrik"]
        for r in recon.itertuples():
            vem = ", ".join(run.meta.namnder) if (r.radtyp == "summa" and r.summerar == "") else r.verksamhet
            if pd.notna(r.avvikelse_period):
                out.append(dict(slag="avvikelse", tabell="ekonomi_per_verksamhet", rad=r.verksamhet,
                                kolumn="Avvikelse perioden", varde=float(r.avvikelse_period),
                                text=deviation(vem, r.avvikelse_period, nar)))
            if pd.notna(r.prognosavvikelse):
                out.append(dict(slag="prognos", tabell="ekonomi_per_verksamhet", rad=r.verksamhet,
                                kolumn="Prognosavvikelse", varde=float(r.prognosavvikelse),
                                text=forecast(vem, r.prognosavvikelse)))
    series = volumes.run_series(run)
    if not series.empty:
        table = volumes.run_same_period(run)
        for r in table[table["ar"] == run.year].itertuples():
            name = r.serie + (f" ({r.regi})" if r.regi else "")
            dec = 0 if volumes.aggregates_by_sum(r.enhet) else 1
            adjective = "utförda" if r.enhet == "timmar" and "beviljade" not in r.serie.lower() else ""
            enhet = r.enhet if volumes.aggregates_by_sum(r.enhet) else f"{r.enhet} i genomsnitt per månad"
            out.append(dict(slag="volym", tabell="volymer_samma_period", rad=name, kolumn="Förändring, %",
                            varde=None if r.forandring_procent is None or pd.isna(r.forandring_procent) else float(r.forandring_procent),
                            volym=float(r.varde), decimaler=dec, enhet=r.enhet,
                            text=volume(name, r.varde, enhet, tables.period_text(run), r.forandring_procent,
                                        run.year - 1, decimals=dec, adjective=adjective)))
    return out


def markdown(run, items: list[dict]) -> str:
    from . import tables

    lines = [f"# {run.meta.namn}: meningar för tjänsteskrivelsen, {tables.period_text(run)}", "",
             "Genererade ur siffrorna med samma avrundning som tabellerna. Klistra in och redigera fritt.", ""]
    for heading, kinds in (("Ekonomi, perioden", ("avvikelse",)), ("Ekonomi, helårsprognos", ("prognos",)),
                           ("Volymer", ("volym",))):
        chosen = [i["text"] for i in items if i["slag"] in kinds]
        if chosen:
            lines += [f"## {heading}", ""] + [f"- {t}" for t in chosen] + [""]
    return "\n".join(lines)
