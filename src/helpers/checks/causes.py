"""Findings a politician understands: one finding per cause.

A published error and the checks that fail because of it are one finding, with its consequences
listed under it. Each finding says in one plain Swedish sentence what is wrong and whether it
changes a figure in the report, uses the table's published heading, and carries its materiality:
in tkr and as a share of the nämnd's full-year budget, or as a share of the series."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..core.formats import number, percent, with_unit
from ..core.units import unit
from .evidence import Evidence, Resolution
from .finding import Cell, Check
from .volumes import Relabel

# A finding is material (väsentlig) from this share of the nämnd's full-year budget (economy) or of
# the series (volumes). Kept in one place; ANTAGANDEN.md explains the choice.
MATERIAL_SHARE_OF_BUDGET = 0.1   # percent
MATERIAL_SHARE_OF_SERIES = 1.0   # percent
PROBLEM = ("fel", "varning", "ej_kontrollerbar")
SEVERITY = {"fel": 3, "ej_kontrollerbar": 2, "varning": 1}


@dataclass(frozen=True)
class Cause:
    id: str
    kommun: str
    period: str
    dataset: str
    tabell: str              # table id (for links), never shown alone
    tabellrubrik: str        # the table as published: section and heading
    rad: str
    kolumn: str
    kind: str
    bedomning: str
    publicerat: float | None
    beraknat: float | None
    anvands: float | None    # the value the report uses for this figure
    enhet: str
    andrar_rapporten: bool
    belopp_tkr: float | None
    andel_av_budget: float | None
    andel_av_serie: float | None
    vasentlig: bool
    mening: str
    foljder: tuple[str, ...] = ()
    kontroller: tuple[str, ...] = field(default=())

    @property
    def differens(self) -> float | None:
        if self.publicerat is None or self.beraknat is None:
            return None
        return round(self.publicerat - self.beraknat, 6)


def group_causes(checks: list[Check], evidence: Evidence, relabels: list[Relabel],
                 headings: dict[str, str], budget_tkr: float | None, shown_tables: set[str],
                 labels: dict[tuple[str, int], str] | None = None) -> list[Cause]:
    """Group the failing checks by cause (see module docstring)."""
    resolutions = evidence.resolutions
    explaining = {x for cells in evidence.explained.values() for x in cells}
    problems = [c for c in checks if c.bedomning in PROBLEM]
    anchors: dict[Cell, Check] = {}
    for c in problems:
        is_anchor = c.cell in resolutions or c.kind == "dubblett" or (c.cell in explaining and c.kind != "summa")
        if c.cell is not None and is_anchor and c.cell not in anchors:
            anchors[c.cell] = c
    merged = _merge_row_anchors(checks, resolutions, anchors)
    groups: dict[Cell | str, list[Check]] = {}
    order: list[Cell | str] = []
    for c in problems:
        key = None
        if c.bedomning == "ej_kontrollerbar" and c.missing:
            key = ("saknas", c.missing[0])
        elif c.kind == "identisk" and c.cell is not None:
            key = min((c.cell, *c.inputs))  # the same value in two series: one finding, a warning on both
        elif c.cell in anchors:
            key = merged.get(c.cell, c.cell)
        else:
            for x in c.inputs:
                if x in anchors:
                    key = merged.get(x, x)
                    break
        if key is None:
            key = c.id
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(c)
    out = []
    for key in order:
        members = groups[key]
        anchor = anchors.get(key) if isinstance(key, Cell) else None
        anchor = anchor or max(members, key=lambda c: SEVERITY.get(c.bedomning, 0))
        if isinstance(key, tuple) and key[0] == "saknas":
            out.append(_missing_cause(members, headings, labels or {}))
            continue
        out.append(_cause(anchor, members, resolutions, relabels, headings, budget_tkr, shown_tables))
    return sorted(out, key=lambda c: (-SEVERITY.get(c.bedomning, 0), not c.vasentlig, c.dataset, c.tabell))


def _merge_row_anchors(checks: list[Check], resolutions: dict[Cell, Resolution], anchors: dict[Cell, Check]
                       ) -> dict[Cell, Cell]:
    """Two resolved totals on one row are one cause when a relation on the row holds both with the
    published figures and with the rows' sums (e.g. forecast and deviation off by the same amount)."""
    merged: dict[Cell, Cell] = {}
    for rel in checks:
        if not rel.terms:
            continue
        hit = [x for x in rel.cells if x in resolutions]
        if len(hit) < 2:
            continue
        pub = {x: resolutions[x].published for x in hit}
        rows = {x: resolutions[x].rows for x in hit}
        if rel.holds_with(pub) and rel.holds_with(rows):
            primary = next((x for x in hit if x != rel.cell), hit[0])
            for x in hit:
                if x != primary:
                    merged[x] = merged.get(primary, primary)
    return merged


def _cause(anchor: Check, members: list[Check], resolutions: dict[Cell, Resolution], relabels: list[Relabel],
           headings: dict[str, str], budget_tkr: float | None, shown: set[str]) -> Cause:
    res = resolutions.get(anchor.cell) if anchor.cell else None
    relabel = next((r for r in relabels if anchor.cell and r.tabell == anchor.cell.tabell
                    and r.rad == anchor.cell.rad), None)
    worst = max(members, key=lambda c: SEVERITY.get(c.bedomning, 0)).bedomning
    diff = anchor.differens
    belopp_tkr = andel_budget = andel_serie = None
    if anchor.enhet in ("kr", "tkr", "mkr") and diff is not None:
        belopp_tkr = abs(diff) * (unit(anchor.enhet).to_tkr or 1.0)
        if budget_tkr:
            andel_budget = 100 * belopp_tkr / budget_tkr
    elif diff is not None:
        ref = anchor.beraknat if anchor.beraknat else anchor.publicerat
        if ref:
            andel_serie = 100 * abs(diff) / abs(ref)
    # A missing month in the months the report compares: the comparison cannot be made (a volume gap
    # check lists those months as ``missing``).
    gap = anchor.kind == "saknas" and anchor.dataset == "volymer" and bool(anchor.missing)
    changes = bool(res and res.replaced and anchor.tabell in shown) or relabel is not None or anchor.kind in (
        "framtid",) or (anchor.kind == "dubblett") or gap
    if anchor.kind in ("framtid", "dubblett") or gap:
        material = True
    elif worst != "fel":
        material = False
    elif andel_budget is not None:
        material = andel_budget >= MATERIAL_SHARE_OF_BUDGET
    elif andel_serie is not None:
        material = andel_serie >= MATERIAL_SHARE_OF_SERIES
    else:
        material = False
    heading = headings.get(anchor.tabell, anchor.tabell)
    sentence = _sentence(anchor, res, heading, changes)
    consequences = tuple(dict.fromkeys(f"{_kind_word(c)}: {c.beskrivning}" for c in members if c is not anchor))
    key = "|".join([anchor.id] + sorted(c.id for c in members))
    return Cause(
        id=hashlib.sha1(key.encode()).hexdigest()[:10], kommun=anchor.kommun, period=anchor.period,
        dataset=anchor.dataset, tabell=anchor.tabell, tabellrubrik=heading, rad=anchor.rad_text,
        kolumn=anchor.kolumn, kind=anchor.kind, bedomning=worst, publicerat=anchor.publicerat,
        beraknat=anchor.beraknat, anvands=(res.in_use if res else None), enhet=anchor.enhet, andrar_rapporten=changes,
        belopp_tkr=belopp_tkr, andel_av_budget=andel_budget, andel_av_serie=andel_serie, vasentlig=material,
        mening=sentence, foljder=consequences, kontroller=tuple(c.id for c in members))


def _missing_cause(members: list[Check], headings: dict[str, str], labels: dict[tuple[str, int], str]) -> Cause:
    """A blank cell (or blank cells) and every check it makes impossible: one finding."""
    first = members[0]
    blanks = list(dict.fromkeys(x for c in members for x in c.missing))
    cell = blanks[0]

    def label(x: Cell) -> str:
        return labels.get((x.tabell, x.rad)) or (first.rad_text if first.cell and first.cell.rad == x.rad else
                                                  f"rad {x.rad}")

    row = label(cell)
    heading = headings.get(cell.tabell, cell.tabell)
    n = len(members)
    what = "en siffra" if n == 1 else f"{n} siffror"
    if len(blanks) == 1:
        where = f"saknas värdet på raden '{row}', kolumnen '{cell.kolumn}'"
    else:
        names = ", ".join(f"'{label(x)}'" for x in blanks[:-1]) + f" och '{label(blanks[-1])}'"
        where = f"saknas värdena på raderna {names}, kolumnen '{cell.kolumn}'"
    sentence = (f"I tabellen {heading} {where}. Därför kan {what} inte kontrolleras; ett tomt värde räknas aldrig "
                "som noll.")
    key = "|".join(sorted(c.id for c in members))
    return Cause(
        id=hashlib.sha1(key.encode()).hexdigest()[:10], kommun=first.kommun, period=first.period, dataset=first.dataset,
        tabell=cell.tabell, tabellrubrik=heading, rad=row, kolumn=cell.kolumn, kind="saknas", bedomning="ej_kontrollerbar",
        publicerat=None, beraknat=None, anvands=None, enhet=first.enhet, andrar_rapporten=False, belopp_tkr=None,
        andel_av_budget=None, andel_av_serie=None, vasentlig=False, mening=sentence,
        foljder=tuple(dict.fromkeys(f"{_kind_word(c)} ({c.rad_text}, {c.kolumn}): {c.beskrivning}" for c in members)),
        kontroller=tuple(c.id for c in members))


KIND_WORDS = {
    "summa": "Summa", "avvikelse": "Avvikelse", "netto": "Netto", "relation": "Samband", "andel": "Andel",
    "avstamning": "Avstämning mot annan tabell", "text": "Kommunens text", "ack": "Ackumulerad summa",
    "medel": "Medelvärde", "regi": "Intern + extern", "dubblett": "Upprepad rad", "avvikande": "Avvikande värde",
    "saknas": "Saknat värde", "nyckeltal": "Nyckeltal", "tecken": "Tecken", "framtid": "Månader efter perioden",
    "identisk": "Samma värde i två serier", "brott": "Brott i serien",
}


def _kind_word(c: Check) -> str:
    return KIND_WORDS.get(c.kind, c.kind)


def _fmt(v: float | None, enhet: str) -> str:
    if v is None:
        return "–"
    try:
        d = unit(enhet).decimals
    except ValueError:
        d = 0
    if v % 1 and d == 0:
        d = 1
    return f"{number(v, d)} {enhet}".strip()


def _sentence(c: Check, res: Resolution | None, heading: str, changes: bool) -> str:
    diff = c.differens
    where = f"I tabellen {heading}, raden '{c.rad_text}', kolumnen '{c.kolumn}'"
    if res is not None:
        return f"{where}: {res.sentence()}"
    if c.kind in ("identisk", "brott") or (c.kind == "saknas" and c.missing):
        return f"I tabellen {heading}, raden '{c.rad_text}': {c.beskrivning}"
    if c.kind in ("dubblett", "framtid", "avvikande", "saknas", "tecken"):
        return f"I tabellen {heading}: {c.beskrivning}"
    if c.bedomning == "ej_kontrollerbar":
        return f"{where}: siffran kan inte kontrolleras. {c.beskrivning}"
    if c.kind == "avstamning":
        return (f"Raderna i en tabell summerar till {_fmt(c.beraknat, c.enhet)}, men tabellen {heading} visar "
                f"{_fmt(c.publicerat, c.enhet)} för samma sak ('{c.kolumn}'); skillnaden är {_fmt(abs(diff or 0), c.enhet)}."
                f" {c.beskrivning}")
    if c.kind == "text":
        return (f"Kommunens text säger {_fmt(c.publicerat, c.enhet)} men tabellen ger {_fmt(c.beraknat, c.enhet)} "
                f"för {c.rad_text} ({c.kolumn.lower()}). Rapporten använder tabellens siffra. {c.beskrivning}")
    gap = f"; skillnaden är {_fmt(abs(diff), c.enhet)}" if diff is not None else ""
    tail = " Rapporten visar inte den här siffran." if not changes else ""
    return (f"{where}: publicerat {_fmt(c.publicerat, c.enhet)}, men det den bygger på ger "
            f"{_fmt(c.beraknat, c.enhet)}{gap}.{tail} {c.beskrivning}")


def materiality_text(c: Cause, money: str = "tkr") -> str:
    """'2 306 tkr (0,32 % av nämndens helårsbudget)' or '37,2 % av seriens värde', the amount in the
    municipality's money unit (``money``): '0,9 mkr' for an mkr municipality, never '900 tkr'."""
    if c.belopp_tkr is not None:
        share = f" ({percent(c.andel_av_budget, 2)} av nämndens helårsbudget)" if c.andel_av_budget is not None else ""
        return f"{money_text(c.belopp_tkr, money)}{share}"
    if c.andel_av_serie is not None:
        return f"{percent(c.andel_av_serie)} av seriens värde"
    return ""


def money_text(tkr: float, money: str = "tkr") -> str:
    """An amount given in tkr, written in the municipality's money unit: whole tkr, or mkr with as many
    decimals (one to three) as the amount needs: 900 tkr is 0,9 mkr, 14 tkr is 0,014 mkr (never 0,0 mkr)."""
    u = unit(money)
    if u.id != "mkr":
        return with_unit(tkr, "tkr", 0)
    value = tkr / 1000
    d = 1
    while d < 3 and round(value, d) != round(value, 3):
        d += 1
    return with_unit(value, "mkr", d)
