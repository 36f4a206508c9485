"""present/quality.py: counts that add up, the quality sentence, the material findings for the nämnd and
the analysts' tables of findings and checks – on a municipality typed by hand and on check frames typed
directly."""
import pandas as pd
import pytest
from reportdata_factory import REPLACED, derived, hand

from helpers.checks.run import CAUSE_COLUMNS, CHECK_COLUMNS
from helpers.present.blocks import Section
from helpers.present.quality import checks_table, counts, findings_table, material_findings, quality_sentence

KINDS = ("ok", "avrundning", "fel", "varning", "ej_kontrollerbar")


def check(bedomning: str, dataset: str = "ekonomi", **kw) -> dict:
    base = dict(kommun="liten", period="2017-08", id=f"{bedomning}{len(kw)}", dataset=dataset, tabell="drift",
                rad="A", kolumn="Budget", kontroll="summa", publicerat=-100.0, beraknat=-100.0, differens=0.0,
                tolerans=1.5, enhet="tkr", bedomning=bedomning, beskrivning="", orsak="")
    base.update(kw)
    return base


def cause(mening: str, vasentlig: str, andrar: str = "nej", vasentlighet: str = "", bedomning: str = "fel") -> dict:
    base = {c: "" for c in CAUSE_COLUMNS}
    base.update(kommun="liten", period="2017-08", mening=mening, vasentlig=vasentlig, andrar_rapporten=andrar,
                vasentlighet=vasentlighet, bedomning=bedomning, foljder="", antal_kontroller=1)
    return base


# 3 ok, 1 avrundning, 2 fel, 1 varning, 1 ej_kontrollerbar; the volume check is one of the ok ones
CHECKS = pd.DataFrame([check("ok"), check("ok"), check("ok", dataset="volymer"), check("avrundning"), check("fel"),
                       check("fel"), check("varning"), check("ej_kontrollerbar")], columns=CHECK_COLUMNS)
CAUSES = pd.DataFrame([cause("Summan av budgeten stämmer inte.", "ja", "ja", "20 tkr (7,84 % av nämndens helårsbudget)"),
                       cause("Ett värde saknas.", "nej", bedomning="ej_kontrollerbar")], columns=CAUSE_COLUMNS)


def test_counts_on_hand_typed_checks():
    data = hand(checks=CHECKS, causes=CAUSES)
    assert counts(data) == dict(ok=3, avrundning=1, fel=2, varning=1, ej_kontrollerbar=1)
    # the volume section has the one volume check; the economy the other seven
    assert counts(data, "volymer") == dict(ok=1, avrundning=0, fel=0, varning=0, ej_kontrollerbar=0)
    assert counts(data, "ekonomi") == dict(ok=2, avrundning=1, fel=2, varning=1, ej_kontrollerbar=1)


def test_quality_sentence_adds_up():
    s = quality_sentence(hand(checks=CHECKS, causes=CAUSES))
    # recomputed = 3 ok + 1 avrundning + 2 fel + 1 ej kontrollerbar = 7; the warning apart
    assert s.text == ("Kvalitetskontrollen räknade om 7 siffror i underlaget: 3 stämmer, 1 skiljer bara genom "
                      "avrundning, 2 är fel och 1 kan inte kontrolleras eftersom ett värde saknas. 1 varning gäller "
                      "ett värde som bör kontrolleras. Felen och varningarna har 2 olika orsaker, varav 1 är väsentlig.")


def test_material_findings_on_hand_typed_causes():
    s = material_findings(hand(checks=CHECKS, causes=CAUSES))
    assert isinstance(s, Section) and s.heading == "Fynd i de publicerade siffrorna"
    head, findings, where = s.items
    assert head.sentences[0].text.startswith("Kvalitetskontrollen räknade om 7 siffror")
    # only the material cause, with its size and that it changes a figure
    assert findings.heading == "Väsentliga fynd (1)"
    assert findings.texts() == ["Summan av budgeten stämmer inte. Storlek: 20 tkr (7,84 % av nämndens helårsbudget). "
                                "Det ändrar en siffra i rapporten."]
    assert where.sentences[0].text == ("Hela listan, med varje kontroll och dess följder, finns i tabellen nedan och "
                                       "i Excelfilen med rapportens tabeller.")


def test_findings_and_checks_tables_on_hand_typed_frames():
    data = hand(checks=CHECKS, causes=CAUSES)
    f = findings_table(data)
    assert f.caption == "Fynd i de publicerade siffrorna, en rad per orsak, Liten kommun"
    assert list(f.frame["Fynd"]) == ["Summan av budgeten stämmer inte.", "Ett värde saknas."]
    assert list(f.frame["Väsentligt"]) == ["ja", "nej"]
    c = checks_table(data)
    assert c.caption == "Alla kontroller, Liten kommun 2017-08"
    assert len(c.frame) == 8
    assert len(c.notes) == len(KINDS)  # one explanation per assessment


@pytest.fixture(scope="module")
def replaced():
    return derived(REPLACED)


def test_counts_add_up_on_a_derived_report(replaced):
    c = counts(replaced)
    assert sum(c.values()) == len(replaced.checks)
    assert {k: counts(replaced, "ekonomi")[k] + counts(replaced, "volymer")[k] for k in KINDS} == c
    # the four column sums (the Budget total wrong) and the four rows' deviations (Summa's wrong against −150)
    assert c == dict(ok=6, avrundning=0, fel=2, varning=0, ej_kontrollerbar=0)


def test_material_findings_of_a_derived_report(replaced):
    s = material_findings(replaced)
    findings = s.items[1]
    # one cause for both failing checks: 20 tkr of the budget 255 tkr, material, and it replaces a figure
    assert findings.heading == "Väsentliga fynd (1)"
    (line,) = findings.texts()
    assert line.endswith(" Det ändrar en siffra i rapporten.")
    assert "Storlek: 20 tkr (7,84 % av nämndens helårsbudget)." in line.replace("\u00a0", " ")


def test_the_size_of_a_finding_keeps_figure_and_unit_together(replaced):
    (line,) = material_findings(replaced).items[1].texts()
    assert "Storlek: 20\u00a0tkr (7,84\u00a0% av nämndens helårsbudget)." in line


def test_no_findings_gives_a_message():
    s = material_findings(hand())
    assert s.items[1].sentences[0].text == "Inga väsentliga fel hittades i de publicerade siffrorna."
    assert findings_table(hand()).empty and checks_table(hand()).empty
    assert counts(hand()) == dict.fromkeys(KINDS, 0)
