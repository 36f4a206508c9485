"""checks/finding.py: the tolerance rule, the judgement of one recomputed figure, and what a check can
say about other values of its figures. Every expected value is worked out by hand in the comment."""
import pytest

from helpers.checks.finding import (
    Cell,
    approx_tolerance,
    assess,
    compare,
    half_unit,
    last_digit,
    observation,
    ratio_tolerance,
    tolerance,
)

A, B, TOTAL = Cell("drift", 2, "Budget"), Cell("drift", 3, "Budget"), Cell("drift", 4, "Budget")


def sum_check(published, a=-100.0, b=-50.0, decimals=0, **kw):
    """'Summa' = A + B in one column: two rounded rows and the rounded total → 3 × ½ unit."""
    return compare(kommun="liten", period="2017-08", dataset="ekonomi", tabell="drift", rad_text="Summa",
                   kolumn="Budget", kind="summa", published=published, computed=a + b,
                   tol=tolerance(3, decimals), enhet="tkr", beskrivning="Summa mot raderna.", cell=TOTAL,
                   inputs=(A, B), terms=((A, 1.0, a), (B, 1.0, b)), **kw)


def test_tolerance_is_n_plus_one_half_units():
    assert last_digit(0) == 1 and last_digit(1) == pytest.approx(0.1)
    assert half_unit(0) == 0.5 and half_unit(2) == pytest.approx(0.005)
    # a total and its 2 rows, whole tkr: (2 + 1) × 0,5 = 1,5
    assert tolerance(3) == 1.5
    # a total and its 4 rows in mkr with one decimal: 5 × 0,05 = 0,25
    assert tolerance(5, decimals=1) == pytest.approx(0.25)


@pytest.mark.parametrize("published,verdict", [
    (-150, "ok"),            # −100 + −50 = −150 exactly
    (-151.5, "avrundning"),  # off by 1,5 = the tolerance of 3 rounded figures
    (-151.6, "fel"),         # off by 1,6 > 1,5
    (-148.5, "avrundning"),  # the other side of the boundary
])
def test_a_sum_is_judged_against_the_rounding_of_its_figures(published, verdict):
    c = sum_check(published)
    assert c.bedomning == verdict
    assert c.tolerans == 1.5
    assert c.differens == pytest.approx(published + 150)  # publicerat − beräknat


def test_assess_exact_rounding_and_error():
    assert assess(100.0, 100.0, 0.0) == "ok"
    assert assess(100.0, 101.0, 1.0) == "avrundning"  # |100 − 101| = 1 ≤ 1
    assert assess(100.0, 101.01, 1.0) == "fel"


@pytest.mark.parametrize("value,decimals,expected", [
    (3000, 0, 500),     # ca 3000: last significant digit is the thousands → ±500
    (-3000, 0, 500),    # the sign does not matter
    (1100, 0, 50),      # ca 1 100: the hundreds → ±50
    (1234, 0, 0.5),     # no trailing zeros: ±0,5
    (2.5, 1, 0.05),     # ca 2,5: one decimal → ±0,05
    (0, 0, 0.5),        # ca 0: half a unit
])
def test_approx_tolerance_is_half_the_last_significant_digit(value, decimals, expected):
    assert approx_tolerance(value, decimals) == pytest.approx(expected)
    assert half_unit(decimals, approx=True, value=value) == pytest.approx(expected)


def test_ratio_tolerance_propagates_the_rounding_of_both_figures():
    # 75,0 % = 100 × 60 / 80, published with one decimal, 60 and 80 whole numbers:
    # 0,05 (own) + 100/80 × 0,5 (= 0,625) + 100 × 60 / 80² × 0,5 (= 0,46875) = 1,14375
    assert ratio_tolerance(60, 80, 1, 0.5, 0.5, scale=100) == pytest.approx(1.14375)
    # a plain ratio 120 timmar/brukare = 12 000 / 100, whole: 0,5 + 0,5/100 + 12 000/100² × 0,5 = 1,105
    assert ratio_tolerance(12000, 100, 0) == pytest.approx(1.105)


def test_a_mismatch_with_a_blank_input_cannot_be_checked_not_wrong():
    # −100 + (blank) gives −100 against a published −150: the blank may explain it; never "fel"
    c = compare(kommun="liten", period="2017-08", dataset="ekonomi", tabell="drift", rad_text="Summa",
                kolumn="Budget", kind="summa", published=-150, computed=-100, tol=1.0, enhet="tkr",
                beskrivning="Summa mot raderna.", cell=TOTAL, inputs=(A,), missing=(B,))
    assert c.bedomning == "ej_kontrollerbar"
    assert c.missing == (B,)
    assert "1 av de ingående raderna saknar värde" in c.beskrivning
    # and when the rows present already add up, the blank changes nothing: it stays ok
    ok = compare(kommun="liten", period="2017-08", dataset="ekonomi", tabell="drift", rad_text="Summa",
                 kolumn="Budget", kind="summa", published=-100, computed=-100, tol=1.0, enhet="tkr",
                 beskrivning="x", cell=TOTAL, inputs=(A,), missing=(B,))
    assert ok.bedomning == "ok" and ok.missing == ()


def test_ca_rounding_is_said_in_the_description():
    c = sum_check(-151.0, ungefar=True)  # off by 1 ≤ 1,5
    assert c.bedomning == "avrundning" and "ca-belopp" in c.beskrivning


def test_holds_with_asks_what_if_a_figure_were_another():
    c = sum_check(-160.0)  # −100 + −50 = −150, published −160: off by 10
    assert c.failed
    assert c.holds_with({A: -110.0}) is True      # −110 + −50 = −160
    assert c.holds_with({TOTAL: -150.0}) is True  # the total as the rows give it
    assert c.holds_with({B: -55.0}) is False      # −100 + −55 = −155, still 5 off
    plain = observation(kommun="liten", period="2017-08", dataset="volymer", tabell="t", rad_text="r",
                        kolumn="Jan", kind="avvikande", bedomning="varning", enhet="timmar", beskrivning="x")
    assert plain.holds_with({A: 1.0}) is None  # not a linear check


def test_observation_keeps_no_value_as_none_and_has_no_tolerance():
    o = observation(kommun="liten", period="2017-08", dataset="volymer", tabell="t", rad_text="r", kolumn="Sep",
                    kind="framtid", bedomning="varning", enhet="timmar", beskrivning="x", published=float("nan"),
                    reference=12.0)
    assert o.publicerat is None and o.beraknat == 12.0 and o.tolerans is None
    assert o.differens is None  # nothing published: no difference, not 0 − 12


def test_check_id_is_stable_and_names_the_cell():
    a, b = sum_check(-150.0), sum_check(-160.0)
    assert a.id == b.id and len(a.id) == 10 and int(a.id, 16) >= 0  # the same figure, whatever its value
    other = compare(kommun="liten", period="2017-08", dataset="ekonomi", tabell="drift", rad_text="Summa",
                    kolumn="Budget", kind="summa", published=1, computed=1, tol=1, enhet="tkr", beskrivning="x",
                    cell=Cell("drift", 5, "Budget"))
    assert other.id != a.id
    assert a.cells == (TOTAL, A, B)
    assert sorted([TOTAL, B, A]) == [A, B, TOTAL]  # cells order by table, line, column
