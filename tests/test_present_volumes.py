"""present/volumes.py: the overview's title ("N av M volymserier minskade …"), each series' title
(ökning/minskning/oförändrat), the same-period tables, the annual volumes and the volume sentences –
on monthly series typed by hand ("\u00a0" is the non-breaking space core/formats.py writes)."""
import pandas as pd
import pytest
from reportdata_factory import DRIFT, derived, hand, message_text
from tidy_rows import volume

from helpers.core.period import Period
from helpers.present.blocks import Section
from helpers.present.tables import Table
from helpers.present.volumes import annual_volumes, overview, series_sections, volume_sentences, volume_table

TABLES = [DRIFT] + [dict(id=t, fil=f"{t}.csv", dataset="volymer", enhet="timmar") for t in ("pa", "hem", "bst")]
YEAR = range(1, 13)
JAN_AUG = range(1, 9)


@pytest.fixture(scope="module")
def three():
    """January–August 2017 against 2016, in hours:
    personlig assistans 1 000 → 900 a month: 8 000 → 7 200 (−10,0 %), budget 950 a month in 2017 (7 600);
    hemtjänst 500 → 600: 4 000 → 4 800 (+20,0 %); boendestöd 30 both years: 240 → 240 (0 %)."""
    records = (volume("pa", "Personlig assistans", 2016, {m: 1000 for m in YEAR}, rad=2)
               + volume("pa", "Personlig assistans", 2017, {m: 900 for m in JAN_AUG}, rad=3)
               + volume("pa", "Personlig assistans", 2017, {m: 950 for m in YEAR}, slag="budget", rad=4)
               + volume("hem", "Hemtjänst", 2016, {m: 500 for m in YEAR}, rad=2)
               + volume("hem", "Hemtjänst", 2017, {m: 600 for m in JAN_AUG}, rad=3)
               + volume("bst", "Boendestöd", 2016, {m: 30 for m in YEAR}, rad=2)
               + volume("bst", "Boendestöd", 2017, {m: 30 for m in JAN_AUG}, rad=3))
    return derived([(2, "A", "", "post", "", {"Budget": -100, "Utfall": -90, "Avvikelse": 10})], tables=TABLES,
                   records=records)


def test_overview_title_counts_the_series_that_fell(three):
    chart = overview(three)
    # of three series only personlig assistans fell
    assert chart.title == "1 av 3 volymserier minskade januari–augusti 2017 mot 2016"
    assert chart.alt.startswith("1 av 3 volymserier minskade januari–augusti 2017 mot 2016. Översikt med 3 små diagram")


def test_each_series_title_says_the_change(three):
    s = series_sections(three)
    assert [x.heading for x in s.items] == ["Personlig assistans", "Hemtjänst", "Boendestöd"]
    titles = [x.items[0].title for x in s.items]
    assert titles == ["Personlig assistans: minskning 10,0\u00a0% januari–augusti 2017 mot 2016",
                      "Hemtjänst: ökning 20,0\u00a0% januari–augusti 2017 mot 2016",
                      "Boendestöd: oförändrat januari–augusti 2017 mot 2016"]
    # personlig assistans has a budget: its cumulative chart against it
    pa_titles = [getattr(i, "title", None) for i in s.items[0].items]
    assert "Personlig assistans: ackumulerat utfall mot budget 2017" in pa_titles
    assert "Hemtjänst: ackumulerat utfall mot budget 2017" not in [getattr(i, "title", None) for i in s.items[1].items]


def test_same_period_table_of_a_series(three):
    pa = series_sections(three).items[0].tables[0]
    assert pa.caption == "Personlig assistans: samma period varje år, timmar (summa)"
    assert pa.frame["År"].tolist() == [2016, 2017]
    assert pa.frame["Värde"].tolist() == [8000, 7200]
    # 7 200 − 8 000 = −800 (−10,0 %); budget 950 × 8 = 7 600, (7 200 − 7 600) / 7 600 = −5,26 %
    assert pa.frame["Förändring"].iloc[1] == -800 and pa.frame["Förändring, %"].iloc[1] == pytest.approx(-10)
    assert pa.frame["Budget"].iloc[1] == 7600
    assert pa.frame["Avvikelse mot budget, %"].iloc[1] == pytest.approx(-400 / 76)
    # the whole of 2016: 12 × 1 000
    assert pa.frame["Helår"].iloc[0] == 12000
    assert pa.col("Värde").show(7200) == "7\u00a0200"
    # hemtjänst has no budget: those columns go
    hem = series_sections(three).items[1].tables[0]
    assert "Budget" not in hem.frame.columns and "Avvikelse mot budget, %" not in hem.frame.columns


def test_volume_table_has_every_series(three):
    t = volume_table(three)
    assert t.caption == "Volymer, samma period varje år (januari–augusti)"
    assert list(t.frame["Serie"]) == ["Personlig assistans"] * 2 + ["Hemtjänst"] * 2 + ["Boendestöd"] * 2
    assert t.frame["Värde"].tolist() == [8000, 7200, 4000, 4800, 240, 240]


def test_volume_sentences(three):
    assert [s.text for s in volume_sentences(three)] == [
        "Personlig assistans: 7\u00a0200 utförda timmar januari–augusti 2017, en minskning med 10,0 procent jämfört "
        "med samma period 2016.",
        "Hemtjänst: 4\u00a0800 utförda timmar januari–augusti 2017, en ökning med 20,0 procent jämfört med samma "
        "period 2016.",
        "Boendestöd: 240 utförda timmar januari–augusti 2017, oförändrat jämfört med samma period 2016."]


def hand_series(values: dict[tuple[str, int], float]) -> pd.DataFrame:
    """January only: {(serie, year): hours}."""
    return pd.DataFrame([dict(tabell="t", serie=s, regi="", enhet="timmar", slag="utfall", ar=y, manad=1, varde=v,
                              radetikett="", omdopt="") for (s, y), v in values.items()])


def test_overview_when_no_series_fell_on_hand_typed_frames():
    january = Period(2017, 1)
    series = hand_series({("A", 2016): 10, ("A", 2017): 12, ("B", 2016): 5, ("B", 2017): 5})
    same = pd.DataFrame([dict(tabell="t", serie=s, regi="", enhet="timmar", ar=y, period="januari", varde=v,
                              forandring=c, forandring_procent=p, budget=float("nan"), avvikelse_budget=float("nan"),
                              avvikelse_budget_procent=float("nan"), helar=float("nan"))
                         for s, y, v, c, p in [("A", 2016, 10, None, None), ("A", 2017, 12, 2, 20.0),
                                               ("B", 2016, 5, None, None), ("B", 2017, 5, 0, 0.0)]])
    data = hand(period=january, series=series, same_period=same)
    # A up 20 %, B unchanged: none of two fell
    assert overview(data).title == "Ingen av 2 volymserier minskade januari 2017 mot 2016"
    assert [s.text for s in volume_sentences(data)] == [
        "A: 12 utförda timmar januari 2017, en ökning med 20,0 procent jämfört med samma period 2016.",
        "B: 5 utförda timmar januari 2017, oförändrat jämfört med samma period 2016."]


def test_a_series_without_a_year_before_claims_no_change():
    records = volume("pa", "Personlig assistans", 2017, {m: 900 for m in JAN_AUG}, rad=3)
    s = series_sections(derived([], tables=TABLES, records=records))
    title = s.items[0].items[0].title
    assert title.startswith("Personlig assistans")
    assert "oförändrat" not in title and "mot 2016" not in title  # there is no 2016 to compare with


def test_annual_volumes_on_a_hand_typed_frame():
    annual = pd.DataFrame([
        dict(tabell="vol", rad=2, verksamhet="Hemtjänst", storhet="Timmar", enhet="timmar",
             **{"Utfall 2015": 900.0, "Utfall 2016": 1000.0, "Budget 2017": 1050.0, "Prognos 2017": 1100.0}),
        dict(tabell="vol", rad=3, verksamhet="Särskilt boende", storhet="Platser", enhet="platser",
             **{"Utfall 2015": 100.0, "Utfall 2016": 100.0, "Budget 2017": 100.0, "Prognos 2017": 95.0})])
    s = annual_volumes(hand(annual=annual))
    chart, t = s.items
    # prognos against budget: 1 100 > 1 050 (over), 95 < 100 (under) → 1 of 2 over budget
    assert chart.title == "1 av 2 volymer prognostiseras över budget 2017"
    assert list(t.frame.columns) == ["Verksamhet", "Mått", "Enhet", "Utfall 2015", "Utfall 2016", "Budget 2017",
                                     "Prognos 2017", "Förändring 2016, %", "Budget mot senaste utfall, %",
                                     "Prognos mot budget, %"]
    # hemtjänst: 900 → 1 000 = +11,1 %; budget 1 050 against 1 000 = +5 %; prognos 1 100 against 1 050 = +4,76 %
    assert t.frame.iloc[0][["Förändring 2016, %", "Budget mot senaste utfall, %", "Prognos mot budget, %"]].tolist() == \
        pytest.approx([100 / 9, 5, 100 * 50 / 1050])
    assert t.frame.iloc[1]["Prognos mot budget, %"] == pytest.approx(-5)


def test_no_volumes_give_a_message():
    data = hand()
    assert message_text(overview(data)) == "Liten kommun redovisar inga månadsvolymer (timmar, platser eller beslut)."
    assert series_sections(data).items == [] and annual_volumes(data).items == []
    assert volume_sentences(data) == []
    t = volume_table(data)
    assert isinstance(t, Table) and t.empty
    # annual volumes but no monthly ones
    annual = pd.DataFrame([dict(tabell="vol", rad=2, verksamhet="Hemtjänst", storhet="Timmar", enhet="timmar",
                                **{"Utfall 2016": 1000.0, "Utfall 2017": 1100.0})])
    assert message_text(overview(hand(annual=annual))) == "Liten kommun redovisar volymer per år, se nedan."
    assert isinstance(annual_volumes(hand(annual=annual)), Section)
