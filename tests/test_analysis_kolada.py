"""The comparison with similar municipalities on small frames worked out by hand."""
import datetime as dt
import math

import pandas as pd

from helpers.analysis.kolada import comparison, headline, kolada_choices, selection
from helpers.ingest.kolada import Group, StoredFetch


def _values(rows):
    return pd.DataFrame(rows, columns=["kpi", "kommunkod", "ar", "varde"]).assign(status="", antal=1)


def _row(frame, kpi, year):
    return frame[(frame["kpi"] == kpi) & (frame["ar"] == year)].iloc[0]


ROWS = [
    # N20900 2024: own 2.0; members 1.0, 5.0, −3.0 (odd count) → median 1.0, min −3.0, max 5.0
    ("N20900", "0001", 2024, 2.0), ("N20900", "0002", 2024, 1.0), ("N20900", "0003", 2024, 5.0),
    ("N20900", "0004", 2024, -3.0),
    # 2025: members 1.0, 5.0, −3.0, 7.0 (even) → median (1.0 + 5.0)/2 = 3.0; 0005 has no value
    ("N20900", "0001", 2025, -1.5), ("N20900", "0002", 2025, 1.0), ("N20900", "0003", 2025, 5.0),
    ("N20900", "0004", 2025, -3.0), ("N20900", "0006", 2025, 7.0), ("N20900", "0005", 2025, float("nan")),
    # a municipality outside the group is never counted
    ("N20900", "9999", 2025, 100.0),
    # the country
    ("N20011", "0000", 2025, 28000.0), ("N20011", "0001", 2025, 30000.0), ("N20011", "0002", 2025, 26000.0),
]
MEMBERS = {"aldreomsorg": ["0002", "0003", "0004", "0005", "0006", "0001"]}   # lists the municipality itself
AREA = {"N20900": "aldreomsorg", "N20011": "aldreomsorg"}


def test_median_spread_and_count_by_hand():
    c = comparison(_values(ROWS), "0001", MEMBERS, AREA, preliminary_years=[2025])
    r = _row(c, "N20900", 2024)
    assert (r["kommun"], r["grupp_median"], r["grupp_min"], r["grupp_max"]) == (2.0, 1.0, -3.0, 5.0)
    assert (r["grupp_antal"], r["grupp_storlek"], r["skillnad_mot_median"]) == (3, 5, 1.0)
    assert not r["preliminar"] and math.isnan(r["riket"])
    r = _row(c, "N20900", 2025)
    assert (r["kommun"], r["grupp_median"], r["grupp_min"], r["grupp_max"]) == (-1.5, 3.0, -3.0, 7.0)
    assert (r["grupp_antal"], r["grupp_storlek"], r["skillnad_mot_median"]) == (4, 5, -4.5)
    assert r["preliminar"]
    r = _row(c, "N20011", 2025)
    assert (r["riket"], r["grupp_median"], r["grupp_antal"]) == (28000.0, 26000.0, 1)


def test_only_the_last_five_years_with_values():
    rows = [("N20900", "0001", y, float(y - 2000)) for y in range(2018, 2026)]
    c = comparison(_values(rows), "0001", {"aldreomsorg": []}, {"N20900": "aldreomsorg"})
    assert list(c["ar"]) == [2021, 2022, 2023, 2024, 2025]
    assert list(c["kommun"]) == [21.0, 22.0, 23.0, 24.0, 25.0]
    assert (c["grupp_antal"] == 0).all() and c["grupp_median"].isna().all() and c["skillnad_mot_median"].isna().all()


def test_no_group_values_is_missing_not_zero():
    c = comparison(_values([("N20900", "0001", 2025, 3.0), ("N20900", "0002", 2025, float("nan"))]), "0001",
                   {"aldreomsorg": ["0002"]}, {"N20900": "aldreomsorg"})
    r = c.iloc[0]
    assert r["grupp_antal"] == 0 and r["grupp_storlek"] == 1 and math.isnan(r["grupp_median"])


def test_headline_is_the_latest_year_with_the_municipalitys_value():
    rows = ROWS + [("N20900", "0002", 2026, 4.0)]      # a later year without the municipality's own value
    h = headline(comparison(_values(rows), "0001", MEMBERS, AREA))
    assert list(h["kpi"]) == ["N20900"] and list(h["ar"]) == [2025]


def _fetch(code, names, rows, day):
    return StoredFetch(folder=None, kommun=code, kommunkod=code, kommun_titel=names[code], fetched=day, years=(),
                       areas=("aldreomsorg",), preliminary_years=(), groups={"aldreomsorg": Group(
                           "aldreomsorg", "G1", "g", ())}, kpi_titles={"N20900": "Avvikelse"}, names=names,
                       values=_values(rows))


def test_choices_and_selection_from_several_fetches():
    a = _fetch("0001", {"0001": "Aby", "0002": "Beby", "0000": "Riket"},
               [("N20900", "0001", 2024, 1.0), ("N20900", "0002", 2024, 2.0), ("N20011", "0000", 2024, 9.0)],
               dt.date(2026, 1, 1))
    b = _fetch("0002", {"0002": "Beby", "0003": "Ceby", "0000": "Riket"},
               [("N20900", "0002", 2024, 2.5), ("N20900", "0003", 2025, 3.0)], dt.date(2026, 2, 1))
    ch = kolada_choices([a, b])
    assert ch["kommuner"] == {"0000": "Riket", "0001": "Aby", "0002": "Beby", "0003": "Ceby"}
    assert set(ch["nyckeltal"]) == {"N20900", "N20011"}
    s = selection([a, b], ["N20900"], ["0001", "0002"])
    by = s.set_index("kommun")
    assert by.loc["Aby", 2024] == 1.0 and by.loc["Beby", 2024] == 2.5     # the newer fetch wins
