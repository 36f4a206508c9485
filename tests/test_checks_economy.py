"""checks/economy.py: sums down a column, deviations and net along a row, declared relations,
percentages and cross-table reconciliations, on small tables typed by hand (tkr unless stated)."""
import pytest
from tidy_rows import eco, economy, meta, rec, rows_of

from helpers.checks.economy import (
    Ctx,
    deviation_checks,
    economy_checks,
    net_checks,
    percent_checks,
    reconciliation_checks,
    relation_checks,
    sum_checks,
)
from helpers.checks.finding import Cell

CTX = Ctx("liten", "2017-08")


def one(checks, **match):
    hits = [c for c in checks if all(getattr(c, k) == v for k, v in match.items())]
    assert len(hits) == 1, hits
    return hits[0]


# --- sums -----------------------------------------------------------------------------------------

def flat(total, unit_kw=None, a=-100, b=-50):
    return [(2, "A", "", "post", "", {"Budget": a}), (3, "B", "", "post", "", {"Budget": b}),
            (4, "Summa", "", "summa", "", {"Budget": total})]


@pytest.mark.parametrize("total,verdict", [
    (-150, "ok"),          # −100 + −50 = −150
    (-151, "avrundning"),  # 1 off ≤ (2 rows + the total) × 0,5 = 1,5
    (-152, "fel"),         # 2 off > 1,5
])
def test_sum_against_its_rows(total, verdict):
    lines = flat(total)
    c = one(sum_checks(CTX, eco(economy(lines)), rows_of(lines)["drift"]))
    assert (c.kind, c.rad_text, c.kolumn, c.publicerat, c.beraknat, c.tolerans) == \
        ("summa", "Summa", "Budget", total, -150, 1.5)
    assert c.bedomning == verdict
    assert c.inputs == (Cell("drift", 2, "Budget"), Cell("drift", 3, "Budget"))


def test_sum_in_mkr_with_one_decimal():
    # −1,2 + −2,3 = −3,5 against a printed −3,6: 0,1 off ≤ 3 × 0,05 = 0,15
    lines = flat(-3.6, a=-1.2, b=-2.3)
    c = one(sum_checks(CTX, eco(economy(lines, enhet="mkr", decimaler=1)), rows_of(lines)["drift"]))
    assert c.beraknat == pytest.approx(-3.5) and c.tolerans == pytest.approx(0.15)
    assert c.bedomning == "avrundning" and c.enhet == "mkr"


def test_a_blank_row_is_not_zero_in_a_sum():
    # A −100, B blank, Summa −150: the rows present give −100; the blank may be the −50, so it cannot be checked
    lines = [(2, "A", "", "post", "", {"Budget": -100}), (3, "B", "", "post", "", {}),
             (4, "Summa", "", "summa", "", {"Budget": -150})]
    c = one(sum_checks(CTX, eco(economy(lines)), rows_of(lines)["drift"]))
    assert c.beraknat == -100 and c.bedomning == "ej_kontrollerbar"
    assert c.missing == (Cell("drift", 3, "Budget"),)


def test_nested_groups_count_a_group_by_its_published_total():
    # Summa G = a + b = −10 + −20 = −30 (published −30); Summa = Summa G + Övrigt = −30 + −5 = −35
    lines = [(2, "G", "", "rubrik", "", {}), (3, "a", "G", "post", "", {"Budget": -10}),
             (4, "b", "G", "post", "", {"Budget": -20}), (5, "Summa G", "G", "summa", "G", {"Budget": -30}),
             (6, "Övrigt", "", "post", "", {"Budget": -5}), (7, "Summa", "", "summa", "", {"Budget": -35})]
    checks = sum_checks(CTX, eco(economy(lines)), rows_of(lines)["drift"])
    assert one(checks, rad_text="Summa G").bedomning == "ok"
    top = one(checks, rad_text="Summa")
    assert top.bedomning == "ok" and top.beraknat == -35
    assert top.inputs == (Cell("drift", 5, "Budget"), Cell("drift", 6, "Budget"))  # the group's total, not a and b


def test_percentages_are_never_summed():
    lines = flat(-150)
    records = economy(lines) + [rec(rad=r, kolumn="Andel", verksamhet=v, matt="andel", slag="", omfattning="",
                                    enhet="procent", decimaler=1, varde=p)
                                for r, v, p in ((2, "A", 50.0), (3, "B", 40.0), (4, "Summa", 45.0))]
    checks = sum_checks(CTX, eco(records), rows_of(lines)["drift"])
    assert [c.kolumn for c in checks] == ["Budget"]  # 50 % + 40 % is never compared with 45 %


# --- deviations and net along a row ------------------------------------------------------------------

@pytest.mark.parametrize("sign,budget,utfall", [("minus", -1000, -1100), ("plus", 1000, 1100)])
def test_deviation_is_outcome_minus_budget_in_normalised_signs(sign, budget, utfall):
    # budget −1 000, utfall −1 100 → avvikelse −100 (a cost 100 over budget), however the table writes costs
    lines = [(2, "Hemtjänst", "", "post", "", {"Budget": budget, "Utfall": utfall, "Avvikelse": -100}),
             (3, "Boende", "", "post", "", {"Budget": budget, "Utfall": utfall, "Avvikelse": 100})]
    checks = deviation_checks(CTX, eco(economy(lines, kostnadstecken=sign)))
    ok = one(checks, rad_text="Hemtjänst")
    assert (ok.beraknat, ok.bedomning, ok.tolerans) == (-100, "ok", 1.5)
    wrong = one(checks, rad_text="Boende")  # +100 printed: the sign is wrong, 200 off
    assert wrong.bedomning == "fel" and wrong.differens == 200


def test_forecast_deviation_is_forecast_minus_full_year_budget():
    # helårsbudget −12 000, prognos −11 700 → prognosavvikelse +300 (better than budget); printed +310 → fel
    lines = [(2, "A", "", "post", "", {"Helårsbudget": -12000, "Prognos": -11700, "Prognosavvikelse": 300}),
             (3, "B", "", "post", "", {"Helårsbudget": -12000, "Prognos": -11700, "Prognosavvikelse": 310})]
    checks = deviation_checks(CTX, eco(economy(lines)))
    assert one(checks, rad_text="A").bedomning == "ok" and one(checks, rad_text="A").beraknat == 300
    assert one(checks, rad_text="B").bedomning == "fel"


def test_deviation_with_a_blank_budget_cannot_be_checked():
    lines = [(2, "A", "", "post", "", {"Budget": -500, "Utfall": -450, "Avvikelse": 50}),
             (3, "B", "", "post", "", {"Utfall": -1100, "Avvikelse": -100})]
    c = one(deviation_checks(CTX, eco(economy(lines))), rad_text="B")
    assert c.bedomning == "ej_kontrollerbar"  # never "fel" because the budget cell is blank
    assert c.missing == (Cell("drift", 3, "Budget"),)


def test_deviation_with_a_zero_budget_is_the_whole_outcome():
    # budget 0 is a value, not a blank: utfall −40 − 0 = −40
    lines = [(2, "Ny verksamhet", "", "post", "", {"Budget": 0, "Utfall": -40, "Avvikelse": -40})]
    c = one(deviation_checks(CTX, eco(economy(lines))))
    assert c.bedomning == "ok" and c.beraknat == -40 and c.missing == ()


@pytest.mark.parametrize("sign,inc,cost,net,verdict", [
    ("minus", 200, -1200, -1000, "ok"),    # netto = intäkter + kostnader: 200 + (−1 200) = −1 000
    ("minus", 200, -1200, -1001, "avrundning"),  # 1 off ≤ 3 × 0,5
    ("minus", 200, -1200, -1010, "fel"),   # 10 off
    ("plus", 200, 1200, 1000, "ok"),       # costs written plus: −1 200 + 200 = −1 000, printed 1 000
    ("plus", 200, 1200, 1400, "fel"),      # 1 400 = costs + income added the wrong way
])
def test_net_is_income_plus_costs(sign, inc, cost, net, verdict):
    lines = [(2, "A", "", "post", "", {"Intäkter": inc, "Kostnader": cost, "Utfall": net})]
    c = one(net_checks(CTX, eco(economy(lines, kostnadstecken=sign))))
    assert c.kind == "netto" and c.bedomning == verdict
    # the check speaks the table's own sign: −1 000 where costs are minus, 1 000 where they are plus
    assert c.beraknat == (-1000 if sign == "minus" else 1000) and c.publicerat == net


def test_net_with_a_blank_cell():
    lines = [(2, "A", "", "post", "", {"Intäkter": 200, "Kostnader": -1200, "Utfall": -1000}),
             (3, "B", "", "post", "", {"Kostnader": -800, "Utfall": -700}),   # income blank: −800 ≠ −700
             (4, "C", "", "post", "", {"Kostnader": -300, "Utfall": -300}),   # income blank, but it adds up
             (5, "D", "", "post", "", {"Intäkter": 50, "Utfall": -250})]      # costs blank
    checks = net_checks(CTX, eco(economy(lines)))
    b = one(checks, rad_text="B")
    assert b.bedomning == "ej_kontrollerbar" and b.missing == (Cell("drift", 3, "Intäkter"),)
    assert one(checks, rad_text="C").bedomning == "ok"
    d = one(checks, rad_text="D")
    assert d.bedomning == "ej_kontrollerbar" and d.beraknat is None  # no costs: nothing to recompute


# --- declared relations and percentages -----------------------------------------------------------

def table_meta(**kw):
    return meta([dict(id="drift", fil="drift.csv", dataset="ekonomi", enhet="tkr", **kw)]).table("drift")


def test_declared_relation_on_every_row():
    tm = table_meta(relation=[dict(kolumn="Avvikelse", plus=["Intäkter", "Kostnader"])])
    lines = [(2, "A", "", "post", "", {"Intäkter": 100, "Kostnader": -90, "Avvikelse": 10}),   # 100 − 90 = 10
             (3, "B", "", "post", "", {"Intäkter": 50, "Kostnader": -60, "Avvikelse": -4}),    # 50 − 60 = −10
             (4, "C", "", "post", "", {"Intäkter": 20, "Avvikelse": 2}),                        # costs blank
             (5, "D", "", "post", "", {"Intäkter": 20, "Kostnader": -18})]                      # result blank
    checks = relation_checks(CTX, eco(economy(lines)), tm)
    assert {c.rad_text: c.bedomning for c in checks} == {"A": "ok", "B": "fel", "C": "ej_kontrollerbar",
                                                         "D": "ej_kontrollerbar"}
    assert one(checks, rad_text="B").beraknat == -10


def andel(rad, value, label):
    return rec(rad=rad, kolumn="Andel", verksamhet=label, matt="andel", slag="", omfattning="", enhet="procent",
               decimaler=1, varde=value)


def test_percentage_against_numerator_and_denominator():
    tm = table_meta(kolumner={"Andel": dict(matt="andel", enhet="procent")},
                    relation=[dict(kolumn="Andel", taljare="Utfall", namnare="Helårsbudget")])
    lines = [(r, v, "", "post", "", {"Utfall": -60, "Helårsbudget": -80}) for r, v in ((2, "A"), (3, "B"), (4, "C"))]
    lines += [(5, "Ny", "", "post", "", {"Utfall": -10, "Helårsbudget": 0}),
              (6, "Blank", "", "post", "", {"Helårsbudget": -80})]
    records = economy(lines) + [andel(2, 75.0, "A"), andel(3, 76.0, "B"), andel(4, 77.5, "C"), andel(5, 0.0, "Ny"),
                                andel(6, 50.0, "Blank")]
    checks = percent_checks(CTX, eco(records), tm)
    # 100 × (−60) / (−80) = 75,0 %; tolerance 0,05 + 100/80 × 0,5 + 100 × 60/80² × 0,5 = 1,14375
    a = one(checks, rad_text="A")
    assert a.beraknat == 75.0 and a.bedomning == "ok" and a.tolerans == pytest.approx(1.14375)
    assert one(checks, rad_text="B").bedomning == "avrundning"  # 1,0 off ≤ 1,14375
    assert one(checks, rad_text="C").bedomning == "fel"         # 2,5 off
    zero = one(checks, rad_text="Ny")
    assert zero.bedomning == "ej_kontrollerbar" and "Nämnaren är 0" in zero.beskrivning  # a zero budget
    blank = one(checks, rad_text="Blank")
    assert blank.bedomning == "ej_kontrollerbar" and blank.missing == (Cell("drift", 6, "Utfall"),)


# --- across tables ----------------------------------------------------------------------------------

@pytest.mark.parametrize("printed,verdict", [(-3.5, "ok"), (-3.6, "fel")])
def test_reconciliation_with_another_table_in_another_unit(printed, verdict):
    m = meta([dict(id="drift", fil="drift.csv", dataset="ekonomi", enhet="tkr",
                   avstamning=[dict(tabell="oversikt", verksamhet="Socialnämnden")]),
              dict(id="oversikt", fil="oversikt.csv", dataset="ekonomi", enhet="mkr")])
    lines = [(2, "A", "", "post", "", {"Budget": -1200}), (3, "B", "", "post", "", {"Budget": -2300})]
    other = [(2, "Socialnämnden", "", "post", "", {"Budget": printed})]
    e = eco(economy(lines) + economy(other, tabell="oversikt", enhet="mkr", decimaler=1))
    rows = {**rows_of(lines), **rows_of(other, "oversikt")}
    c = one(reconciliation_checks(CTX, e, rows, m))
    # −1 200 + −2 300 = −3 500 tkr against −3,5 mkr = −3 500 tkr; −3,6 mkr is 100 tkr off.
    # tolerance in tkr: 2 rows × 0,5 + 0,05 mkr × 1 000 = 51
    assert (c.kind, c.enhet, c.beraknat, c.tolerans) == ("avstamning", "tkr", -3500, 51)
    assert c.publicerat == pytest.approx(printed * 1000) and c.bedomning == verdict
    assert c.cell == Cell("oversikt", 2, "Budget")


def test_economy_checks_runs_every_kind_and_nothing_on_empty_data():
    lines = [(2, "A", "", "post", "", {"Budget": -100, "Utfall": -90, "Avvikelse": 10, "Intäkter": 10,
                                       "Kostnader": -100}),
             (3, "Summa", "", "summa", "", {"Budget": -100, "Utfall": -90, "Avvikelse": 10, "Intäkter": 10,
                                           "Kostnader": -100})]
    checks = economy_checks(eco(economy(lines)), rows_of(lines), meta())
    assert {c.kind for c in checks} == {"summa", "avvikelse", "netto"}
    assert {c.bedomning for c in checks} == {"ok"}  # every figure typed to add up
    assert economy_checks(eco(economy([])), {}, meta()) == []
