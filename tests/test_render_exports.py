"""The xlsx a controller opens: every marker in the cell, a comment and a note column; the decimals the
HTML shows; sheet names cut at a word and unique; text wrapped; one workbook per report with a sheet per
table; never a formula. Checked with openpyxl on the written file."""
import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers.app.report import export, tables
from helpers.present.tables import BELOPP, PROCENT, TAL, TEXT, Col, Table
from helpers.render.exports import export_workbook, sheet_name, workbook_file, write_xlsx

LONG = "Budget, utfall och prognos per verksamhet för socialnämnden: januari–augusti 2017, tkr"


def _economy() -> Table:
    """Three rows; 'Budget helår' of Hemtjänst is an estimate, the total's 'Utfall' replaced by the rows' sum."""
    frame = pd.DataFrame({"Verksamhet": ["Hemtjänst", "=SUMMA(A1:A9)", "Summa"],
                          "Utfall": [-1563.0, -240.0, -1803.0], "Budget helår": [-2400.0, -360.0, -2760.0],
                          "Avvikelse, %": [-4.2, 2.5, None]})
    cols = {"Verksamhet": Col(TEXT), "Utfall": Col(BELOPP, "tkr"), "Budget helår": Col(BELOPP, "tkr"),
            "Avvikelse, %": Col(PROCENT)}
    return Table("ekonomi", LONG, frame, cols, [False, False, True], ["Summan är radernas summa."],
                 {(0, "Budget helår"): "uppskattad", (2, "Utfall"): "ersatt"})


def _volumes() -> Table:
    frame = pd.DataFrame({"Serie": ["Hemtjänst, timmar per brukare och månad, ett längre namn på serien", "Boende"],
                          "Värde": [374.2, 47.0]})
    return Table("volymer", LONG, frame, {"Serie": Col(TEXT), "Värde": Col(TAL)})


def _cells(ws):
    return [c for row in ws.iter_rows() for c in row]


def test_markers_are_in_the_cell_a_comment_and_the_note_column(tmp_path):
    ws = load_workbook(write_xlsx(tmp_path / "e.xlsx", _economy())).active
    headers = [c.value for c in ws[1]]
    assert headers[-1] == "Anmärkning"
    note = headers.index("Anmärkning") + 1
    # row 2 (Hemtjänst): the estimated full-year budget; row 4 (Summa): the replaced outcome; row 3: nothing
    assert ws.cell(2, note).value == "Budget helår: ≈ uppskattad"
    assert ws.cell(4, note).value == "Utfall: * ersatt"
    assert ws.cell(3, note).value is None
    estimate, replaced = ws["C2"], ws["B4"]
    assert estimate.value == -2400 and estimate.data_type == "n"       # still a number a controller can sum
    assert replaced.value == -1803 and replaced.data_type == "n"
    assert '" ≈"' in estimate.number_format and '" *"' in replaced.number_format
    assert "≈" not in ws["C3"].number_format and "*" not in ws["C3"].number_format
    assert "uppskattad" in estimate.comment.text and "ersatt" in replaced.comment.text
    assert ws["C3"].comment is None
    texts = [c.value for c in ws["A"] if isinstance(c.value, str)]
    assert any("≈ uppskattad" in t and "* ersatt" in t for t in texts)   # the legend under the table


def test_decimals_are_those_the_html_shows(tmp_path):
    table = _volumes()
    assert table.col("Värde").show(374.2) == "374,2" and table.col("Värde").show(47.0) == "47"
    ws = load_workbook(write_xlsx(tmp_path / "v.xlsx", table)).active
    assert ws["B2"].value == pytest.approx(374.2)
    first = ws["B2"].number_format.split(";")[0]
    assert re.fullmatch(r"#,##0\.0", first), ws["B2"].number_format   # one decimal: 374,2 stays 374,2
    assert ws["B3"].number_format.split(";")[0] == "#,##0"            # a whole number: 47


def test_negative_numbers_and_percentages_use_the_real_minus_sign(tmp_path):
    ws = load_workbook(write_xlsx(tmp_path / "e.xlsx", _economy())).active
    assert ws["D2"].value == pytest.approx(-0.042)
    assert ws["D2"].number_format.split(";")[:2] == ["0.0 %", '"\u2212"0.0 %']
    assert ws["B2"].number_format.split(";")[1] == '"\u2212"#,##0'


@pytest.mark.parametrize("title,expected", [
    ("Avvikelse per verksamhet: januari–augusti 2017, tkr", "Avvikelse per verksamhet"),
    ("Fynd i de publicerade siffrorna, en rad per orsak, Nacka kommun", "Fynd i de publicerade siffrorna"),
    ("Kort namn [tkr]", "Kort namn tkr"),
    ("Budget och utfall per verksamhet: januari–augusti 2017, tkr", "Budget och utfall"),   # not "… utfall per"
])
def test_sheet_names_are_cut_at_a_word(title, expected):
    assert sheet_name(title) == expected


def test_sheet_names_stay_unique_within_31_characters():
    first = sheet_name(LONG)
    second = sheet_name(LONG, {first})
    third = sheet_name(LONG, {first, second})
    assert len({first, second, third}) == 3
    assert all(len(n) <= 31 for n in (first, second, third))
    assert second.endswith(" (2)") and third.endswith(" (3)")
    assert sheet_name("budget", {"Budget"}) == "budget (2)"   # Excel compares sheet names without case


def test_one_workbook_per_report_with_a_sheet_per_table(tmp_path):
    tables = [_economy(), _volumes(), Table("tom", "Tom tabell", pd.DataFrame({"Rad": []}))]
    path = export_workbook(tmp_path, tables, "nacka", "2017-10", title="Nacka kommun: uppföljning januari–oktober 2017")
    assert path == tmp_path / "nacka_2017-10_tabeller.xlsx" == tmp_path / workbook_file("nacka", "2017-10")
    wb = load_workbook(path)
    assert len(wb.sheetnames) == 1 + len(tables) and wb.sheetnames[0] == "Innehåll"
    names = wb.sheetnames[1:]
    assert len(set(names)) == len(names) and all(len(n) <= 31 for n in names)
    cleaned = LONG.replace(":", " ")
    for n in names[:2]:  # the two long captions: a prefix of the title ending where a word ends
        base = n.removesuffix(" (2)")
        assert cleaned.startswith(base) and cleaned[len(base)] in " ,", n
    contents = [[c.value for c in row] for row in wb["Innehåll"].iter_rows(min_row=4)]
    assert [r[1] for r in contents] == [LONG, LONG, "Tom tabell"]      # the whole title beside the cut one
    assert [r[0] for r in contents] == names and [r[2] for r in contents] == [3, 2, 0]
    assert wb[names[0]]["A1"].value == "Verksamhet" and wb[names[1]]["B2"].value == pytest.approx(374.2)


def test_text_wraps_and_columns_are_sized(tmp_path):
    ws = load_workbook(write_xlsx(tmp_path / "v.xlsx", _volumes())).active
    assert ws["A2"].alignment.wrap_text and ws["A3"].alignment.wrap_text
    assert 20 <= ws.column_dimensions["A"].width <= 60      # a long label wraps instead of a 70-character column
    assert ws.column_dimensions["B"].width >= len("374,2")


def test_no_cell_in_the_workbook_is_a_formula(tmp_path):
    path = export_workbook(tmp_path, [_economy(), _volumes()], "x", "2017-08")
    wb = load_workbook(path)
    for ws in wb.worksheets:
        assert [c.coordinate for c in _cells(ws) if c.data_type == "f"] == []
    economy = wb.worksheets[1]
    assert economy["A3"].value == "=SUMMA(A1:A9)" and economy["A3"].data_type == "s"


def test_a_marked_empty_label_still_gets_its_note(tmp_path):
    frame = pd.DataFrame({"Verksamhet": ["Hemtjänst", None], "Utfall": [-10.0, None]})
    t = Table("t", "T", frame, {"Verksamhet": Col(TEXT), "Utfall": Col(BELOPP, "tkr")}, marks={(1, "Utfall"): "fel"})
    ws = load_workbook(write_xlsx(tmp_path / "t.xlsx", t)).active
    assert ws["C3"].value == "Utfall: ! fel"
    assert "fel" in ws["B3"].comment.text


def test_every_marker_of_a_real_report_reaches_its_workbook(tmp_path, contexts):
    for kommun, word in (("botkyrka", "uppskattad"), ("nacka", "ersatt")):
        ts = tables(contexts[kommun])
        marked = [t for t in ts if word in set(t.marks.values())]
        assert marked, kommun
        wb = load_workbook(export_workbook(tmp_path, ts, kommun, "p"))
        assert len(wb.sheetnames) == len(ts) + 1
        for t, name in zip(ts, wb.sheetnames[1:]):
            if not t.marks:
                continue
            ws = wb[name]
            notes = " ".join(str(c.value) for c in ws[get_column(ws, "Anmärkning")] if c.row > 1 and c.value)
            assert sum(notes.count(f": {s} ") for s in "≈*†!") == len(t.marks), (kommun, t.name)


def test_the_report_export_writes_its_workbook_beside_the_table_files(tmp_path, contexts):
    data = contexts["nacka"]
    export(data, tmp_path)
    folder = tmp_path / "tabeller"
    book = folder / "nacka_2017-10_tabeller.xlsx"
    wb = load_workbook(book)
    ts = tables(data)
    assert len(wb.sheetnames) == len(ts) + 1
    assert all((folder / f"{t.name}.xlsx").is_file() and (folder / f"{t.name}.csv").is_file() for t in ts)


def get_column(ws, header: str) -> str:
    (cell,) = [c for c in ws[1] if c.value == header]
    return cell.column_letter
