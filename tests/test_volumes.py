"""Volume series: months after the period are not data, a mislabelled row goes where the data shows
it belongs, a missing month is missing; sums worked out by hand from the seed tables."""
import pandas as pd
import pytest

from helpers.analysis.volumes import period_aggregate, same_period_table, series_frame
from helpers.core.period import Period
from helpers.present import volumes


def series_of(ctx, tabell, regi=""):
    s = ctx.series
    return s[(s["tabell"] == tabell) & (s["regi"] == regi)]


def test_no_value_after_the_period(contexts):
    for ctx in contexts.values():
        s = ctx.series
        if s.empty:
            continue
        late = s[(s["ar"] == ctx.period.year) & (s["manad"] > ctx.period.month)]
        assert late.empty, (ctx.kommun, late.head())


def test_sodertalje_published_zeros_after_august_are_not_drawn(contexts):
    ctx = contexts["sodertalje"]
    dv = series_of(ctx, "daglig_verksamhet_beslut", "totalt")
    assert sorted(dv[dv["ar"] == 2017]["manad"]) == list(range(1, 9))
    assert (dv["varde"] > 0).all()
    chart = volumes.overview(ctx)
    for ax in chart.figure.axes:
        for line in ax.get_lines():
            assert min(line.get_ydata()) > 0 or ax.get_title() == ""  # no panel plunges to 0


def test_sodertalje_mislabelled_total_is_2016(contexts):
    ctx = contexts["sodertalje"]
    tot = series_of(ctx, "bmss_helarsplatser", "totalt")
    y2016 = tot[(tot["ar"] == 2016) & (tot["slag"] == "utfall")].sort_values("manad")
    # the first 'Totalt 2017' row of the seed: 376 376 379 378 378 377 377 378 381 382 382 382
    assert list(y2016["varde"]) == [376, 376, 379, 378, 378, 377, 377, 378, 381, 382, 382, 382]
    assert set(y2016["omdopt"]) == {"Totalt 2017"}
    y2017 = tot[(tot["ar"] == 2017) & (tot["slag"] == "utfall")].sort_values("manad")
    assert list(y2017["varde"]) == [382, 382, 382, 384, 383, 387, 386, 386]  # the second, real 2017 row
    sp = ctx.same_period
    sp = sp[(sp["tabell"] == "bmss_helarsplatser") & (sp["regi"] == "totalt")].set_index("ar")
    assert sp.loc[2016, "varde"] == pytest.approx(3019 / 8)   # 376 + … + 378 = 3 019
    assert sp.loc[2017, "varde"] == pytest.approx(3072 / 8)   # 382 + … + 386 = 3 072
    assert pd.isna(sp.loc[2017, "helar"])                     # no 2017 full year in an August report


def test_same_period_sodertalje_pa_lss(contexts):
    t = contexts["sodertalje"].same_period
    pa = t[t["tabell"] == "pa_lss"].set_index("ar")
    assert pa.loc[2017, "varde"] == 61636    # 8 025 + 7 562 + … + 7 413, the seed's Ack aug
    assert pa.loc[2016, "varde"] == 71505
    assert pa.loc[2017, "forandring_procent"] == pytest.approx(100 * (61636 - 71505) / 71505)  # −13,8 %
    assert pa.loc[2017, "budget"] == 68456 and pa.loc[2016, "helar"] == 107506


def test_missing_month_is_missing_not_zero():
    rows = []
    for m in range(1, 9):
        if m == 5:
            continue
        rows.append(dict(tabell="t", serie="Hemtjänst", regi="", enhet="timmar", slag="utfall", ar=2017, manad=m,
                         varde=100.0, radetikett="", omdopt=""))
    s = pd.DataFrame(rows)
    assert period_aggregate(s, 8).empty  # seven of eight months is not a January–August sum
    assert same_period_table(s, Period(2017, 8)).empty


def test_exempel_gap_is_a_finding_not_a_zero(processed):
    from helpers.app.report import open_report

    ctx = open_report("exempel", "2017-08")
    c = ctx.causes
    assert c["mening"].str.contains("Värde saknas för juni 2017").any()
    s = ctx.series
    ht = s[(s["serie"] == "Hemtjänst, timmar") & (s["regi"] == "extern") & (s["ar"] == 2017)]
    assert 6 not in set(ht["manad"])


def test_series_frame_drops_future_budget_months_too():
    tidy = pd.DataFrame([dict(kommun="k", period="2017-03", tabell="t", dataset="volymer", fil="f", rad=r, kolumn="x",
                              verksamhet="S", overordnad="", radtyp="post", summerar="", storhet="", radetikett=lab,
                              regi="", slag=slag, matt="manadsvarde", omfattning="", ar=2017, manad=m, till_manad=None,
                              enhet="timmar", varde=10.0, decimaler=0, ungefar=False, kostnadstecken="minus", kommentar="")
                         for r, lab, slag in ((2, "Utfall", "utfall"), (3, "Budget", "budget")) for m in range(1, 13)])
    s = series_frame(tidy, Period(2017, 3))
    assert s["manad"].max() == 3
