"""present/summary.py: the heading, the summary (results, largest deviations, caveats, how the forecast
moved, quality), and the sentences for a tjänsteskrivelse – on tiny municipalities typed by hand
(tkr, costs negative; "−" is U+2212 and "\u00a0" the non-breaking space, as core/formats.py writes)."""
import pandas as pd
import pytest
from reportdata_factory import DRIFT, ESTIMATED, REPLACED, derived, forecast_lines, hand, row, table

from helpers.core.period import Period
from helpers.present.summary import caveats, forecast_movement, full_summary, heading, sentences, summary

JULY, AUGUST, OCTOBER, DECEMBER = Period(2017, 7), Period(2017, 8), Period(2017, 10), Period(2017, 12)
EVEN = "periodbudgeten är helårsbudgeten jämnt fördelad över året"


@pytest.fixture(scope="module")
def replaced():
    return derived(REPLACED)


def test_heading():
    h = heading(hand(meta_kw=dict(rapporttyp="Delårsrapport")))
    assert h.title == "Liten kommun: uppföljning januari–augusti 2017"
    assert h.lines == ["Socialnämnden · Delårsrapport · januari–augusti 2017 · kommunkod 9998"]
    # no report type given: 'Uppföljning'
    assert heading(hand()).lines == ["Socialnämnden · Uppföljning · januari–augusti 2017 · kommunkod 9998"]


def test_summary_of_a_table_with_a_replaced_total(replaced):
    texts = [s.text for s in summary(replaced).sentences]
    # the total's deviation: −163 − (−170) = +7 tkr
    assert texts[0] == "Socialnämnden visar en positiv budgetavvikelse på 7\u00a0tkr för perioden januari–augusti 2017."
    # the largest deviations by size: A +10, B −5, C +2
    assert "Störst avvikelse bland verksamheterna, perioden: A +10\u00a0tkr, B \u22125\u00a0tkr, C +2\u00a0tkr." in texts
    # the replaced total differs 170 − 150 = 20 tkr, 7,8 % of the budget 255 tkr: material, so a caveat
    assert any(t.startswith("Den publicerade summan på raden 'Summa' (Budget) skiljer sig 20\u00a0tkr från raderna; "
                            "rapporten använder radernas summa") for t in texts)
    # the nämnd's summary counts causes, as reports/index.html does: one cause (the Budget total), and it
    # changes a figure in the report (the rows' sum is shown instead of the published −150)
    assert texts[-1] == ("Kontrollen av underlaget hittade 1 fel; ett av dem påverkar en siffra i rapporten, se "
                         "avsnittet om kontrollerna.")
    # the analysis version keeps the full count: 8 checks, the four column sums (Budget wrong) and the four
    # rows' deviations (Summa's wrong against −150)
    assert full_summary(replaced).texts()[-1] == (
        "Kvalitetskontrollen räknade om 8 siffror i underlaget: 6 stämmer, 0 skiljer bara genom avrundning och 2 är "
        "fel. Felen och varningarna har 1 orsak, varav 1 är väsentlig.")


def test_summary_says_an_estimate_is_an_estimate():
    data = derived(ESTIMATED)
    texts = [s.text for s in summary(data).sentences]
    # budget −2 100 × 8/12 = −1 400; −1 200 − (−1 400) = +200 tkr
    assert texts[0] == (f"Socialnämnden visar en uppskattad positiv budgetavvikelse på 200\u00a0tkr för perioden "
                        f"januari–augusti 2017 ({EVEN}).")
    assert caveats(data) == ["Liten kommun redovisar bara helårsbudget; periodens budget och avvikelse är därför "
                             "uppskattade med helårsbudgeten jämnt fördelad över året (8/12)."]


def test_caveats_of_the_municipality_and_of_a_computed_total():
    lss = [(2, "Assistans", "", "post", "", {"Budget": -100, "Utfall": -110, "Avvikelse": -10}),
           (3, "Summa LSS", "", "summa", "", {"Budget": -100, "Utfall": -110, "Avvikelse": -10})]
    ifo = [(2, "Placeringar", "", "post", "", {"Budget": -50, "Utfall": -45, "Avvikelse": 5}),
           (3, "Summa IFO", "", "summa", "", {"Budget": -50, "Utfall": -45, "Avvikelse": 5})]
    tables = [dict(DRIFT, id="lss", fil="lss.csv"), dict(DRIFT, id="ifo", fil="ifo.csv")]
    data = derived({"lss": lss, "ifo": ifo}, tables=tables, huvudtabeller=["lss", "ifo"],
                   forbehall=[dict(text="Utfallet är preliminärt.")])
    assert caveats(data) == ["Utfallet är preliminärt.",
                             "Liten kommun redovisar ingen summa för hela nämnden; nämndens siffror här är summan av "
                             "Assistans och Placeringar."]
    # −10 + 5 = −5 tkr for the nämnd, and per area
    texts = [s.text for s in summary(data).sentences]
    assert texts[0] == "Socialnämnden visar en negativ budgetavvikelse på 5\u00a0tkr för perioden januari–augusti 2017."
    assert "Per område, perioden: Assistans \u221210\u00a0tkr, Placeringar +5\u00a0tkr." in texts


def test_forecast_movement_since_last_month():
    # July: Summa −2 450 against −2 400 → −50; August −2 500 → −100: the deviation fell by 50 tkr
    july = derived(forecast_lines(-1250, -1200), period=JULY)
    august = derived(forecast_lines(-1300, -1200), earlier={str(JULY): july.table})
    assert forecast_movement(august) == ["Prognosavvikelsen för Socialnämnden har minskat med 50\u00a0tkr sedan juli: "
                                         "från \u221250\u00a0tkr till \u2212100\u00a0tkr."]
    assert "Prognosavvikelsen för Socialnämnden har minskat med 50\u00a0tkr sedan juli: från \u221250\u00a0tkr till " \
           "\u2212100\u00a0tkr." in [s.text for s in summary(august).sentences]
    # the same forecast again: unchanged
    same = derived(forecast_lines(-1250, -1200), earlier={str(JULY): july.table})
    assert forecast_movement(same) == ["Prognosen är oförändrad sedan juli."]


def test_forecast_movement_on_a_hand_typed_history_in_mkr():
    t = table(row("Summa", "summa", helarsbudget=-10000, prognos=-8800, prognosavvikelse=1200))
    h = pd.DataFrame([dict(period=p, verksamhet="Summa", radtyp="summa", summerar="", overordnad="", prognos=-10000 + d,
                           helarsbudget=-10000.0, prognosavvikelse=d, kommentar="", forandring=f)
                      for p, d, f in [("2017-07", -800.0, float("nan")), ("2017-08", 1200.0, 2000.0)]])
    # −800 → +1 200 tkr: up by 2 000 tkr; one unit for the three figures, mkr because one is ≥ 1 000 tkr
    assert forecast_movement(hand(t, history=h)) == [
        "Prognosavvikelsen för Socialnämnden har ökat med 2,0\u00a0mkr sedan juli: från \u22120,8\u00a0mkr till "
        "+1,2\u00a0mkr."]
    # the history's last month is not this report's: nothing to say about last month
    assert forecast_movement(hand(t, period=Period(2017, 9), history=h)) == []


def test_forecast_movement_in_december_says_how_well_it_hit():
    def month(prognos):
        return [(2, "A", "", "post", "", {"Helårsbudget": -4800, "Prognos": prognos}),
                (3, "Summa", "", "summa", "", {"Helårsbudget": -4800, "Prognos": prognos})]
    earlier = {str(AUGUST): derived(month(-4600)).table, str(OCTOBER): derived(month(-4900), period=OCTOBER).table}
    year = [(2, "A", "", "post", "", {"Utfall": -5000, "Helårsbudget": -4800}),
            (3, "Summa", "", "summa", "", {"Utfall": -5000, "Helårsbudget": -4800})]
    data = derived(year, period=DECEMBER, earlier=earlier)
    # misses: August −4 600 − (−5 000) = 400 tkr (the largest), October 100 tkr (the last)
    assert forecast_movement(data) == ["Årets utfall är klart: prognosen missade som mest i augusti med 400\u00a0tkr "
                                       "och i oktober med 100\u00a0tkr."]


def test_sentences_for_a_tjänsteskrivelse(replaced):
    n = sentences(replaced)
    assert n.heading == "Liten kommun: meningar för tjänsteskrivelsen, januari–augusti 2017"
    texts = n.texts()
    assert len(texts) == len(set(texts))
    # one per verksamhet (not the total again): A +10, B −5, C +2
    for line in ("A visar en positiv budgetavvikelse på 10\u00a0tkr för perioden januari–augusti 2017.",
                 "B visar en negativ budgetavvikelse på 5\u00a0tkr för perioden januari–augusti 2017.",
                 "C visar en positiv budgetavvikelse på 2\u00a0tkr för perioden januari–augusti 2017."):
        assert line in texts
    assert not any(t.startswith("Summa ") for t in texts)


def test_sentences_leave_out_a_wrong_figure():
    # −90 − (−100) = 10, printed 12: wrong, so no sentence rests on it
    data = derived([(2, "A", "", "post", "", {"Budget": -100, "Utfall": -90, "Avvikelse": 12, "Helårsbudget": -150,
                                              "Prognos": -140, "Prognosavvikelse": 10})])
    texts = sentences(data).texts()
    assert not any("budgetavvikelse" in t for t in texts)
    # the forecast is fine: −140 − (−150) = +10
    assert "Helårsprognosen för A är ett överskott på 10\u00a0tkr jämfört med budget." in texts


def test_an_empty_report_has_a_summary_and_no_caveats():
    data = hand()
    assert caveats(data) == [] and forecast_movement(data) == []
    assert [s.text for s in summary(data).sentences] == ["Kontrollen av underlaget hittade inga fel."]


def test_sentences_of_an_empty_report():
    # no economy table: the summary's one sentence, what the checks found
    assert sentences(hand()).texts() == ["Kontrollen av underlaget hittade inga fel."]
