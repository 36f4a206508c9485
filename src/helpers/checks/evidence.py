"""Which figure the report uses when a published total and its rows disagree.

Policy (ANTAGANDEN.md): a published figure that passes its checks is used as published. When a
published total disagrees with its rows beyond rounding, the independent evidence decides: another
table that prints the same total, the relations on the total's own row (e.g. outcome − budget =
the published deviation) and the municipality's own text. The report uses the value the evidence
supports; with no evidence either way it uses the rows' sum (the rows are the primary figures),
and with evidence both ways it keeps the published figure and says the evidence conflicts. Either
way the published value is shown beside it.

The same module compares the municipality's text with the figures in use ("text" checks)."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..core.formats import amount, join_words, number
from ..core.hierarchy import Row
from ..core.measures import derive_row
from ..core.units import convert_money, unit
from ..core.vocabulary import MEASURE_LABELS, SIGNED_BY_CONVENTION
from .figures import grand_total_rows, row_values
from .finding import Cell, Check, approx_tolerance, compare, half_unit

PUBLICERAD, RADERNA = "publicerad", "raderna"


@dataclass(frozen=True)
class Resolution:
    cell: Cell
    tabell: str
    rad_text: str
    kolumn: str
    enhet: str
    published: float            # as printed
    rows: float                 # what the rows give (same sign convention as printed)
    basis: str                  # publicerad | raderna
    for_published: tuple[str, ...] = ()
    for_rows: tuple[str, ...] = ()

    @property
    def in_use(self) -> float:
        return self.published if self.basis == PUBLICERAD else self.rows

    @property
    def replaced(self) -> bool:
        return self.basis == RADERNA

    def sentence(self) -> str:
        """'Publicerad summa −595 990 tkr; raderna ger −598 296 tkr. Rapporten använder radernas summa,
        eftersom radens avvikelse stämmer med den.'"""
        d = unit(self.enhet).decimals
        head = (f"Publicerad summa {number(self.published, d)} {self.enhet}; raderna ger "
                f"{number(self.rows, d)} {self.enhet}.")
        if self.basis == RADERNA:
            why = (f", eftersom {join_words(self.for_rows)} stämmer med den" if self.for_rows
                   else ", eftersom inget annat i rapporten stöder den publicerade summan")
            return f"{head} Rapporten använder radernas summa{why}."
        if self.for_rows:
            return (f"{head} Rapporten använder den publicerade summan, som stöds av {join_words(self.for_published)}, "
                    f"men {join_words(self.for_rows)} stöder i stället raderna; beläggen går isär.")
        return (f"{head} Rapporten använder den publicerade summan, eftersom {join_words(self.for_published)} stöder den; "
                "skillnaden mot raderna kan inte förklaras ur tabellerna.")


    def caveat(self) -> str:
        """For the summary, without repeating the wrong figure: which total, the gap, what is used, why."""
        gap = amount(abs(self.published - self.rows), self.enhet)
        if self.basis == RADERNA:
            why = f", som {join_words(self.for_rows)} stöder" if self.for_rows else ""
            return (f"Den publicerade summan på raden '{self.rad_text}' ({self.kolumn}) skiljer sig {gap} från "
                    f"raderna; rapporten använder radernas summa{why}.")
        return (f"Raderna under '{self.rad_text}' ({self.kolumn}) ger en summa som skiljer sig {gap} från den "
                f"publicerade; rapporten använder den publicerade summan, som {join_words(self.for_published)} stöder.")


RELATION_WORDS = {"avvikelse": "radens avvikelse", "netto": "radens netto (intäkter plus kostnader)",
                  "relation": "sambandet på raden"}


@dataclass(frozen=True)
class Evidence:
    """The figures in use: replaced or confirmed totals, and the totals whose failure another wrong
    figure explains (``explained``: total → the figures whose own relation, corrected, makes it hold)."""
    resolutions: dict[Cell, Resolution]
    explained: dict[Cell, tuple[Cell, ...]]
    corrections: dict[Cell, float]

    def overrides(self) -> dict[Cell, float]:
        out = dict(self.corrections)
        out.update({c: r.in_use for c, r in self.resolutions.items()})
        return out


def corrections_from(checks: list[Check]) -> dict[Cell, float]:
    """What a figure would be if its own failing relation held (published = scale × figure)."""
    out = {}
    for c in checks:
        if c.kind in RELATION_WORDS and c.bedomning == "fel" and c.terms and c.cell is not None and c.scale:
            out.setdefault(c.cell, c.beraknat / c.scale)
    return out


def resolve(checks: list[Check], eco: pd.DataFrame, text: pd.DataFrame, rows: dict[str, list[Row]], meta,
            year: int, month: int, headings: dict[str, str] | None = None) -> Evidence:
    """A Resolution for every published total whose rows disagree with it beyond rounding, unless the
    disagreement is explained by a replaced inner total or by a row whose own relation is wrong."""
    out: dict[Cell, Resolution] = {}
    explained: dict[Cell, tuple[Cell, ...]] = {}
    candidates = corrections_from(checks)
    used: dict[Cell, float] = {}
    headings = headings or {}
    info = eco.set_index(["tabell", "rad", "kolumn"]) if not eco.empty else None
    pending = [c for c in checks if c.kind == "summa" and c.bedomning == "fel" and c.cell is not None]
    if info is None:
        return Evidence(out, explained, used)
    # Inner totals first: a total whose rows include another failing total is decided after it, with the
    # inner figure in use; if it then holds, its failure was only a consequence.
    while pending:
        failing = {c.cell for c in pending}
        ready = [c for c in pending if not (set(c.inputs) & failing)] or pending[:1]
        for c in ready:
            pending.remove(c)
            overrides = {cell: r.in_use for cell, r in out.items()}
            if overrides and c.holds_with(overrides):
                continue
            rows_wrong = {x: candidates[x] for x in c.inputs if x in candidates and x not in out}
            if rows_wrong and c.holds_with({**overrides, **rows_wrong}):
                explained[c.cell] = tuple(rows_wrong)
                used.update(rows_wrong)
                continue
            rows_sum = sum(coef * overrides.get(cell, v) for cell, coef, v in c.terms) if c.terms else c.beraknat
            res = _resolve_one(c, float(rows_sum), checks, eco, info, text, rows, meta, year, month, headings)
            out[res.cell] = res
    return Evidence(out, explained, used)


def _resolve_one(c: Check, R: float, checks, eco, info, text, rows, meta, year, month, headings) -> Resolution:
    x = c.cell
    r = info.loc[(x.tabell, x.rad, x.kolumn)]
    factor = (float(r["belopp"]) / float(r["varde"])) if float(r["varde"]) else 1.0
    to_tkr = unit(str(r["enhet"])).to_tkr or 1.0
    P = float(c.publicerat)
    for_p, for_r = [], []
    # (a) another table that prints the same total (this total is a summa in the reconciled group,
    # or it is the figure another table's group is reconciled against)
    for a in checks:
        if a.kind != "avstamning" or a.publicerat is None or a.cell is None:
            continue
        if x in a.inputs:
            others = [(a.publicerat, a.cell.tabell, _cell_half(a.cell, info))]
        elif x == a.cell:
            summa = [c for c in a.inputs if (c.tabell, c.rad, c.kolumn) in info.index
                     and _is_summa(info, c, rows)]
            others = [(_tkr(info, c), c.tabell, _cell_half(c, info)) for c in summa]
        else:
            continue
        for T, table, t_half in others:
            tol_p = half_unit(int(r["decimaler"])) * to_tkr + t_half
            close_p = abs(T - factor * P * to_tkr) <= tol_p + 1e-9
            close_r = abs(T - factor * R * to_tkr) <= (a.tolerans or 0) + t_half + 1e-9
            where = f"tabellen {headings.get(table, table)} ({number(T)} tkr)"
            if close_p and not close_r:
                for_p.append(where)
            elif close_r and not close_p:
                for_r.append(where)
    # (b) the relations on the total's own row
    for rel in checks:
        if rel.kind not in RELATION_WORDS or x not in rel.cells or rel is c:
            continue
        hp, hr = rel.holds_with({x: P}), rel.holds_with({x: R})
        if hp is None:
            continue
        if hp and not hr:
            for_p.append(RELATION_WORDS[rel.kind])
        elif hr and not hp:
            for_r.append(RELATION_WORDS[rel.kind])
    # (c) the municipality's own text
    text_p, text_r = [], []
    for st in _statements_about(text, x, rows, meta):
        measure = str(st["storhet"])
        vp = _derived(eco, x, {x: P}, measure, year, month)
        vr = _derived(eco, x, {x: R}, measure, year, month)
        if vp is None or vr is None:
            continue
        target, tol = _text_value(st, str(r["enhet"]))
        ok_p, ok_r = abs(vp - target) <= tol, abs(vr - target) <= tol
        signed = measure in ("avvikelse_period", "prognosavvikelse")
        quote = amount(float(st["varde"]), str(st["enhet"]), int(st["decimaler"]), plus=signed)
        if ok_p and not ok_r:
            text_p.append(quote)
        elif ok_r and not ok_p:
            text_r.append(quote)
    if text_p:
        for_p.append(f"kommunens text ({'; '.join(text_p)})")
    if text_r:
        for_r.append(f"kommunens text ({'; '.join(text_r)})")
    # Evidence for the published total alone keeps it; conflicting evidence keeps it too (and says
    # so); otherwise the rows' sum is used.
    basis = PUBLICERAD if for_p else RADERNA
    return Resolution(x, x.tabell, c.rad_text, x.kolumn, str(r["enhet"]), P, R, basis, tuple(for_p), tuple(for_r))


def _cell_half(c: Cell, info) -> float:
    try:
        t = info.loc[(c.tabell, c.rad, c.kolumn)]
        return half_unit(int(t["decimaler"])) * (unit(str(t["enhet"])).to_tkr or 1.0)
    except KeyError:
        return 0.5


def _tkr(info, c: Cell) -> float:
    t = info.loc[(c.tabell, c.rad, c.kolumn)]
    return float(t["belopp"]) * (unit(str(t["enhet"])).to_tkr or 1.0)


def _is_summa(info, c: Cell, rows: dict[str, list[Row]]) -> bool:
    return any(r.line == c.rad and r.radtyp == "summa" for r in rows.get(c.tabell, []))


def _statements_about(text: pd.DataFrame, x: Cell, rows: dict[str, list[Row]], meta) -> list[pd.Series]:
    """Text statements about the row of ``x`` (a main-table row, or the nämnd total)."""
    if text.empty or x.tabell not in meta.main_tables:
        return []
    label = next((r.label for r in rows.get(x.tabell, []) if r.line == x.rad), None)
    totals = grand_total_rows(rows, meta.main_tables)
    is_total = len(meta.main_tables) == 1 and (x.tabell, x.rad) in totals
    out = []
    for _, st in text.iterrows():
        v = str(st["verksamhet"])
        if v == label or (v == "" and is_total):
            out.append(st)
    return out


def _derived(eco: pd.DataFrame, x: Cell, overrides: dict[Cell, float], measure: str, year: int, month: int):
    values = row_values(eco, x.tabell, x.rad, year, overrides)
    fig = derive_row(values, month).get(measure)
    return None if fig is None else fig.value


def _text_value(st: pd.Series, table_unit: str) -> tuple[float, float]:
    """The text's figure in the table's unit and normalised sign, and how far a table figure may be
    from it: the text's own rounding ('17,7 mkr' ±0,05 mkr; 'ca 3000' ±500) plus the table figures'
    rounding. A net amount follows the municipality's cost sign; a deviation is positive when better."""
    v, u, d = float(st["varde"]), str(st["enhet"]), int(st["decimaler"])
    own = approx_tolerance(v, d) if bool(st["ungefar"]) else half_unit(d)
    if st["matt"] in SIGNED_BY_CONVENTION and st["kostnadstecken"] == "plus":
        v = -v
    target = convert_money(v, u, table_unit)
    tol = convert_money(own, u, table_unit) + 2 * half_unit(unit(table_unit).decimals)
    return target, tol


def text_checks(text: pd.DataFrame, eco: pd.DataFrame, rows: dict[str, list[Row]], meta, year: int, month: int,
                evidence: Evidence) -> list[Check]:
    """Each figure in the municipality's text against the report's figure in use for the same row."""
    out: list[Check] = []
    if text.empty:
        return out
    kommun, per = str(text["kommun"].iat[0]), str(text["period"].iat[0])
    overrides = evidence.overrides()
    main = meta.main_tables
    table_unit = meta.money_unit
    for _, st in text.iterrows():
        measure = str(st["storhet"])
        vem = str(st["verksamhet"])
        if vem:
            hits = [(t, r.line) for t in main for r in rows.get(t, []) if r.label == vem and r.radtyp != "rubrik"]
        else:
            hits = grand_total_rows(rows, main)
        values: dict[str, float] = {}
        for t, line in hits[:1] if vem else hits:
            v = row_values(eco, t, line, year, overrides)
            values = v if not values else {k: values.get(k, float("nan")) + v.get(k, float("nan"))
                                           for k in set(values) | set(v)}
        figs = derive_row({k: v for k, v in values.items() if v == v}, month)
        label = MEASURE_LABELS.get(measure, measure).lower()
        who = vem or "nämnden totalt"
        quote = str(st["kommentar"])
        base = f"Kommunens text (rad {st['radetikett']} i källan: \"{quote}\") jämförd med tabellens {label} för {who}"
        if not hits or measure not in figs:
            out.append(Check(kommun, per, "text", str(st["tabell"]), who, MEASURE_LABELS.get(measure, measure), "text",
                             None, None, None, table_unit, "ej_kontrollerbar",
                             base + "; tabellen har ingen sådan siffra.", Cell(str(st["tabell"]), int(st["rad"]), "text")))
            continue
        target, tol = _text_value(st, table_unit)
        fig = figs[measure]
        flip = -1.0 if (st["matt"] in SIGNED_BY_CONVENTION and st["kostnadstecken"] == "plus") else 1.0
        note = " Tabellens siffra är en uppskattning (periodbudgeten jämnt fördelad över året)." if fig.estimated else ""
        out.append(compare(
            kommun=kommun, period=per, dataset="text", tabell=str(st["tabell"]), rad_text=who,
            kolumn=MEASURE_LABELS.get(measure, measure), kind="text", published=flip * target,
            computed=flip * fig.value, tol=tol,
            enhet=table_unit, beskrivning=base + "." + note, cell=Cell(str(st["tabell"]), int(st["rad"]), "text"),
            ungefar=bool(st["ungefar"])))
    return out


