"""The report's opening: the heading, the summary (at most a few points, by materiality) with the
municipality's caveats and how the forecast moved, and every sentence for a tjänsteskrivelse."""
from __future__ import annotations

import pandas as pd

from ..analysis import reconcile as rc
from ..analysis.report_data import ReportData
from ..checks.causes import MATERIAL_SHARE_OF_BUDGET
from ..core.formats import amount, amounts, join_words, shown_as_zero
from ..core.period import Period
from ..core.units import unit
from ..core.vocabulary import LEDGER_TABLE
from . import forecast, quality, volumes
from . import narrative as nv
from .blocks import Heading
from .labels import display_label, reader_text


def heading(data: ReportData) -> Heading:
    m = data.meta
    line = f"{data.namnd} · {m.rapporttyp or 'Uppföljning'} · {data.period.span} · kommunkod {m.kommunkod}"
    return Heading(data.title, [line])


# The nämnd's summary: at most this many points and words, the most material first.
MAX_POINTS = 8
MAX_WORDS = 150


def summary(data: ReportData) -> nv.Narrative:
    """For the nämnd: the period result and the forecast, how the forecast moved, where the largest
    deviations are, the caveats that change how to read them, the hours, and what the checks found —
    in that order, as many as fit in MAX_POINTS points and MAX_WORDS words. The full list is
    ``full_summary`` (analysis version)."""
    full = full_summary(data, display=True).sentences
    movement = [nv.Sentence("prognosrorelse", t) for t in forecast_movement(data)]
    by_kind = {}
    for x in full:
        by_kind.setdefault((x.kind, x.measure), []).append(x)

    def first(kind: str, measure: str = "") -> list[nv.Sentence]:
        return by_kind.get((kind, measure), [])[:1]


    statements = [nv.Sentence("kommunens_uppgift", reader_text(c.text)) for c in material_statements(data)]
    said = {m.text for m in movement} | {x.text for x in statements}
    other_caveats = [x for x in full if x.kind == "forbehall" and x.text not in said]
    ordered = (first("resultat", "avvikelse_period") + first("prognos", "prognosavvikelse") + movement
               + statements + first("omraden", "avvikelse_period") + first("omraden", "prognosavvikelse")
               + first("storsta", "avvikelse_period") + first("storsta", "prognosavvikelse") + other_caveats
               + volumes.key_volume_sentence([x for x in full if x.kind == "volym"], data)
               + [quality.short_quality_sentence(data)])
    out, words = [], 0
    for x in ordered:
        n = len(x.text.split())
        if len(out) < MAX_POINTS and words + n <= MAX_WORDS:
            out.append(x)
            words += n
    return nv.Narrative(out, css_class="sammanfattning")


def material_statements(data: ReportData) -> list:
    """The municipality's own statements with an amount ([[forbehall]] belopp_mkr) that is material
    (at least MATERIAL_SHARE_OF_BUDGET % of the nämnd's budget), largest first."""
    budget = data.evidence.budget_tkr or 0
    with_amount = [c for c in data.meta.forbehall if c.belopp_mkr is not None
                   and abs(c.belopp_mkr) * 1000 >= budget * MATERIAL_SHARE_OF_BUDGET / 100]
    return sorted(with_amount, key=lambda c: -abs(c.belopp_mkr))


def full_summary(data: ReportData, display: bool = False) -> nv.Narrative:
    """Every summary sentence (the analysis version): areas and largest deviations for the period and
    the forecast, volume and price, every hours series, every caveat and the full quality count.
    ``display``: labels and caveats as the nämnd reads them (present.labels)."""
    table = data.table
    tot = data.total
    areas = rc.area_rows(table, several_tables=len(data.meta.main_tables) > 1)
    details = rc.detail_rows(data.detail) if not data.detail.empty else pd.DataFrame()
    if display:
        areas, details = _displayed(areas), _displayed(details)
    vp = data.volume_price
    explain = vp[vp["nyckeltal"].str.startswith("tkr per enhet") & (vp["ej_uppdelad"].fillna("") == "")] \
        if len(vp) and "ej_uppdelad" in vp else pd.DataFrame()
    return nv.summary(nv.SummaryInput(
        namnd=data.namnd, period=data.period, enhet=data.money, table=table, total=tot, areas=areas,
        details=details, explanations=explain, volumes=volumes.volume_sentences(data, hours_only=True, display=display),
        caveats=[reader_text(c) if display else c for c in caveats(data)] + forecast_movement(data),
        quality=quality.quality_sentence(data)))


def _displayed(rows: pd.DataFrame) -> pd.DataFrame:
    out = rows.copy()
    for column in ("etikett", "verksamhet"):
        if column in out:
            out[column] = out[column].map(display_label)
    return out


def forecast_movement(data: ReportData) -> list[str]:
    """How the nämnd's forecast moved since last month, and (in December) how well it hit."""
    out = []
    h = data.history
    label = data.total["verksamhet"] if data.total is not None else None
    own = h[h["verksamhet"] == label].sort_values("period") if not h.empty else h
    if len(own) >= 2 and own.iloc[-1]["period"] == str(data.period):
        a, b = own.iloc[-2], own.iloc[-1]
        prev = Period.parse(a["period"]).month_name
        if shown_as_zero(b["prognosavvikelse"] - a["prognosavvikelse"], data.money):
            out.append(f"Prognosen är oförändrad sedan {prev}.")
        else:
            change = b["prognosavvikelse"] - a["prognosavvikelse"]
            figures = [abs(change), a["prognosavvikelse"], b["prognosavvikelse"]]  # one unit for all three
            moved = amounts(figures, data.money)[0]
            if not any(c in "123456789" for c in moved):   # 30 tkr in an mkr sentence: not "0,0 mkr"
                moved = amount(abs(change), data.money)
            _, before, now = amounts(figures, data.money, plus=True)
            out.append(f"Prognosavvikelsen för {data.namnd} har {'ökat' if change > 0 else 'minskat'} med {moved} sedan "
                       f"{prev}: från {before} till {now}.")
        skipped = forecast.missing_months(Period.parse(a["period"]), data.period)
        if skipped:
            out[-1] = out[-1][:-1] + f" (prognosen för {join_words(skipped)} saknas)."
    a = data.accuracy
    if not a.empty:
        own_a = a[a["verksamhet"] == label].sort_values("period")
        if len(own_a):
            worst = own_a.loc[own_a["miss"].abs().idxmax()]
            most, last = amounts([abs(worst["miss"]), abs(own_a.iloc[-1]["miss"])], data.money)
            out.append(f"Årets utfall är klart: prognosen missade som mest i {Period.parse(worst['period']).month_name} "
                       f"med {most} och i {Period.parse(own_a.iloc[-1]['period']).month_name} med {last}.")
    return out


def caveats(data: ReportData) -> list[str]:
    out = [c.text for c in data.meta.forbehall]
    if data.computed_total_parts and LEDGER_TABLE not in data.meta.main_tables:
        out.append(f"{data.meta.namn} redovisar ingen summa för hela nämnden; nämndens siffror här är "
                   f"summan av {join_words(data.computed_total_parts)}.")
    t = data.table
    if not t.empty and (t["budget_period_hur"] == "uppskattad").any():
        out.append(f"{data.meta.namn} redovisar bara helårsbudget; periodens budget och avvikelse är därför "
                   f"uppskattade med helårsbudgeten jämnt fördelad över året ({data.period.month}/12).")
    budget = data.evidence.budget_tkr or 0
    for r in data.shown_resolutions():
        gap_tkr = abs(r.published - r.rows) * unit(r.enhet).to_tkr
        if (r.replaced or r.for_rows) and budget and gap_tkr >= budget * MATERIAL_SHARE_OF_BUDGET / 100:
            out.append(r.caveat())
    return out


def sentences(data: ReportData) -> nv.Narrative:
    """Every generated sentence, for a tjänsteskrivelse (meningar.md)."""
    out = list(summary(data).sentences)
    t = data.table
    for _, r in (t[t["radtyp"] != "rubrik"] if len(t) else t).iterrows():
        if r["verksamhet"] == (data.total["verksamhet"] if data.total is not None else None):
            continue
        if pd.notna(r["avvikelse_period"]) and not r["avvikelse_period_fel"]:
            out.append(nv.result(r["verksamhet"], r["avvikelse_period"], data.money, data.period,
                                 r["avvikelse_period_hur"] == "uppskattad"))
        if pd.notna(r["prognosavvikelse"]) and not r["prognosavvikelse_fel"]:
            out.append(nv.forecast(r["verksamhet"], r["prognosavvikelse"], data.money))
    out += volumes.volume_sentences(data)
    return nv.Narrative(list(dict.fromkeys(out)), f"{data.meta.namn}: meningar för tjänsteskrivelsen, "
                        f"{data.period.span}")
