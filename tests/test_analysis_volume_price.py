"""analysis/volume_price.py: a deviation split into a volume effect and a price effect that add up
exactly to it, from key figures or from linked monthly volumes; seasonal forecasts and cost per unit
month by month. Amounts in tkr, costs negative; report period 2017-03 unless stated."""
import pandas as pd
import pytest
from tidy_rows import eco, rec, tidy, volume

from helpers.analysis.volume_price import (
    COLUMNS,
    from_key_figures,
    from_links,
    monthly_cost_per_unit,
    seasonal_forecasts,
    split_volume_price,
)
from helpers.analysis.volumes import series_frame
from helpers.core.period import Period
from helpers.ingest.metadata import Link

MARCH = Period(2017, 3)
LINK = Link(tabell="drift", verksamhet="Personlig assistans", volymtabell="pa", serie="PA", tacker_hela_kostnaden=True)


def test_volume_and_price_add_up_exactly_to_the_total():
    # 100 h at −2 tkr budgeted, 120 h at −2,5 tkr actual:
    # volume (120 − 100) × −2 = −40; price (−2,5 − (−2)) × 120 = −60; total −300 − (−200) = −100 = −40 + −60
    s = split_volume_price(100, -2.0, 120, -2.5)
    assert s == {"volymeffekt": -40.0, "priseffekt": -60.0, "total": -100.0}


@pytest.mark.parametrize("vb,cb,va,ca", [(100, -1.0, 110, -1.1), (3, -0.37, 2, -0.41), (250, -2.0, 250, -2.0),
                                         (0, -1.0, 10, -1.5)])
def test_the_split_is_exact_for_any_figures(vb, cb, va, ca):
    s = split_volume_price(vb, cb, va, ca)
    # Δv·cb + Δc·va = va·cb − vb·cb + va·ca − va·cb = va·ca − vb·cb
    assert s["volymeffekt"] + s["priseffekt"] == pytest.approx(s["total"], abs=1e-12)
    assert s["total"] == pytest.approx(va * ca - vb * cb)


def key_figure_rows(prognos_kr=-520.0, enhet="timmar", key_unit="kr/timme"):
    def row(dataset, slag, value, unit, storhet, rad):
        return rec(tabell="volymer", fil="volymer.csv", dataset=dataset, rad=rad, kolumn=f"{slag.capitalize()} 2017",
                   verksamhet="Hemtjänst", storhet=storhet, slag=slag, matt="arsvarde", omfattning="helar", ar=2017,
                   enhet=unit, varde=value)
    rows = [row("volymer", "budget", 1000, enhet, "Timmar", 2), row("volymer", "prognos", 1100, enhet, "Timmar", 2),
            row("nyckeltal", "budget", -500, key_unit, "Kostnad per timme", 3)]
    if prognos_kr is not None:
        rows.append(row("nyckeltal", "prognos", prognos_kr, key_unit, "Kostnad per timme", 3))
    return tidy(rows)


def test_from_key_figures():
    (r,) = from_key_figures(key_figure_rows(), 2017).to_dict("records")
    # −500 kr = −0,5 tkr and −520 kr = −0,52 tkr per hour; 1 000 h budgeted, 1 100 h forecast:
    # volume 100 × −0,5 = −50; price −0,02 × 1 100 = −22; total −572 − (−500) = −72
    assert (r["volym_budget"], r["volym_utfall"]) == (1000, 1100)
    assert r["styckkostnad_budget_tkr"] == pytest.approx(-0.5) and r["styckkostnad_utfall_tkr"] == pytest.approx(-0.52)
    assert r["volymeffekt"] == pytest.approx(-50) and r["priseffekt"] == pytest.approx(-22)
    assert r["total"] == pytest.approx(-72) and r["jamforelse"] == "prognos mot budget 2017"


def test_from_key_figures_needs_all_four_figures():
    assert from_key_figures(key_figure_rows(prognos_kr=None), 2017).empty  # a missing forecast is not 0 kr
    assert from_key_figures(key_figure_rows(enhet="beslut", key_unit="kr/beslut"), 2017).empty  # no such pair
    assert list(from_key_figures(key_figure_rows(), 2016).columns) == COLUMNS  # another year: nothing, same columns


def pa_series(budget=None, actual=None, history=True):
    rows = (volume("pa", "PA", 2017, budget or {1: 100, 2: 100, 3: 100}, slag="budget", rad=2)
            + volume("pa", "PA", 2017, actual or {1: 110, 2: 120, 3: 130}, rad=3))
    if history:
        rows += volume("pa", "PA", 2016, {m: 100 for m in range(1, 13)}, rad=4)
    return series_frame(tidy(rows), MARCH)


def linked_table(budget=-600.0, outcome=-792.0, how="publicerad"):
    return pd.DataFrame([dict(verksamhet="Personlig assistans", budget_period=budget, utfall_period=outcome,
                              budget_period_hur=how, utfall_period_hur="publicerad")])


def test_from_links():
    (r,) = from_links(linked_table(), pa_series(), [LINK], MARCH, "tkr").to_dict("records")
    # budget −600 tkr for 300 h = −2 tkr/h; outcome −792 tkr for 110 + 120 + 130 = 360 h = −2,2 tkr/h
    # volume 60 × −2 = −120; price −0,2 × 360 = −72; total −792 − (−600) = −192 = −120 + −72
    assert (r["volym_budget"], r["volym_utfall"]) == (300, 360)
    assert r["volymeffekt"] == pytest.approx(-120) and r["priseffekt"] == pytest.approx(-72)
    assert r["total"] == pytest.approx(-192) and not r["uppskattad"]
    assert r["jamforelse"] == "utfall mot budget januari–mars 2017"


def test_from_links_in_mkr_and_with_an_estimated_budget():
    t = linked_table(-0.6, -0.792, how="uppskattad")
    (r,) = from_links(t, pa_series(), [LINK], MARCH, "mkr").to_dict("records")
    assert r["total"] == pytest.approx(-192) and r["uppskattad"]  # −0,6 mkr = −600 tkr; flagged as an estimate


def test_from_links_with_a_missing_month_gives_nothing():
    # February's outcome blank: 110 + 130 is not a January–March volume
    assert from_links(linked_table(), pa_series(actual={1: 110, 3: 130}), [LINK], MARCH, "tkr").empty
    assert from_links(linked_table(outcome=float("nan")), pa_series(), [LINK], MARCH, "tkr").empty


def test_a_link_that_does_not_cover_the_whole_cost_is_not_split():
    partial = Link(tabell="drift", verksamhet="Personlig assistans", volymtabell="pa", serie="PA",
                   forklaring="raden gäller LSS och SFB, timmarna bara LSS")
    (r,) = from_links(linked_table(), pa_series(), [partial], MARCH, "tkr").to_dict("records")
    assert pd.isna(r["volymeffekt"]) and pd.isna(r["total"])
    assert r["ej_uppdelad"] == ("kopplingen säger inte att 'PA' täcker exakt den kostnad som står på raden: "
                                "raden gäller LSS och SFB, timmarna bara LSS")


def test_seasonal_forecasts_from_earlier_complete_years():
    # 2016: 100 h every month, so January–March is 3/12 = 25 % of the year; −792 / 0,25 = −3 168
    out = seasonal_forecasts(linked_table(), pa_series(), [LINK], MARCH)
    assert out == {"Personlig assistans": pytest.approx(-3168)}
    assert seasonal_forecasts(linked_table(), pa_series(history=False), [LINK], MARCH) == {}


def test_monthly_cost_per_unit():
    ledger = eco([rec(tabell="drift", rad=2, kolumn=f"M{m}", verksamhet="Personlig assistans", slag="utfall",
                      matt="netto", omfattning="manad", manad=m, varde=v)
                  for m, v in ((1, -200), (2, -250), (3, -260), (4, -270))])
    series = series_frame(tidy(volume("pa", "PA", 2017, {1: 60, 2: 60, 3: 60}, regi="intern", rad=2)
                               + volume("pa", "PA", 2017, {1: 40, 2: 40}, regi="extern", rad=3)), MARCH)
    out = monthly_cost_per_unit(ledger, series, [LINK], MARCH)
    # January 200 tkr / (60 + 40) h = 2 000 kr/h; February 250 / 100 = 2 500 kr/h. March: extern blank, so
    # no volume (never 60 + 0); April: after the period, no volume either
    assert out[["manad", "kostnad_tkr", "volym", "kr_per_enhet"]].values.tolist() == [[1, 200, 100, 2000],
                                                                                      [2, 250, 100, 2500]]


@pytest.mark.parametrize("with_total", [False, True])
def test_from_links_uses_the_whole_volume_of_a_series_split_by_regi(with_total):
    # outcome 60 h intern + 40 h extern = 100 h a month, 300 h January–March (also printed as totalt in the
    # second case); budget 100 h a month = 300 h. Volume effect 0 × −2 = 0, price (−792/300 − (−2)) × 300 = −192
    rows = (volume("pa", "PA", 2017, {1: 60, 2: 60, 3: 60}, regi="intern", rad=2)
            + volume("pa", "PA", 2017, {1: 40, 2: 40, 3: 40}, regi="extern", rad=3)
            + volume("pa", "PA", 2017, {1: 100, 2: 100, 3: 100}, slag="budget", rad=5))
    if with_total:
        rows += volume("pa", "PA", 2017, {1: 100, 2: 100, 3: 100}, regi="totalt", rad=4)
    (r,) = from_links(linked_table(), series_frame(tidy(rows), MARCH), [LINK], MARCH, "tkr").to_dict("records")
    assert (r["volym_budget"], r["volym_utfall"]) == (300, 300)
    assert r["volymeffekt"] == pytest.approx(0) and r["priseffekt"] == pytest.approx(-192)
