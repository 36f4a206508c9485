"""Reading numbers and tables the way a Swedish controller has them (CSV from Excel, xlsx).

Strict where a figure could be read two ways: a number that could mean two things is an error
naming both readings, never a guess."""
from __future__ import annotations

import csv
import datetime as _dt
import io
import math
import re
import warnings
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
_TRAILING_SIGN = re.compile(r"^(\d[\d ]*(?:[.,]\d+)?)\s*([+-])$")
_DATE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}(/\d{2,4})?|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?)$")
_UNIT_SUFFIX = re.compile(r"^([+-]?\d[\d ]*(?:[.,]\d+)?)\s*([a-zåäö]+\.?(?:/[a-zåäö]+\.?)?)$", re.IGNORECASE)
_UNIT_WORDS = {"kr", "tkr", "mkr", "mnkr", "mdkr", "h", "tim", "tim.", "timmar", "st", "st.", "dygn", "pers", "pers.",
               "personer", "platser", "beslut", "brukare", "år", "mån", "dagar"}
_MONTH_NAMES = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
                "november", "december")


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
    if isinstance(text, (_dt.date, _dt.time, _dt.timedelta)):
        raise NumberFormatError("cellen innehåller ett datum eller en tid, inte ett tal; formatera cellen som tal i "
                                "Excel (Format > Tal) och skriv beloppet igen")
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
    _explain_shape(s)
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
        if sep == "." and len(dec) == 2 and digits.isdigit() and 1 <= int(digits) <= 31 and 1 <= int(dec) <= 12:
            minus = "\u2212" if sign < 0 else ""
            raise NumberFormatError(
                f"tvetydigt tal: kan läsas som {minus}{int(digits)},{dec} (decimalpunkt) eller som datumet "
                f"{int(digits)} {_MONTH_NAMES[int(dec) - 1]} (dag.månad); svenska tal skrivs med decimalkomma: skriv "
                f"{minus}{int(digits)},{dec} om det är ett tal")
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


def _explain_shape(s: str) -> None:
    """The common ways a cell is not a plain number, each with its own cause (Swedish)."""
    plain = s
    for sp in _SPACES[:-1]:
        plain = plain.replace(sp, " ")
    m = _TRAILING_SIGN.match(plain)
    if m:
        number_part, sign = m.group(1).strip(), m.group(2)
        shown = ("\u2212" if sign == "-" else "+") + number_part
        raise NumberFormatError(f"tecknet '{sign}' står efter talet; skriv tecknet före talet, t.ex. {shown}")
    if _DATE.match(plain):
        raise NumberFormatError("cellen ser ut som ett datum, inte ett tal; skriv beloppet som ett tal (formatera "
                                "cellen som tal i Excel)")
    m = _UNIT_SUFFIX.match(plain)
    if m and (m.group(2).lower() in _UNIT_WORDS or " " in plain[m.end(1):m.start(2) + 1]):
        raise NumberFormatError(f"enheten '{m.group(2)}' står i cellen; skriv bara talet, t.ex. {m.group(1).strip()} "
                                "(enheten anges för kolumnen eller tabellen i metadata.toml)")


def _float_decimals(v: float) -> int:
    if float(v).is_integer():
        return 0
    return min(len(repr(float(v)).split(".")[1].rstrip("0")), 6)


# --- files ---------------------------------------------------------------------------------------

class FileFormatError(ValueError):
    """A file that cannot be read as a table; the message says what to do (Swedish)."""


OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted .xlsx, or an old .xls renamed


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


def check_inside(path: Path, root: Path | None = None) -> None:
    """A file reached through a symbolic link that leads out of its folder (``root``, by default the
    file's own folder) is refused without reading it, so nothing of it is echoed in a message."""
    path = Path(path)
    root = Path(root) if root is not None else path.parent
    try:
        target = path.resolve()
        inside = target.is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a link loop
        inside = False
    if not inside:
        raise FileFormatError("filen är en symbolisk länk som pekar utanför kommunens mapp i data/raw och läses inte; "
                              "kopiera in filen i mappen i stället för att länka till den")


def read_table(path: Path, shown_name: str, sheet: str | None = None) -> RawTable:
    """Read a CSV or xlsx file. Problems (ragged rows, formulas without values, hidden sheets/rows,
    merged cells, encodings) are returned with file and line; a file that cannot be read at all
    (or a link out of its folder) raises FileFormatError."""
    path = Path(path)
    check_inside(path)
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
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error:
        raise FileFormatError(
            f"en cell som börjar på rad {reader.line_num} är längre än {csv.field_size_limit():,} tecken".replace(",", " ")
            + "; en cell i en tabell ska vara en kort text eller ett tal. Kontrollera att citattecknen (\") i filen "
            "är parade och att cellen inte är inklistrad text") from None
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
    data = path.read_bytes()
    if data.startswith(OLE_SIGNATURE):
        raise FileFormatError("filen är lösenordsskyddad (krypterad) eller sparad i ett äldre Excelformat; ta bort "
                              "lösenordet i Excel (Arkiv > Info > Skydda arbetsbok) och spara som Excel-arbetsbok (.xlsx)")
    if not data.startswith(b"PK"):
        raise FileFormatError("filen är ingen Excel-arbetsbok (.xlsx) trots filändelsen; öppna den i Excel och spara "
                              "som Excel-arbetsbok (.xlsx) eller \"CSV UTF-8\"")
    try:  # from memory: a damaged archive leaves no open file behind to complain later; and openpyxl's and
        # zipfile's warnings (unsupported extensions, duplicate names) never reach the user as stray text
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            values = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
            formulas = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception:  # openpyxl raises many types for a damaged file
        raise FileFormatError("filen är skadad och går inte att öppna som Excel-arbetsbok (.xlsx); öppna den i Excel "
                              "och spara den igen") from None
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
    for merged in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
        problems.append(Problem(shown, merged.min_row, _column_letter(merged.min_col - 1), str(merged.coord),
                                f"sammanfogade celler ({merged.coord}) läses bara i den första cellen och övriga rader "
                                "blir tomma; ta bort sammanfogningen (Start > Centrera över kolumner > Dela upp celler) "
                                "och skriv värdet på varje rad"))
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
