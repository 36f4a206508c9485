"""checks/causes.py: failing checks grouped into one finding per cause, with a plain sentence, the
consequences and the materiality (share of the nämnd's full-year budget, or of the series)."""
import pytest

from helpers.checks.causes import (
    MATERIAL_SHARE_OF_BUDGET,
    MATERIAL_SHARE_OF_SERIES,
    group_causes,
    materiality_text,
)
from helpers.checks.evidence import Evidence, Resolution
from helpers.checks.finding import Cell, compare, observation

HEADINGS = {"drift": "”Driftredovisning”", "pa": "”Personlig assistans”"}
TOTAL, UTFALL, AVV = Cell("drift", 5, "Budget"), Cell("drift", 5, "Utfall"), Cell("drift", 5, "Avvikelse")
ROWS = (Cell("drift", 2, "Budget"), Cell("drift", 3, "Budget"))


def check(kind, published, computed, cell, inputs=(), enhet="tkr", tol=1.5, tabell="drift", dataset="ekonomi",
          rad_text="Summa", **kw):
    return compare(kommun="liten", period="2017-08", dataset=dataset, tabell=tabell, rad_text=rad_text,
                   kolumn=cell.kolumn, kind=kind, published=published, computed=computed, tol=tol, enhet=enhet,
                   beskrivning=f"{kind} på raden.", cell=cell, inputs=inputs, **kw)


def note(kind, bedomning, cell, tabell="drift", dataset="volymer", **kw):
    return observation(kommun="liten", period="2017-08", dataset=dataset, tabell=tabell, rad_text="Rad",
                       kolumn=cell.kolumn, kind=kind, bedomning=bedomning, enhet="timmar",
                       beskrivning=f"{kind}: en iakttagelse.", cell=cell, **kw)


def causes(checks, resolutions=None, budget_tkr=10_000.0, shown=("drift",), labels=None):
    ev = Evidence(resolutions or {}, {}, {})
    return group_causes(checks, ev, [], HEADINGS, budget_tkr, set(shown), labels)


def replaced_total():
    """Budget total printed −150, rows −170 (Nacka's shape), and the row's deviation that fails with it."""
    summa = check("summa", -150, -170, TOTAL, ROWS)
    deviation = check("avvikelse", 7, -13, AVV, (TOTAL, UTFALL))  # −163 − (−150) = −13 ≠ 7
    res = Resolution(TOTAL, "drift", "Summa", "Budget", "tkr", -150.0, -170.0, "raderna", (), ("radens avvikelse",))
    return [summa, deviation], {TOTAL: res}


def test_a_replaced_total_and_the_checks_that_fail_with_it_are_one_cause():
    checks, res = replaced_total()
    (c,) = causes(checks, res)
    assert (c.kind, c.rad, c.kolumn, c.bedomning, c.anvands) == ("summa", "Summa", "Budget", "fel", -170)
    assert c.kontroller == tuple(x.id for x in checks)
    assert c.andrar_rapporten  # replaced in a table the report shows
    assert len(c.foljder) == 1 and c.foljder[0].startswith("Avvikelse: ")
    assert c.mening.replace("\u00a0", " ").startswith(
        "I tabellen ”Driftredovisning”, raden 'Summa', kolumnen 'Budget': Publicerad summa −150 tkr; raderna ger "
        "−170 tkr. Rapporten använder radernas summa")
    # |−150 − (−170)| = 20 tkr of a 10 000 tkr budget = 0,2 % ≥ 0,1 % → material
    assert (c.belopp_tkr, c.andel_av_budget, c.vasentlig) == (20, pytest.approx(0.2), True)
    assert materiality_text(c).replace("\u00a0", " ") == "20 tkr (0,20 % av nämndens helårsbudget)"


@pytest.mark.parametrize("diff,material", [(10, True), (9, False)])
def test_economy_materiality_is_a_share_of_the_full_year_budget(diff, material):
    # budget 10 000 tkr: 10 tkr = 0,10 % (the threshold is ≥ 0,1 %), 9 tkr = 0,09 %
    assert MATERIAL_SHARE_OF_BUDGET == 0.1
    (c,) = causes([check("summa", -150 - diff, -150, TOTAL, ROWS)])
    assert c.andel_av_budget == pytest.approx(diff / 100) and c.vasentlig is material


def test_an_mkr_difference_is_counted_in_tkr():
    # −3,7 against −3,5 mkr (tolerance 0,15): 0,2 mkr = 200 tkr; of a 100 000 tkr budget that is 0,2 %
    (c,) = causes([check("summa", -3.7, -3.5, TOTAL, ROWS, enhet="mkr", tol=0.15)], budget_tkr=100_000.0)
    assert c.belopp_tkr == pytest.approx(200) and c.andel_av_budget == pytest.approx(0.2) and c.vasentlig


def test_without_a_budget_an_economy_finding_has_no_share_and_is_not_called_material():
    (c,) = causes([check("summa", -170, -150, TOTAL, ROWS)], budget_tkr=None)
    assert c.belopp_tkr == 20 and c.andel_av_budget is None and not c.vasentlig
    assert materiality_text(c).replace("\u00a0", " ") == "20 tkr"


def test_a_finding_not_shown_in_the_report_says_so():
    (c,) = causes([check("summa", -170, -150, TOTAL, ROWS)], shown=())
    assert not c.andrar_rapporten and "Rapporten visar inte den här siffran." in c.mening


@pytest.mark.parametrize("published,material", [(101, True), (100.9, False)])
def test_volume_materiality_is_a_share_of_the_series(published, material):
    # 1 of 100 hours = 1 % (threshold ≥ 1 %); 0,9 of 100 = 0,9 %
    assert MATERIAL_SHARE_OF_SERIES == 1.0
    ack = check("ack", published, 100, Cell("pa", 2, "Ack aug"), tabell="pa", dataset="volymer", enhet="timmar",
                tol=0.5)
    (c,) = causes([ack])
    assert c.belopp_tkr is None and c.andel_av_serie == pytest.approx(published - 100) and c.vasentlig is material


def test_warnings_are_not_material_but_months_after_the_period_are():
    outlier = note("avvikande", "varning", Cell("pa", 2, "Maj"), tabell="pa", published=300, reference=100)
    future = note("framtid", "varning", Cell("pa", 3, "Sep"), tabell="pa", published=0)
    found = {c.kind: c for c in causes([outlier, future])}
    # 200 of 100 would be 200 % of the series, but a warning is not proven wrong
    assert found["avvikande"].andel_av_serie == pytest.approx(200) and not found["avvikande"].vasentlig
    assert found["framtid"].vasentlig and found["framtid"].andrar_rapporten
    assert found["framtid"].mening == "I tabellen ”Personlig assistans”: framtid: en iakttagelse."


def test_one_blank_cell_and_every_check_it_blocks_are_one_finding():
    blank = Cell("drift", 3, "Budget")
    a = check("summa", -150, -100, TOTAL, (ROWS[0],), missing=(blank,))
    b = check("avvikelse", -5, 0, Cell("drift", 3, "Avvikelse"), missing=(blank,), rad_text="B")
    assert a.bedomning == b.bedomning == "ej_kontrollerbar"
    (c,) = causes([a, b], labels={("drift", 3): "B"})
    assert (c.kind, c.rad, c.kolumn, c.bedomning, c.vasentlig) == ("saknas", "B", "Budget", "ej_kontrollerbar", False)
    assert c.mening == ("I tabellen ”Driftredovisning” saknas värdet på raden 'B', kolumnen 'Budget'. Därför kan "
                        "2 siffror inte kontrolleras; ett tomt värde räknas aldrig som noll.")
    assert len(c.kontroller) == 2


def test_two_totals_off_by_the_same_amount_on_one_row_are_one_cause():
    # helårsbudget −1 000; prognos printed −1 100 (rows −1 120), prognosavvikelse printed −100 (rows −120):
    # the row's deviation −100 = −1 100 − (−1 000) holds with both, and so does −120 = −1 120 − (−1 000)
    hb, pr, pa = Cell("drift", 5, "Helårsbudget"), Cell("drift", 5, "Prognos"), Cell("drift", 5, "Prognosavvikelse")
    sum_pr = check("summa", -1100, -1120, pr, (Cell("drift", 2, "Prognos"),))
    sum_pa = check("summa", -100, -120, pa, (Cell("drift", 2, "Prognosavvikelse"),))
    row = check("avvikelse", -100, -100, pa, (hb, pr), terms=((hb, -1.0, -1000.0), (pr, 1.0, -1100.0)))
    assert row.bedomning == "ok"
    res = {pr: Resolution(pr, "drift", "Summa", "Prognos", "tkr", -1100.0, -1120.0, "raderna"),
           pa: Resolution(pa, "drift", "Summa", "Prognosavvikelse", "tkr", -100.0, -120.0, "raderna")}
    (c,) = causes([sum_pr, sum_pa, row], res)
    assert set(c.kontroller) == {sum_pr.id, sum_pa.id}


def test_findings_are_ordered_errors_first_then_material_first():
    small = check("summa", -151.6, -150, TOTAL, ROWS)                                   # 1,6 tkr: 0,016 %
    large = check("netto", -1000, -1100, Cell("drift", 2, "Utfall"), rad_text="A")     # 100 tkr: 1 %
    warn = note("avvikande", "varning", Cell("pa", 2, "Maj"), tabell="pa", published=300, reference=100)
    blank = check("avvikelse", -5, 0, Cell("drift", 3, "Avvikelse"), missing=(Cell("drift", 3, "Budget"),))
    order = [(c.kind, c.bedomning) for c in causes([warn, blank, small, large])]
    assert order == [("netto", "fel"), ("summa", "fel"), ("saknas", "ej_kontrollerbar"), ("avvikande", "varning")]


def test_checks_that_pass_make_no_finding():
    assert causes([check("summa", -150, -150, TOTAL, ROWS), check("summa", -151, -150, TOTAL, ROWS)]) == []
