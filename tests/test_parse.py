"""Numbers and files as a Swedish controller has them; anything that could be read two ways is an
error that names both readings."""
import re

import pytest
from openpyxl import Workbook

from helpers.ingest.parse import FileFormatError, NumberFormatError, decode, parse_number, read_table


@pytest.mark.parametrize("text,value,decimals", [
    ("1 563", 1563, 0), ("1\u00a0563", 1563, 0), ("-1 504", -1504, 0), ("\u22121 504", -1504, 0),
    ("– 1 504", -1504, 0), ("−16,1", -16.1, 1), ("14,7", 14.7, 1), ("14.7", 14.7, 1), ("6,8 %", 6.8, 1),
    ("16,0", 16.0, 1), ("+ 453", 453, 0), ("0.125", 0.125, 3), ("1 001,6", 1001.6, 1), ("3000", 3000, 0),
    (1563, 1563, 0), (14.7, 14.7, 1),
])
def test_published_number_formats(text, value, decimals):
    n = parse_number(text)
    assert n.value == pytest.approx(value) and n.decimals == decimals and not n.approx


@pytest.mark.parametrize("text", ["", "-", "  ", "–", "..", None])
def test_no_value_is_missing_not_zero(text):
    assert parse_number(text).missing


@pytest.mark.parametrize("text,value,approx", [("ca 3000", 3000, True), ("ca -3000", -3000, True),
                                               ("cirka 1,1", 1.1, True), ("Ca. 450", 450, True)])
def test_approximate_figures(text, value, approx):
    n = parse_number(text)
    assert n.value == pytest.approx(value) and n.approx is approx


@pytest.mark.parametrize("text,fragment", [
    ("-11.000", re.escape("tvetydigt tal: kan läsas som −11 000 (punkt som tusentalsavgränsare) eller −11,000")),
    ("1.563", "tvetydigt tal"),
    ("1 56 3", "mellanslagen delar talet i fel grupper"),
    ("12 3456", "mellanslagen delar talet i fel grupper"),
    ("+-5", "två tecken i rad"),
    ("1.234,5", "både punkt och komma"),
    ("1,2,3", "flera ','"),
    ("12 3,5", "mellanslagen delar talet i fel grupper"),
    ("12a", "förväntade ett tal"),
    ("tkr", "förväntade ett tal"),
])
def test_ambiguous_or_unreadable_numbers(text, fragment):
    with pytest.raises(NumberFormatError, match=fragment):
        parse_number(text)


def test_decode_refuses_utf16_and_double_bom():
    with pytest.raises(FileFormatError, match="UTF-16"):
        decode("verksamhet;a\n".encode("utf-16"))
    with pytest.raises(FileFormatError, match="två BOM-tecken"):
        decode(b"\xef\xbb\xbf\xef\xbb\xbfverksamhet;a\n")
    assert decode("Bostad med särskild service".encode("cp1252")) == "Bostad med särskild service"
    assert decode(b"\xef\xbb\xbfa;b") == "a;b"


def test_csv_dialects_and_ragged_rows(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("verksamhet;Utfall\nHemtjänst;1 563\nÄldreomsorg,-1 504\nBoende;12;13\n", encoding="utf-8")
    t = read_table(p, "k/t.csv")
    assert t.header == ["verksamhet", "Utfall"]
    assert [line for line, _ in t.rows] == [2]
    messages = [str(x) for x in t.problems]
    assert any("rad 3" in m and "verkar använda ','" in m for m in messages), messages
    assert any("rad 4" in m and "3 celler men rubrikraden har 2" in m for m in messages), messages


def test_comma_separated_with_quoted_decimal_comma(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text('verksamhet,Utfall\nHemtjänst,"14,7"\n', encoding="utf-8")
    t = read_table(p, "k/t.csv")
    assert t.rows[0][1] == ["Hemtjänst", "14,7"]


def test_xls_is_refused(tmp_path):
    p = tmp_path / "gammal.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(FileFormatError, match=r"gamla Excelfiler \(.xls\)"):
        read_table(p, "k/gammal.xls")


def _workbook(path, hidden_first=False, formula=False, hidden_row=False):
    wb = Workbook()
    ws = wb.active
    ws.title = "Dold" if hidden_first else "Blad1"
    ws.append(["verksamhet", "Utfall"])
    ws.append(["Fel blad" if hidden_first else "Hemtjänst", 1])
    if hidden_first:
        ws.sheet_state = "hidden"
        ws2 = wb.create_sheet("Synlig")
        ws2.append(["verksamhet", "Utfall"])
        ws2.append(["Hemtjänst", 2])
    if formula:
        ws["B3"] = "=B2*2"
        ws["A3"] = "Beräknad"
    if hidden_row:
        ws.row_dimensions[2].hidden = True
    wb.save(path)


def test_xlsx_hidden_first_sheet_is_not_read_by_default(tmp_path):
    p = tmp_path / "t.xlsx"
    _workbook(p, hidden_first=True)
    t = read_table(p, "k/t.xlsx")
    assert t.rows[0][1][0] == "Hemtjänst"
    assert any("dolda blad läses inte" in str(x) and not x.allvarlig for x in t.problems)


def test_xlsx_formula_without_cached_value_is_an_error(tmp_path):
    p = tmp_path / "t.xlsx"
    _workbook(p, formula=True)  # openpyxl writes no cached value for the formula
    t = read_table(p, "k/t.xlsx")
    errors = [str(x) for x in t.problems if x.allvarlig]
    assert any("rad 3" in e and "formel utan sparat värde" in e for e in errors), errors


def test_xlsx_hidden_row_is_reported(tmp_path):
    p = tmp_path / "t.xlsx"
    _workbook(p, hidden_row=True)
    t = read_table(p, "k/t.xlsx")
    assert any("rad 2" in str(x) and "dold" in str(x) for x in t.problems)
