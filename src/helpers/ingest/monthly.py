"""A month folder (data/raw/<kommun>/ÅÅÅÅ-MM/) → tidy records: the ledger's SIE export, the
controller's forecast and the case system's volumes for that month (or a filled Excel template
with the same three parts).

The ledger becomes the table ``huvudbok``: one row per verksamhet (from the mapping in metadata,
grouped under its area), with income, costs and net outcome for the period (the fiscal year's first
month to the folder's month), the period budget and the full-year budget, in tkr, costs negative.
How the SIE file is read (which balance, what {} means, objects, fiscal year) is ``ledger.py``;
nothing is dropped: an amount the mapping does not place becomes a row 'Ej placerat …' and a finding."""
from __future__ import annotations

import zlib
from pathlib import Path

from ..core.errors import Problem
from ..core.formats import missing
from ..core.period import Period
from ..core.vocabulary import CASE_SYSTEM_TABLE as CASE_SYSTEM
from ..core.vocabulary import LEDGER_TABLE as LEDGER
from ..core.vocabulary import MONTHLY, month_abbr
from .ledger import LedgerSource, read_ledger
from .ledger_map import load_mapping
from .metadata import KommunMeta
from .parse import FileFormatError, NumberFormatError, parse_number, read_table
from .read import TableRead

EXAMPLE = "EXEMPEL"
ECONOMY_SHEET, FORECAST_SHEET, VOLUME_SHEET = "Ekonomi", "Prognos", "Volymer"
TEMPLATE_COLUMNS = {
    ECONOMY_SHEET: ["verksamhet", "overordnad", "helarsbudget", "budget_perioden", "utfall_perioden"],
    FORECAST_SHEET: ["verksamhet", "helarsprognos", "kommentar"],
    VOLUME_SHEET: ["manad", "insats", "regi", "beslut", "timmar", "dygn", "platser", "brukare"],
}
FORECAST_FILES = ("prognos.csv", "prognos.xlsx")
VOLUME_FILE = "volymer.csv"
TEMPLATE_FILE = "mall.xlsx"
# Volume columns of the case system's export: column → (unit, how the series is named).
VOLUME_COLUMNS = {"beslut": ("beslut", "verkställda beslut"), "timmar": ("timmar", "timmar"),
                  "dygn": ("dygn", "dygn"), "platser": ("platser", "platser"), "brukare": ("brukare", "brukare")}
LEDGER_COLUMNS = {  # kolumn → (matt, slag, omfattning)
    "Intäkter perioden": ("intakter", "utfall", "period"),
    "Kostnader perioden": ("kostnader", "utfall", "period"),
    "Utfall perioden": ("netto", "utfall", "period"),
    "Budget perioden": ("netto", "budget", "period"),
    "Budget helår": ("netto", "budget", "helar"),
    "Prognos helår": ("netto", "prognos", "helar"),
}


def sie_verksamheter(meta: KommunMeta) -> list[tuple[str, str]]:
    """(verksamhet, område) in mapping order, for templates."""
    found, _problems = load_mapping(meta)
    return found.verksamheter if found is not None else []


def read_period_folder(meta: KommunMeta, folder: Path) -> TableRead:
    period = Period.parse(folder.name)
    shown = f"{meta.id}/{folder.name}"
    files = {p.name for p in folder.iterdir() if p.is_file()}
    sie_files = sorted(f for f in files if f.lower().endswith((".se", ".si", ".sie")))
    problems: list[Problem] = []
    if len(sie_files) > 1:
        problems.append(Problem(shown, None, None, ", ".join(sie_files), "flera SIE-filer i samma månad; lägg bara en"))
    ledger = _Ledger(meta, period, shown)
    if sie_files:
        ledger.from_sie(folder / sie_files[0])
    if TEMPLATE_FILE in files:
        ledger.from_template(folder / TEMPLATE_FILE)
    if not sie_files and TEMPLATE_FILE not in files and (set(FORECAST_FILES) & files):
        problems.append(Problem(shown, None, None, None, "prognosfilen behöver månadens ekonomi: en SIE-fil eller mall.xlsx"))
    for name in FORECAST_FILES:
        if name in files:
            ledger.forecast_from_file(folder / name)
    if VOLUME_FILE in files:
        ledger.volumes_from_file(folder / VOLUME_FILE)
    known = set(sie_files) | set(FORECAST_FILES) | {VOLUME_FILE, TEMPLATE_FILE}
    for f in sorted(files - known):
        if not f.startswith("."):
            problems.append(Problem(f"{shown}/{f}", None, None, None, "filen känns inte igen i en månadsmapp (förväntade "
                                    "*.se, prognos.csv/xlsx, volymer.csv eller mall.xlsx) och läses inte",
                                    allvarlig=False))
    records, structure = ledger.records()
    read = TableRead(records, structure, problems + ledger.problems)
    read.sources = ledger.sources
    return read


class _Ledger:
    """Collects one month folder into the huvudbok table and the volume series."""

    def __init__(self, meta: KommunMeta, period: Period, shown: str):
        self.meta, self.period, self.shown = meta, period, shown
        self.problems: list[Problem] = []
        self.values: dict[tuple[str, str], float] = {}   # (verksamhet, kolumn) → tkr, costs negative
        self.groups: dict[str, str] = {}                  # verksamhet → område (order kept)
        self.comments: dict[str, str] = {}
        self.forecast_at: dict[str, tuple[str, int, str]] = {}  # verksamhet → (file, line, value) of its forecast
        self.volume_at: dict[tuple[str, str, str], tuple[str, int, dict]] = {}  # (månad, insats, regi) → (file, line, row)
        self.fil = ""
        self.volumes: list[dict] = []
        self.sources: list[LedgerSource] = []
        # The monthly outcome columns: (kolumn, år, månad); the ledger replaces them for a fiscal year.
        self.month_columns = [(f"Utfall {month_abbr(m)}", period.year, m) for m in period.months()]

    # --- the ledger ------------------------------------------------------------------------------
    def from_sie(self, path: Path) -> None:
        read = read_ledger(self.meta, self.period, path, self.shown)
        self.problems += read.problems
        if read.source is None or any(p.allvarlig for p in read.problems):
            return
        self.fil = path.name
        self.sources.append(read.source)
        self.month_columns = read.month_columns
        for name, area in read.groups.items():
            self.groups.setdefault(name, area)
        for key, value in read.values.items():
            self._add(*key, value)

    def _add(self, name: str, col: str, value: float) -> None:
        self.values[(name, col)] = self.values.get((name, col), 0.0) + value

    # --- the template ----------------------------------------------------------------------------
    def from_template(self, path: Path) -> None:
        fname = f"{self.shown}/{path.name}"
        rows = self._sheet(path, ECONOMY_SHEET, fname)
        if rows is None:
            return
        if self.fil:
            self.problems.append(Problem(fname, None, None, None, "månaden har både en SIE-fil och en ifylld mall; "
                                         "använd bara en av dem för ekonomin"))
            return
        self.fil = path.name
        first_line: dict[str, int] = {}
        for line, r in rows:
            name = str(r.get("verksamhet", "")).strip()
            if name and name in first_line:
                self.problems.append(Problem(f"{fname} (blad {ECONOMY_SHEET})", line, "verksamhet", name,
                                             f"dubblett: verksamheten finns redan på rad {first_line[name]}; beloppen "
                                             "skulle läggas ihop utan att det syns – behåll en rad per verksamhet"))
                continue
            first_line[name] = line
            self.groups.setdefault(name, str(r.get("overordnad", "")).strip())
            for col, target in (("helarsbudget", "Budget helår"), ("budget_perioden", "Budget perioden"),
                                ("utfall_perioden", "Utfall perioden")):
                v = self._number(r.get(col), fname, line, col)
                if v is not None:
                    self._add(name, target, v)
        self.forecast_rows(self._sheet(path, FORECAST_SHEET, fname) or [], fname)
        self.volume_rows(self._sheet(path, VOLUME_SHEET, fname) or [], fname)

    def _sheet(self, path: Path, sheet: str, fname: str) -> list[tuple[int, dict]] | None:
        try:
            raw = read_table(path, f"{fname} (blad {sheet})", sheet)
        except FileFormatError as exc:
            self.problems.append(Problem(fname, None, None, sheet, str(exc)))
            return None
        self.problems += raw.problems
        expected = TEMPLATE_COLUMNS[sheet]
        missing = [c for c in expected if c not in raw.header]
        if missing and sheet != VOLUME_SHEET:
            self.problems.append(Problem(f"{fname} (blad {sheet})", 1, ", ".join(missing), None,
                                         f"kolumner saknas; bladet ska ha {';'.join(expected)}"))
            return None
        out = []
        for line, row in raw.rows:
            d = {h: row[j] for j, h in enumerate(raw.header) if j < len(row)}
            first = str(d.get(raw.header[0], "")).strip()
            if first.upper().startswith(EXAMPLE):
                continue
            out.append((line, d))
        return out

    def _number(self, value, fname: str, line: int, col: str) -> float | None:
        try:
            n = parse_number(value)
        except NumberFormatError as exc:
            self.problems.append(Problem(fname, line, col, str(value), str(exc)))
            return None
        if n.missing:
            return None
        return n.value if self.meta.kostnadstecken == "minus" else -n.value

    # --- the forecast ----------------------------------------------------------------------------
    def _read(self, path: Path):
        """A month file as a raw table (its problems collected), or None when it cannot be read at all."""
        fname = f"{self.shown}/{path.name}"
        try:
            raw = read_table(path, fname, None)
        except FileFormatError as exc:
            self.problems.append(Problem(fname, None, None, None, str(exc)))
            return None
        self.problems += raw.problems
        return raw

    def forecast_from_file(self, path: Path) -> None:
        fname = f"{self.shown}/{path.name}"
        raw = self._read(path)
        if raw is None:
            return
        missing = [c for c in ("verksamhet", "helarsprognos") if c not in raw.header]
        if missing:
            self.problems.append(Problem(fname, 1, ", ".join(missing), None,
                                         "prognosfilen ska ha kolumnerna verksamhet;helarsprognos;kommentar"))
            return
        rows = [(line, {h: row[j] for j, h in enumerate(raw.header) if j < len(row)}) for line, row in raw.rows]
        self.forecast_rows(rows, fname)

    def forecast_rows(self, rows: list[tuple[int, dict]], fname: str) -> None:
        known = set(self.groups)
        if not known:  # the month's economy could not be read: that problem is reported, not one per forecast row
            return
        seen = self.forecast_at  # over every forecast file of the month (prognos.csv, prognos.xlsx, the template)
        for line, r in rows:
            name = str(r.get("verksamhet", "")).strip()
            if not name:
                continue
            if name in seen:
                first_fil, first_line, first_value = seen[name]
                place = f"rad {first_line}" if first_fil == fname else f"{first_fil} rad {first_line}"
                self.problems.append(Problem(fname, line, "helarsprognos", str(r.get("helarsprognos", "")),
                                             f"dubblett: verksamheten '{name}' har redan en prognos på {place} "
                                             f"(värdet '{first_value}'); vilken som gäller går inte att avgöra – "
                                             "behåll en rad per verksamhet"))
                continue
            seen[name] = (fname, line, str(r.get("helarsprognos", "")))
            if name not in known:
                self.problems.append(Problem(fname, line, "verksamhet", name,
                                             "verksamheten finns inte i månadens ekonomi (huvudbok eller mall); stava som "
                                             f"i mappningen, t.ex. {', '.join(sorted(known)[:3])}"))
                continue
            v = self._number(r.get("helarsprognos"), fname, line, "helarsprognos")
            if v is None:
                continue
            self.values[(name, "Prognos helår")] = v
            comment = str(r.get("kommentar", "") or "").strip()
            if comment:
                self.comments[name] = comment

    # --- volumes ---------------------------------------------------------------------------------
    def volumes_from_file(self, path: Path) -> None:
        fname = f"{self.shown}/{path.name}"
        raw = self._read(path)
        if raw is None:
            return
        for c in ("manad", "insats"):
            if c not in raw.header:
                self.problems.append(Problem(fname, 1, c, None, "volymfilen ska ha kolumnerna manad;insats;regi och minst "
                                             f"en av {';'.join(VOLUME_COLUMNS)}"))
                return
        unknown = [h for h in raw.header if h not in ("manad", "insats", "regi") and h not in VOLUME_COLUMNS and h]
        for h in unknown:
            self.problems.append(Problem(fname, 1, h, None, f"okänd kolumn; förväntade {', '.join(VOLUME_COLUMNS)}"))
        rows = [(line, {h: row[j] for j, h in enumerate(raw.header) if j < len(row)}) for line, row in raw.rows]
        self.volume_rows(rows, fname)

    def volume_rows(self, rows: list[tuple[int, dict]], fname: str) -> None:
        seen = self.volume_at  # over every volume file of the month (volymer.csv and the template)
        for line, r in rows:
            month = str(r.get("manad", "")).strip()
            key = (month, str(r.get("insats", "")).strip().lower(), str(r.get("regi", "") or "").strip().lower())
            if key in seen:
                first_fil, first_line, first = seen[key]
                place = f"rad {first_line}" if first_fil == fname else f"{first_fil} rad {first_line}"
                differ = [f"{c} '{first.get(c, '') or ''}' och '{r.get(c, '') or ''}'" for c in VOLUME_COLUMNS
                          if str(first.get(c, "") or "").strip() != str(r.get(c, "") or "").strip()]
                self.problems.append(Problem(fname, line, "manad", month, (
                    f"dubblett: månaden {month} för {key[1] or '(tom insats)'}"
                    f"{', regi ' + key[2] if key[2] else ''} finns redan på {place}"
                    + (f" med andra värden ({'; '.join(differ)})" if differ else " med samma värden")
                    + "; vilken rad som gäller går inte att avgöra – behåll en rad per månad, insats och regi")))
                continue
            seen[key] = (fname, line, r)
            try:
                mp = Period.parse(month)
            except Exception:
                self.problems.append(Problem(fname, line, "manad", month, "förväntade en månad ÅÅÅÅ-MM, t.ex. 2017-03"))
                continue
            if mp > self.period:
                self.problems.append(Problem(fname, line, "manad", month, f"månaden ligger efter mappens period "
                                             f"{self.period}; den räknas inte", allvarlig=False))
                continue
            insats = str(r.get("insats", "")).strip()
            regi = str(r.get("regi", "") or "").strip().lower()
            if regi not in ("", "intern", "extern", "totalt"):
                self.problems.append(Problem(fname, line, "regi", regi, "förväntade intern, extern, totalt eller tomt"))
                continue
            for col, (enhet, label) in VOLUME_COLUMNS.items():
                if col not in r:
                    continue
                try:
                    n = parse_number(r[col])
                except NumberFormatError as exc:
                    self.problems.append(Problem(fname, line, col, str(r[col]), str(exc)))
                    continue
                if n.missing:
                    continue
                if n.value < 0:
                    self.problems.append(Problem(fname, line, col, str(r[col]), "en volym kan inte vara negativ"))
                    continue
                serie = f"{insats}, {label}"
                self.volumes.append(dict(
                    kommun=self.meta.id, namnd=self.meta.namnder[0], period=str(self.period), tabell=CASE_SYSTEM,
                    dataset="volymer", fil=f"{self.period}/{Path(fname).name}", rad=series_row(serie, regi, mp.year),
                    kolumn=col,
                    verksamhet=serie, overordnad="", radtyp="post", summerar="", storhet=label,
                    radetikett=f"Utfall {mp.year}", regi=regi, slag="utfall", matt=MONTHLY, omfattning="", ar=mp.year,
                    manad=mp.month, till_manad=None, enhet=enhet, varde=n.value, decimaler=n.decimals, ungefar=False,
                    kostnadstecken=self.meta.kostnadstecken, kommentar=""))

    # --- output ----------------------------------------------------------------------------------
    def records(self) -> tuple[list[dict], list[dict]]:
        records, structure = list(self.volumes), []
        if not self.values:
            return records, structure
        line = 0
        areas = list(dict.fromkeys(self.groups.values()))
        for area in areas:
            members = [v for v, a in self.groups.items() if a == area]
            if area:
                line += 1
                structure.append(self._row(line, area, "", "rubrik"))
            for name in members:
                line += 1
                structure.append(self._row(line, name, area, "post"))
                for col, matt, slag, omf, year, month in self._columns():
                    v = self.values.get((name, col))
                    if missing(v):
                        continue
                    records.append(dict(
                        kommun=self.meta.id, namnd=self.meta.namnder[0], period=str(self.period), tabell=LEDGER,
                        dataset="ekonomi", fil=f"{self.period}/{self.fil}", rad=line, kolumn=col, verksamhet=name,
                        overordnad=area, radtyp="post", summerar="", storhet="", radetikett="", regi="", slag=slag,
                        matt=matt, omfattning=omf, ar=year, manad=month, till_manad=None, enhet="tkr",
                        varde=round(v, 3), decimaler=3, ungefar=False, kostnadstecken="minus",
                        kommentar=self.comments.get(name, "") if col == "Prognos helår" else ""))
        return records, structure

    def _columns(self):
        """The ledger's columns: the period figures, then the net outcome of each month (for cost per unit)."""
        out = [(col, *spec, self.period.year, None) for col, spec in LEDGER_COLUMNS.items()]
        out += [(col, "netto", "utfall", "manad", year, m) for col, year, m in self.month_columns]
        return out

    def _row(self, line: int, label: str, parent: str, radtyp: str) -> dict:
        return dict(kommun=self.meta.id, period=str(self.period), tabell=LEDGER, rad=line, verksamhet=label,
                    overordnad=parent, radtyp=radtyp, summerar="")


def series_row(serie: str, regi: str, year: int) -> int:
    """A stable row number for one series and year of the case system (like a line in a published table)."""
    return zlib.crc32(f"{serie}|{regi}|{year}".encode()) % 900_000 + 100_000
