"""analysis/series_warnings.py on hand-typed frames: which months a same-period comparison lacks, and
which plausibility warnings of the check frame belong to which series and to the compared months.
(The checks that produce the warnings: tests/test_checks_volumes_plausibility.py.)"""
import pandas as pd

from helpers.analysis.series_warnings import comparison_gaps, gap_text, link_warnings, series_warnings
from helpers.checks.run import CHECK_COLUMNS
from helpers.core.period import Period

AUGUST = Period(2017, 8)


def series(rows):
    """{(serie, regi, year): months} → a series frame (outcome, hours)."""
    return pd.DataFrame([dict(tabell="t", serie=s, regi=r, enhet="timmar", slag="utfall", ar=y, manad=m, varde=1.0,
                              radetikett=f"Utfall {y}", omdopt="")
                         for (s, r, y), months in rows.items() for m in months])


def check(kontroll, rad, kolumn, beskrivning):
    row = dict.fromkeys(CHECK_COLUMNS, "")
    row.update(tabell="t", kontroll=kontroll, rad=rad, kolumn=kolumn, beskrivning=beskrivning, bedomning="varning")
    return row


def test_comparison_gaps_are_the_compared_months_a_year_lacks():
    s = series({("H", "extern", 2016): range(1, 13), ("H", "extern", 2017): [1, 2, 3, 4, 5, 7, 8],
                ("H", "intern", 2016): [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12], ("H", "intern", 2017): range(1, 9),
                ("Ny", "", 2017): range(1, 9)})
    assert comparison_gaps(s, ("t", "H", "extern"), AUGUST) == [(2017, 6)]
    assert comparison_gaps(s, ("t", "H", "intern"), AUGUST) == [(2016, 3)]
    # a series that starts in 2017 has no year before: no comparison, but no gap either
    assert comparison_gaps(s, ("t", "Ny", ""), AUGUST) == []
    # March 2016 is outside January–February
    assert comparison_gaps(s, ("t", "H", "intern"), Period(2017, 2)) == []


def test_gap_text():
    assert gap_text([(2017, 6)]) == "juni 2017 saknas"
    assert gap_text([(2016, 3), (2017, 6), (2017, 7)]) == "mars 2016, juni 2017 och juli 2017 saknas"


def test_warnings_go_to_their_series_and_months():
    s = series({("H", "extern", 2016): range(1, 13), ("H", "extern", 2017): range(1, 9),
                ("H", "intern", 2016): range(1, 13), ("P", "", 2014): range(1, 13)})
    checks = pd.DataFrame([
        check("brott", "H (extern) / Utfall 2017", "juni 2017",
              "Brott i serien i juni 2017; jämförelsen är osäker. Underlag: värdet går från 10 till 3."),
        check("identisk", "P / Utfall 2014", "december 2014",
              "December 2014 har samma värde (5 timmar) som serien 'H'; ett av värdena är troligen inskrivet på fel "
              "rad. Underlag: i median 40 %."),
        check("avvikande", "H / Utfall 2017", "Jun", "Värdet ligger långt från radens typiska nivå."),
    ])
    # the break is in the compared months of extern only (not intern: the row names the regi); December 2014
    # is outside January–August 2016/2017; an outlier is not a plausibility warning of this kind
    assert series_warnings(checks, s, AUGUST) == {("t", "H", "extern"): ["brott i serien i juni 2017; jämförelsen är "
                                                                          "osäker"]}
    every = series_warnings(checks, s)
    assert every[("t", "P", "")] == ["december 2014 har samma värde (5 timmar) som serien 'H'; ett av värdena är "
                                     "troligen inskrivet på fel rad"]
    assert set(every) == {("t", "H", "extern"), ("t", "P", "")}


def test_nothing_to_warn_about():
    assert series_warnings(pd.DataFrame(columns=CHECK_COLUMNS), series({("H", "", 2017): [1]}), AUGUST) == {}


def test_link_warnings_reach_the_verksamhet_the_series_explains():
    from types import SimpleNamespace

    s = series({("H", "extern", 2017): range(1, 9), ("H", "intern", 2017): range(1, 9), ("P", "", 2017): range(1, 9)})
    checks = pd.DataFrame([check("brott", "H (intern) / Utfall 2017", "juni 2017",
                                 "Brott i serien i juni 2017; jämförelsen är osäker.")])
    links = [SimpleNamespace(verksamhet="Ordinärt boende", volymtabell="t", serie="H"),
             SimpleNamespace(verksamhet="Personlig assistans", volymtabell="t", serie="P")]
    assert link_warnings(checks, s, AUGUST, links) == {
        "Ordinärt boende": ["brott i serien i juni 2017; jämförelsen är osäker"]}
