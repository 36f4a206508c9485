"""Reading numbers and tables the way a Swedish controller has them (CSV from Excel, xlsx).

Strict where a figure could be read two ways: a number that could mean two things is an error
naming both readings, never a guess."""
from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from ..core.errors import Problem

# Cells that mean "no value" in published tables.
MISSING = {"", "-", "–", "—", "..", "−", "…"}
_SPACES = "\u00a0\u202f\u2009\u2007 "
_MINUS = ("\u2212", "\u2013", "\u2014")
_APPROX = re.compile(r"^(ca\.?|cirka|omkring|drygt|knappt)\s+", re.IGNORECASE)
_GROUPED = re.compile(r"^\d{1,3}( \d{3})+$")
_PLAIN = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^\d*[.,]\d+$")


class NumberFormatError(ValueError):
    """A cell that is not a readable number; the message says why (Swedish)."""


@dataclass(frozen=True)
class Number:
    value: float        # NaN for "no value"
    decimals: int       # decimals shown in the source ('16,0' → 1)
    approx: bool = False  # 'ca 3000'
    percent: bool = False  # written with a % sign

    @property
    def missing(self) -> bool:
        return math.isnan(self.value)


NO_VALUE = Number(math.nan, 0)


def parse_number(text: object) -> Number:
    """Parse a published figure: '1 563', '-1 504', '−16,1', '16 095', '6,8 %', '14.7', 'ca 3000'.

    Raises NumberFormatError for anything that is not a number or could be read two ways
    ('-11.000', '1 56 3', '+-5').
    """
    if text is None:
        return NO_VALUE
    if isinstance(text, bool):
        raise NumberFormatError("förväntade ett tal, inte sant/falskt")
    if isinstance(text, (int, float)):
        v = float(text)
        if math.isnan(v) or math.isinf(v):
            return NO_VALUE
        return Number(v, _float_decimals(v))
    s = str(text).strip()
    if s in MISSING:
        return NO_VALUE
    approx = False
    m = _APPROX.match(s)
    if m:
        approx = True
        s = s[m.end():]
    for ch in _MINUS:
        s = s.replace(ch, "-")
    if s.startswith("(") and s.endswith(")"):
        raise NumberFormatError(f"parenteser läses inte som minustecken; skriv −{s[1:-1].strip()}")
    percent = s.endswith("%")
    s = s.rstrip("%").strip()
    if not s:
        raise NumberFormatError("förväntade ett tal")
    sign = 1.0
    if s[0] in "+-":
        sign = -1.0 if s[0] == "-" else 1.0
        s = s[1:].lstrip(_SPACES)
        if not s:
            raise NumberFormatError("förväntade ett tal efter tecknet")
        if s[0] in "+-":
            raise NumberFormatError("två tecken i rad (t.ex. '+-'); skriv bara ett tecken")
    for sp in _SPACES[:-1]:
        s = s.replace(sp, " ")
    if not s:
        raise NumberFormatError("förväntade ett tal")
    if "." in s and "," in s:
        raise NumberFormatError("både punkt och komma i samma tal; skriv tusental med mellanslag och decimaler med komma, "
                                "t.ex. 1 234,5")
    whole, dec = s, ""
    if "," in s or "." in s:
        sep = "," if "," in s else "."
        if s.count(sep) > 1:
            raise NumberFormatError(f"flera '{sep}' i samma tal; skriv tusental med mellanslag, t.ex. 1 234 567")
        whole, dec = s.split(sep)
        digits = whole.replace(" ", "")
        if sep == "." and len(dec) == 3 and digits.isdigit() and not digits.startswith("0"):
            minus = "\u2212" if sign < 0 else ""
            thousands = f"{int(digits + dec):,}".replace(",", " ")
            a, b = f"{minus}{thousands}", f"{minus}{digits},{dec}"
            raise NumberFormatError(
                f"tvetydigt tal: kan läsas som {a} (punkt som tusentalsavgränsare) eller {b} (decimalpunkt); "
                f"skriv {a} eller {b}")
        if not dec.isdigit():
            raise NumberFormatError("förväntade siffror efter decimaltecknet")
    if " " in whole:
        if not _GROUPED.match(whole):
            raise NumberFormatError("mellanslagen delar talet i fel grupper; tusentalsgrupper har tre siffror, "
                                    "t.ex. 1 563 eller 16 095")
        whole = whole.replace(" ", "")
    if whole and not _PLAIN.match(whole):
        raise NumberFormatError("förväntade ett tal, t.ex. 1 563, −16,1 eller 6,8 %")
    if not whole and not dec:
        raise NumberFormatError("förväntade ett tal")
    value = sign * float(f"{whole or '0'}.{dec or '0'}")
    return Number(value, len(dec), approx, percent)


def _float_decimals(v: float) -> int:
    if float(v).is_integer():
        return 0
    return min(len(repr(float(v)).split(".")[1].rstrip("0")), 6)


# --- files ---------------------------------------------------------------------------------------

class FileFormatError(ValueError):
    """A file that cannot be read as a table; the message says what to do (Swedish)."""


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252. UTF-16 and a doubled BOM are refused."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff") or (data[:200].count(b"\x00") > 2):
        raise FileFormatError("filen är sparad som UTF-16 (Unicode-text); spara den som \"CSV UTF-8\" i Excel")
    if data.startswith(b"\xef\xbb\xbf\xef\xbb\xbf"):
        raise FileFormatError("filen börjar med två BOM-tecken (dubbel UTF-8-markering); spara om den som \"CSV UTF-8\"")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(header_line: str) -> str:
    """Swedish Excel writes ';'. A header with no ';' but with tabs or ',' uses those."""
    counts = {d: header_line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


@dataclass
class RawTable:
    """A file as rows of cells: header (row 1) and body rows with their 1-based line numbers."""
    header: list[str]
    rows: list[tuple[int, list[object]]]
    problems: list[Problem]


def read_table(path: Path, shown_name: str, sheet: str | None = None) -> RawTable:
    """Read a CSV or xlsx file. Problems (ragged rows, formulas without values, hidden sheets/rows,
    encodings) are returned with file and line; a file that cannot be read at all raises
    FileFormatError."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise FileFormatError("gamla Excelfiler (.xls) läses inte; spara som .xlsx eller \"CSV UTF-8\"")
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, shown_name, sheet)
    return _read_csv(path, shown_name)


def _read_csv(path: Path, shown: str) -> RawTable:
    text = decode(path.read_bytes())
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return RawTable([], [], [])
    delimiter = sniff_delimiter(lines[0])
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [h.strip() for h in rows[0]]
    problems: list[Problem] = []
    body: list[tuple[int, list[object]]] = []
    for i, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            other = [d for d in (";", ",", "\t") if d != delimiter and any(d in c for c in row)]
            hint = (f"; raden verkar använda '{other[0]}' som avgränsare i stället för '{delimiter}'"
                    if other and len(row) < len(header) else "")
            problems.append(Problem(shown, i, None, None,
                                    f"raden har {len(row)} celler men rubrikraden har {len(header)}{hint}"))
            continue
        body.append((i, row))
    return RawTable(header, body, problems)


def _read_xlsx(path: Path, shown: str, sheet: str | None) -> RawTable:
    problems: list[Problem] = []
    try:
        values = openpyxl.load_workbook(path, data_only=True)
        formulas = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise FileFormatError(f"filen går inte att öppna som .xlsx ({type(exc).__name__}); spara om den i Excel") from None
    visible = [ws.title for ws in values.worksheets if ws.sheet_state == "visible"]
    hidden = [ws.title for ws in values.worksheets if ws.sheet_state != "visible"]
    if sheet:
        if sheet not in values.sheetnames:
            raise FileFormatError(f"bladet '{sheet}' finns inte; bladen heter {', '.join(values.sheetnames)}")
        name = sheet
    else:
        if not visible:
            raise FileFormatError("filen har inga synliga blad")
        name = visible[0]
        if hidden:
            problems.append(Problem(shown, None, None, ", ".join(hidden),
                                    f"dolda blad läses inte (bladet '{name}' läses); ange blad = \"...\" i metadata "
                                    "om ett dolt blad är det rätta", allvarlig=False))
    ws, wf = values[name], formulas[name]
    rows = [[_cell_value(c) for c in r] for r in ws.iter_rows()]
    ftypes = [[c.data_type for c in r] for r in wf.iter_rows()]
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row):
            if v is None and i - 1 < len(ftypes) and j < len(ftypes[i - 1]) and ftypes[i - 1][j] == "f":
                problems.append(Problem(shown, i, _column_letter(j), None,
                                        "cellen har en formel utan sparat värde; öppna filen i Excel och spara den igen"))
    for idx, dim in ws.row_dimensions.items():
        if dim.hidden:
            problems.append(Problem(shown, idx, None, None, "raden är dold i Excel men läses ändå; kontrollera att den "
                                    "ska vara med", allvarlig=False))
    if not rows:
        return RawTable([], [], problems)
    header = ["" if h is None else str(h).strip() for h in rows[0]]
    while header and header[-1] == "":
        header.pop()
    body = []
    for i, row in enumerate(rows[1:], start=2):
        cells = ["" if v is None else v for v in row]
        if not any(str(c).strip() for c in cells):
            continue
        extra = cells[len(header):]
        if any(str(c).strip() for c in extra):
            problems.append(Problem(shown, i, None, None, f"raden har värden utanför de {len(header)} kolumnerna med rubrik"))
            continue
        body.append((i, (cells + [""] * len(header))[:len(header)]))
    return RawTable(header, body, problems)


def _cell_value(cell):
    """A cell as the controller sees it: a number formatted as percent (stored 1,024, shown 102,4 %) is
    read as the percentage it shows."""
    v = cell.value
    fmt = str(cell.number_format or "")
    if isinstance(v, (int, float)) and not isinstance(v, bool) and "%" in fmt:
        return f"{round(float(v) * 100, 10):g} %".replace(".", ",")
    return v


def _column_letter(j: int) -> str:
    return openpyxl.utils.get_column_letter(j + 1)
