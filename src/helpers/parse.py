"""Reading numbers and tables the way a Swedish controller has them (CSV from Excel, xlsx)."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np

# Cells that mean "no value" in published tables.
MISSING = {"", "-", "–", "—", "..", "−"}

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d+)?|[.,]\d+)$")
_MINUS = ("\u2212", "\u2013", "\u2014")


class NumberFormatError(ValueError):
    pass


def parse_number(text: object) -> float:
    """Parse a published number: '1 563', '-1 504', '−16,1', '16\u00a0095', '6,8 %', '14.7'.

    Returns NaN for an empty cell or '-' (no value). Raises NumberFormatError otherwise.
    """
    if text is None:
        return np.nan
    if isinstance(text, (int, float, np.integer, np.floating)) and not isinstance(text, bool):
        return float(text)
    s = str(text).strip()
    if s in MISSING:
        return np.nan
    for m in _MINUS:
        s = s.replace(m, "-")
    s = s.rstrip("%").strip()
    s = _SPACES.sub("", s)
    if s.startswith("+"):
        s = s[1:]
    if not _NUMBER.match(s):
        raise NumberFormatError(str(text))
    return float(s.replace(",", "."))


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def sniff_delimiter(header_line: str) -> str:
    """Swedish Excel writes ';'. A header with no ';' but with ',' or tabs is comma/tab separated."""
    counts = {d: header_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def read_table(path: Path, sheet: str | None = None) -> tuple[list[str], list[list[str]]]:
    """Read a CSV or xlsx file into (header, rows of strings). Row 1 is the header."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    text = decode(path.read_bytes())
    first = text.splitlines()[0] if text else ""
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(first))
    rows = [list(r) for r in reader]
    if not rows:
        return [], []
    header = [h.strip() for h in rows[0]]
    return header, rows[1:]


def _read_xlsx(path: Path, sheet: str | None) -> tuple[list[str], list[list[str]]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
        rows = []
        for r in ws.iter_rows(values_only=True):
            rows.append(["" if v is None else (v if isinstance(v, (int, float)) else str(v)) for v in r])
    finally:
        wb.close()
    if not rows:
        return [], []
    header = [str(h).strip() for h in rows[0]]
    while header and header[-1] == "":
        header.pop()
    return header, rows[1:]
