"""Exports that cannot execute: xlsx, CSV and standalone HTML for every table.

- xlsx: numbers are numeric cells with Swedish formats (percent stored as a fraction with a %
  format, years as plain numbers); every text cell is a string, never a formula, whatever it starts
  with; frozen header row, autofilter, widths fitted to the content, the sheet named after the table.
- CSV: ';', decimal comma, UTF-8 with BOM (Swedish Excel); a text cell that begins with = + - @, a
  tab or a carriage return is prefixed with an apostrophe, as OWASP's CSV-injection guidance
  recommends; numbers are left as numbers.
- HTML: a page from the project's template, CSS inline, nothing loaded from elsewhere."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ..core.formats import absent, missing, round_half_up
from ..ingest.store import atomic_write
from ..present.html import css, render
from ..present.tables import AR, BELOPP, PROCENT, TEXT, Col, Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MINUS = "\u2212"
_XLSX_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")


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


def excel_format(col: Col) -> str:
    if col.kind == PROCENT:
        return "0." + "0" * col.digits + " %" if col.digits else "0 %"
    if col.kind == AR:
        return "0"
    d = col.digits
    body = "#,##0" + ("." + "0" * d if d else "")
    return f'{body};"{MINUS}"{body};0'


def sheet_name(title: str) -> str:
    """A valid, readable sheet name from a table's title (≤ 31 characters, no []:*?/\\)."""
    name = re.sub(r"[\[\]:*?/\\]", " ", title).strip()
    name = re.sub(r"\s+", " ", name)
    return (name[:31].rstrip(" ,–-") or "Tabell")


def write_xlsx(path: Path, table: Table) -> Path:
    return atomic_write(path, lambda p: _xlsx(p, table))


def _xlsx(path: Path, table: Table) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name(table.caption)
    frame = table.frame
    headers = [str(c) for c in frame.columns]
    for j, h in enumerate(headers, start=1):
        cell = ws.cell(1, j, safe_text(h) if h.startswith(FORMULA_START) else h)
        cell.data_type = "s"
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
    widths = [len(h) for h in headers]
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        bold = i - 2 < len(table.bold) and table.bold[i - 2]
        for j, (h, v) in enumerate(zip(headers, row), start=1):
            col = table.col(h)
            cell = ws.cell(i, j)
            if col.kind == TEXT or not _is_number(v):
                if absent(v):
                    continue
                cell.value = _xlsx_string(str(v))
                cell.data_type = "s"  # a string, never a formula
                widths[j - 1] = max(widths[j - 1], min(len(str(v)), 60))
            else:
                value = float(v) / 100 if col.kind == PROCENT else (int(v) if col.kind == AR else float(v))
                cell.value = value
                cell.number_format = excel_format(col)
                widths[j - 1] = max(widths[j - 1], len(col.show(v)) + 1)
            if bold:
                cell.font = Font(bold=True)
    last = len(frame) + 1
    notes_row = last + 2
    for n in table.notes:
        c = ws.cell(notes_row, 1, n)
        c.data_type = "s"
        notes_row += 1
    ws.freeze_panes = "B2" if len(headers) > 1 else "A2"
    if len(frame):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last}"
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = max(8, min(w + 2, 62))
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    wb.properties.title = table.caption
    wb.save(path)


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
