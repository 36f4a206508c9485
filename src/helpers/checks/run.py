"""All checks for one municipality and period, from already-loaded data: economy and volume
checks, which figure the report uses where totals and rows disagree, the municipality's text, and
the findings grouped by cause."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import pandas as pd

from ..core.hierarchy import Row, table_rows
from ..core.period import Period
from ..core.signs import normalise_sign
from ..core.units import unit
from ..core.vocabulary import ECONOMY_DATASETS
from .causes import KIND_WORDS, Cause, group_causes, materiality_text
from .economy import economy_checks
from .evidence import Evidence, Resolution, resolve, text_checks
from .figures import EcoRows, grand_total_rows, measure_of, row_values
from .finding import Cell, Check
from .volumes import Relabel, volume_checks


@dataclass
class Quality:
    kommun: str
    period: str
    checks: list[Check]
    resolutions: dict[Cell, Resolution]
    relabels: list[Relabel]
    ignored_rows: list[tuple[str, int]]
    causes: list[Cause]
    budget_tkr: float | None = None
    headings: dict[str, str] = field(default_factory=dict)
    evidence: Evidence | None = None
    shown: list[Cell] = field(default_factory=list)   # resolved cells the economy table shows
    money: str = "tkr"                                 # the municipality's money unit (materiality is written in it)

    def counts(self, dataset: str | None = None) -> dict[str, int]:
        """Checks per assessment; the numbers every summary and section use, so they add up."""
        cs = [c for c in self.checks if dataset is None or _section(c) == dataset]
        out = {k: 0 for k in ("ok", "avrundning", "fel", "varning", "ej_kontrollerbar")}
        for c in cs:
            out[c.bedomning] = out.get(c.bedomning, 0) + 1
        return out

def _section(x) -> str:
    """Economy and text findings are reported together under 'ekonomi'."""
    return "volymer" if x.dataset == "volymer" else "ekonomi"


def table_headings(meta) -> dict[str, str]:
    """The table as a reader finds it in the source: ”section: heading”."""
    out = {}
    for t in meta.tabell:
        heading = t.avsnitt or t.id
        if t.rubrik and "\t" not in t.rubrik and t.rubrik.strip() not in heading:
            heading = f"{heading}: {t.rubrik.strip()}"
        out[t.id] = f"”{heading}”"
    return out


def run_checks(tidy: pd.DataFrame, structure: pd.DataFrame, meta, period: Period) -> Quality:
    """Every check for one municipality and period. ``tidy``/``structure`` hold that data only."""
    rows: dict[str, list[Row]] = table_rows(structure)
    eco = normalise_sign(tidy[tidy["dataset"].isin(ECONOMY_DATASETS)])
    text = tidy[tidy["dataset"] == "text"]
    checks = economy_checks(eco, rows, meta)
    vol = volume_checks(tidy, period, meta.seriebrott)
    checks += vol.checks
    headings = table_headings(meta)
    ev = resolve(checks, eco, text, rows, meta, period.year, period.month, headings)
    checks += text_checks(text, eco, rows, meta, period.year, period.month, ev)
    resolutions = ev.resolutions
    budget = namnd_budget_tkr(eco, rows, meta, period, resolutions)
    shown = set(meta.main_tables) | set(meta.detaljtabeller)
    labels = {(t, r.line): r.label for t, rs in rows.items() for r in rs}
    causes = group_causes(checks, ev, vol.relabels, headings, budget, shown, labels)
    return Quality(meta.id, str(period), checks, resolutions, vol.relabels, vol.ignored_rows, causes, budget,
                   headings, ev, shown_cells(resolutions, eco, meta, period), meta.money_unit)


def shown_cells(resolutions: dict[Cell, Resolution], eco: pd.DataFrame, meta, period: Period) -> list[Cell]:
    """Resolved cells that the economy table shows: this year's measures of the main tables."""
    out = []
    idx = eco.set_index(["tabell", "rad", "kolumn"])
    for cell, r in resolutions.items():
        if r.tabell not in meta.main_tables or (cell.tabell, cell.rad, cell.kolumn) not in idx.index:
            continue
        x = idx.loc[(cell.tabell, cell.rad, cell.kolumn)]
        if isinstance(x, pd.DataFrame):
            x = x.iloc[0]
        if measure_of(str(x["matt"]), str(x["slag"]), str(x["omfattning"]), int(x["ar"]), period.year):
            out.append(cell)
    return out


def namnd_budget_tkr(eco: pd.DataFrame, rows: dict[str, list[Row]], meta, period: Period,
                     resolutions: dict[Cell, Resolution]) -> float | None:
    """The nämnd's full-year budget in tkr (absolute), the yardstick for materiality."""
    overrides = {c: r.in_use for c, r in resolutions.items()}
    total = 0.0
    found = False
    lookup = EcoRows(eco)
    for t, line in grand_total_rows(rows, meta.main_tables):
        v = row_values(lookup, t, line, period.year, overrides)
        for key in ("helarsbudget", "budget_period", "utfall_period"):
            if key in v:
                total += v[key]
                found = True
                break
    if not found or total == 0:
        return None
    return abs(total) * (unit(meta.money_unit).to_tkr or 1.0)


# --- frames for files -----------------------------------------------------------------------------

CHECK_COLUMNS = ["kommun", "period", "id", "dataset", "tabell", "rad", "kolumn", "kontroll", "publicerat",
                 "beraknat", "differens", "tolerans", "enhet", "bedomning", "beskrivning", "orsak"]
CAUSE_COLUMNS = ["kommun", "period", "id", "dataset", "tabell", "tabellrubrik", "rad", "kolumn", "kontroll", "bedomning",
                 "publicerat", "beraknat", "differens", "anvands", "enhet", "andrar_rapporten", "vasentlig",
                 "vasentlighet", "belopp_tkr", "andel_av_budget_procent", "andel_av_serie_procent", "mening",
                 "foljder", "antal_kontroller"]


def checks_frame(qualities: list[Quality]) -> pd.DataFrame:
    rows = []
    for q in qualities:
        cause_of = {cid: c.id for c in q.causes for cid in c.kontroller}
        for c in q.checks:
            rows.append(dict(kommun=c.kommun, period=c.period, id=c.id, dataset=c.dataset, tabell=c.tabell,
                             rad=c.rad_text, kolumn=c.kolumn, kontroll=c.kind, publicerat=c.publicerat,
                             beraknat=c.beraknat, differens=c.differens, tolerans=c.tolerans, enhet=c.enhet,
                             bedomning=c.bedomning, beskrivning=c.beskrivning, orsak=cause_of.get(c.id, "")))
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


def causes_frame(qualities: list[Quality]) -> pd.DataFrame:
    rows = []
    for q in qualities:
        for c in q.causes:
            d = asdict(c)
            rows.append(dict(
                kommun=c.kommun, period=c.period, id=c.id, dataset=c.dataset, tabell=c.tabell,
                tabellrubrik=c.tabellrubrik, rad=c.rad, kolumn=c.kolumn, kontroll=KIND_WORDS.get(c.kind, c.kind),
                bedomning=c.bedomning,
                publicerat=c.publicerat, beraknat=c.beraknat, differens=c.differens, anvands=c.anvands,
                enhet=c.enhet, andrar_rapporten="ja" if c.andrar_rapporten else "nej",
                vasentlig="ja" if c.vasentlig else "nej", vasentlighet=materiality_text(c, q.money),
                belopp_tkr=c.belopp_tkr, andel_av_budget_procent=c.andel_av_budget,
                andel_av_serie_procent=c.andel_av_serie, mening=c.mening, foljder=" | ".join(d["foljder"]),
                antal_kontroller=len(c.kontroller)))
    return pd.DataFrame(rows, columns=CAUSE_COLUMNS)


# --- what the report needs from the checks, stored with the build ----------------------------------

def evidence_doc(q: Quality) -> dict:
    """The figures in use and placed rows of one (kommun, period), as JSON-ready data."""
    overrides = q.evidence.overrides() if q.evidence else {c: r.in_use for c, r in q.resolutions.items()}
    # A figure stays 'wrong' unless it was replaced, or every failing check of it holds with the
    # figures in use (e.g. a published deviation that is right once its total's budget is replaced).
    wrong = sorted({c.cell for c in q.checks if c.bedomning == "fel" and c.cell is not None
                    and c.cell not in q.resolutions and c.holds_with(overrides) is not True})
    return {
        "budget_tkr": q.budget_tkr,
        "resolutions": [asdict(r) for r in q.resolutions.values()],
        "relabels": [asdict(r) for r in q.relabels],
        "ignored_rows": [list(x) for x in q.ignored_rows],
        "wrong_cells": [asdict(c) for c in wrong],
        "headings": q.headings,
        "shown": [asdict(c) for c in q.shown],
    }


@dataclass
class ReportEvidence:
    """What a report on one (kommun, period) needs from the build's checks."""
    resolutions: dict[Cell, Resolution]
    relabels: list[Relabel]
    ignored_rows: list[tuple[str, int]]
    wrong_cells: set[Cell]
    budget_tkr: float | None
    headings: dict[str, str]
    shown: list[Cell] = field(default_factory=list)


def evidence_from_doc(doc: dict) -> ReportEvidence:
    res = {}
    for r in doc.get("resolutions", []):
        r = dict(r)
        cell = Cell(**r.pop("cell"))
        r["for_published"] = tuple(r.get("for_published", ()))
        r["for_rows"] = tuple(r.get("for_rows", ()))
        res[cell] = Resolution(cell=cell, **r)
    return ReportEvidence(res, [Relabel(**r) for r in doc.get("relabels", [])],
                    [(t, int(x)) for t, x in doc.get("ignored_rows", [])],
                    {Cell(**c) for c in doc.get("wrong_cells", [])}, doc.get("budget_tkr"), doc.get("headings", {}),
                          [Cell(**c) for c in doc.get("shown", [])])
