"""Plausibility of volume series (issue 17, items 3 and 6): the same value in two series, a break in a
series (a jump beyond the series' own spread, or a month the municipality's text names), and a month
the comparison needs that is missing – each a warning that reaches the sentences and titles resting on
it (analysis/series_warnings.py, present/volumes.py).

Södertälje's rows are typed from data/raw/sodertalje/volymer_hemtjanst.csv and
volymer_personligt_utformat_stod.csv (seed 000, "Kritiska volymer"); the system change is the seed's
line 267: "ett nytt system för tid- och insatsregistering har tagits i bruk den 1 juni 2017"."""
from types import SimpleNamespace

import pandas as pd
import pytest
from reportdata_factory import DRIFT, derived
from tidy_rows import tidy, volume

from helpers.analysis.series_warnings import comparison_gaps, gap_text, series_warnings
from helpers.checks.causes import KIND_WORDS
from helpers.checks.finding import Cell
from helpers.checks.volumes import volume_checks, warning_text
from helpers.core.period import Period
from helpers.present.volumes import series_sections, volume_sentences

AUGUST = Period(2017, 8)
HT = "Totalt utförda timmar hemtjänst enligt SoL"
PUS = "Totalt utförda timmar Personligt utformad stöd PUS"
MONTHS = range(1, 13)


def months(*values):
    return dict(zip(MONTHS, values))


# volymer_hemtjanst.csv, rows 3–6 (Utfall 2017 … 2014)
HT_ROWS = {2017: months(2909, 2818, 3209, 3301, 3458, 1387, 2076, 2109),
           2016: months(3444, 3762, 4201, 4034, 3730, 3722, 3454, 3623, 3421, 3114, 3336, 2839),
           2015: months(4005, 4050, 4161, 4072, 4228, 3925, 3867, 3953, 3781, 3776, 3653, 4283),
           2014: months(5159, 4616, 5194, 4369, 4530, 4366, 4492, 4494, 4446, 4497, 4509, 3683)}
# volymer_personligt_utformat_stod.csv, row 6 (Utfall 2014)
PUS_2014 = months(3764, 3008, 3179, 3079, 3107, 2859, 2362, 2541, 2234, 2120, 1851, 3683)
SYSTEM_CHANGE = SimpleNamespace(volymtabell="hemtjanst", serie=HT, manad="2017-06",
                                orsak="nytt system för tid- och insatsregistrering den 1 juni 2017")


def hemtjanst_records():
    return [r for rad, (ar, values) in enumerate(HT_ROWS.items(), start=3)
            for r in volume("hemtjanst", HT, ar, values, rad=rad)]


def of_kind(checks, kind):
    return [c for c in checks if c.kind == kind]


# --- the same value in two series -----------------------------------------------------------------

def test_pus_december_2014_equals_home_help_and_is_one_warning_on_both():
    rows = volume("hemtjanst", HT, 2014, HT_ROWS[2014], rad=6) + volume("pus", PUS, 2014, PUS_2014, rad=6)
    found = of_kind(volume_checks(tidy(rows), AUGUST).checks, "identisk")
    assert [(c.tabell, c.kolumn, c.publicerat, c.beraknat) for c in found] == [
        ("hemtjanst", "december 2014", 3683, 3683), ("pus", "december 2014", 3683, 3683)]
    ht = found[0]
    assert ht.bedomning == "varning" and ht.cell == Cell("hemtjanst", 6, "Dec") and ht.inputs == (Cell("pus", 6, "Dec"),)
    # January–November 2014 the two differ by (HT − PUS) / HT: 27,0; 34,8; 38,8; 29,5; 31,4; 34,5; 47,4; 43,5;
    # 49,8; 52,9; 59,0 % – the median (6th of 11) is 2 015 / 5 194 = 38,8 % → 39 %
    assert ht.beskrivning == (f"December 2014 har samma värde (3\u00a0683 timmar) som serien '{PUS}'; ett av värdena "
                              "är troligen inskrivet på fel rad. Underlag: i årets övriga månader skiljer sig "
                              "serierna med i median 39\u00a0%.")
    assert warning_text(ht.beskrivning) == (f"december 2014 har samma värde (3\u00a0683 timmar) som serien '{PUS}'; "
                                            "ett av värdena är troligen inskrivet på fel rad")
    assert KIND_WORDS["identisk"] == "Samma värde i två serier"


def test_series_that_follow_each_other_may_share_a_value():
    # beslut and platser of one service: 367/367, 370/371, 372/372 – close every month, so an equal month is no sign
    rows = (volume("beslut", "Boende, beslut", 2015, months(367, 370, 372, 371), enhet="beslut")
            + volume("platser", "Boende, platser", 2015, months(367, 371, 372, 371), enhet="platser"))
    assert not of_kind(volume_checks(tidy(rows), AUGUST).checks, "identisk")


def test_the_pair_is_one_finding():
    rows = volume("hemtjanst", HT, 2014, HT_ROWS[2014], rad=6) + volume("pus", PUS, 2014, PUS_2014, rad=6)
    data = derived([], tables=[DRIFT] + [dict(id=t, fil=f"{t}.csv", dataset="volymer", enhet="timmar")
                                         for t in ("hemtjanst", "pus")], records=rows)
    c = data.causes[data.causes["kontroll"] == "Samma värde i två serier"]
    assert len(c) == 1 and c["antal_kontroller"].iat[0] == 2 and c["andrar_rapporten"].iat[0] == "nej"


# --- breaks ---------------------------------------------------------------------------------------

def zigzag(june: float, july: float, august: float):
    """2016: 100, 110, 100, 110, …; 2017: January–May the same, then June–August as given."""
    return (volume("t", "Serie", 2016, {m: 100 if m % 2 else 110 for m in MONTHS}, rad=2)
            + volume("t", "Serie", 2017, {**{m: 100 if m % 2 else 110 for m in range(1, 6)},
                                           6: june, 7: july, 8: august}, rad=3))


def test_a_lasting_jump_beyond_the_series_spread_is_a_break():
    # month-to-month changes: +10 ×8, −10 ×8, −70, +5, −5; their median −5; distances from it 15 ×8, 5 ×8, 65,
    # 10, 0 → MAD 10, spread 1,4826 × 10 = 14,83. May → June 100 → 30: 70 > 4 × 14,83 = 59,3, and July–August
    # (35, 30: median 32,5) stay 67,5 below March–May (100, 110, 100: median 100). 70 / 14,83 = 4,7.
    (b,) = of_kind(volume_checks(tidy(zigzag(30, 35, 30)), AUGUST).checks, "brott")
    assert (b.kolumn, b.publicerat, b.beraknat, b.bedomning) == ("juni 2017", 30, 100, "varning")
    assert b.cell == Cell("t", 3, "Jun") and b.inputs == (Cell("t", 3, "Maj"),)
    assert b.beskrivning == ("Brott i serien i juni 2017; jämförelsen är osäker. Underlag: värdet går från 100 timmar "
                             "i maj 2017 till 30 i juni 2017, ett språng 4,7 gånger seriens vanliga spridning mellan "
                             "månader.")
    assert KIND_WORDS["brott"] == "Brott i serien"


@pytest.mark.parametrize("june,july,august", [
    (30, 100, 110),   # one odd month that returns: an outlier, not a break
    (50, 55, 50),     # a jump of 50 ≤ 59,3: within the series' own spread
])
def test_no_break(june, july, august):
    assert not of_kind(volume_checks(tidy(zigzag(june, july, august)), AUGUST).checks, "brott")


def test_home_help_june_2017_is_a_break_with_the_text_s_reason():
    rows = hemtjanst_records() + volume("pus", PUS, 2014, PUS_2014, rad=6)
    plain = of_kind(volume_checks(tidy(rows), AUGUST).checks, "brott")
    # 3 458 in May, 1 387 in June, 2 076 and 2 109 after: found from the data alone; PUS January 2015 after the
    # odd December 2014 is not (no PUS 2015 here anyway), nor any other month of 2014–2017
    assert [(c.tabell, c.kolumn, c.beraknat, c.publicerat) for c in plain] == [("hemtjanst", "juni 2017", 3458, 1387)]
    (named,) = of_kind(volume_checks(tidy(rows), AUGUST, [SYSTEM_CHANGE]).checks, "brott")
    assert named.beskrivning.startswith(
        "Brott i serien i juni 2017, enligt kommunens text: nytt system för tid- och insatsregistrering den 1 juni "
        "2017; jämförelsen är osäker. Underlag: värdet går från 3\u00a0458 timmar i maj 2017 till 1\u00a0387 i juni 2017")


def test_a_month_the_text_names_is_a_break_even_without_a_jump():
    rows = zigzag(100, 110, 100)  # nothing in the data
    brk = SimpleNamespace(volymtabell="t", serie="Serie", manad="2017-03", orsak="ny definition av timmar")
    (b,) = of_kind(volume_checks(tidy(rows), AUGUST, [brk]).checks, "brott")
    assert b.kolumn == "mars 2017"
    assert warning_text(b.beskrivning) == ("brott i serien i mars 2017, enligt kommunens text: ny definition av "
                                           "timmar; jämförelsen är osäker")


# --- the warning travels to the sentence and the title --------------------------------------------

@pytest.fixture(scope="module")
def sodertalje_home_help():
    tables = [DRIFT] + [dict(id=t, fil=f"{t}.csv", dataset="volymer", enhet="timmar") for t in ("hemtjanst", "pus")]
    records = hemtjanst_records() + volume("pus", PUS, 2014, PUS_2014, rad=6)
    brott = [dict(volymtabell="hemtjanst", serie=HT, manad="2017-06",
                  orsak="nytt system för tid- och insatsregistrering den 1 juni 2017",
                  kalla="000_9a859a4574b8859d.txt, rad 267")]
    return derived([], tables=tables, records=records, seriebrott=brott)


WARNING = ("brott i serien i juni 2017, enligt kommunens text: nytt system för tid- och insatsregistrering den "
           "1 juni 2017; jämförelsen är osäker")


def test_series_warnings_keep_what_the_comparison_rests_on(sodertalje_home_help):
    data = sodertalje_home_help
    # January–August 2017 against 2016 rests on June 2017, not on December 2014
    assert series_warnings(data.checks, data.series, AUGUST) == {("hemtjanst", HT, ""): [WARNING]}
    every = series_warnings(data.checks, data.series)
    assert every[("hemtjanst", HT, "")][0].startswith("december 2014 har samma värde (3\u00a0683 timmar)")
    assert every[("pus", PUS, "")] == [f"december 2014 har samma värde (3\u00a0683 timmar) som serien '{HT}'; ett "
                                       "av värdena är troligen inskrivet på fel rad"]


def test_the_minus_29_percent_says_it_rests_on_a_break(sodertalje_home_help):
    # 2016 January–August: 3 444 + 3 762 + 4 201 + 4 034 + 3 730 + 3 722 + 3 454 + 3 623 = 29 970 (the seed's
    # Ack aug); 2017: 2 909 + 2 818 + 3 209 + 3 301 + 3 458 + 1 387 + 2 076 + 2 109 = 21 267 (the seed's Ack aug
    # says 21 268, within rounding). (21 267 − 29 970) / 29 970 = −29,04 % (the text says "ca 29,1 %")
    (s,) = [x for x in volume_sentences(sodertalje_home_help) if x.subject == HT]
    assert s.text == (f"{HT}: 21\u00a0267 utförda timmar januari–augusti 2017, en minskning med 29,0 procent jämfört "
                      f"med samma period 2016 ({WARNING}).")
    section = next(x for x in series_sections(sodertalje_home_help).items if x.heading == HT)
    assert section.items[0].title == f"{HT}: minskning 29,0\u00a0% januari–augusti 2017 mot 2016 ({WARNING})"


def test_the_break_is_a_finding_that_names_the_series(sodertalje_home_help):
    c = sodertalje_home_help.causes
    (m,) = c.loc[c["kontroll"] == "Brott i serien", "mening"]
    assert m.startswith(f"I tabellen ”hemtjanst”, raden '{HT} / Utfall 2017': Brott i serien i juni 2017, enligt "
                        "kommunens text")


# --- gaps stay gaps (the example municipality's June 2017) ----------------------------------------

@pytest.fixture(scope="module")
def june_missing():
    """Hemtjänst, timmar (extern): 100 every month 2016; 2017 without June. Intern complete, 50 → 60."""
    tables = [DRIFT, dict(id="vs", fil="vs.csv", dataset="volymer", enhet="timmar")]
    records = (volume("vs", "Hemtjänst, timmar", 2016, {m: 100 for m in MONTHS}, regi="extern", rad=2)
               + volume("vs", "Hemtjänst, timmar", 2017, {m: 100 for m in range(1, 9) if m != 6}, regi="extern", rad=3)
               + volume("vs", "Hemtjänst, timmar", 2016, {m: 50 for m in MONTHS}, regi="intern", rad=4)
               + volume("vs", "Hemtjänst, timmar", 2017, {m: 60 for m in range(1, 9)}, regi="intern", rad=5))
    return derived([], tables=tables, records=records)


def test_a_missing_month_is_said_in_the_title_not_oforandrat(june_missing):
    key = ("vs", "Hemtjänst, timmar", "extern")
    assert comparison_gaps(june_missing.series, key, AUGUST) == [(2017, 6)]
    assert gap_text([(2016, 3), (2017, 6)]) == "mars 2016 och juni 2017 saknas"
    titles = [x.items[0].title for x in series_sections(june_missing).items[:2]]
    assert titles == ["Hemtjänst, timmar (extern): januari–augusti 2017 mot 2016 kan inte jämföras, juni 2017 saknas",
                      "Hemtjänst, timmar (intern): ökning 20,0\u00a0% januari–augusti 2017 mot 2016"]


def test_a_missing_month_is_said_in_the_sentence(june_missing):
    texts = [s.text for s in volume_sentences(june_missing)]
    assert texts == [
        "Hemtjänst, timmar (extern): januari–augusti 2017 kan inte jämföras med samma period 2016 eftersom juni 2017 "
        "saknas (ett saknat värde räknas aldrig som noll).",
        # 8 × 60 = 480 against 8 × 50 = 400: +20,0 %
        "Hemtjänst, timmar (intern): 480 utförda timmar januari–augusti 2017, en ökning med 20,0 procent jämfört med "
        "samma period 2016."]


def test_a_missing_month_of_last_year_is_said_after_the_figure():
    tables = [DRIFT, dict(id="vs", fil="vs.csv", dataset="volymer", enhet="timmar")]
    records = (volume("vs", "Hemtjänst", 2016, {m: 100 for m in MONTHS if m != 3}, rad=2)
               + volume("vs", "Hemtjänst", 2017, {m: 90 for m in range(1, 9)}, rad=3))
    (s,) = volume_sentences(derived([], tables=tables, records=records))
    assert s.text == ("Hemtjänst: 720 utförda timmar januari–augusti 2017. Jämförelsen med 2016 kan inte göras "
                      "eftersom mars 2016 saknas.")


def test_the_missing_month_finding_changes_the_report_and_names_what(june_missing):
    c = june_missing.causes
    (gap,) = c[(c["kontroll"] == "Saknat värde") & c["mening"].str.contains("juni 2017")].to_dict("records")
    assert gap["andrar_rapporten"] == "ja" and gap["vasentlig"] == "ja"
    assert gap["mening"] == (
        "I tabellen ”vs”, raden 'Hemtjänst, timmar / Utfall 2017': Värde saknas för juni 2017; det räknas som saknat, "
        "inte som noll. Därför kan januari–augusti 2017 inte jämföras med samma period 2016 för serien 'Hemtjänst, "
        "timmar (extern)': volymmeningen och rubriken på seriens diagram säger att jämförelsen inte går att göra, "
        "tabellen 'samma period varje år' har ingen rad för det året, volymöversikten räknar den inte bland "
        "serierna som ökat eller minskat, "
        "och volym och pris räknas inte för en verksamhet som serien är kopplad till.")


def test_a_missing_month_outside_the_comparison_changes_nothing():
    # December 2015 is not in January–August 2016 or 2017
    rows = (volume("vs", "Hemtjänst", 2015, {m: 100 for m in range(1, 12)}, rad=2)
            + volume("vs", "Hemtjänst", 2016, {m: 100 for m in MONTHS}, rad=3))
    (gap,) = of_kind(volume_checks(tidy(rows), AUGUST).checks, "saknas")
    assert gap.missing == () and gap.beskrivning == "Värde saknas för december 2015; det räknas som saknat, inte som noll."


def test_no_checks_no_warnings():
    assert series_warnings(pd.DataFrame(), pd.DataFrame()) == {}


# --- the shipped municipalities, built -----------------------------------------------------------

def test_sodertalje_home_help_sentence_says_the_break(contexts):
    data = contexts["sodertalje"]
    (s,) = [x for x in volume_sentences(data) if x.subject == HT]
    # Jan–Aug 2017 21 267 (sum of the months) against 29 970: −29,0 %
    assert s.text == (f"{HT}: 21\u00a0267 utförda timmar januari–augusti 2017, en minskning med 29,0 procent jämfört "
                      f"med samma period 2016 ({WARNING}).")
    c = data.causes
    assert (c["kontroll"] == "Samma värde i två serier").sum() == 1   # PUS / hemtjänst December 2014, one finding


def test_exempel_gap_is_said_where_the_comparison_was(processed):
    from helpers.app.report import open_report

    data = open_report("exempel", "2017-08")
    name = "Hemtjänst, timmar (extern)"
    (s,) = [x for x in volume_sentences(data) if x.subject == name]
    assert s.text == (f"{name}: januari–augusti 2017 kan inte jämföras med samma period 2016 eftersom juni 2017 saknas "
                      "(ett saknat värde räknas aldrig som noll).")
    section = next(x for x in series_sections(data).items if x.heading == name)
    # exempel has more series than get a chart each: the series' heading line is a sentence (its months are in
    # the overview's small multiples)
    assert section.items[0].texts() == [f"{name}: januari–augusti 2017 mot 2016 kan inte jämföras, juni 2017 saknas."]
    c = data.causes
    (gap,) = c[c["mening"].str.contains("Värde saknas för juni 2017")].to_dict("records")
    assert gap["andrar_rapporten"] == "ja" and f"för serien '{name}'" in gap["mening"]


def test_the_series_table_notes_every_warning_of_its_years(sodertalje_home_help):
    # the same-period table shows 2014 (its full year includes December 2014): the identical value is noted there,
    # although January–August 2017 against 2016 does not rest on it
    section = next(x for x in series_sections(sodertalje_home_help).items if x.heading == HT)
    (table,) = section.tables
    assert table.notes[-2:] == [f"Varning: december 2014 har samma värde (3\u00a0683 timmar) som serien '{PUS}'; ett av "
                                "värdena är troligen inskrivet på fel rad.", f"Varning: {WARNING}."]


@pytest.mark.parametrize("entry,expected", [
    ('volymtabell = "finns_inte"\nserie = "S"\nmanad = "2017-06"\norsak = "x"',
     "seriebrott nr 1: 'volymtabell' ska vara id:t för en volymtabell under [[tabell]]"),
    ('volymtabell = "drift_verksamhet"\nserie = "S"\nmanad = "2017-6"\norsak = "x"',
     "seriebrott nr 1: förväntade en månad som ÅÅÅÅ-MM, t.ex. 2017-06"),
])
def test_a_named_break_must_name_a_table_and_a_month(tmp_path, entry, expected):
    import shutil
    from pathlib import Path

    from helpers.core.errors import DataValidationError
    from helpers.ingest.load import load_kommun

    raw = tmp_path / "raw"
    shutil.copytree(Path(__file__).parent / "kommuner" / "testmkr", raw / "testmkr")
    meta = raw / "testmkr" / "metadata.toml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text.replace("[[tabell]]", f"[[seriebrott]]\n{entry}\n\n[[tabell]]", 1), encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        load_kommun("testmkr", raw)
    assert any(expected in str(p) for p in err.value.problems), [str(p) for p in err.value.problems]


def test_the_overview_says_a_series_was_left_out_of_its_count(june_missing):
    from helpers.present.volumes import overview

    # intern 400 → 480 rose; extern cannot be compared: "Ingen av 1", and the one left out is said
    assert overview(june_missing).title == ("Ingen av 1 volymserier minskade januari–augusti 2017 mot 2016 (1 serie kan "
                                            "inte jämföras eftersom en månad saknas)")
