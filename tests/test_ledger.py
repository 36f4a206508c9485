"""Ledger semantics (helpers.ingest.ledger): which balance, which objects, which months, what {} means,
zero for an absent verksamhet, the mapping, and which problems are fatal. Small hand-written SIE files
whose figures are worked out by hand in the comments (kr in the file, tkr with costs negative out)."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers.core.errors import DataValidationError
from helpers.core.period import Period
from helpers.ingest.ledger import period_text, read_ledger
from helpers.ingest.load import load_all, load_kommun
from helpers.ingest.metadata import load_metadata

HEAD = [
    "#FLAGGA 0", '#PROGRAM "Testekonomi" 1.0', "#FORMAT PC8", "#GEN 20240301", "#SIETYP 4", '#FNAMN "Testkommun"',
    "#RAR 0 20240101 20241231",
    '#KONTO 1930 "Bank"', '#KONTO 3010 "Avgifter"', '#KONTO 4010 "Löner"', '#KONTO 7010 "Köp av verksamhet"',
    '#DIM 1 "Ansvar"', '#DIM 6 "Projekt"',
    '#OBJEKT 1 "510" "Hemtjänst"', '#OBJEKT 1 "520" "Boende"', '#OBJEKT 1 "530" "Dagverksamhet"',
    '#OBJEKT 6 "P1" "Projekt 1"', '#OBJEKT 6 "P2" "Projekt 2"',
]
MAPPING = "objekt;verksamhet;overordnad\n510;Hemtjänst;Äldreomsorg\n520;Boende;Äldreomsorg\n530;Dagverksamhet;Äldreomsorg\n"
META = """id = "{id}"
namn = "Testkommun"
kommunkod = "9999"
namnder = ["Omsorgsnämnden"]
kostnadstecken = "minus"
huvudtabeller = ["huvudbok"]

[sie]
dimension = 1
objekt = "sie_objekt.csv"
{extra}
"""


def ver(series: str, date: str, *rows: str) -> list[str]:
    return [f'#VER "{series}" "1" {date} "Test"', "{", *[f"   #TRANS {r}" for r in rows], "}"]


def setup(tmp_path: Path, lines: list[str], folder: str = "2024-02", mapping: str = MAPPING, extra: str = "",
          kommun: str = "test") -> Path:
    raw = tmp_path / "raw"
    k = raw / kommun
    (k / folder).mkdir(parents=True)
    (k / "metadata.toml").write_text(META.format(id=kommun, extra=extra), encoding="utf-8")
    (k / "sie_objekt.csv").write_text(mapping, encoding="utf-8")
    (k / folder / "huvudbok.se").write_bytes(("\r\n".join(lines) + "\r\n").encode("cp437"))
    return raw


def ledger(raw: Path, folder: str = "2024-02", kommun: str = "test"):
    meta = load_metadata(kommun, raw)
    return read_ledger(meta, Period.parse(folder), raw / kommun / folder / "huvudbok.se", f"{kommun}/{folder}")


def fatal(read) -> list[str]:
    return [str(p) for p in read.problems if p.allvarlig]


def warnings(read) -> list[str]:
    return [str(p) for p in read.problems if not p.allvarlig]


def outcome(read) -> dict[str, float]:
    return {n: round(v, 6) for (n, c), v in read.values.items() if c == "Utfall perioden"}


def assert_places_sum_to_result(read) -> None:
    """The invariant: every amount lands in exactly one place, and the places sum to the file's result."""
    total = sum(v for (_n, c), v in read.values.items() if c == "Utfall perioden")
    assert total == pytest.approx(read.source.resultat_tkr, abs=1e-9)
    assert read.source.placerat_tkr == pytest.approx(read.source.resultat_tkr, abs=1e-9)


# --------------------------------------------------------------------------------------------------
# 1. Type 4 with vouchers only; 6. absent is zero
# --------------------------------------------------------------------------------------------------

VOUCHERS = [
    *ver("A", "20240115", '4010 {1 "510"} 1000.00', '7010 {1 "520" 6 "P1"} 500.00', '3010 {1 "510"} -200.00',
         "1930 {} -1300.00"),
    *ver("A", "20240210", '4010 {1 "510"} 300.00', "7010 {} 50.00", "1930 {} -350.00"),
    *ver("A", "20240305", '4010 {1 "520"} 999.00', "1930 {} -999.00"),       # after the period
]
BUDGET = ['#PBUDGET 0 202401 4010 {1 "510"} 1100.00', '#PBUDGET 0 202402 4010 {1 "510"} 1100.00',
          '#PBUDGET 0 202403 4010 {1 "510"} 1100.00', '#PBUDGET 0 202401 7010 {1 "520"} 400.00']


def test_voucher_only_file_gives_the_period_outcome_by_voucher_date(tmp_path):
    read = ledger(setup(tmp_path, HEAD + BUDGET + VOUCHERS))
    assert fatal(read) == []
    v = read.values
    # Hemtjänst: costs 1 000 + 300, income 200 → −1,3 and +0,2 tkr; net −1,1 tkr (January −0,8, February −0,3).
    assert v[("Hemtjänst", "Kostnader perioden")] == pytest.approx(-1.3)
    assert v[("Hemtjänst", "Intäkter perioden")] == pytest.approx(0.2)
    assert v[("Hemtjänst", "Utfall perioden")] == pytest.approx(-1.1)
    assert (v[("Hemtjänst", "Utfall jan")], v[("Hemtjänst", "Utfall feb")]) == (pytest.approx(-0.8), pytest.approx(-0.3))
    # Budget: January + February for the period, all three months for the year; the budget is kept apart.
    assert v[("Hemtjänst", "Budget perioden")] == pytest.approx(-2.2)
    assert v[("Hemtjänst", "Budget helår")] == pytest.approx(-3.3)
    # The combination {1 "520" 6 "P1"} belongs to Boende; March's 999 kr is after the period.
    assert v[("Boende", "Utfall perioden")] == pytest.approx(-0.5)
    assert v[("Boende", "Budget perioden")] == pytest.approx(-0.4)
    # 7010 {} has no object: not dropped, not a verksamhet.
    assert v[("Ej placerat: utan objekt", "Utfall perioden")] == pytest.approx(-0.05)
    assert read.groups["Ej placerat: utan objekt"] == "Ej placerat i mappningen"
    # Dagverksamhet has no rows in a file that covers the period: zero, not missing.
    for col in ("Utfall perioden", "Intäkter perioden", "Kostnader perioden", "Budget perioden", "Budget helår",
                "Utfall jan", "Utfall feb"):
        assert v[("Dagverksamhet", col)] == 0.0
    s = read.source
    assert (s.utfall_ur, s.har_psaldo, s.har_trans, s.trans_stammer) == ("trans", False, True, None)
    assert s.period_text == "januari–februari 2024" and s.budget_ur == "pbudget"
    assert s.verksamheter_utan_rader == ["Dagverksamhet"]
    assert s.resultat_tkr == pytest.approx(-1.65)      # −(1 000 + 500 − 200 + 300 + 50) / 1 000
    assert_places_sum_to_result(read)
    assert "verifikationerna (#TRANS, per verifikationsdatum)" in s.text_sv()
    assert any("efter perioden" in w for w in warnings(read))


def test_voucher_only_month_folder_loads_as_a_full_ledger(tmp_path):
    raw = setup(tmp_path, HEAD + BUDGET + VOUCHERS)
    loaded = load_kommun("test", raw)
    t = loaded.tidy
    net = t[(t["kolumn"] == "Utfall perioden")].set_index("verksamhet")["varde"]
    assert net.to_dict() == pytest.approx({"Hemtjänst": -1.1, "Boende": -0.5, "Dagverksamhet": 0.0,
                                           "Ej placerat: utan objekt": -0.05})
    (source,) = loaded.sources[("test", "2024-02")]
    assert source.utfall_ur == "trans"


def test_psaldo_and_trans_are_compared(tmp_path):
    # #PSALDO says 1 300 kr on 4010/510 for Jan–Feb, the vouchers 1 300: they agree.
    ps = ['#PSALDO 0 202401 4010 {1 "510"} 1000.00', '#PSALDO 0 202402 4010 {1 "510"} 300.00',
          "#PSALDO 0 202401 4010 {} 1000.00", "#PSALDO 0 202402 4010 {} 300.00"]
    vouchers = [*ver("A", "20240115", '4010 {1 "510"} 1000.00', "1930 {} -1000.00"),
                *ver("A", "20240210", '4010 {1 "510"} 300.00', "1930 {} -300.00")]
    read = ledger(setup(tmp_path, HEAD + ps + vouchers))
    assert (read.source.utfall_ur, read.source.trans_stammer) == ("psaldo", True)
    assert outcome(read)["Hemtjänst"] == pytest.approx(-1.3)
    # A voucher missing from the export: the two disagree, #PSALDO is used, and it is a finding.
    read = ledger(setup(tmp_path / "b", HEAD + ps + vouchers[:5]))
    assert read.source.trans_stammer is False and fatal(read) == []
    assert any("#PSALDO och enligt verifikationerna (#TRANS) skiljer för 1 konton" in w for w in warnings(read))
    assert outcome(read)["Hemtjänst"] == pytest.approx(-1.3)


# --------------------------------------------------------------------------------------------------
# 2. Object combinations; 3. what {} means
# --------------------------------------------------------------------------------------------------

def test_only_combinations_are_placed_in_their_verksamhet(tmp_path):
    # A writer that gives only the finest combinations (no {1 "510"} row, no {} row).
    lines = HEAD + ['#PSALDO 0 202401 4010 {1 "510" 6 "P1"} 600.00', '#PSALDO 0 202401 4010 {1 "510" 6 "P2"} 400.00',
                    '#PSALDO 0 202401 4010 {1 "520" 6 "P1"} 100.00']
    read = ledger(setup(tmp_path, lines))
    assert outcome(read) == {"Hemtjänst": -1.0, "Boende": -0.1, "Dagverksamhet": 0.0}
    assert_places_sum_to_result(read)


EXCLUSIVE = ['#PSALDO 0 202401 4010 {} 100.00', '#PSALDO 0 202401 4010 {1 "510"} 1000.00',
             '#PSALDO 0 202401 4010 {1 "520"} 2000.00', "#RES 0 4010 3100.00"]
TOTAL = ['#PSALDO 0 202401 4010 {} 3100.00', '#PSALDO 0 202401 4010 {1 "510"} 1000.00',
         '#PSALDO 0 202401 4010 {1 "520"} 2000.00', '#PSALDO 0 202401 4010 {1 "510" 6 "P1"} 400.00',
         '#PSALDO 0 202401 4010 {6 "P1"} 400.00', "#RES 0 4010 3100.00"]


@pytest.mark.parametrize("rows,reading", [(EXCLUSIVE, "utan_objekt"), (TOTAL, "hela_kontot")])
def test_braces_mean_what_reconciles_with_res(tmp_path, rows, reading):
    # Both files describe the same ledger: 1 000 kr on 510, 2 000 on 520, 100 without an object (#RES 3 100).
    read = ledger(setup(tmp_path, HEAD + rows, folder="2024-01"), "2024-01")  # January rows: a January export
    assert read.source.tom_objektlista == reading
    assert (read.source.avstamt_mot, read.source.konton_avstamda, read.source.konton_att_avstamma) == ("#RES", 1, 1)
    assert outcome(read) == {"Hemtjänst": -1.0, "Boende": -2.0, "Dagverksamhet": 0.0,
                             "Ej placerat: utan objekt": -0.1}
    assert read.source.resultat_tkr == pytest.approx(-3.1)
    assert_places_sum_to_result(read)
    assert fatal(read) == [] and warnings(read) == []


def test_no_reading_reconciles_is_a_finding(tmp_path):
    rows = [*EXCLUSIVE[:3], "#RES 0 4010 5000.00"]
    read = ledger(setup(tmp_path, HEAD + rows, folder="2024-01"), "2024-01")  # January rows: a January export
    (w,) = warnings(read)
    assert "stämmer varken läsningen '{} = hela kontot' eller '{} = bokningar utan objekt' med filens #RES" in w
    assert "konto 4010: #RES 5\u00a0000 kr" in w
    # Whatever {} means, the figures would not be the file's own result: an error that says so.
    (res,) = fatal(read)
    assert "utfallet ur periodsaldona (#PSALDO) stämmer inte med filens #RES för 1 av 1 konton" in res
    assert "rapportens siffror skulle bli fel" in res


def test_a_rounding_difference_against_res_is_only_a_finding(tmp_path):
    rows = ['#PSALDO 0 202401 4010 {1 "510"} 1000.00', "#RES 0 4010 1001.86"]
    read = ledger(setup(tmp_path, HEAD + rows, folder="2024-01"), "2024-01")  # January rows: a January export
    assert fatal(read) == [] and outcome(read)["Hemtjänst"] == pytest.approx(-1.0)
    (w,) = warnings(read)
    assert "skillnaden är avrundning" in w
    assert (read.source.res_konton_som_stammer, read.source.res_konton) == (0, 1)


# --------------------------------------------------------------------------------------------------
# 4. Fiscal years that do not start in January
# --------------------------------------------------------------------------------------------------

BROKEN_YEAR = [line if not line.startswith("#RAR") else "#RAR 0 20090701 20100630" for line in HEAD] + [
    '#PSALDO 0 200907 4010 {1 "510"} 100.00', '#PSALDO 0 200912 4010 {1 "510"} 200.00',
    '#PSALDO 0 201001 4010 {1 "510"} 400.00']


def test_fiscal_year_from_july(tmp_path):
    raw = setup(tmp_path, BROKEN_YEAR, folder="2009-12")
    read = ledger(raw, "2009-12")
    assert outcome(read)["Hemtjänst"] == pytest.approx(-0.3)           # July + December; January 2010 is after
    assert read.source.period_text == "juli–december 2009"
    assert read.fiscal_start == (2009, 7)
    assert [c for c, _y, _m in read.month_columns] == ["Utfall jul", "Utfall aug", "Utfall sep", "Utfall okt",
                                                       "Utfall nov", "Utfall dec"]
    assert Period(2009, 12).with_fiscal_start(*read.fiscal_start).span == "juli–december 2009"


def test_fiscal_year_across_new_year(tmp_path):
    raw = setup(tmp_path, BROKEN_YEAR, folder="2010-03")
    read = ledger(raw, "2010-03")
    assert fatal(read) == []
    assert outcome(read)["Hemtjänst"] == pytest.approx(-0.7)
    assert read.source.period_text == "juli 2009–mars 2010"
    assert read.month_columns[0] == ("Utfall jul 2009", 2009, 7) and read.month_columns[-1] == ("Utfall mar 2010", 2010, 3)
    loaded = load_kommun("test", raw)
    jan = loaded.tidy[loaded.tidy["kolumn"] == "Utfall jan 2010"]
    assert set(zip(jan["ar"], jan["manad"], strict=True)) == {(2010, 1)}


def test_folder_outside_the_fiscal_year_names_the_right_folders(tmp_path):
    read = ledger(setup(tmp_path, BROKEN_YEAR, folder="2010-08"), "2010-08")
    (message,) = fatal(read)
    assert "räkenskapsår 0 i filen är 2009-07-01–2010-06-30 men mappen är 2010-08" in message
    assert "(2009-07 … 2010-06)" in message


def test_period_with_fiscal_start():
    assert Period(2010, 3).with_fiscal_start(2009, 7).span == "juli 2009–mars 2010"
    assert Period(2009, 12).with_fiscal_start(2009, 7).riktpunkt == pytest.approx(50.0)
    assert Period(2017, 8).with_fiscal_start(2017, 1).span == "januari–augusti 2017"
    assert Period(2009, 12).with_fiscal_start(2009, 7) == Period(2009, 12)


# --------------------------------------------------------------------------------------------------
# 5. Problems in records the report does not use are warnings, one line per kind
# --------------------------------------------------------------------------------------------------

def test_unused_records_with_problems_are_warnings(tmp_path):
    lines = [line for line in HEAD if not line.startswith("#RAR")] + [
        "#ORGNR", "#RAR 0 20240101 20241231", "#RAR -1 20230101 20231231",
        "#KONTO 5010 Lokal hyra",                                  # extra field: name without quotes
        "#PBUDGET -1 202201 4010 {} 5.00",                         # outside its #RAR
        "#PBUDGET -1 202202 4010 {} 5,00",                         # unreadable, but the previous year
        "#PSALDO 0 202312 4010 {} 7.00",                           # the previous year's December
        '#PSALDO 0 202401 4010 {1 "510"} 1000.00',
    ] + [row for n in range(30) for row in ver("B", "20240120", f'4010 {{1 "510" 9 "K{n}"}} 10.00', "1930 {} -10.00")]
    read = ledger(setup(tmp_path, lines))
    assert fatal(read) == []
    assert outcome(read)["Hemtjänst"] == pytest.approx(-1.0)     # #PSALDO is the source; the 202312 row is outside
    text = "\n".join(warnings(read))
    assert len(warnings(read)) < 10
    assert "felaktig #PBUDGET-post" in text and "extra fälten" in text and "utanför räkenskapsår" in text
    # 30 undeclared objects of an unmapped dimension: one line, with the count.
    assert "dimension 9 är varken deklarerad" in text


def test_repeated_problems_are_one_line_with_count_and_first_lines(tmp_path):
    lines = HEAD + ['#PSALDO 0 202401 4010 {1 "510"} 1000.00'] + [
        f'#PSALDO 0 202401 4010 {{1 "510" 6 "Q{n}"}} 1.00' for n in range(40)]
    read = ledger(setup(tmp_path, lines))
    objects = [w for w in warnings(read) if "inte deklarerat med #OBJEKT" in w]
    assert len(objects) == 1
    assert "(40 rader av samma slag, t.ex. rad 20, 21 och 22)" in objects[0]


def test_a_problem_in_a_figure_in_use_is_fatal(tmp_path):
    lines = HEAD + [*ver("A", "20240115", '4010 {1 "510"} 1000.00', "1930 {} -900.00")]
    (message,) = fatal(ledger(setup(tmp_path, lines)))
    assert "balanserar inte" in message and "Verifikationen räknas inte" in message
    # The same voucher in a file whose outcome comes from #PSALDO: not a figure in use.
    read = ledger(setup(tmp_path / "b", HEAD + ['#PSALDO 0 202401 4010 {1 "510"} 1000.00'] + lines[len(HEAD):]))
    assert fatal(read) == [] and any("balanserar inte" in w for w in warnings(read))
    bad = HEAD + ['#PSALDO 0 202401 4010 {1 "510"} 1000,00', '#PSALDO 0 202401 4010 {1 "520"} 10.00']
    (message,) = fatal(ledger(setup(tmp_path / "c", bad)))
    assert "felaktig #PSALDO-post: saldot '1000,00' är inget belopp" in message


def test_file_without_figures_says_why(tmp_path):
    read = ledger(setup(tmp_path, HEAD + ["#RES 0 4010 100.00"]))
    (message,) = fatal(read)
    assert "filen ger inget utfall: den har varken #PSALDO eller verifikationer" in message
    assert read.source is None
    empty = ledger(setup(tmp_path / "b", [""]))
    assert any("filen är tom" in m for m in fatal(empty))
    with pytest.raises(DataValidationError, match="filen ger inget utfall"):
        load_kommun("test", setup(tmp_path / "c", HEAD + ["#RES 0 4010 100.00"]))


def test_a_bad_file_fails_its_own_municipality_only(tmp_path):
    raw = setup(tmp_path, HEAD + ["#RES 0 4010 100.00"], kommun="trasig")
    good = setup(tmp_path, HEAD + ['#PSALDO 0 202401 4010 {1 "510"} 1000.00'], kommun="hel")
    assert good == raw
    loaded = load_all(raw, isolate=True)
    assert set(loaded.metas) == {"hel"} and set(loaded.failed) == {"trasig"}
    assert any("filen ger inget utfall" in str(p) for p in loaded.failed["trasig"])
    with pytest.raises(DataValidationError):
        load_all(raw)


# --------------------------------------------------------------------------------------------------
# 7. Several dimensions, code ranges and prefixes
# --------------------------------------------------------------------------------------------------

TWO_DIMS = "objekt;objekt2;verksamhet;overordnad\n51*;1200-1299;Hemtjänst;ÄO\n51*;1300-1399;Boende;ÄO\n520, 521;;Dagverksamhet;ÄO\n"


def test_verksamhet_as_a_combination_of_two_dimensions(tmp_path):
    lines = HEAD + ['#DIM 20 "Verksamhet"', '#OBJEKT 20 "1250" "Hemtjänst"', '#OBJEKT 20 "1301" "Boende"',
                    '#OBJEKT 1 "511" "Hemtjänst Syd"', '#OBJEKT 1 "521" "Dagverksamhet Syd"'] + ver(
        "A", "20240115",
        '4010 {1 "510" 20 "1250"} 100.00',       # 51* × 1200-1299 → Hemtjänst
        '4010 {1 "511" 20 "1301"} 200.00',       # 51* × 1300-1399 → Boende
        '4010 {1 "520" 20 "1250"} 400.00',       # 520, any verksamhet → Dagverksamhet
        '4010 {1 "521"} 800.00',                 # 521 → Dagverksamhet
        '4010 {1 "510"} 1600.00',                # 51* without a verksamhet code: not placed
        '4010 {20 "1250"} 3200.00',              # no ansvar: not placed
        "1930 {} -6300.00")
    read = ledger(setup(tmp_path, lines, mapping=TWO_DIMS, extra="dimension2 = 20"))
    assert fatal(read) == []
    assert outcome(read) == {"Hemtjänst": -0.1, "Boende": -0.2, "Dagverksamhet": -1.2,
                             "Ej placerat: objekt 510 / –": -1.6, "Ej placerat: utan objekt": -3.2}
    assert read.source.dimensioner == (1, 20)
    assert_places_sum_to_result(read)
    assert read.source.resultat_tkr == pytest.approx(-6.3)


def test_overlapping_codes_are_a_mapping_error(tmp_path):
    mapping = "objekt;verksamhet;overordnad\n500-599;Hemtjänst;ÄO\n51*;Boende;ÄO\n"
    read = ledger(setup(tmp_path, HEAD + ['#PSALDO 0 202401 4010 {1 "510"} 1000.00'], mapping=mapping))
    (message,) = fatal(read)
    assert "objektet 510 passar 2 verksamheter i mappningen (Hemtjänst, Boende, rad 2, 3)" in message


@pytest.mark.parametrize("cell,fragment", [("599-500", "börjar efter att det slutar"), ("1*2*", "ett prefix skrivs")])
def test_bad_mapping_cell(tmp_path, cell, fragment):
    mapping = f"objekt;verksamhet;overordnad\n{cell};Hemtjänst;ÄO\n"
    read = ledger(setup(tmp_path, HEAD + ['#PSALDO 0 202401 4010 {1 "510"} 1.00'], mapping=mapping))
    (message,) = fatal(read)
    assert fragment in message and "sie_objekt.csv" in message


def test_same_dimension_twice_is_refused(tmp_path):
    with pytest.raises(DataValidationError, match="dimension2 ska vara en annan dimension"):
        load_metadata("test", setup(tmp_path, HEAD, extra="dimension2 = 1"))


def test_period_text():
    assert period_text("2017-01", "2017-08") == "januari–augusti 2017"
    assert period_text("2017-03", "2017-03") == "mars 2017"
