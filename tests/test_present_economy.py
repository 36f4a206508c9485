"""present/economy.py: the economy table with its marks (≈ uppskattad, * ersatt, † beräknad, ! fel) and
notes, the deviation chart's title, riktpunkt (month/12), the detail tables, volume and price, and
cost per unit – on tiny municipalities typed by hand (tkr, costs negative; "\u00a0" is the
non-breaking space and "−" the minus sign U+2212 that core/formats.py writes)."""
import math

import pandas as pd
import pytest
from reportdata_factory import DRIFT, ESTIMATED, REPLACED, derived, hand, message_text, row, table

from helpers.core.period import Period
from helpers.present.blocks import Section
from helpers.present.economy import (
    cost_per_unit_section,
    detail_tables,
    deviation_chart,
    economy_table,
    riktpunkt_table,
    volume_price_table,
)
from helpers.present.tables import Table


@pytest.fixture(scope="module")
def replaced():
    return derived(REPLACED)


@pytest.fixture(scope="module")
def estimated():
    return derived(ESTIMATED)


def test_economy_table_shows_the_replaced_total_and_marks_it(replaced):
    t = economy_table(replaced)
    assert t.caption == "Budget och utfall per verksamhet, januari–augusti 2017, tkr"
    assert list(t.frame.columns) == ["Verksamhet", "Budget perioden", "Utfall perioden", "Avvikelse perioden",
                                     "Avvikelse, %", "Helårsbudget"]
    assert list(t.frame["Verksamhet"]) == ["A", "B", "C", "Summa"]
    # the figure in use is the rows' sum −170, not the printed −150
    assert list(t.frame["Budget perioden"]) == [-100, -50, -20, -170]
    # avvikelse % = avvikelse / |budget|: 10/100 = 10 %, −5/50 = −10 %, 2/20 = 10 %, 7/170 ≈ 4,12 %
    assert t.frame["Avvikelse, %"].tolist() == pytest.approx([10, -10, 10, 100 * 7 / 170])
    assert t.marks == {(3, "Budget perioden"): "ersatt"}
    assert t.bold == [False, False, False, True]
    assert t.notes[0] == ("Belopp i tkr. Kostnader och nettokostnader visas med minustecken; positiv avvikelse = "
                          "bättre än budget.")
    # the note of the replaced figure starts with its mark, the row and the printed column
    (note,) = [n for n in t.notes if n.startswith("*")]
    assert note.replace("\u00a0", " ").startswith("* Ersatt summa: Summa, Budget: Publicerad summa −150 tkr; raderna ger "
                                                 "−170 tkr. Rapporten använder radernas summa")
    assert not any(n.startswith(("≈", "†", "!")) for n in t.notes)


def test_the_marks_render_as_signs_in_the_html(replaced):
    html = economy_table(replaced).html()
    # the Summa row's budget cell: −170 with the sign * and its explanation
    assert ('<td data-rubrik="Budget perioden" class="num">\u2212170<sup class="markering" '
            'title="Publicerad summa ersatt av det som beläggen stöder; se noten.">*</sup></td>') in html
    assert html.count('<sup class="markering"') == 1


def test_economy_table_keeps_a_supported_published_total_and_says_the_rows_differ():
    # rows: budget −100 − 50 − 20 = −170 against the printed −150; but the Summa row's own deviation
    # −157 − (−150) = −7 supports the printed total, so it is kept (no mark) – and the rows' deviations
    # 10 − 5 + 8 = 13 do not give the printed −7 either
    lines = [(2, "A", "", "post", "", {"Budget": -100, "Utfall": -90, "Avvikelse": 10}),
             (3, "B", "", "post", "", {"Budget": -50, "Utfall": -55, "Avvikelse": -5}),
             (4, "C", "", "post", "", {"Budget": -20, "Utfall": -12, "Avvikelse": 8}),
             (5, "Summa", "", "summa", "", {"Budget": -150, "Utfall": -157, "Avvikelse": -7})]
    t = economy_table(derived(lines))
    assert t.frame.loc[3, "Budget perioden"] == -150 and t.marks == {}
    notes = [n.replace("\u00a0", " ") for n in t.notes]
    assert any(n.startswith("Summa, Budget: Publicerad summa −150 tkr; raderna ger −170 tkr. Rapporten använder den "
                            "publicerade summan") for n in notes)
    assert not any(n.startswith("*") for n in notes)
    assert notes[-2:] == ["Raderna ovanför 'Summa' summerar inte till den publicerade summan i kolumnen 'Budget'; "
                          "se noten ovan.",
                          "Raderna ovanför 'Summa' summerar inte till den publicerade summan i kolumnen 'Avvikelse'; "
                          "se noten ovan."]


def test_economy_table_marks_estimates(estimated):
    t = economy_table(estimated)
    # A: budget −1 200 × 8/12 = −800, avvikelse −700 − (−800) = +100; B: −600 and +100; Summa: −1 400 and +200
    assert list(t.frame["Budget perioden"]) == pytest.approx([-800, -600, -1400])
    assert list(t.frame["Avvikelse perioden"]) == pytest.approx([100, 100, 200])
    assert {k for k, v in t.marks.items() if v == "uppskattad"} == {
        (i, c) for i in range(3) for c in ("Budget perioden", "Avvikelse perioden")}
    assert set(t.marks.values()) == {"uppskattad"}
    (note,) = [n for n in t.notes if n.startswith("≈")]
    assert "helårsbudgeten jämnt fördelad över året (8/12)" in note


def test_economy_table_marks_a_computed_figure():
    # B publishes outcome −55 and deviation −5 but no budget: budget = −55 − (−5) = −50, beräknad
    lines = [(2, "A", "", "post", "", {"Budget": -100, "Utfall": -90, "Avvikelse": 10}),
             (3, "B", "", "post", "", {"Utfall": -55, "Avvikelse": -5}),
             (4, "Summa", "", "summa", "", {"Budget": -150, "Utfall": -145, "Avvikelse": 5})]
    t = economy_table(derived(lines))
    assert t.frame.loc[1, "Budget perioden"] == -50
    assert t.marks == {(1, "Budget perioden"): "beraknad"}
    assert any(n.startswith("† Beräknad: kommunen har inte publicerat siffran") for n in t.notes)


def test_economy_table_marks_a_wrong_figure_it_cannot_replace():
    # −90 − (−100) = 10, printed 12: wrong, and there is nothing to replace it with
    t = economy_table(derived([(2, "A", "", "post", "", {"Budget": -100, "Utfall": -90, "Avvikelse": 12})]))
    assert t.frame.loc[0, "Avvikelse perioden"] == 12  # kept as printed, but marked
    assert t.marks == {(0, "Avvikelse perioden"): "fel"}
    assert any(n.startswith("! Den publicerade siffran är fel enligt kontrollen") for n in t.notes)


def test_economy_table_on_a_hand_typed_table():
    # one row with a computed helårsbudget in a column nobody publishes: no † for that (nothing to tell apart)
    t = table(row("Hemtjänst", budget_period=-1000, utfall_period=-1100, avvikelse_period=-100,
                  avvikelse_procent=-10.0, helarsbudget=-1500, hur={"helarsbudget": "beraknad"}),
              row("Rubrik", "rubrik", rad=1),
              row("Boende", rad=3, budget_period=-2000, utfall_period=-1950, avvikelse_period=50,
                  avvikelse_procent=2.5, fel=("utfall_period",)))
    out = economy_table(hand(t))
    assert list(out.frame["Verksamhet"]) == ["Hemtjänst", "Boende"]  # the rubrik row carries no figures
    # the † goes only where the same column is published on some row; here helårsbudget never is
    assert out.marks == {(1, "Utfall perioden"): "fel"}
    assert "Prognos helår" not in out.frame.columns  # a column with no figure at all is left out
    assert out.frame.loc[1, "Avvikelse, %"] == 2.5


def test_economy_table_note_for_a_computed_nämnd_total():
    # two main tables and no nämnd total: the workspace sums the two tables' totals into 'Nämnden totalt'
    lss = [(2, "Assistans", "", "post", "", {"Budget": -100, "Utfall": -110, "Avvikelse": -10}),
           (3, "Summa LSS", "", "summa", "", {"Budget": -100, "Utfall": -110, "Avvikelse": -10})]
    ifo = [(2, "Placeringar", "", "post", "", {"Budget": -50, "Utfall": -45, "Avvikelse": 5}),
           (3, "Summa IFO", "", "summa", "", {"Budget": -50, "Utfall": -45, "Avvikelse": 5})]
    tables = [dict(DRIFT, id="lss", fil="lss.csv"), dict(DRIFT, id="ifo", fil="ifo.csv")]
    data = derived({"lss": lss, "ifo": ifo}, tables=tables, huvudtabeller=["lss", "ifo"])
    t = economy_table(data)
    # −100 + −50 = −150, −110 + −45 = −155, −10 + 5 = −5
    total = t.frame[t.frame["Verksamhet"] == "Nämnden totalt"].iloc[0]
    assert (total["Budget perioden"], total["Utfall perioden"], total["Avvikelse perioden"]) == (-150, -155, -5)
    # the tables' own totals give way to the computed one; the note names the rows it is the sum of
    assert list(t.frame["Verksamhet"]) == ["Assistans", "Placeringar", "Nämnden totalt"]
    assert "Nämnden totalt är summan av Assistans och Placeringar; kommunen redovisar ingen egen summa för hela " \
           "nämnden." in t.notes


def test_deviation_chart_title_counts_better_and_worse(replaced, estimated):
    # A +10 and C +2 better than budget, B −5 worse (the Summa row is not a verksamhet)
    assert deviation_chart(replaced).title == \
        "2 verksamheter går bättre och 1 sämre än budget (perioden, januari–augusti 2017)"
    # A and B +100 each, both estimated
    assert deviation_chart(estimated).title == \
        "2 verksamheter går bättre och 0 sämre än budget (perioden, uppskattat, januari–augusti 2017)"


def test_riktpunkt_is_month_over_twelve(estimated):
    t = riktpunkt_table(estimated)
    assert isinstance(t, Table)
    # utfall / helårsbudget: 700/1 200 = 58,33 %, 500/900 = 55,56 %, 1 200/2 100 = 57,14 %; riktpunkt 8/12 = 66,67 %
    assert t.frame["Utfall i % av helårsbudget"].tolist() == pytest.approx([700 / 12, 500 / 9, 1200 / 21])
    assert t.frame["Riktpunkt, %"].tolist() == pytest.approx([200 / 3] * 3)
    assert t.notes[0].startswith("Riktpunkten är andelen av året som gått: 8/12 = 66,7\u00a0%.")
    # no published period budget: no column for its share, and the note says the deviation is an estimate
    assert "Periodbudget i % av helårsbudget" not in t.frame.columns
    assert t.notes[1].startswith("Kommunen redovisar ingen periodbudget")


def test_riktpunkt_with_a_published_period_budget(replaced):
    t = riktpunkt_table(replaced)
    # the municipality's own profile: period budget / helårsbudget = 100/150 = 66,67 %, 50/75, 20/30, 170/255
    assert t.frame["Periodbudget i % av helårsbudget"].tolist() == pytest.approx([200 / 3] * 4)
    # utfall: 90/150 = 60 %, 55/75 = 73,33 %, 18/30 = 60 %, 163/255 = 63,92 %
    assert t.frame["Utfall i % av helårsbudget"].tolist() == pytest.approx([60, 220 / 3, 60, 100 * 163 / 255])
    assert t.notes[1].startswith("Kommunen redovisar en egen periodbudget")


def test_riktpunkt_in_april_on_a_hand_typed_table():
    t = table(row("A", utfall_period=-300, helarsbudget=-1200, andel_av_helarsbudget=25.0, riktpunkt=100 / 3))
    out = riktpunkt_table(hand(t, period=Period(2017, 4)))
    # 4/12 = 33,3 %
    assert out.notes[0].startswith("Riktpunkten är andelen av året som gått: 4/12 = 33,3\u00a0%.")
    assert out.caption == "Utfall i procent av helårsbudget mot riktpunkt, januari–april 2017"


def test_riktpunkt_says_why_when_the_outcome_is_only_estimated():
    t = table(row("A", utfall_period=-300, helarsbudget=-1200, hur={"utfall_period": "uppskattad"}))
    assert message_text(riktpunkt_table(hand(t))).startswith("Liten kommun redovisar periodens resultat men inte periodens "
                                                     "utfall per verksamhet")


def test_detail_tables_from_the_text():
    # a detail table typed from the report's text: two verksamheter under LSS with their deviations
    detail = [(2, "Personlig assistans", "LSS", "post", "", {"Avvikelse": -50, "Prognosavvikelse": -80}),
              (3, "Boende", "LSS", "post", "", {"Avvikelse": 20})]
    main = [(2, "LSS", "", "post", "", {"Budget": -100, "Utfall": -130, "Avvikelse": -30})]
    tables = [DRIFT, dict(id="avvikelser_lss", fil="avvikelser_lss.csv", dataset="ekonomi", enhet="tkr",
                          avsnitt="Perioden - Analys")]
    data = derived({"drift": main, "avvikelser_lss": detail}, tables=tables, huvudtabeller=["drift"],
                   detaljtabeller=["avvikelser_lss"])
    section = detail_tables(data)
    assert isinstance(section, Section)
    (t,) = section.items
    assert t.name == "avvikelser_lss"
    assert t.caption == "Avvikelser per verksamhet enligt rapportens text, januari–augusti 2017, tkr"
    assert list(t.frame["Verksamhet"]) == ["Personlig assistans", "Boende"]
    assert list(t.frame["Område"]) == ["LSS", "LSS"]
    assert t.frame["Avvikelse perioden"].tolist() == [-50, 20]
    assert t.frame["Prognosavvikelse"].iloc[0] == -80 and math.isnan(t.frame["Prognosavvikelse"].iloc[1])
    assert t.notes[0].startswith("Källa: Perioden - Analys.")
    # the deviation chart reads the detail table: Boende +20 better, Personlig assistans −50 worse
    assert deviation_chart(data).title == \
        "1 verksamheter går bättre och 1 sämre än budget (perioden, januari–augusti 2017)"


def test_volume_price_table_on_a_hand_typed_frame():
    vp = pd.DataFrame([dict(verksamhet="Hemtjänst", storhet="Timmar", enhet="timmar", nyckeltal="tkr per enhet",
                            jamforelse="utfall mot budget", volym_budget=1000.0, volym_utfall=1100.0,
                            styckkostnad_budget_tkr=0.5, styckkostnad_utfall_tkr=0.45, volymeffekt=-50.0,
                            priseffekt=55.0, total=5.0, uppskattad=False, ej_uppdelad="")])
    (t,) = volume_price_table(hand(volume_price=vp)).items
    assert t.caption == "Volym- och priseffekter, tkr"
    row_ = t.frame.iloc[0]
    # volume effect (1 000 − 1 100) × 0,5 = −50 tkr; price effect (0,5 − 0,45) × 1 100 = +55 tkr; total +5 tkr
    assert (row_["Volymeffekt"], row_["Priseffekt"], row_["Totalt"]) == (-50, 55, 5)
    assert t.col("Volymeffekt").show(row_["Volymeffekt"]) == "−50"


def test_cost_per_unit_on_a_hand_typed_frame():
    c = pd.DataFrame([dict(verksamhet="Hemtjänst", serie="Utförda timmar", enhet="timmar", manad=m, kostnad_tkr=k,
                           volym=v, kr_per_enhet=1000 * k / v)
                      for m, k, v in [(1, 400.0, 1000.0), (2, 420.0, 1000.0), (3, 440.0, 1000.0)]])
    section = cost_per_unit_section(hand(cost_per_unit=c))
    (t,) = section.items
    # year to date, never one month against January: (400 + 420 + 440) tkr / 3 000 h = 420 kr per timme
    assert t.caption == ("Hemtjänst: i genomsnitt 420 kronor per timme januari–augusti 2017 (3 månader med både "
                         "kostnad och volym)")
    assert list(t.frame.columns) == ["Månad", "Kostnad, tkr", "Volym, timmar", "Kronor per timme"]
    assert list(t.frame["Månad"]) == ["januari", "februari", "mars"]
    assert t.frame["Kronor per timme"].tolist() == pytest.approx([400, 420, 440])


def test_empty_sections_give_a_message():
    data = hand()
    assert message_text(deviation_chart(data)) == "Det finns inga avvikelser per verksamhet att visa."
    assert message_text(volume_price_table(data)).startswith("Volym- och prisanalysen kräver både volymer och styckkostnader")
    assert message_text(cost_per_unit_section(data)).startswith("Kostnad per timme eller plats per månad visas där")
    assert detail_tables(data).items == []


def test_no_economy_table_gives_an_empty_table_and_a_message():
    data = hand()
    t = economy_table(data)
    assert t.empty and list(t.frame.columns) == ["Verksamhet"]
    assert message_text(riktpunkt_table(data)).startswith("Riktpunktsjämförelsen kräver periodens utfall och helårsbudget")
