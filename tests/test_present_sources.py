"""present/sources.py: one row per table of the municipality: its heading in the source, the source
document and the file in data/raw."""
from reportdata_factory import DRIFT, derived, evidence, hand

from helpers.present.sources import sources_table

TABLES = [DRIFT, dict(id="pa", fil="pa.xlsx", dataset="volymer", enhet="timmar", avsnitt="Volymer",
                      rubrik="Personlig\tassistans", kalla="Kritiska volymer")]


def test_sources_table_of_a_derived_report():
    t = sources_table(derived([(2, "A", "", "post", "", {"Budget": -100, "Utfall": -90, "Avvikelse": 10})],
                              tables=TABLES))
    assert t.caption == "Källor: varje tabell och var den kommer ifrån"
    assert list(t.frame.columns) == ["Tabell i källan", "Källdokument", "Fil i data/raw"]
    # the heading the checks found for each table (a rubrik typed with a tab is a header row, not a title)
    assert t.frame.values.tolist() == [
        ["”2.1 Ekonomi: Driftredovisning”", "Delårsrapport augusti 2017", "drift.csv"],
        ["”Volymer”", "Kritiska volymer", "pa.xlsx"]]


def test_sources_table_on_hand_typed_evidence():
    # a heading known for one table only; the other is named by its id
    t = sources_table(hand(tables=TABLES, ev=evidence(headings={"pa": "”Kritiska volymer: timmar”"})))
    assert t.frame.values.tolist() == [["drift", "Delårsrapport augusti 2017", "drift.csv"],
                                       ["”Kritiska volymer: timmar”", "Kritiska volymer", "pa.xlsx"]]


def test_a_municipality_without_tables_has_an_empty_sources_table():
    t = sources_table(hand(tables=[]))
    assert t.empty and list(t.frame.columns) == ["Tabell i källan", "Källdokument", "Fil i data/raw"]
