import pandas as pd
import pytest

from helpers import charts, volumes
from helpers.context import open_run


def test_same_period_sodertalje_pa_lss(built):
    run = open_run("sodertalje", "2017-08")
    s = volumes.series_frame(run.tidy)
    t = volumes.same_period_table(s, 2017, 8)
    pa = t[t["tabell"] == "pa_lss"].set_index("ar")
    assert list(pa.index) == [2014, 2015, 2016, 2017]
    assert pa.loc[2017, "varde"] == 61636
    assert round(pa.loc[2017, "forandring_procent"], 1) == -13.8  # 61 636 / 71 505 − 1
    assert pa.loc[2016, "helar"] == 107506
    assert pa.loc[2017, "budget"] == 68456
    bo = t[t["tabell"] == "boendestod"].set_index("ar")
    assert round(bo.loc[2017, "forandring_procent"], 1) == 6.8     # the text says 6,4 %


def test_any_month_period(built):
    run = open_run("sodertalje", "2016-12", allow_volume_months=True)
    t = volumes.same_period_table(volumes.series_frame(run.tidy), 2016, 12)
    pa = t[(t["tabell"] == "pa_lss") & (t["ar"] == 2016)]
    assert pa["varde"].iat[0] == 107506


def _fixture(values_jan_aug, ack, intern=None, extern=None, total=None):
    rows = []
    def add(rad, label, regi, vals, matt="manadsvarde"):
        for m, v in enumerate(vals, start=1):
            rows.append(dict(kommun="x", dataset="volymer", tabell="t", rad=rad, verksamhet="S", radetikett=label,
                             regi=regi, slag="utfall", ar=2017, matt=matt, manad=m, till_manad=pd.NA, kolumn=str(m),
                             varde=float(v), decimaler=0, enhet="timmar", period="2017-08"))
    add(2, "Utfall 2017", "", values_jan_aug)
    rows.append(dict(kommun="x", dataset="volymer", tabell="t", rad=2, verksamhet="S", radetikett="Utfall 2017", regi="",
                     slag="utfall", ar=2017, matt="ack", manad=pd.NA, till_manad=8, kolumn="Ack aug", varde=float(ack),
                     decimaler=0, enhet="timmar", period="2017-08"))
    if intern:
        add(3, "Intern 2017", "intern", intern)
        add(4, "Extern 2017", "extern", extern)
        add(5, "Totalt 2017", "totalt", total)
    return pd.DataFrame(rows)


CLEAN = [100, 102, 98, 101, 99, 100, 103, 97]


def test_checks_silent_on_clean_fixture():
    f = volumes.volume_findings(_fixture(CLEAN, sum(CLEAN), [60] * 8, [40] * 8, [100] * 8))
    assert all(x.bedomning in ("ok", "avrundning") for x in f), [x for x in f if x.bedomning not in ("ok", "avrundning")]


def test_checks_find_planted_errors():
    bad = list(CLEAN)
    bad[5] = 10  # an outlier
    f = volumes.volume_findings(_fixture(bad, sum(CLEAN), [60] * 8, [40] * 8, [100] * 7 + [90]))
    kinds = {(x.matt, x.bedomning) for x in f}
    assert ("Ack aug", "fel") in kinds          # published sum no longer matches its months
    assert ("Jun", "varning") in kinds          # robust outlier
    assert ("Aug", "fel") in kinds              # intern + extern ≠ totalt


def test_missing_month_and_repeated_label():
    df = _fixture(CLEAN[:7], sum(CLEAN[:7]))
    full = _fixture(CLEAN, sum(CLEAN)).assign(rad=9, ar=2016, radetikett="Utfall 2016")
    f = volumes.volume_findings(pd.concat([df, full], ignore_index=True))
    assert any(x.matt == "månader" and "augusti" in x.kommentar for x in f)
    d2 = _fixture(CLEAN, sum(CLEAN), [60] * 8, [40] * 8, [100] * 8)
    dup = d2[d2["rad"] == 5].assign(rad=6, varde=lambda d: d["varde"] + 5)
    f = volumes.volume_findings(pd.concat([d2, dup], ignore_index=True))
    assert any(x.matt == "radetikett" and x.bedomning == "fel" for x in f)


def test_monthly_chart_plots_the_series(built):
    run = open_run("sodertalje", "2017-08")
    s = volumes.series_frame(run.tidy)
    fig, alt = charts.monthly_lines(s, ("pa_lss", "Personlig assistans enligt LSS", ""), "t", "Timmar")
    lines = {l.get_label(): l for l in fig.axes[0].get_lines()}
    assert list(lines["Utfall 2017"].get_ydata()) == [8025, 7562, 8085, 8102, 6970, 7623, 7856, 7413]
    assert set(lines["Budget 2017"].get_ydata()) == {8557}
    assert "2014" in alt and "budgetlinje" in alt


def test_deviation_chart_values_and_colours():
    dev = pd.Series({"A": -2844.0, "B": 7504.0, "C": 206.0})
    fig, alt = charts.deviation_chart(dev, "t")
    bars = fig.axes[0].patches
    assert [b.get_width() for b in bars] == [-2844.0, 206.0, 7504.0]
    assert bars[0].get_facecolor() != bars[2].get_facecolor()
    assert "Störst underskott: A" in alt


def test_botkyrka_annual_changes(built):
    run = open_run("botkyrka", "2017-08")
    a = volumes.annual_changes(volumes.annual_table(run.tidy)).set_index(["verksamhet", "storhet"])
    ht = a.loc[("Hemtjänst", "Antal beviljade timmar")]
    assert round(ht["Förändring 2016, %"], 2) == -8.62          # 376 654 / 412 205 − 1
    assert round(ht["Prognos mot budget, %"], 2) == 2.22        # 388 430 / 380 000 − 1
    assert round(ht["Budget mot senaste utfall, %"], 2) == 0.89  # 380 000 / 376 654 − 1


def test_volume_period_for_any_month(built, tmp_path):
    from helpers.runner import plan

    p = plan("sodertalje", "2016-12", False, ["02"], tmp_path)
    assert [(t.kommun, t.period, t.notebook) for t in p.tasks] == [("sodertalje", "2016-12", "02_volymer.ipynb")]


def test_keyfigure_checks(built):
    import pandas as pd

    f = pd.read_csv(built / "kvalitet.csv", sep=";", keep_default_na=False)
    sign = f[(f["kommun"] == "botkyrka") & (f["matt"] == "Utfall 2016") & f["rad"].str.startswith("Personlig assistans,SFB 51 / Bruttokostnad")]
    assert list(sign["bedomning"]) == ["varning"] and sign["publicerat"].iat[0] == 326
    ratio = f[(f["kommun"] == "botkyrka") & (f["rad"] == "Personlig assistans,SFB 51 / Antal timmar/ brukare") & (f["matt"] == "Budget 2017")]
    assert (ratio["publicerat"].iat[0], ratio["bedomning"].iat[0]) == (2129, "ok")  # 425 800 / 200
    assert volumes.ratio_tolerance(425800, 200) == pytest.approx(0.5 + 2129 * (0.5 / 425800 + 0.5 / 200))
