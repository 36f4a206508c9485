"""Exports that cannot execute: xlsx, CSV and standalone HTML for every table.

- xlsx: numbers are numeric cells with Swedish formats and the decimals the HTML shows (percent
  stored as a fraction with a % format, years as plain numbers); every text cell is a string, never a
  formula, whatever it starts with, and wraps; a marked cell (≈ uppskattad, * ersatt, † beräknad,
  ! fel) shows its sign, carries a comment and is named in the column Anmärkning; frozen header row,
  autofilter, widths fitted to the content, the sheet named after the table (cut at a word). One
  workbook per report holds every table, a sheet each, after a sheet listing them.
- CSV: ';', decimal comma, UTF-8 with BOM (Swedish Excel); a text cell that begins with = + - @, a
  tab or a carriage return is prefixed with an apostrophe, as OWASP's CSV-injection guidance
  recommends; numbers are left as numbers.
- HTML: a page from the project's template, CSS inline, nothing loaded from elsewhere."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..core.formats import absent, missing, round_half_up
from ..ingest.store import atomic_write, save_workbook
from ..present.html import css, render
from ..present.tables import AR, BELOPP, MARK_SIGN, MARK_TEXT, PROCENT, TEXT, Col, Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MINUS = "\u2212"
_XLSX_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
SHEET_MAX = 31                       # Excel's limit on a sheet name
NOTE_COLUMN = "Anmärkning"           # the markers of a row, in words
MARK_WORD = {"uppskattad": "uppskattad", "ersatt": "ersatt", "beraknad": "beräknad", "fel": "fel"}
TEXT_WIDTH = 50                      # a text column wider than this wraps
CONTENTS = "Innehåll"
# words a cut sheet name does not end on
DANGLING = {"av", "för", "i", "med", "mot", "och", "om", "per", "på", "till", "under", "vid", "över"}


def safe_text(value) -> str:
    """A text cell that no spreadsheet will read as a formula."""
    s = "" if value is None else str(value)
    return "'" + s if s.startswith(FORMULA_START) else s


def _xlsx_string(text: str) -> str:
    """Text as the xlsx format stores it: a raw CR would be read back as LF, so it is written as the
    format's escape _x000D_, and text that already looks like an escape is protected with _x005F_."""
    return _XLSX_ESCAPE.sub(r"_x005F\g<0>", text).replace("\r", "_x000D_")


def _number_text(v: float, decimals: int | None) -> str:
    """A number for CSV rounded as the report rounds it (half away from zero), decimal comma, no '-0'."""
    if decimals is None:
        text = f"{round_half_up(float(v), 6):.6f}".rstrip("0").rstrip(".")
    else:
        text = f"{round_half_up(float(v), decimals):.{decimals}f}"
    if text.lstrip("-").strip("0.") == "":
        text = text.lstrip("-")
    return text.replace(".", ",")


def csv_text(frame: pd.DataFrame, columns: dict[str, Col] | None = None) -> str:
    """The frame as Swedish CSV text (';', decimal comma), formula-safe."""
    columns = columns or {}
    out = pd.DataFrame(index=frame.index)
    for c in frame.columns:
        col = columns.get(str(c))
        series = frame[c]
        numeric = (col.numeric if col else pd.api.types.is_numeric_dtype(series)) and \
            pd.api.types.is_numeric_dtype(series)
        if numeric:
            d = None if (col is None or col.kind not in (BELOPP, PROCENT) and col.decimals is None) else col.digits
            if col is not None and col.kind == AR:
                d = 0
            out[safe_text(c)] = series.map(lambda v, d=d: "" if missing(v) else _number_text(v, d))
        else:
            out[safe_text(c)] = series.map(lambda v: "" if absent(v) else safe_text(v))
    return out.to_csv(sep=";", index=False, lineterminator="\r\n")


def write_csv(path: Path, frame: pd.DataFrame, columns: dict[str, Col] | None = None) -> Path:
    text = csv_text(frame, columns)
    return atomic_write(path, lambda p: p.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8")))


def excel_format(col: Col, value=None, mark: str = "") -> str:
    """The number format of a cell: the decimals the HTML shows for ``value`` (``Col.shown_digits``),
    a real minus sign, and the marker's sign after the number when the cell is marked."""
    suffix = f'" {mark}"' if mark else ""
    if col.kind == AR:
        return "0" + suffix
    d = col.digits if value is None else col.shown_digits(value)
    body = ("0" if col.kind == PROCENT else "#,##0") + ("." + "0" * d if d else "")
    if col.kind == PROCENT:
        body += " %"
    body += suffix
    return f'{body};"{MINUS}"{body};{body}'


def sheet_name(title: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A valid, readable sheet name from a table's title: no []:*?/\\, at most 31 characters, cut at
    the last whole word, and not one of ``taken`` (compared as Excel does, ignoring case): a repeated
    name gets " (2)", " (3)" … within the 31 characters."""
    name = re.sub(r"\s+", " ", re.sub(r"[\[\]:*?/\\]", " ", title)).strip().strip("'").strip() or "Tabell"
    lower = {t.lower() for t in taken}
    for n in range(1, len(lower) + 2):
        tail = "" if n == 1 else f" ({n})"
        candidate = _cut_at_word(name, SHEET_MAX - len(tail)) + tail
        if candidate.lower() not in lower:
            return candidate
    raise AssertionError("unreachable: one of len(taken) + 1 names is free")


def _cut_at_word(text: str, limit: int) -> str:
    """``text`` if it fits, otherwise cut at the last space within ``limit`` characters (a single
    word longer than the limit is cut inside it), without a trailing comma or dash."""
    if len(text) <= limit:
        return text
    ends = [k for k in range(1, limit + 1) if text[k] in " ,;" and text[k - 1] != " "]
    out = text[:ends[-1]] if ends else text[:limit]
    words = out.rstrip(" ,;.–-(").split(" ")
    while len(words) > 1 and words[-1].lower() in DANGLING:  # "Budget och utfall", not "… utfall per"
        words.pop()
    return " ".join(words).rstrip(" ,;.–-(") or text[:limit]


def write_xlsx(path: Path, table: Table) -> Path:
    return atomic_write(path, lambda p: _save([table], p, contents=False))


def write_workbook(path: Path, tables: list[Table], title: str = "") -> Path:
    """One workbook: a sheet listing the tables, then a sheet per table."""
    return atomic_write(path, lambda p: _save(tables, p, contents=True, title=title))


def _save(tables: list[Table], path: Path, contents: bool, title: str = "") -> None:
    wb = Workbook()
    first = wb.active
    taken: set[str] = {CONTENTS} if contents else set()
    names = []
    for table in tables:
        ws = wb.create_sheet(sheet_name(table.caption, taken))
        taken.add(ws.title)
        names.append(ws.title)
        _fill_sheet(ws, table)
    if contents:
        first.title = CONTENTS
        _contents_sheet(first, title, tables, names)
    else:
        wb.remove(first)
    wb.properties.title = title or (tables[0].caption if tables else "")
    save_workbook(wb, path)


def _contents_sheet(ws: Worksheet, title: str, tables: list[Table], names: list[str]) -> None:
    """The first sheet of a report's workbook: the tables in order, each sheet's name beside the
    table's whole title (a sheet name is cut at 31 characters)."""
    row = 1
    if title:
        _text_cell(ws.cell(1, 1), title).font = Font(bold=True, size=13)
        row = 3
    for j, h in enumerate(("Flik", "Tabell", "Rader"), start=1):
        _text_cell(ws.cell(row, j), h).font = Font(bold=True)
    for table, name in zip(tables, names):
        row += 1
        _text_cell(ws.cell(row, 1), name)
        _text_cell(ws.cell(row, 2), table.caption).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row, 3, len(table.frame))
    ws.column_dimensions["A"].width = SHEET_MAX + 2
    ws.column_dimensions["B"].width = 80
    ws.column_dimensions["C"].width = 8


def _text_cell(cell, text: str):
    """A text cell, never a formula, with a carriage return kept (see ``_xlsx_string``)."""
    cell.value = _xlsx_string(text)
    cell.data_type = "s"
    return cell


def _marks_by_row(table: Table) -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = {}
    for (i, c), mark in table.marks.items():
        if mark in MARK_SIGN:
            out.setdefault(i, []).append((str(c), mark))
    return out


def _note(marks: list[tuple[str, str]], headers: list[str]) -> str:
    """A row's markers in words, in column order: 'Budget helår: ≈ uppskattad; Summa: * ersatt'."""
    order = {h: j for j, h in enumerate(headers)}
    return "; ".join(f"{c}: {MARK_SIGN[m]} {MARK_WORD[m]}" for c, m in sorted(marks, key=lambda x: order.get(x[0], 0)))


def _fill_sheet(ws: Worksheet, table: Table) -> None:
    frame = table.frame
    headers = [str(c) for c in frame.columns]
    marks = _marks_by_row(table)
    shown = headers + ([NOTE_COLUMN if NOTE_COLUMN not in headers else "Markeringar"] if marks else [])
    for j, h in enumerate(shown, start=1):
        cell = _text_cell(ws.cell(1, j), safe_text(h))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    widths = [min(len(h), TEXT_WIDTH) for h in shown]
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        bold = i - 2 < len(table.bold) and table.bold[i - 2]
        for j, (c, h, v) in enumerate(zip(frame.columns, headers, row), start=1):
            col = table.col(h)
            mark = table.marks.get((i - 2, c), "")
            sign = MARK_SIGN.get(mark, "")
            cell = ws.cell(i, j)
            if col.kind == TEXT or not _is_number(v):
                if absent(v) and not sign:
                    continue
                text = "" if absent(v) else str(v)
                _text_cell(cell, text).alignment = wrap
                widths[j - 1] = max(widths[j - 1], min(len(text) + (2 if sign else 0), TEXT_WIDTH))
            else:
                cell.value = float(v) / 100 if col.kind == PROCENT else (int(v) if col.kind == AR else float(v))
                cell.number_format = excel_format(col, v, sign)
                cell.alignment = Alignment(vertical="top")
                widths[j - 1] = max(widths[j - 1], len(col.show(v)) + 1 + (2 if sign else 0))
            if sign:
                cell.comment = Comment(f"{sign} {MARK_WORD[mark]}: {MARK_TEXT[mark]}", "Omsorgsanalys")
            if bold:
                cell.font = Font(bold=True)
        if marks.get(i - 2):
            text = _note(marks[i - 2], headers)
            _text_cell(ws.cell(i, len(shown)), text).alignment = wrap
            widths[-1] = max(widths[-1], min(len(text), TEXT_WIDTH))
    last = len(frame) + 1
    notes_row = last + 2
    used = sorted({m for _, m in table.marks.items() if m in MARK_SIGN}, key=list(MARK_SIGN).index)
    legend = ([f"Markeringar: {', '.join(f'{MARK_SIGN[m]} {MARK_WORD[m]}' for m in used)} (se kolumnen "
               f"{shown[-1]} och cellens kommentar)."] if used else [])
    for n in [*table.notes, *legend]:
        _text_cell(ws.cell(notes_row, 1), n)
        notes_row += 1
    ws.freeze_panes = "B2" if len(shown) > 1 else "A2"
    if len(frame):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(shown))}{last}"
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = max(8, w + 2)
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and not missing(v)


def table_page(table: Table) -> str:
    return render("table_page.html.j2", title=table.caption, css=css(), body=table.html())


def export_table(folder: Path, table: Table) -> list[Path]:
    """<name>.xlsx, <name>.csv and <name>.html in ``folder``."""
    folder = Path(folder)
    out = [write_xlsx(folder / f"{table.name}.xlsx", table),
           write_csv(folder / f"{table.name}.csv", table.frame, table.columns)]
    page = table_page(table)
    out.append(atomic_write(folder / f"{table.name}.html", lambda p: p.write_text(page, encoding="utf-8")))
    return out


def workbook_file(kommun: str, period) -> str:
    """The file name of a report's workbook in its tabeller/ folder: <kommun>_<period>_tabeller.xlsx."""
    return f"{kommun}_{period}_tabeller.xlsx"


def export_workbook(folder: Path, tables: list[Table], kommun: str, period, title: str = "") -> Path:
    """Every table of one report in one workbook, ``folder``/<kommun>_<period>_tabeller.xlsx, beside
    the files ``export_table`` writes for each table."""
    return write_workbook(Path(folder) / workbook_file(kommun, period), tables, title)
