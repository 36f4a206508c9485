"""analysis/volumes.py: monthly series (months after the period are not data, relabelled rows placed,
missing months stay missing), the same months each year, and annual volumes. Report period 2017-03
(January–March) unless stated."""
import math

import pandas as pd
import pytest
from tidy_rows import rec, tidy, volume

from helpers.analysis.volumes import (
    SERIES_COLUMNS,
    annual_changes,
    annual_table,
    period_aggregate,
    same_period_table,
    series_frame,
    sums_over_year,
)
from helpers.checks.volumes import Relabel
from helpers.core.period import Period

MARCH = Period(2017, 3)


def hemtjanst():
    """Hours: 2016 100 a month all year; 2017 110, 120, 130 and a printed 0 for April; budget 100 a month."""
    return (volume("ht", "Hemtjänst", 2016, {m: 100 for m in range(1, 13)}, rad=2)
            + volume("ht", "Hemtjänst", 2017, {1: 110, 2: 120, 3: 130, 4: 0}, rad=3)
            + volume("ht", "Hemtjänst", 2017, {m: 100 for m in range(1, 13)}, slag="budget", rad=4))


def test_sums_over_year():
    assert sums_over_year("timmar") and sums_over_year("dygn")
    assert not sums_over_year("platser") and not sums_over_year("beslut")
    assert not sums_over_year("okänd enhet")  # not a unit: averaged, never summed


def test_series_frame_holds_no_month_after_the_period():
    s = series_frame(tidy(hemtjanst()), MARCH)
    assert list(s.columns) == SERIES_COLUMNS
    y2017 = s[s["ar"] == 2017]
    # April's printed 0 is not data, and neither are April–December of the budget
    assert sorted(zip(y2017["slag"], y2017["manad"])) == [("budget", 1), ("budget", 2), ("budget", 3),
                                                           ("utfall", 1), ("utfall", 2), ("utfall", 3)]
    assert len(s[s["ar"] == 2016]) == 12  # last year is complete


def test_series_frame_places_relabelled_rows_and_leaves_out_ignored_ones():
    rows = (volume("bmss", "Bostad", 2017, {1: 15, 2: 16, 3: 17}, regi="totalt", rad=6, radetikett="Totalt 2017",
                   enhet="platser")
            + volume("bmss", "Bostad", 2017, {1: 21, 2: 21, 3: 21}, regi="totalt", rad=7, radetikett="Totalt 2017",
                     enhet="platser")
            + volume("bmss", "Bostad", 2017, {1: 99, 2: 99, 3: 99}, regi="intern", rad=8, enhet="platser"))
    s = series_frame(tidy(rows), MARCH, relabels=[Relabel("bmss", 6, "Totalt 2017", 2017, 2016, "belägg")],
                     ignored=[("bmss", 8)])
    tot = s[s["regi"] == "totalt"]
    assert tot[tot["ar"] == 2016]["varde"].tolist() == [15, 16, 17]
    assert set(tot[tot["ar"] == 2016]["omdopt"]) == {"Totalt 2017"} and set(tot[tot["ar"] == 2017]["omdopt"]) == {""}
    assert tot[tot["ar"] == 2017]["varde"].tolist() == [21, 21, 21]
    assert "intern" not in set(s["regi"])  # the ignored row


def test_a_budget_without_regi_is_the_budget_of_the_total():
    rows = (volume("dv", "Daglig verksamhet", 2017, {1: 50, 2: 50, 3: 50}, regi="totalt", rad=2, enhet="beslut")
            + volume("dv", "Daglig verksamhet", 2017, {1: 48, 2: 48, 3: 48}, slag="budget", rad=3, enhet="beslut"))
    s = series_frame(tidy(rows), MARCH)
    assert set(s[s["slag"] == "budget"]["regi"]) == {"totalt"}


def test_a_repeated_row_keeps_the_last():
    rows = (volume("ht", "Hemtjänst", 2017, {1: 1, 2: 2, 3: 3}, rad=2)
            + volume("ht", "Hemtjänst", 2017, {1: 7, 2: 8, 3: 9}, rad=3))
    assert series_frame(tidy(rows), MARCH)["varde"].tolist() == [7, 8, 9]


def test_series_frame_of_no_volumes():
    s = series_frame(tidy([rec(varde=-100.0)]), MARCH)  # an economy figure only
    assert s.empty and list(s.columns) == SERIES_COLUMNS


def test_period_aggregate_sums_hours_and_averages_places():
    s = series_frame(tidy(hemtjanst() + volume("pl", "Platser", 2017, {1: 10, 2: 11, 3: 15}, rad=2,
                                                enhet="platser")), MARCH)
    agg = period_aggregate(s, 3).set_index(["tabell", "slag", "ar"])["varde"]
    assert agg[("ht", "utfall", 2017)] == 360    # 110 + 120 + 130 hours
    assert agg[("ht", "utfall", 2016)] == 300    # 100 × 3
    assert agg[("ht", "budget", 2017)] == 300
    assert agg[("pl", "utfall", 2017)] == 12     # (10 + 11 + 15) / 3 places


def test_a_missing_month_is_missing_not_zero():
    # February blank: January + March is not a January–March figure, for a sum or a mean
    rows = volume("ht", "Hemtjänst", 2017, {1: 110, 3: 130}) + volume("pl", "Platser", 2017, {1: 10, 3: 14}, rad=3,
                                                                      enhet="platser")
    s = series_frame(tidy(rows), MARCH)
    assert period_aggregate(s, 3).empty
    assert same_period_table(s, MARCH).empty


def test_same_period_table():
    t = same_period_table(series_frame(tidy(hemtjanst()), MARCH), MARCH).set_index("ar")
    assert list(t.index) == [2016, 2017] and set(t["period"]) == {"januari–mars"}
    # 2017: 360 against 300 the year before → +60, +20 %; against the budget 300 → +60, +20 %
    assert (t.loc[2017, "varde"], t.loc[2017, "forandring"], t.loc[2017, "budget"]) == (360, 60, 300)
    assert t.loc[2017, "forandring_procent"] == pytest.approx(20.0)
    assert t.loc[2017, "avvikelse_budget"] == 60 and t.loc[2017, "avvikelse_budget_procent"] == pytest.approx(20.0)
    # the full year only where all twelve months exist and the year is over: 2016 = 1 200, 2017 none
    assert t.loc[2016, "helar"] == 1200 and math.isnan(t.loc[2017, "helar"])
    assert math.isnan(t.loc[2016, "forandring"]) and math.isnan(t.loc[2016, "budget"])  # no 2015, no 2016 budget


def test_same_period_change_only_against_the_year_just_before():
    # 2015 and 2017 but no 2016: 2017's change is not against 2015
    rows = (volume("pl", "Platser", 2015, {1: 10, 2: 10, 3: 10}, rad=2, enhet="platser")
            + volume("pl", "Platser", 2017, {1: 12, 2: 12, 3: 12}, rad=3, enhet="platser"))
    t = same_period_table(series_frame(tidy(rows), MARCH), MARCH).set_index("ar")
    assert t.loc[2017, "varde"] == 12 and math.isnan(t.loc[2017, "forandring"])


def test_a_zero_budget_gives_no_percentage():
    rows = (volume("ny", "Ny insats", 2017, {1: 5, 2: 5, 3: 5}, rad=2)
            + volume("ny", "Ny insats", 2017, {1: 0, 2: 0, 3: 0}, slag="budget", rad=3))
    row = same_period_table(series_frame(tidy(rows), MARCH), MARCH).iloc[0]
    assert row["avvikelse_budget"] == 15 and math.isnan(row["avvikelse_budget_procent"])  # 15 − 0; never ÷ 0


def annual(kolumn, slag, ar, value, enhet="timmar", storhet="Beviljade timmar", rad=2):
    return rec(tabell="volymer_ar", fil="volymer_ar.csv", dataset="volymer", rad=rad, kolumn=kolumn,
               verksamhet="Hemtjänst", storhet=storhet, slag=slag, matt="arsvarde", omfattning="helar", ar=ar,
               enhet=enhet, varde=value)


def test_annual_table_and_changes():
    rows = [annual("Utfall 2015", "utfall", 2015, 1000), annual("Utfall 2016", "utfall", 2016, 1100),
            annual("Budget 2017", "budget", 2017, 1200), annual("Prognos 2017", "prognos", 2017, 1150),
            annual("Utfall 2015", "utfall", 2015, 0, "brukare", "Brukare", 3),
            annual("Utfall 2016", "utfall", 2016, 20, "brukare", "Brukare", 3)]
    a = annual_table(tidy(rows))
    assert list(a.columns) == ["tabell", "rad", "verksamhet", "storhet", "enhet", "Utfall 2015", "Utfall 2016",
                               "Budget 2017", "Prognos 2017"]
    c = annual_changes(a).set_index("storhet")
    assert c.loc["Beviljade timmar", "Förändring 2016, %"] == pytest.approx(10.0)                # 1 000 → 1 100
    assert c.loc["Beviljade timmar", "Budget mot senaste utfall, %"] == pytest.approx(100 * 100 / 1100)  # 9,1 %
    assert c.loc["Beviljade timmar", "Prognos mot budget, %"] == pytest.approx(100 * -50 / 1200)      # −4,2 %
    assert math.isnan(c.loc["Brukare", "Förändring 2016, %"])  # from 0: no percentage
    assert math.isnan(c.loc["Brukare", "Budget 2017"])         # not published: missing, not 0


def test_annual_table_of_nothing():
    assert annual_table(tidy([rec(varde=1.0)])).empty
    assert annual_changes(pd.DataFrame()).empty
