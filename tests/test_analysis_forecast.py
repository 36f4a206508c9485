"""analysis/forecast.py: the run-rate and seasonal forecasts beside the official one, how the forecast
moved between periods, and how well it hit the year's outcome. Tables are typed with the reconciled
table's columns (tkr, costs negative)."""
import math

import pandas as pd
import pytest

from helpers.analysis.forecast import (
    FORECAST_THRESHOLD,
    forecast_accuracy,
    forecast_check,
    forecast_history,
    run_rate,
    seasonal_forecast,
    seasonal_share,
)

NAN = float("nan")


def reconciled(rows):
    """(verksamhet, radtyp, helarsbudget, utfall_period, prognos) → the reconciled table's columns."""
    return pd.DataFrame([dict(verksamhet=v, radtyp=t, summerar="", overordnad="", helarsbudget=b, utfall_period=u,
                              prognos=p, prognosavvikelse=p - b) for v, t, b, u, p in rows])


def test_run_rate():
    assert run_rate(-800, 8) == -1200   # −800 in eight months → −100 a month → −1 200 a year
    assert run_rate(-50, 1) == -600


def test_forecast_check_flags_a_forecast_far_from_the_run_rate():
    # helårsbudget −1 200, utfall −800 after August → run-rate −1 200; the limit is 5 % × 1 200 = 60
    t = reconciled([("A", "post", -1200, -800, -1300),    # 100 from the run-rate > 60 → flagged
                    ("B", "post", -1200, -800, -1250),    # 50 ≤ 60 → not flagged
                    ("C", "post", -1200, -800, -1300),    # 100 off, but the seasonal −1 290 is 10 away
                    ("D", "post", -1200, -800, -1300),    # seasonal −1 100 is 200 away too → flagged
                    ("Rubrik", "rubrik", -1200, -800, -1300),
                    ("E", "post", -1200, -800, NAN),      # no forecast: nothing to check
                    ("F", "post", -1200, NAN, -1300)])    # no outcome: no run-rate (never from 0)
    out = forecast_check(t, 8, seasonal={"C": -1290.0, "D": -1100.0}).set_index("verksamhet")
    assert FORECAST_THRESHOLD == 0.05
    assert list(out.index) == ["A", "B", "C", "D"]
    assert (out["prognos_rak"] == -1200).all() and (out["troskel"] == 60).all()
    assert out["flagga"].to_dict() == {"A": True, "B": False, "C": False, "D": True}
    assert math.isnan(out.loc["A", "prognos_sasong"]) and out.loc["C", "prognos_sasong"] == -1290


def test_forecast_check_threshold_boundary():
    # exactly 60 from the run-rate is not more than 5 % of 1 200
    t = reconciled([("A", "post", -1200, -800, -1260), ("B", "post", -1200, -800, -1261)])
    assert forecast_check(t, 8)["flagga"].tolist() == [False, True]
    # a threshold of 10 % (120) lets the 61 through
    assert forecast_check(t, 8, threshold=0.10)["flagga"].tolist() == [False, False]


def history_frame():
    rows = [dict(ar=2015, manad=m, varde=10.0) for m in range(1, 13)]                 # even: 80/120 by August
    rows += [dict(ar=2016, manad=m, varde=12.0 if m <= 8 else 6.0) for m in range(1, 13)]  # 96/120 by August
    rows += [dict(ar=2014, manad=m, varde=50.0) for m in range(1, 7)]                 # incomplete: not used
    return pd.DataFrame(rows)


def test_seasonal_share_and_forecast():
    # mean of 80/120 and 96/120 = (0,6667 + 0,8) / 2 = 0,7333
    assert seasonal_share(history_frame(), 8) == pytest.approx((80 / 120 + 96 / 120) / 2)
    # −880 tkr by August / 0,7333 = −1 200 tkr for the year
    assert seasonal_forecast(-880, 8, history_frame()) == pytest.approx(-1200)


def test_no_complete_year_no_seasonal_forecast():
    partial = pd.DataFrame([dict(ar=2016, manad=m, varde=10.0) for m in range(1, 12)])  # December missing
    assert seasonal_share(partial, 8) is None and seasonal_forecast(-880, 8, partial) is None


def test_forecast_history_and_change_since_the_month_before():
    march = reconciled([("A", "post", -1200, -300, -1200), ("B", "post", -600, -150, -600),
                        ("Rubrik", "rubrik", NAN, NAN, NAN)])
    april = reconciled([("A", "post", -1200, -420, -1250), ("B", "post", -600, -200, NAN)])
    h = forecast_history({"2017-04": april, "2017-03": march})
    assert list(zip(h["period"], h["verksamhet"])) == [("2017-03", "A"), ("2017-03", "B"), ("2017-04", "A")]
    a = h[h["verksamhet"] == "A"].set_index("period")
    assert math.isnan(a.loc["2017-03", "forandring"])   # nothing before March
    assert a.loc["2017-04", "forandring"] == -50         # −1 250 − (−1 200)
    assert a.loc["2017-04", "prognosavvikelse"] == -50   # −1 250 − (−1 200) against the budget


def test_forecast_history_of_nothing():
    h = forecast_history({})
    assert h.empty and "forandring" in h.columns


def test_forecast_accuracy_once_the_outcome_is_in():
    march = reconciled([("A", "post", -1200, -300, -1200), ("Ny", "post", 0, 0, -10)])
    april = reconciled([("A", "post", -1200, -420, -1250)])
    acc = forecast_accuracy(forecast_history({"2017-03": march, "2017-04": april}),
                            {"A": -1240.0, "Ny": 0.0}).set_index(["period", "verksamhet"])
    # March: −1 200 − (−1 240) = +40 (expected a lower cost), 40 / 1 240 = 3,23 %
    assert acc.loc[("2017-03", "A"), "miss"] == 40
    assert acc.loc[("2017-03", "A"), "miss_procent"] == pytest.approx(100 * 40 / 1240)
    # April: −1 250 − (−1 240) = −10, 0,81 %
    assert acc.loc[("2017-04", "A"), "miss"] == -10
    # an outcome of 0 gives no percentage (never ÷ 0)
    assert acc.loc[("2017-03", "Ny"), "miss"] == -10 and math.isnan(acc.loc[("2017-03", "Ny"), "miss_procent"])


def test_forecast_accuracy_leaves_out_rows_without_an_outcome():
    h = forecast_history({"2017-03": reconciled([("A", "post", -1200, -300, -1200)])})
    assert forecast_accuracy(h, {"B": -10.0}).empty
