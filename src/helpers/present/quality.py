"""The quality sections: the material findings for the nämnd, and for analysts every finding and
every check."""
from __future__ import annotations

import re

import pandas as pd

from ..analysis.report_data import ReportData
from ..core.formats import number
from ..core.vocabulary import BEDOMNING, BEDOMNING_EXPLAINED, BEDOMNING_TEXT
from . import narrative as nv
from .blocks import Section, message
from .labels import display_label
from .tables import TAL, TEXT, Col, Table


def material_findings(data: ReportData) -> Section:
    c = data.causes
    items: list = [nv.Narrative([quality_sentence(data)], as_list=False)]
    material = c[c["vasentlig"] == "ja"] if len(c) else c
    if len(material):
        sentences = []
        for _, r in material.iterrows():
            tail = " Det ändrar en siffra i rapporten." if r["andrar_rapporten"] == "ja" else ""
            size = f" Storlek: {r['vasentlighet']}." if r["vasentlighet"] else ""
            sentences.append(nv.Sentence("fynd", f"{r['mening']}{size}{tail}"))
        items.append(nv.Narrative(sentences, heading=f"Väsentliga fynd ({len(material)})"))
    else:
        items.append(message("Inga väsentliga fel hittades i de publicerade siffrorna."))
    items.append(message("Hela listan, med varje kontroll och dess följder, finns i tabellen nedan och i "
                         "Excelfilen med rapportens tabeller."))
    return Section("Fynd i de publicerade siffrorna", items)


def findings_table(data: ReportData) -> Table:
    c = data.causes
    frame = pd.DataFrame({"Fynd": c["mening"], "Bedömning": c["bedomning"].map(BEDOMNING_TEXT), "Väsentligt": c["vasentlig"],
                          "Storlek": c["vasentlighet"], "Ändrar rapporten": c["andrar_rapporten"],
                          "Följder": c["foljder"]}).reset_index(drop=True)
    return Table("kvalitet", f"Fynd i de publicerade siffrorna, en rad per orsak, {data.meta.namn}", frame,
                 {k: Col(TEXT) for k in frame.columns}, [],
                 ["Bedömning: fel = går inte ihop ens med avrundning; kan inte kontrolleras = ett värde saknas; "
                  "varning = bör kontrolleras."])


def checks_table(data: ReportData) -> Table:
    f = data.checks
    frame = pd.DataFrame({"Tabell": f["tabell"], "Rad": f["rad"], "Kolumn": f["kolumn"], "Kontroll": f["kontroll"],
                          "Publicerat": f["publicerat"], "Beräknat": f["beraknat"], "Differens": f["differens"],
                          "Tolerans": f["tolerans"], "Bedömning": f["bedomning"].map(BEDOMNING_TEXT),
                          "Vad som jämförts": f["beskrivning"]})
    columns = {k: Col(TEXT) for k in frame.columns}
    columns.update({k: Col(TAL, decimals=2) for k in ("Publicerat", "Beräknat", "Differens", "Tolerans")})
    notes = [f"{BEDOMNING_TEXT[b].capitalize()}: {BEDOMNING_EXPLAINED[b]}" for b in BEDOMNING]
    return Table("kontroller", f"Alla kontroller, {data.meta.namn} {data.period}", frame.reset_index(drop=True),
                 columns, [], notes)


def quality_sentence(data: ReportData) -> nv.Sentence:
    c = counts(data)
    material = int((data.causes["vasentlig"] == "ja").sum()) if len(data.causes) else 0
    return nv.quality(c, len(data.causes), material)


def counts(data: ReportData, section: str | None = None) -> dict[str, int]:
    f = data.checks
    if section is not None:
        f = f[(f["dataset"] == "volymer") == (section == "volymer")]
    counts = f["bedomning"].value_counts()
    return {k: int(counts.get(k, 0)) for k in ("ok", "avrundning", "fel", "varning", "ej_kontrollerbar")}


def short_quality_sentence(data: ReportData) -> nv.Sentence:
    """For the nämnd's summary: how many errors the checks found in the published figures (one per
    cause, the count reports/index.html shows from the same build), how many warnings, and how many
    of them change a figure in this report."""
    c = data.causes
    errors = int((c["bedomning"] == "fel").sum()) if len(c) else 0
    warnings = int((c["bedomning"] == "varning").sum()) if len(c) else 0
    changes = int((c["andrar_rapporten"] == "ja").sum()) if len(c) else 0
    found = f"{number(errors)} fel" if errors else "inga fel"
    if warnings:
        found += f" och {number(warnings)} {'värde' if warnings == 1 else 'värden'} att kontrollera"
    if changes:
        tail = (f"; {number(changes)} av dem påverkar siffror i rapporten, se avsnittet om kontrollerna."
                if changes > 1 else "; ett av dem påverkar en siffra i rapporten, se avsnittet om kontrollerna.")
    else:
        tail = "; inget av dem påverkar rapportens siffror." if errors or warnings else "."
    return nv.Sentence("kvalitet", f"Kontrollen av underlaget hittade {found}{tail}")


_TABLE_PREFIX = re.compile(r"^I tabellen ”[^”]*”(, raden '[^']*')?(, kolumnen '[^']*')?: ")
_LINE_REFS = [(re.compile(r" \(rad [\d, och]+\)"), ""), (re.compile(r"[Rr]aden på rad \d+"), "En av raderna"),
              (re.compile(r" på rad \d+"), ""), (re.compile(r" Rad [\d, ]+ kan inte placeras\."), "")]


def reader_finding(row: pd.Series) -> str:
    """A finding as the nämnd reads it: which figure, and what the report uses instead (no table
    headings in quotes, no line numbers: those are in the analysis version)."""
    text = _TABLE_PREFIX.sub("", str(row["mening"]))
    for pattern, repl in _LINE_REFS:
        text = pattern.sub(repl, text)
    where = display_label(str(row["rad"]).split(" / ")[0])
    column = str(row["kolumn"]) if row["dataset"] != "volymer" else ""
    head = f"{where}" + (f", {column.lower()}" if column and column != "radetikett" else "")
    return f"{head}: {text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text}"


def quality_section(data: ReportData) -> Section:
    """For the nämnd: what the checks found, and each finding that changes a figure in this report —
    which figure, from what to what. Every finding and check is in the analysis version."""
    c = data.causes
    items: list = [nv.Narrative([short_quality_sentence(data)], as_list=False)]
    changes = c[c["andrar_rapporten"] == "ja"] if len(c) else c
    if len(changes):
        changes = changes.assign(_v=changes["vasentlig"] != "ja").sort_values("_v", kind="stable")
        items.append(nv.Narrative([nv.Sentence("fynd", reader_finding(r)) for _, r in changes.iterrows()],
                                  heading="Fel i underlaget som påverkar rapportens siffror"))
    items.append(message("Alla kontroller och fynd finns i analysversionen av rapporten och i Excelfilen med "
                         "rapportens tabeller."))
    return Section("Vad kontrollerna betyder för siffrorna", items, level=2)
