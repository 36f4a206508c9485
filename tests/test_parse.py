import math

import openpyxl
import pytest

from helpers.parse import NumberFormatError, parse_number, read_table


@pytest.mark.parametrize("text,expected", [
    ("1 563", 1563), ("-1 504", -1504), ("14,7", 14.7), ("\u221216,1", -16.1), ("16\u00a0095", 16095),
    ("6,8 %", 6.8), ("16095", 16095), ("-1914", -1914), ("374,2", 374.2), ("+ 453", 453), ("0", 0),
    ("-1 163 512", -1163512), ("14.7", 14.7), ("\u2212 16,1", -16.1),
])
def test_published_number_formats(text, expected):
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "-", "  ", "–", None])
def test_no_value(text):
    assert math.isnan(parse_number(text))


@pytest.mark.parametrize("text", ["12a", "1,2,3", "tkr", "1 5 6 3x"])
def test_unparseable(text):
    with pytest.raises(NumberFormatError):
        parse_number(text)


def test_csv_utf8_bom_semicolon(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes("\ufeffverksamhet;Belopp\nÄldreomsorg;1 563\n".encode("utf-8"))
    header, rows = read_table(p)
    assert header == ["verksamhet", "Belopp"]
    assert rows == [["Äldreomsorg", "1 563"]]


def test_csv_windows_1252(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes("verksamhet;Belopp\nSärskilt boende;−16,1\n".replace("−", "-").encode("cp1252"))
    header, rows = read_table(p)
    assert rows[0][0] == "Särskilt boende"
    assert parse_number(rows[0][1]) == -16.1


def test_csv_comma_separated_with_quoted_decimal_comma(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text('verksamhet,Belopp\nHemtjänst,"14,7"\n', encoding="utf-8")
    header, rows = read_table(p)
    assert parse_number(rows[0][1]) == 14.7


def test_xlsx(tmp_path):
    p = tmp_path / "a.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["verksamhet", "Belopp"])
    ws.append(["LSS", -32862])
    ws.append(["HVO", "1 563"])
    wb.save(p)
    header, rows = read_table(p)
    assert header == ["verksamhet", "Belopp"]
    assert parse_number(rows[0][1]) == -32862
    assert parse_number(rows[1][1]) == 1563
