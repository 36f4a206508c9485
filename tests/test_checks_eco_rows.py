"""checks/figures.EcoRows: the economy frame grouped once by (tabell, rad) gives every row the same
figures as filtering the frame for that row."""
from tidy_rows import eco, economy

from helpers.checks.figures import EcoRows, row_cells, row_values
from helpers.checks.finding import Cell

LINES = [(2, "Hemtjänst", "", "post", "", {"Budget": 1000, "Utfall": 1100, "Avvikelse": -100}),
         (3, "Boende", "", "post", "", {"Budget": 400, "Utfall": 380, "Avvikelse": 20})]


def test_rows_are_looked_up_by_table_and_line():
    e = eco(economy(LINES, kostnadstecken="plus"))
    lookup = EcoRows(e)
    # costs written plus are normalised: Boende's budget 400 → −400, utfall 380 → −380, deviation +20 kept
    assert row_values(lookup, "drift", 3, 2017) == {"budget_period": -400.0, "utfall_period": -380.0,
                                                    "avvikelse_period": 20.0}
    assert row_cells(lookup, "drift", 2, 2017)["utfall_period"]["kolumn"] == "Utfall"
    assert row_cells(lookup, "drift", 9, 2017) == {}      # no such line
    assert row_cells(lookup, "annan", 2, 2017) == {}      # no such table


def test_an_override_replaces_the_published_figure_in_both_ways():
    # Hemtjänst's printed outcome 1 100 replaced by 1 150 (raw sign): normalised −1 150
    e = eco(economy(LINES, kostnadstecken="plus"))
    overrides = {Cell("drift", 2, "Utfall"): 1150.0}
    assert row_values(EcoRows(e), "drift", 2, 2017, overrides)["utfall_period"] == -1150.0
    assert row_values(e, "drift", 2, 2017, overrides)["utfall_period"] == -1150.0
