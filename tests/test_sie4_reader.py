"""The sie4 package's reader (and the tests' writer scripts/sie_writer.py): the hand-written fixtures in
tests/fixtures/sie/ (CP437 bytes) and one bad line at a time in a small valid type 4 file."""
import math
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from sie_writer import write_sie

import sie4
from helpers.ingest.sie_frames import balances_frame, voucher_frame
from sie4 import SieAccount, SieDimension, SieObject, SieTransaction, SieVoucher

FIXTURES = Path(__file__).parent / "fixtures" / "sie"

# A small valid type 4 file; the bad-input tests change one line at a time (line numbers in comments).
BASE = [
    "#FLAGGA 0",                                   # 1
    '#PROGRAM "Testprogram" 1.0',                  # 2
    "#FORMAT PC8",                                 # 3
    "#GEN 20250101",                               # 4
    "#SIETYP 4",                                   # 5
    '#FNAMN "Hälsingeby kommun"',                  # 6
    "#RAR 0 20240101 20241231",                    # 7
    "#RAR -1 20230101 20231231",                   # 8
    '#KONTO 1910 "Kassa"',                         # 9
    '#KONTO 3011 "Avgifter hemtjänst"',            # 10
    '#KONTO 7010 "Löner"',                         # 11
    '#DIM 1 "Kostnadsställe"',                     # 12
    '#OBJEKT 1 "510" "Hemtjänst Norr"',            # 13
    '#PSALDO 0 202401 7010 {1 "510"} 100.00',      # 14
    '#VER A 12 20240115 "Lön"',                    # 15
    "{",                                           # 16
    '#TRANS 7010 {1 "510"} 100.00',                # 17
    "#TRANS 1910 {} -100.00",                      # 18
    "}",                                           # 19
]


def make(tmp_path, lines, name="test.se", encoding="cp437") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def changed(**changes) -> list[str]:
    """BASE with line N replaced: changed(l14="...") ; None removes the line."""
    lines = list(BASE)
    for key, value in sorted(changes.items(), key=lambda kv: -int(kv[0][1:])):
        n = int(key[1:]) - 1
        if value is None:
            del lines[n]
        else:
            lines[n] = value
    return lines


def fatal(path):
    return sie4.read(path).errors


def single(path):
    problems = fatal(path)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


# --------------------------------------------------------------------------------------------------
# The fixtures are real PC8 files
# --------------------------------------------------------------------------------------------------

def test_fixtures_are_cp437_bytes():
    data = (FIXTURES / "typ2.se").read_bytes()
    assert "Hälsingeby".encode("cp437") in data and b"H\x84lsingeby" in data     # ä = 0x84 in CP437
    assert b"F\x94retagskonto" in data                                           # ö = 0x94
    assert b"\x8fberg" in data                                                   # Å = 0x8F
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


# --------------------------------------------------------------------------------------------------
# Type 2: identification, chart of accounts, balances, periods
# --------------------------------------------------------------------------------------------------

def test_type2_identification_records():
    sie = sie4.read(FIXTURES / "typ2.se")
    assert sie.path.endswith("typ2.se")
    assert sie.flagga == 0
    assert sie.program == "Kommunekonomi Plus" and sie.program_version == "4.2"
    assert sie.format == "PC8" and sie.encoding == "cp437"
    assert sie.generated == "20250115"
    assert sie.sie_type == 2
    assert sie.fnamn == "Hälsingeby kommun"
    assert sie.orgnr == "212000-9999"
    assert sie.kptyp == "EUBAS97"
    assert sie.fiscal_years == {0: ("20240101", "20241231"), -1: ("20230101", "20231231")}
    assert sie.warnings == []


def test_type2_known_unused_records_are_counted():
    sie = sie4.read(FIXTURES / "typ2.se")
    assert sie.ignored == {"#PROSA": 1, "#ADRESS": 1, "#TAXAR": 1, "#OMFATTN": 1, "#VALUTA": 1, "#SRU": 2}
    assert sie.address == ("Anna Åberg", "Box 1", "123 45 Hälsingeby", "0123-456 78")
    assert (sie.prose, sie.tax_year, sie.sru) == ("Export för uppföljning av äldreomsorgen", 2025,
                                                  {"1930": "7281", "2440": "7368"})


def test_type2_accounts_with_ktyp_enhet_and_swedish_letters():
    sie = sie4.read(FIXTURES / "typ2.se")
    assert list(sie.accounts) == ["1930", "2440", "3011", "5010", "7010"]
    assert sie.accounts["1930"] == SieAccount("1930", "Företagskonto", "T", None)
    assert sie.accounts["2440"] == SieAccount("2440", "Leverantörsskulder", "S", None)
    assert sie.accounts["3011"] == SieAccount("3011", "Avgifter hemtjänst", "I", None)
    assert sie.accounts["5010"] == SieAccount("5010", "Lokalhyra", None, None)
    # #KONTO written with tabs as separators
    assert sie.accounts["7010"] == SieAccount("7010", "Löner kommunal personal", "K", "timmar")


def test_type2_year_balances_keep_signs_and_optional_quantity():
    sie = sie4.read(FIXTURES / "typ2.se")
    assert sie.ib == [(0, "1930", 125000.50, None), (-1, "1930", 98000.0, None)]
    assert sie.ub == [(0, "1930", 130250.75, None), (0, "2440", -45000.0, None), (-1, "1930", 125000.50, None)]
    assert sie.res == [(0, "3011", -250000.0, None), (0, "7010", 1200000.0, 2400.0), (-1, "3011", -240000.0, None)]
    assert sie.res[1].quantity == 2400.0


def test_type2_psaldo_pbudget_with_and_without_quantity():
    sie = sie4.read(FIXTURES / "typ2.se")
    assert sie.psaldo == [
        (0, "2024-01", "3011", (), -20500.0, None, 38),
        (0, "2024-01", "7010", (), 98000.0, 196.0, 39),
        (0, "2024-02", "7010", (), 101000.50, 202.5, 40),     # tab-separated line
        (-1, "2023-12", "7010", (), 95000.0, None, 41),
    ]
    assert sie.pbudget == [
        (0, "2024-01", "3011", (), -21000.0, None, 42),
        (0, "2024-01", "7010", (), 100000.0, None, 43),
    ]


# --------------------------------------------------------------------------------------------------
# Type 3: dimensions, objects, object balances
# --------------------------------------------------------------------------------------------------

def test_type3_dimensions_and_underdim():
    sie = sie4.read(FIXTURES / "typ3.se")
    assert sie.sie_type == 3
    assert sie.dimensions == {
        1: SieDimension(1, "Kostnadsställe"),
        2: SieDimension(2, "Kostnadsbärare", parent=1),
        6: SieDimension(6, "Projekt"),
        20: SieDimension(20, "Avdelning"),
        21: SieDimension(21, "Underavdelning", parent=20),
    }


def test_type3_objects_quoted_escaped_and_unquoted():
    sie = sie4.read(FIXTURES / "typ3.se")
    assert sie.objects[(1, "510")] == SieObject(1, "510", 'Hemtjänst "Norr"')
    assert sie.objects[(1, "520")] == SieObject(1, "520", "Särskilt boende Åkerö")
    assert sie.objects[(1, "530")] == SieObject(1, "530", "Hemsjukvård")             # unquoted fields
    assert sie.objects[(20, "01")].name == "Äldreomsorg"                              # leading zero kept
    assert sie.objects[(21, "0101")].name == "Öppen verksamhet"
    assert len(sie.objects) == 7
    assert sie.warnings == []


def test_type3_object_lists_two_dimensions_empty_and_quoted_dimension():
    sie = sie4.read(FIXTURES / "typ3.se")
    objects = [(r.line, r.objects) for r in sie.psaldo]
    assert objects == [
        (30, ()),
        (31, ((1, "510"),)),
        (32, ((1, "520"), (6, "P1"))),
        (33, ()),                              # "{ }" with a space is empty too
        (34, ((1, "530"), (6, "P1"))),         # unquoted objects
        (35, ()),
        (36, ((20, "01"),)),
        (37, ((21, "0101"),)),
        (38, ((2, "51001"),)),                 # {"2" "51001"}: a quoted dimension number
    ]
    assert sie.psaldo[1].quantity == 120.0 and sie.psaldo[2].quantity is None
    assert sie.pbudget == [(0, "2024-01", "7010", (), 100000.0, None, 39),
                           (0, "2024-01", "7010", ((1, "510"),), 61000.0, 125.0, 40)]


def test_type3_object_opening_and_closing_balances():
    sie = sie4.read(FIXTURES / "typ3.se")
    assert sie.oib == [(0, "1930", ((1, "510"),), 1000.0, None)]
    assert sie.oub == [(0, "1930", ((1, "510"),), 1500.50, 3.0)]


def test_balances_frame_psaldo():
    sie = sie4.read(FIXTURES / "typ3.se")
    df = balances_frame(sie)
    assert list(df.columns) == ["ar_index", "period", "konto", "kontonamn", "dimension", "objekt", "belopp",
                                "kvantitet", "objekt_lista"]
    assert len(df) == 9
    row = df.iloc[2]
    assert (row.ar_index, row.period, row.konto, row.kontonamn) == (0, "2024-01", "7010", "Löner kommunal personal")
    assert (row.dimension, row.objekt, row.belopp) == ("1", "520", 38000.0)
    assert row.objekt_lista == ((1, "520"), (6, "P1"))
    assert math.isnan(row.kvantitet)
    total = df.iloc[0]
    assert (total.dimension, total.objekt, total.objekt_lista, total.kvantitet) == ("", "", (), 196.0)
    # account totals (no objects) for January: 98000 on 7010 and -20500 on 3011 (revenue stays negative)
    jan = df[(df.period == "2024-01") & (df.dimension == "")]
    assert jan.set_index("konto").belopp.to_dict() == {"7010": 98000.0, "3011": -20500.0}


def test_balances_frame_pbudget_and_bad_kind():
    sie = sie4.read(FIXTURES / "typ3.se")
    df = balances_frame(sie, kind="pbudget")
    assert df.belopp.tolist() == [100000.0, 61000.0]
    assert df.objekt.tolist() == ["", "510"]
    assert df.kvantitet.iloc[1] == 125.0
    with pytest.raises(ValueError):
        balances_frame(sie, kind="saldo")


def test_balances_frame_empty():
    sie = sie4.read(FIXTURES / "typ2.se")
    df = balances_frame(replace(sie, pbudget=[]), kind="pbudget")
    assert df.empty and "objekt_lista" in df.columns


# --------------------------------------------------------------------------------------------------
# Type 4: vouchers
# --------------------------------------------------------------------------------------------------

def test_type4_vouchers_and_transactions():
    sie = sie4.read(FIXTURES / "typ4.se")
    assert sie.sie_type == 4 and sie.generated == "20250110"
    assert [(v.series, v.number, v.date, v.text, v.line) for v in sie.vouchers] == [
        ("A", "1", "20240105", "Porto januari", 27),
        ("A", "2", "20240215", "Rättelse av kontering", 33),
        ("B", "7", "20241231", "Kontant lön", 41),
    ]
    first = sie.vouchers[0].transactions
    assert first == (
        SieTransaction("1910", (), -1000.0, None, "", None),
        SieTransaction("2640", (), 200.0, None, "", None),
        SieTransaction("6250", ((1, "510"),), 800.0, "20240104", 'Frimärken "vinter"', 10.0),
    )
    # {"1" "456" "6" "47"} followed by empty transdat and transtext ("" "")
    assert sie.vouchers[2].transactions[0] == SieTransaction("7010", ((1, "456"), (6, "47")), 13200.0, None, "", None)
    assert sie.warnings == []


def test_type4_rtrans_and_btrans_do_not_affect_the_voucher():
    sie = sie4.read(FIXTURES / "typ4.se")
    rows = sie.vouchers[1].transactions
    # #BTRANS 6110 and #RTRANS 6250 are ignored; the #TRANS copy that follows #RTRANS is the row.
    assert [(t.account, t.amount) for t in rows] == [("1910", -1000.0), ("2640", 200.0), ("6250", 800.0)]
    assert sum(t.amount for t in rows) == 0
    assert sie.ignored == {"#BTRANS": 1, "#RTRANS": 1}


def test_voucher_frame():
    sie = sie4.read(FIXTURES / "typ4.se")
    df = voucher_frame(sie)
    assert len(df) == 8
    assert df.belopp.sum() == 0
    row = df.iloc[2]
    assert (row.serie, row.vernr, row.rad, row.konto, row.kontonamn) == ("A", "1", 27, "6250", "Porto")
    assert row.verdatum == pd.Timestamp("2024-01-05")
    assert row.datum == pd.Timestamp("2024-01-04")             # the transaction's own date
    assert (row.period, row.dimension, row.objekt, row.transtext, row.kvantitet) == (
        "2024-01", "1", "510", 'Frimärken "vinter"', 10.0)
    assert df.iloc[0].datum == pd.Timestamp("2024-01-05")      # no transdat: the voucher date
    assert df[df.serie == "B"].objekt_lista.tolist() == [((1, "456"), (6, "47")), ()]


# --------------------------------------------------------------------------------------------------
# Writer and round trip
# --------------------------------------------------------------------------------------------------

ACCOUNTS = {
    "1910": SieAccount("1910", "Kassa", "T"),
    "3011": SieAccount("3011", "Avgifter hemtjänst", "I"),
    "7010": SieAccount("7010", 'Löner "fast" personal', "K", "timmar"),
}
DIMENSIONS = {1: SieDimension(1, "Kostnadsställe"), 2: SieDimension(2, "Kostnadsbärare", 1),
              6: SieDimension(6, "Projekt")}
OBJECTS = {
    (1, "510"): SieObject(1, "510", 'Hemtjänst "Norr"'),
    (1, "520"): SieObject(1, "520", "Särskilt boende Åkerö"),
    (2, "51001"): SieObject(2, "51001", "Nattpatrull"),
    (6, "P 1"): SieObject(6, "P 1", "Välfärdsteknik"),
}
PSALDO = [
    (0, "2024-01", "7010", (), 98000.0, 196.0),
    (0, "2024-01", "7010", ((1, "510"), (6, "P 1")), 60000.0, None),
    (0, "2024-02", "3011", ((1, "520"),), -20500.55, None),
    (-1, "2023-12", "7010", ((2, "51001"),), 95000.0, 12.5),
]
PBUDGET = [(0, "2024-01", "7010", (), 100000.0, None), (0, "2024-01", "7010", ((1, "510"),), 61000.0, 125.0)]
VOUCHERS = [
    SieVoucher("A", "1", "20240131", "Lön januari", (
        SieTransaction("7010", ((1, "510"),), 60000.0, None, "", None),
        SieTransaction("7010", ((1, "520"), (6, "P 1")), 38000.0, "20240130", 'Övertid "natt"', 40.0),
        SieTransaction("1910", (), -98000.0, None, "Utbetalning", None),
    )),
    SieVoucher("", "", "20240215", "", (
        SieTransaction("3011", (), -20500.55, None, "", 3.0),
        SieTransaction("1910", (), 20500.55, None, "", None),
    )),
]


def write_demo(path, **overrides):
    args = {
        "program": "Omsorgsanalys demo", "fnamn": "Hälsingeby kommun", "orgnr": "212000-9999",
        "fiscal_years": {0: ("20240101", "20241231"), -1: ("20230101", "20231231")},
        "accounts": ACCOUNTS, "dimensions": DIMENSIONS, "objects": OBJECTS, "psaldo": PSALDO, "pbudget": PBUDGET,
        "vouchers": VOUCHERS, "sie_type": 4, "generated": "20250102",
        "ib": [(0, "1910", 5000.0)], "ub": [(0, "1910", -107500.0, None)],
        "res": [(0, "3011", -20500.55), (0, "7010", 98000.0, 196.0)],
        "oib": [(0, "1910", ((1, "510"),), 1000.0)], "oub": [(0, "1910", ((1, "510"),), 2000.0, 2.0)],
    }
    args.update(overrides)
    return write_sie(path, **args)


def test_round_trip_write_then_read(tmp_path):
    path = write_demo(tmp_path / "demo.se")
    sie = sie4.read(path)
    assert sie.warnings == []
    assert (sie.flagga, sie.format, sie.sie_type, sie.generated) == (0, "PC8", 4, "20250102")
    assert (sie.program, sie.fnamn, sie.orgnr) == ("Omsorgsanalys demo", "Hälsingeby kommun", "212000-9999")
    assert sie.fiscal_years == {0: ("20240101", "20241231"), -1: ("20230101", "20231231")}
    assert sie.accounts == ACCOUNTS
    assert sie.dimensions == DIMENSIONS
    assert sie.objects == OBJECTS
    assert [tuple(r[:6]) for r in sie.psaldo] == PSALDO
    assert [tuple(r[:6]) for r in sie.pbudget] == PBUDGET
    assert sie.vouchers == VOUCHERS
    assert sie.ib == [(0, "1910", 5000.0, None)]
    assert sie.ub == [(0, "1910", -107500.0, None)]
    assert sie.res == [(0, "3011", -20500.55, None), (0, "7010", 98000.0, 196.0)]
    assert sie.oib == [(0, "1910", ((1, "510"),), 1000.0, None)]
    assert sie.oub == [(0, "1910", ((1, "510"),), 2000.0, 2.0)]
    assert sie.ignored == {"#OMFATTN": 1}


def test_writer_output_is_pc8_with_escaped_quotes(tmp_path):
    path = write_demo(tmp_path / "demo.se")
    data = path.read_bytes()
    lines = data.decode("cp437").splitlines()
    assert lines[0] == "#FLAGGA 0"
    assert "#FORMAT PC8" in lines
    assert "#SIETYP 4" in lines
    assert '#OBJEKT 1 "510" "Hemtjänst \\"Norr\\""' in lines
    assert "#UNDERDIM 2 \"Kostnadsbärare\" 1" in lines
    assert '#PSALDO 0 202401 7010 {1 "510" 6 "P 1"} 60000.00' in lines
    assert "#OMFATTN 20240229" in lines          # end of the last period of year 0
    assert b"Hemtj\x84nst" in data and b"\r\n" in data
    assert lines[lines.index('#VER "A" "1" 20240131 "Lön januari"') + 1] == "{"
    assert '   #TRANS 1910 {} -98000.00 "" "Utbetalning"' in lines


def test_writer_accepts_names_as_mapping_values(tmp_path):
    path = write_sie(tmp_path / "enkel.se", program="Demo", fnamn="Kommun", orgnr="",
                     fiscal_years={0: ("20240101", "20241231")}, accounts={"3011": "Avgifter"},
                     dimensions={1: "Kostnadsställe"}, objects={(1, "510"): "Hemtjänst"},
                     psaldo=[(0, "202401", "3011", ((1, "510"),), -1.0)], pbudget=[], sie_type=3)
    sie = sie4.read(path)
    assert sie.accounts == {"3011": SieAccount("3011", "Avgifter")}
    assert sie.objects == {(1, "510"): SieObject(1, "510", "Hemtjänst")}
    assert sie.psaldo[0][:6] == (0, "2024-01", "3011", ((1, "510"),), -1.0, None)
    assert sie.orgnr == ""


def test_writer_refuses_characters_outside_cp437(tmp_path):
    target = tmp_path / "euro.se"
    with pytest.raises(ValueError, match="CP437"):
        write_demo(target, fnamn="Kommun €")
    assert not target.exists() and list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="sie_type"):
        write_demo(target, sie_type=5)


# --------------------------------------------------------------------------------------------------
# Encodings other than PC8
# --------------------------------------------------------------------------------------------------

def test_utf8_file_is_read_with_a_warning():
    sie = sie4.read(FIXTURES / "typ2_utf8.se")
    assert sie.encoding == "utf-8"
    assert sie.fnamn == "Hälsingeby kommun"
    assert sie.accounts["7010"].name == "Löner kommunal personal"
    assert sie.psaldo == sie4.read(FIXTURES / "typ2.se").psaldo
    assert len(sie.warnings) == 1
    w = sie.warnings[0]
    assert not w.is_error and w.record == "#FORMAT"
    assert "inte kodad i PC8/CP437 som SIE-standarden kräver" in w.message_sv and "UTF-8" in w.message_sv


def test_latin1_file_is_read_with_a_warning(tmp_path):
    path = make(tmp_path, BASE, encoding="latin-1")
    sie = sie4.read(path)
    assert sie.encoding == "cp1252"
    assert sie.accounts["3011"].name == "Avgifter hemtjänst"
    assert sie.fnamn == "Hälsingeby kommun"
    assert any("inte kodad i PC8/CP437" in w.message_sv for w in sie.warnings)


def test_declared_other_format_warns(tmp_path):
    path = make(tmp_path, changed(l3="#FORMAT UTF8"), encoding="utf-8")
    sie = sie4.read(path)
    assert sie.format == "UTF8" and sie.fnamn == "Hälsingeby kommun"
    messages = [w.message_sv for w in sie.warnings]
    assert "#FORMAT anger 'UTF8', men SIE-standarden kräver PC8 (CP437); filen lästes som UTF-8" in messages
    assert sum("inte kodad i PC8/CP437" in m for m in messages) == 1


# --------------------------------------------------------------------------------------------------
# The base file itself, and non-fatal findings
# --------------------------------------------------------------------------------------------------

def test_base_file_is_valid(tmp_path):
    sie = sie4.read(make(tmp_path, BASE))
    assert sie.warnings == []
    assert sie.vouchers[0].line == 15 and sie.vouchers[0].number == "12"


def test_unknown_record_gives_one_warning(tmp_path):
    sie = sie4.read(make(tmp_path, BASE + ["#FRAMTID 1 2", "#FRAMTID 3"]))
    assert [(w.line, w.record, w.message_sv, w.is_error) for w in sie.warnings] == [
        (20, "#FRAMTID", "okänd post #FRAMTID ignoreras (2 rader)", False)]


def test_extra_fields_warn(tmp_path):
    sie = sie4.read(make(tmp_path, BASE + ["#KONTO 5010 Lokal hyra"]))
    assert sie.accounts["5010"].name == "Lokal"
    (w,) = sie.warnings
    assert (w.line, w.record) == (20, "#KONTO") and "fler fält än standarden anger" in w.message_sv


def test_sietyp_1_warns(tmp_path):
    sie = sie4.read(make(tmp_path, changed(l5="#SIETYP 1")))
    (w,) = sie.warnings
    assert (w.line, w.record, w.is_error) == (5, "#SIETYP", False)
    assert "SIE typ 1 innehåller bara årssaldon" in w.message_sv


def test_type2_ignores_period_records_with_objects(tmp_path):
    sie = sie4.read(make(tmp_path, changed(l5="#SIETYP 2")))
    assert sie.psaldo == []
    (w,) = sie.warnings
    assert (w.line, w.record) == (14, "#PSALDO") and "SIE typ 2 ska inte ha objekt i #PSALDO" in w.message_sv


def test_rtrans_without_following_trans_warns(tmp_path):
    lines = BASE[:18] + ["#RTRANS 1910 {} 5.00", "#TRANS 1910 {} -5.00", "#TRANS 7010 {} 5.00"] + BASE[18:]
    sie = sie4.read(make(tmp_path, lines))
    (w,) = sie.warnings
    assert (w.line, w.record) == (19, "#RTRANS") and "ska direkt följas av en likadan #TRANS-rad" in w.message_sv
    assert [t.amount for t in sie.vouchers[0].transactions] == [100.0, -100.0, -5.0, 5.0]


def test_undeclared_dimension_without_objects_warns(tmp_path):
    sie = sie4.read(make(tmp_path, BASE + ['#PSALDO 0 202401 7010 {9 "L123"} 5.00']))
    (w,) = sie.warnings
    assert (w.line, w.record) == (20, "#PSALDO") and "dimension 9 är varken deklarerad" in w.message_sv
    assert sie.psaldo[-1].objects == ((9, "L123"),)


def test_undeclared_dimensions_warn(tmp_path):
    sie = sie4.read(make(tmp_path, [*BASE, '#OBJEKT 25 "A1" "Alfa"', '#UNDERDIM 31 "Delprojekt" 30']))
    assert sie.objects[(25, "A1")] == SieObject(25, "A1", "Alfa")
    assert sie.dimensions[31] == SieDimension(31, "Delprojekt", 30)
    assert [(w.line, w.record, w.message_sv) for w in sie.warnings] == [
        (20, "#OBJEKT", "dimension 25 är inte deklarerad med #DIM"),
        (21, "#UNDERDIM", "underdimension 31 pekar på dimension 30 som inte är deklarerad med #DIM"),
    ]


def _spec_crc32(data: bytes) -> int:
    """The table-driven CRC-32 from SIE spec chapter 10 (polynomial EDB88320, pre- and post-inverted)."""
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0xEDB88320 if c & 1 else c >> 1
        table.append(c)
    crc = 0xFFFFFFFF
    for b in data:
        crc = (crc >> 8) ^ table[(crc ^ b) & 0xFF]
    return crc ^ 0xFFFFFFFF


KSUMMA_BODY = ['#PROGRAM "Test \\"x\\"" 1.0', "#FORMAT PC8", "#SIETYP 3", '#FNAMN "Åby"',
               "#RAR 0 20240101 20241231", '#KONTO 1910 "Kassa"', '#DIM 1 "KS"', '#OBJEKT 1 "510" "Hemtjänst"',
               '#PSALDO 0 202401 1910 {1 "510"} 100.00']
# By hand: labels and fields without separators, quotes or braces; an escaped quote counts as just the quote.
KSUMMA_TEXT = (
    '#PROGRAMTest "x"1.0'
    "#FORMATPC8"
    "#SIETYP3"
    "#FNAMNÅby"
    "#RAR02024010120241231"
    "#KONTO1910Kassa"
    "#DIM1KS"
    "#OBJEKT1510Hemtjänst"
    "#PSALDO020240119101510100.00"
)


def test_ksumma_checksum_is_verified(tmp_path):
    crc = _spec_crc32(KSUMMA_TEXT.encode("cp437"))
    sie = sie4.read(make(tmp_path, ["#FLAGGA 0", "#KSUMMA", *KSUMMA_BODY, f"#KSUMMA {crc}", "#GEN 20250101"]))
    assert sie.warnings == []
    assert sie.ignored["#KSUMMA"] == 2
    assert sie.psaldo[0][:5] == (0, "2024-01", "1910", ((1, "510"),), 100.0)
    bad = sie4.read(make(tmp_path, ["#FLAGGA 0", "#KSUMMA", *KSUMMA_BODY, f"#KSUMMA {crc + 1}", "#GEN 20250101"]))
    (w,) = bad.warnings
    assert (w.line, w.record, w.is_error) == (12, "#KSUMMA", False)
    assert f"kontrollsumman i filen ({crc + 1}) stämmer inte med innehållet ({crc})" in w.message_sv


def test_duplicate_period_record_warns(tmp_path):
    sie = sie4.read(make(tmp_path, BASE + [BASE[13]]))
    assert len(sie.psaldo) == 2
    (w,) = sie.warnings
    assert (w.line, w.record) == (20, "#PSALDO")
    assert "samma årsnr, period, konto och objekt finns redan på rad 14" in w.message_sv


# --------------------------------------------------------------------------------------------------
# Bad input: each is one fatal Problem with line, record label and a Swedish explanation
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("changes,line,label,fragment", [
    ({"l14": '#PSALDO 0 202401 7010 {1 "510"} 100,50'}, 14, "#PSALDO",
     ("felaktig #PSALDO-post: saldot '100,50' är inget belopp (punkt som decimaltecken, t.ex. -1234.50); "
      "förväntade #PSALDO årsnr period konto {objekt} saldo [kvantitet]")),
    ({"l14": '#PSALDO 0 202413 7010 {1 "510"} 100.00'}, 14, "#PSALDO",
     "perioden '202413' är ingen giltig period ÅÅÅÅMM"),
    ({"l14": "#PSALDO 0 202401 7010 100.00"}, 14, "#PSALDO", "objektlistan {…} saknas"),
    ({"l14": "#PSALDO 0 202401 7010 {1} 100.00"}, 14, "#PSALDO",
     "objektlistan ska innehålla par av dimensionsnummer och objektnummer"),
    ({"l14": '#PSALDO 0 202401 7010 {1 "510" 100.00'}, 14, "#PSALDO",
     "felaktig #PSALDO-post: objektlistan saknar avslutande '}'; förväntade #PSALDO årsnr"),
    ({"l14": '#PSALDO 0 202401 7010 {1 "510"} 100.00 1,5'}, 14, "#PSALDO", "kvantiteten '1,5' är inget belopp"),
    ({"l14": '#PSALDO 1 202401 7010 {1 "510"} 100.00'}, 14, "#PSALDO", "årsnr '1' ska vara 0"),
    ({"l10": "#KONTO 3011"}, 10, "#KONTO",
     "felaktig #KONTO-post: kontonamnet saknas; förväntade #KONTO kontonr kontonamn"),
    ({"l10": '#KONTO 3011 "Avgifter hemtjänst'}, 10, "#KONTO", "citattecknet avslutas inte"),
    ({"l10": '#KONTO 30A1 "Avgifter"'}, 10, "#KONTO", "kontonumret '30A1' ska vara numeriskt"),
    ({"l5": "#SIETYP fyra"}, 5, "#SIETYP", "typnumret 'fyra' är inget heltal"),
    ({"l5": "#SIETYP 5"}, 5, "#SIETYP", "#SIETYP 5 är ingen giltig SIE-typ; förväntade 1, 2, 3 eller 4"),
    ({"l4": "#GEN 2025-01-01"}, 4, "#GEN", "datumet '2025-01-01' är inget giltigt datum ÅÅÅÅMMDD"),
    ({"l8": "#RAR -1 20231231 20230101"}, 8, "#RAR", "startdatumet 20231231 ligger efter slutdatumet 20230101"),
    ({"l12": '#DIM x "Kostnadsställe"'}, 12, "#DIM", "dimensionsnumret 'x' är inget heltal"),
    ({"l15": '#VER A 12 20241332 "Lön"'}, 15, "#VER",
     ("felaktig #VER-post: verifikationsdatumet '20241332' är inget giltigt datum ÅÅÅÅMMDD; "
      "förväntade #VER serie vernr verdatum [vertext] [regdatum] [sign]")),
    ({"l17": '#TRANS 7010 {1 "510"} 1OO.00'}, 17, "#TRANS",
     "felaktig #TRANS-post: beloppet '1OO.00' är inget belopp"),
    ({"l17": '#TRANS 7010 {1 "510"} 100.00 20240231'}, 17, "#TRANS",
     "transaktionsdatumet '20240231' är inget giltigt datum ÅÅÅÅMMDD"),
    ({"l17": '#TRANS 7010 {1 "510"} 250.00'}, 15, "#VER",
     "verifikationen A 12 balanserar inte: summan av #TRANS är 150,00 (förväntade 0)"),
    ({"l15": '#VER "" "" 20240115 "Lön"', "l18": "#TRANS 1910 {} -99.99"}, 15, "#VER",
     "verifikationen utan serie och nummer balanserar inte: summan av #TRANS är 0,01 (förväntade 0)"),
    ({"l14": "#PSALDO -2 202201 7010 {} 100.00"}, 14, "#PSALDO", "årsnr -2 saknar #RAR"),
    ({"l16": None, "l17": None, "l18": None, "l19": None}, 15, "#VER",
     "#VER ska följas av ett block med #TRANS-rader inom { } på egna rader"),
    ({"l16": '#KONTO 5010 "Hyra"', "l17": None, "l18": None, "l19": None}, 15, "#VER",
     "#VER ska följas av ett block med #TRANS-rader inom { } på egna rader"),
    ({"l19": None}, 16, "{", "blocket som börjar på rad 16 saknar avslutande '}'"),
    ({"l19": '#KONTO 5010 "Hyra"'}, 16, "{", "blocket som börjar på rad 16 saknar avslutande '}'"),
    ({"l5": None}, None, "#SIETYP", "#SIETYP saknas; förväntade en rad '#SIETYP typnr' med typ 1–4"),
])
def test_bad_line(tmp_path, changes, line, label, fragment):
    problem = single(make(tmp_path, changed(**changes)))
    assert fragment in problem.message_sv, problem.message_sv
    assert (problem.file, problem.line, problem.record) == ("test.se", line, label)


@pytest.mark.parametrize("changes,line,label,fragment", [
    ({"l14": "#PSALDO 0 202401 3012 {} 100.00"}, 14, "#PSALDO", "konto 3012 är inte deklarerat med #KONTO"),
    ({"l18": "#TRANS 1911 {} -100.00"}, 18, "#TRANS", "konto 1911 är inte deklarerat med #KONTO"),
    ({"l14": '#PSALDO 0 202401 7010 {1 "599"} 100.00'}, 14, "#PSALDO",
     "objekt '599' i dimension 1 är inte deklarerat med #OBJEKT"),
    ({"l17": '#TRANS 7010 {1 "510" 1 "X"} 100.00'}, 17, "#TRANS",
     "objekt 'X' i dimension 1 är inte deklarerat med #OBJEKT"),
    ({"l14": "#PSALDO 0 202501 7010 {} 100.00"}, 14, "#PSALDO",
     "perioden 2025-01 ligger utanför räkenskapsår 0 (2024-01-01–2024-12-31) enligt #RAR"),
    ({"l14": "#PSALDO -1 202401 7010 {} 100.00"}, 14, "#PSALDO",
     "perioden 2024-01 ligger utanför räkenskapsår -1 (2023-01-01–2023-12-31) enligt #RAR"),
    ({"l15": '#VER A 12 20250115 "Lön"'}, 15, "#VER",
     "verifikationsdatumet 2025-01-15 ligger utanför räkenskapsår 0 (2024-01-01–2024-12-31) enligt #RAR"),
])
def test_readable_record_that_deviates_is_a_warning(tmp_path, changes, line, label, fragment):
    sie = sie4.read(make(tmp_path, changed(**changes)))
    assert sie.errors == []
    (problem,) = sie.warnings
    assert fragment in problem.message_sv, problem.message_sv
    assert (problem.file, problem.line, problem.record) == ("test.se", line, label)


@pytest.mark.parametrize("record", [
    "#PBUDGET 0 202401 4010 {} 10.00", "#IB 0 4010 10.00", "#UB 0 4010 10.00", "#RES 0 4010 10.00",
    '#OIB 0 4010 {1 "510"} 10.00', '#OUB 0 4010 {1 "510"} 10.00', "#KTYP 4010 K", "#ENHET 4010 st",
])
def test_record_with_undeclared_account(tmp_path, record):
    sie = sie4.read(make(tmp_path, BASE + [record]))
    assert sie.errors == []
    (problem,) = sie.warnings
    assert (problem.line, problem.record) == (20, record.split()[0])
    assert problem.message_sv == "konto 4010 är inte deklarerat med #KONTO"
    assert problem.text == record


@pytest.mark.parametrize("extra,line,label,fragment", [
    (["}"], 20, "}", "'}' utan matchande '{'"),
    (["{", "#TRANS 1910 {} 0.00", "}"], 20, "{", "'{' utan föregående #VER"),
    (["#TRANS 1910 {} 0.00"], 20, "#TRANS", "#TRANS får bara förekomma inom { }-blocket efter en #VER"),
    (["#RTRANS 1910 {} 0.00"], 20, "#RTRANS", "#RTRANS får bara förekomma inom { }-blocket efter en #VER"),
    (["Hemtjänst Norr"], 20, None, "raden är ingen SIE-post; förväntade en etikett som börjar med #"),
    (["#RAR 0 20240101 20241231"], 20, "#RAR", "årsnr 0 är redan angivet med #RAR på rad 7"),
    (["#FLAGGA 2"], 20, "#FLAGGA", "flaggan '2' ska vara 0 eller 1"),
    (["#KTYP 1910 X"], 20, "#KTYP", "kontotypen 'X' ska vara T, S, K eller I"),
    (["#UNDERDIM 2 \"Kostnadsbärare\""], 20, "#UNDERDIM", "superdimensionen saknas"),
])
def test_bad_appended_line(tmp_path, extra, line, label, fragment):
    problem = single(make(tmp_path, BASE + extra))
    assert fragment in problem.message_sv, problem.message_sv
    assert (problem.line, problem.record) == (line, label)


def test_truncated_ksumma_file_is_refused(tmp_path):
    problem = single(make(tmp_path, BASE[:1] + ["#KSUMMA"] + BASE[1:]))
    assert (problem.line, problem.record) == (2, "#KSUMMA")
    assert "den avslutande #KSUMMA med kontrollsumman saknas" in problem.message_sv


def test_every_problem_is_reported_at_once(tmp_path):
    lines = changed(l10='#KONTO 3011 "Avgifter', l14="#PSALDO 0 202401 4010 {} 100.00",
                    l17='#TRANS 7010 {1 "510"} 250.00', l5=None)
    sie = sie4.read(make(tmp_path, lines))
    assert [(p.line, p.record) for p in sie.errors] == [(9, "#KONTO"), (14, "#VER"), (None, "#SIETYP")]
    # An undeclared account does not make the amount unreadable: a warning, at the record's line.
    (w,) = [p for p in sie.warnings if p.kind == "odeklarerat_konto"]
    assert (w.line, w.record, w.text) == (13, "#PSALDO", "#PSALDO 0 202401 4010 {} 100.00")
    assert str(w).startswith("test.se, rad 13, #PSALDO: konto 4010 är inte deklarerat med #KONTO")


def test_long_lines_are_clipped_in_the_message(tmp_path):
    problem = single(make(tmp_path, changed(l10='#KONTO 3011 "' + "x" * 300)))
    assert len(problem.text) == 120 and problem.text.endswith("…")


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(sie4.SieReadError, match="filen finns inte"):
        sie4.read(tmp_path / "saknas.se")
    (tmp_path / "tom.se").write_bytes(b"\r\n\r\n")
    (problem,) = sie4.read(tmp_path / "tom.se").problems
    assert problem.is_error and problem.kind == "tom_fil" and "filen är tom" in problem.message_sv
