"""present/forecast.py: the forecast check (flagged beyond 5 % of |helårsbudget|), the forecast history
with its change since last month, and the accuracy section (December only) – on tiny municipalities
typed by hand (tkr, costs negative, "−" is U+2212 and "\u00a0" the non-breaking space)."""
import math

import pandas as pd
import pytest
from reportdata_factory import derived, forecast_lines, hand, message_text, row, table

from helpers.core.period import Period
from helpers.present.blocks import Section
from helpers.present.forecast import (
    accuracy_section,
    forecast_check_table,
    forecast_history_section,
    history_table,
)
from helpers.present.tables import Table

JULY, AUGUST, OCTOBER, DECEMBER = Period(2017, 7), Period(2017, 8), Period(2017, 10), Period(2017, 12)

# After August the run-rate is utfall / 8 × 12: −800 → −1 200 for A and B, −1 600 → −2 400 for Summa.
# The limit is 5 % of |helårsbudget|: 60 for A and B, 120 for Summa.
CHECK = [
    (2, "A", "", "post", "", {"Utfall": -800, "Helårsbudget": -1200, "Prognos": -1300}),   # 100 > 60: flagged
    (3, "B", "", "post", "", {"Utfall": -800, "Helårsbudget": -1200, "Prognos": -1250}),   # 50 ≤ 60: reasonable
    (4, "Summa", "", "summa", "", {"Utfall": -1600, "Helårsbudget": -2400, "Prognos": -2550}),  # 150 > 120
]


@pytest.fixture(scope="module")
def august():
    """July: A −1 250, B −1 200 (Summa −2 450, deviation −50); August: A −1 300 (Summa −2 500, −100)."""
    july = derived(forecast_lines(-1250, -1200), period=JULY)
    return derived(forecast_lines(-1300, -1200), period=AUGUST, earlier={str(JULY): july.table})


def test_forecast_check_flags_beyond_five_percent_of_the_budget():
    t = forecast_check_table(derived(CHECK))
    assert isinstance(t, Table)
    assert list(t.frame["Verksamhet"]) == ["A", "B", "Summa"]
    assert t.frame["Rak uppräkning"].tolist() == [-1200, -1200, -2400]
    assert t.frame["Skillnad mot rak"].tolist() == [-100, -50, -150]
    assert list(t.frame["Bedömning"]) == ["Avviker – bör förklaras", "Rimlig", "Avviker – bör förklaras"]
    assert "Säsongsuppräkning" not in t.frame.columns  # no verksamhet is linked to a volume
    assert "mer än 5\u00a0% av helårsbudgeten. 2 av 3 prognoser avviker" in t.notes[0]
    assert t.notes[0].startswith("Rak uppräkning = periodens utfall / 8 × 12.")
    assert t.bold == [False, False, True]


def test_forecast_check_on_a_hand_typed_frame_with_a_comment():
    # utfall −300 after April → −900 a year; official −1 000; |−1 000 − (−900)| = 100 > 5 % × 1 000 = 50
    t = table(row("Hemtjänst", utfall_period=-300, helarsbudget=-1000, prognos=-1000, kommentar="Fler timmar i höst"))
    f = t.assign(prognos_rak=[-900.0], prognos_sasong=[-980.0], flagga=[False], troskel=[50.0])
    out = forecast_check_table(hand(t, period=Period(2017, 4), forecast=f))
    # the seasonal −980 is within 50 of −1 000, so the forecast is reasonable; the column stays
    assert list(out.frame["Bedömning"]) == ["Rimlig"]
    assert out.frame["Säsongsuppräkning"].tolist() == [-980]
    assert list(out.frame["Controllerns kommentar"]) == ["Fler timmar i höst"]
    assert "0 av 1 prognoser avviker" in out.notes[0]


def test_forecast_check_leaves_out_rows_without_a_budget():
    t = table(row("A", utfall_period=-300, helarsbudget=0, prognos=-10))
    f = t.assign(prognos_rak=[-450.0], prognos_sasong=[math.nan], flagga=[True], troskel=[0.0])
    assert message_text(forecast_check_table(hand(t, forecast=f))) == "Prognoskontrollen kräver utfall, prognos och helårsbudget."


def test_history_table_shows_this_and_last_month(august):
    t = history_table(august)
    assert list(t.frame.columns) == ["Verksamhet", "Helårsbudget", "Prognos augusti", "Prognos juli", "Förändring",
                                     "Prognosavvikelse", "Kommentar"]
    assert list(t.frame["Verksamhet"]) == ["A", "B", "Summa"]
    # A: −1 300 now, −1 250 in July → change −50; B unchanged; Summa −2 500 against −2 450 → −50
    assert t.frame["Prognos augusti"].tolist() == [-1300, -1200, -2500]
    assert t.frame["Prognos juli"].tolist() == [-1250, -1200, -2450]
    assert t.frame["Förändring"].tolist() == [-50, 0, -50]
    assert t.frame["Prognosavvikelse"].tolist() == [-100, 0, -100]


def test_history_section_title_says_how_the_total_moved(august):
    s = forecast_history_section(august)
    assert isinstance(s, Section) and s.heading == "Prognosens utveckling"
    chart, t = s.items
    # Summa's deviation −100 tkr in August against −50 tkr in July
    assert chart.title == ("Prognosens avvikelse mot budget per månad: \u2212100\u00a0tkr i augusti mot "
                           "\u221250\u00a0tkr månaden före")
    # the total first, then the largest deviations (A −100 before B 0)
    assert chart.alt.endswith("(2 månader) för Summa, A, B.")
    assert t.name == "prognoshistorik"


def test_history_with_one_month_gives_a_message():
    only = derived(forecast_lines(-1300, -1200))
    assert only.history.empty
    assert message_text(forecast_history_section(only)) == ("Prognosens utveckling visas när det finns prognoser för flera "
                                                     "månader; för Liten kommun finns prognosen för januari–augusti "
                                                     "2017.")


def test_accuracy_only_in_december(august):
    assert message_text(accuracy_section(august)) == "Prognosens träffsäkerhet visas i december, när årets utfall finns."


@pytest.fixture(scope="module")
def december():
    """Forecasts for Summa: −4 600 in August, −4 900 in October; the year's outcome −5 000."""
    def month(prognos):
        return [(2, "A", "", "post", "", {"Helårsbudget": -4800, "Prognos": prognos}),
                (3, "Summa", "", "summa", "", {"Helårsbudget": -4800, "Prognos": prognos})]
    aug = derived(month(-4600), period=AUGUST)
    okt = derived(month(-4900), period=OCTOBER)
    year = [(2, "A", "", "post", "", {"Utfall": -5000, "Helårsbudget": -4800}),
            (3, "Summa", "", "summa", "", {"Utfall": -5000, "Helårsbudget": -4800})]
    return derived(year, period=DECEMBER, earlier={str(AUGUST): aug.table, str(OCTOBER): okt.table})


def test_accuracy_in_december(december):
    s = accuracy_section(december)
    sentences, t = s.items
    # August: −4 600 − (−5 000) = +400 tkr, 400/5 000 = 8,0 %; October: +100 tkr, 2,0 %; both expected lower costs
    assert sentences.texts() == [
        "Prognosen i augusti missade årets utfall med 400\u00a0tkr (8,0\u00a0%); kostnaderna blev högre än prognosen.",
        "Prognosen i oktober missade årets utfall med 100\u00a0tkr (2,0\u00a0%); kostnaderna blev högre än prognosen."]
    assert t.caption == "Prognosens träffsäkerhet för Summa, tkr"
    assert list(t.frame["Prognosmånad"]) == ["augusti", "oktober"]
    assert t.frame["Miss"].tolist() == [400, 100]
    assert t.frame["Miss, %"].tolist() == pytest.approx([8.0, 2.0])


def test_accuracy_on_a_hand_typed_frame():
    t = table(row("Summa", "summa", utfall_period=-1000, helarsbudget=-1000))
    # September: forecast −1 100 against an outcome of −1 000 → miss −100 (costs lower than forecast), 10 %
    # November: forecast −1 000.2 → miss −0,2 tkr, shown as 0 tkr: the forecast hit
    acc = pd.DataFrame([dict(period="2017-09", verksamhet="Summa", prognos=-1100.0, utfall_helar=-1000.0,
                             miss=-100.0, miss_procent=10.0),
                        dict(period="2017-11", verksamhet="Summa", prognos=-1000.2, utfall_helar=-1000.0,
                             miss=-0.2, miss_procent=0.02)])
    s = accuracy_section(hand(t, period=DECEMBER, accuracy=acc))
    assert s.items[0].texts() == [
        "Prognosen i september missade årets utfall med 100\u00a0tkr (10,0\u00a0%); kostnaderna blev lägre än "
        "prognosen.",
        "Prognosen i november träffade årets utfall."]
