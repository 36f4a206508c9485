"""checks/run.py: every check for a tiny municipality typed by hand (one economy table, one volume
series), the nämnd's budget as the yardstick, and the frames and JSON the build stores."""
import json

import pytest
from tidy_rows import eco, economy, meta, structure, tidy, volume

from helpers.checks.finding import Cell
from helpers.checks.run import (
    CAUSE_COLUMNS,
    CHECK_COLUMNS,
    causes_frame,
    checks_frame,
    evidence_doc,
    evidence_from_doc,
    namnd_budget_tkr,
    run_checks,
    table_headings,
)
from helpers.core.hierarchy import table_rows
from helpers.core.period import Period

AUGUST = Period(2017, 8)
LINES = [
    (2, "A", "", "post", "", {"Budget": -100, "Utfall": -90, "Avvikelse": 10, "Helårsbudget": -150}),
    (3, "B", "", "post", "", {"Budget": -50, "Utfall": -55, "Avvikelse": -5, "Helårsbudget": -75}),
    (4, "C", "", "post", "", {"Budget": -20, "Utfall": -18, "Avvikelse": 2, "Helårsbudget": -30}),
    # Budget: the rows give −170, the printed total −150; the total's deviation 7 = −163 − (−170) supports the rows
    (5, "Summa", "", "summa", "", {"Budget": -150, "Utfall": -163, "Avvikelse": 7, "Helårsbudget": -255}),
]
TABLES = [dict(id="drift", fil="drift.csv", dataset="ekonomi", enhet="tkr", avsnitt="2.1 Ekonomi",
               rubrik="Driftredovisning"),
          dict(id="pa", fil="pa.csv", dataset="volymer", enhet="timmar", avsnitt="Volymer", rubrik="Personlig\tassistans")]


@pytest.fixture(scope="module")
def liten():
    # personlig assistans 2017: 100 hours a month January–August; the source prints 0 for September
    months = {m: 100 for m in range(1, 9)} | {9: 0}
    data = tidy(economy(LINES) + volume("pa", "Personlig assistans", 2017, months))
    return run_checks(data, structure(LINES), meta(TABLES), AUGUST)


def test_run_checks_on_a_tiny_municipality(liten):
    assert (liten.kommun, liten.period) == ("liten", "2017-08")
    (res,) = liten.resolutions.values()
    assert (res.cell, res.in_use, res.basis) == (Cell("drift", 5, "Budget"), -170, "raderna")
    # the nämnd's full-year budget, the yardstick for materiality: |−255| tkr (−150 − 75 − 30 = −255)
    assert liten.budget_tkr == 255
    kinds = {(c.kind, c.bedomning) for c in liten.checks if c.bedomning != "ok"}
    assert kinds == {("summa", "fel"), ("avvikelse", "fel"), ("framtid", "varning")}


def test_one_finding_per_cause(liten):
    found = {c.kind: c for c in liten.causes}
    assert set(found) == {"summa", "framtid"}
    total = found["summa"]
    # the Budget total and the Summa row's deviation fail for one reason; 20 tkr of 255 tkr ≈ 7,8 % → material
    assert len(total.kontroller) == 2 and total.vasentlig and total.anvands == -170
    assert total.andel_av_budget == pytest.approx(100 * 20 / 255)
    assert total.tabellrubrik == "”2.1 Ekonomi: Driftredovisning”"
    assert [c.kind for c in liten.causes] == ["summa", "framtid"]  # the error before the warning


def test_counts_add_up(liten):
    total, eco_counts, vol_counts = liten.counts(), liten.counts("ekonomi"), liten.counts("volymer")
    assert sum(total.values()) == len(liten.checks)
    assert {k: eco_counts[k] + vol_counts[k] for k in total} == total
    assert total["fel"] == 2 and vol_counts["varning"] == 1


def test_checks_frame_links_each_failing_check_to_its_cause(liten):
    f = checks_frame([liten])
    assert list(f.columns) == CHECK_COLUMNS and len(f) == len(liten.checks)
    cause = next(c for c in liten.causes if c.kind == "summa")
    failing = f[f["bedomning"] == "fel"]
    assert set(failing["orsak"]) == {cause.id}
    assert set(f.loc[f["bedomning"] == "ok", "orsak"]) == {""}
    summa = failing[failing["kontroll"] == "summa"].iloc[0]
    assert (summa["publicerat"], summa["beraknat"], summa["differens"]) == (-150, -170, 20)


def test_causes_frame(liten):
    f = causes_frame([liten])
    assert list(f.columns) == CAUSE_COLUMNS
    row = f[f["kontroll"] == "Summa"].iloc[0]
    assert (row["vasentlig"], row["andrar_rapporten"], row["antal_kontroller"], row["belopp_tkr"]) == ("ja", "ja", 2, 20)
    assert row["vasentlighet"].replace("\u00a0", " ") == "20 tkr (7,84 % av nämndens helårsbudget)"  # 20/255
    assert f[f["kontroll"] == "Månader efter perioden"].iloc[0]["bedomning"] == "varning"


def test_evidence_doc_survives_json(liten):
    doc = json.loads(json.dumps(evidence_doc(liten)))
    assert doc["budget_tkr"] == 255
    # the Summa row's deviation holds once the budget total is replaced: no cell stays wrong
    assert doc["wrong_cells"] == []
    assert doc["headings"]["drift"] == "”2.1 Ekonomi: Driftredovisning”"
    back = evidence_from_doc(doc)
    assert back.resolutions == liten.resolutions
    assert back.budget_tkr == 255 and back.wrong_cells == set() and back.relabels == []
    assert back.shown == [Cell("drift", 5, "Budget")]  # the replaced total is this year's budget in the main table


def test_a_wrong_figure_that_cannot_be_replaced_stays_wrong():
    lines = [(2, "A", "", "post", "", {"Budget": -100, "Utfall": -90, "Avvikelse": 12})]  # −90 − (−100) = 10
    q = run_checks(tidy(economy(lines)), structure(lines), meta(), AUGUST)
    assert q.resolutions == {}
    assert evidence_doc(q)["wrong_cells"] == [dict(tabell="drift", rad=2, kolumn="Avvikelse")]


def test_table_headings():
    h = table_headings(meta(TABLES + [dict(id="ovrigt", fil="o.csv", dataset="ekonomi", enhet="tkr")]))
    assert h == {"drift": "”2.1 Ekonomi: Driftredovisning”",
                 "pa": "”Volymer”",          # a heading typed with a tab is a table's header row, not a title
                 "ovrigt": "”ovrigt”"}       # nothing given: the table id


def budget(lines, unit="tkr", decimals=0):
    m = meta([dict(id="drift", fil="drift.csv", dataset="ekonomi", enhet=unit)])
    e = eco(economy(lines, enhet=unit, decimaler=decimals))
    return namnd_budget_tkr(e, table_rows(structure(lines)), m, AUGUST, {})


def test_namnd_budget_in_tkr():
    # a nämnd total in mkr: −1,5 mkr → 1 500 tkr
    assert budget([(2, "Summa", "", "summa", "", {"Helårsbudget": -1.5})], "mkr", 1) == pytest.approx(1500)
    # no published total: the top-level rows, −100 + −50 = −150 → 150
    assert budget([(2, "A", "", "post", "", {"Helårsbudget": -100}),
                   (3, "B", "", "post", "", {"Helårsbudget": -50})]) == 150
    # no full-year budget: the period budget
    assert budget([(2, "Summa", "", "summa", "", {"Budget": -80})]) == 80


def test_a_zero_or_missing_budget_is_no_yardstick():
    assert budget([(2, "Summa", "", "summa", "", {"Helårsbudget": 0})]) is None
    assert budget([(2, "Summa", "", "summa", "", {"Avvikelse": 5})]) is None


def test_a_replaced_total_is_the_budget_in_use():
    lines = [(2, "A", "", "post", "", {"Helårsbudget": -100}), (3, "Summa", "", "summa", "", {"Helårsbudget": -90})]
    q = run_checks(tidy(economy(lines)), structure(lines), meta(), AUGUST)
    (res,) = q.resolutions.values()  # no evidence either way: the row's −100 is used
    assert res.in_use == -100 and q.budget_tkr == 100  # not the printed −90
