"""checks/figures.py: the figures of one economy row by measure (normalised signs), and the rows that
carry the nämnd's total."""
import math

import pandas as pd
import pytest
from tidy_rows import eco, economy

from helpers.checks.figures import add, grand_total_rows, measure_of, row_cells, row_values
from helpers.checks.finding import Cell
from helpers.core.hierarchy import Row


@pytest.mark.parametrize("matt,slag,omf,ar,name", [
    ("netto", "budget", "period", 2017, "budget_period"),
    ("netto", "utfall", "period", 2017, "utfall_period"),
    ("avvikelse", "", "period", 2017, "avvikelse_period"),
    ("netto", "budget", "helar", 2017, "helarsbudget"),
    ("netto", "prognos", "helar", 2017, "prognos"),
    ("avvikelse", "", "helar", 2017, "prognosavvikelse"),
    ("netto", "utfall", "helar", 2016, "utfall_fg_ar"),  # last year's outcome: the year before the report
    ("netto", "utfall", "helar", 2017, None),             # this year's full-year outcome is no measure in August
    ("netto", "budget", "period", 2016, None),            # last year's period budget is not this year's
    ("kostnader", "utfall", "period", 2017, None),        # costs are not the net
])
def test_measure_of(matt, slag, omf, ar, name):
    assert measure_of(matt, slag, omf, ar, 2017) == name


PLUS_LINES = [(2, "Hemtjänst", "", "post", "", {"Budget": 1000, "Utfall": 1100, "Avvikelse": -100, "Intäkter": 50})]


def test_row_values_are_normalised_costs_negative():
    # a table that writes costs as plus: budget 1 000 → −1 000, utfall 1 100 → −1 100; a deviation keeps its sign
    e = eco(economy(PLUS_LINES, kostnadstecken="plus"))
    v = row_values(e, "drift", 2, 2017)
    assert v == {"budget_period": -1000.0, "utfall_period": -1100.0, "avvikelse_period": -100.0}
    cells = row_cells(e, "drift", 2, 2017)
    assert set(cells) == set(v) and cells["budget_period"]["kolumn"] == "Budget"


def test_an_override_is_given_as_printed_and_gets_the_tables_sign():
    e = eco(economy(PLUS_LINES, kostnadstecken="plus"))
    # the replaced budget is 1 200 as the table prints it → −1 200 in the workspace's sign
    v = row_values(e, "drift", 2, 2017, {Cell("drift", 2, "Budget"): 1200.0})
    assert v["budget_period"] == -1200.0 and v["utfall_period"] == -1100.0
    # a published 0 has no sign to copy: the override is taken as it is (budget 0 → 25)
    zero = eco(economy([(2, "Ny", "", "post", "", {"Budget": 0, "Utfall": -30})]))
    assert row_values(zero, "drift", 2, 2017, {Cell("drift", 2, "Budget"): -25.0})["budget_period"] == -25.0


def test_a_blank_cell_is_no_measure():
    e = eco(economy([(2, "A", "", "post", "", {"Utfall": -90})]))
    assert row_values(e, "drift", 2, 2017) == {"utfall_period": -90.0}  # no budget_period: not 0
    assert row_values(e, "drift", 3, 2017) == {}


def test_grand_total_rows():
    summa = [Row("A", "", "post", "", 2), Row("B", "", "post", "", 3), Row("Summa", "", "summa", "", 4)]
    flat = [Row("A", "", "post", "", 2), Row("B", "", "post", "", 3)]
    nested = [Row("G", "", "rubrik", "", 2), Row("a", "G", "post", "", 3), Row("b", "G", "post", "", 4)]
    group_total = [Row("Summa G", "", "summa", "G", 2), Row("a", "G", "post", "", 3), Row("X", "", "post", "", 4)]
    rows = {"s": summa, "f": flat, "n": nested, "g": group_total}
    assert grand_total_rows(rows, ["s"]) == [("s", 4)]            # the top-level Summa row
    assert grand_total_rows(rows, ["f"]) == [("f", 2), ("f", 3)]  # no Summa: the top-level rows
    assert grand_total_rows(rows, ["n"]) == [("n", 3), ("n", 4)]  # only rows under a rubrik: all post rows
    assert grand_total_rows(rows, ["g"]) == [("g", 4)]            # a group's Summa is not the total
    assert grand_total_rows(rows, ["s", "f"]) == [("s", 4), ("f", 2), ("f", 3)]
    assert grand_total_rows(rows, ["saknas"]) == []


def test_add_keeps_a_missing_measure_missing():
    out = add({"budget_period": -100.0, "utfall_period": -90.0}, {"budget_period": -50.0})
    assert out["budget_period"] == -150.0  # −100 + −50
    assert math.isnan(out["utfall_period"])  # −90 + (missing) is missing, not −90


def test_row_cells_takes_the_first_figure_of_a_measure():
    # two columns of the same measure on a row (e.g. a repeated heading): the first in file order counts
    e = eco(economy([(2, "A", "", "post", "", {"Budget": -100})])
            + economy([(2, "A", "", "post", "", {"Budget 2": -200})],
                      columns={"Budget 2": ("netto", "budget", "period", 2017)}))
    assert isinstance(row_cells(e, "drift", 2, 2017)["budget_period"], pd.Series)
    assert row_values(e, "drift", 2, 2017)["budget_period"] == -100.0


@pytest.mark.xfail(strict=True, reason="row_values takes the table's sign from belopp / varde, which a printed 0 "
                                       "does not have: a replaced 0 in a table with costs written plus keeps the "
                                       "wrong sign")
def test_a_replaced_zero_in_a_plus_table_gets_the_tables_sign():
    # costs written plus: row A 25 → −25; the Summa printed 0, replaced by the rows' 25 (as printed) → −25
    e = eco(economy([(2, "A", "", "post", "", {"Budget": 25}), (3, "Summa", "", "summa", "", {"Budget": 0})],
                    kostnadstecken="plus"))
    assert row_values(e, "drift", 3, 2017, {Cell("drift", 3, "Budget"): 25.0})["budget_period"] == -25.0
