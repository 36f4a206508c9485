"""A month folder (data/raw/<kommun>/ÅÅÅÅ-MM/) → tidy records: the ledger's SIE export, the
controller's forecast and the case system's volumes for that month (or a filled Excel template
with the same three parts).

The ledger becomes the table ``huvudbok``: one row per verksamhet (from the mapping in metadata,
grouped under its area), with income, costs and net outcome for the period (January–month), the
period budget and the full-year budget, in tkr, costs negative. Nothing is dropped: an object or an
account the mapping does not place becomes its own row 'Ej placerat …' and a finding."""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..core.errors import DataValidationError, Problem
from ..core.formats import missing
from ..core.period import Period
from ..core.vocabulary import CASE_SYSTEM_TABLE as CASE_SYSTEM
from ..core.vocabulary import LEDGER_TABLE as LEDGER
from ..core.vocabulary import MONTHLY, month_abbr
from .metadata import KommunMeta
from .parse import FileFormatError, NumberFormatError, parse_number, read_table
from .read import TableRead
from .sie import balances_frame, read_sie

UNPLACED_GROUP = "Ej placerat i mappningen"
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


@dataclass(frozen=True)
class Verksamhet:
    objekt: str
    namn: str
    omrade: str


def mapping(meta: KommunMeta) -> list[Verksamhet]:
    """The objects of the verksamhet dimension and where they belong (sie_objekt.csv)."""
    if meta.sie is None:
        return []
    raw = read_table(meta.path / meta.sie.objekt, f"{meta.id}/{meta.sie.objekt}")
    idx = {h: j for j, h in enumerate(raw.header)}
    out = []
    for _line, row in raw.rows:
        cells = {c: str(row[j]).strip() for c, j in idx.items() if j < len(row)}
        out.append(Verksamhet(cells.get("objekt", ""), cells.get("verksamhet", ""), cells.get("overordnad", "")))
    return out


def sie_verksamheter(meta: KommunMeta) -> list[tuple[str, str]]:
    """(verksamhet, område) in mapping order, for templates."""
    try:
        return [(v.namn, v.omrade) for v in mapping(meta)]
    except (FileFormatError, OSError):
        return []


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
    return TableRead(records, structure, problems + ledger.problems)


class _Ledger:
    """Collects one month folder into the huvudbok table and the volume series."""

    def __init__(self, meta: KommunMeta, period: Period, shown: str):
        self.meta, self.period, self.shown = meta, period, shown
        self.problems: list[Problem] = []
        self.values: dict[tuple[str, str], float] = {}   # (verksamhet, kolumn) → tkr, costs negative
        self.groups: dict[str, str] = {}                  # verksamhet → område (order kept)
        self.comments: dict[str, str] = {}
        self.fil = ""
        self.volumes: list[dict] = []

    # --- the ledger ------------------------------------------------------------------------------
    def from_sie(self, path: Path) -> None:
        fname = f"{self.shown}/{path.name}"
        try:
            sie = read_sie(path)
        except DataValidationError as exc:
            self.problems += [Problem(p.fil if "/" in p.fil else fname, p.rad, p.kolumn, p.varde, p.forvantat, p.allvarlig)
                              for p in exc.problems]
            return
        self.problems += [Problem(fname, p.rad, p.kolumn, p.varde, p.forvantat, False) for p in sie.warnings]
        self.fil = path.name
        m = self.meta.sie
        objects = {v.objekt: v for v in mapping(self.meta)}
        for v in objects.values():
            self.groups.setdefault(v.namn, v.omrade)
        year = sie.fiscal_years.get(0, ("", ""))[0][:4]
        if year and int(year) != self.period.year:
            self.problems.append(Problem(fname, None, "#RAR", year, f"räkenskapsår 0 är {year} men mappen är "
                                         f"{self.period}; lägg filen i rätt månadsmapp"))
            return
        for kind in ("psaldo", "pbudget"):
            f = balances_frame(sie, kind)
            if f.empty:
                continue
            f = f[f["ar_index"] == 0].copy()
            f["month"] = f["period"].str[5:7].astype(int)
            cls = f["konto"].astype(str)
            f["klass"] = cls.map(lambda k: _account_class(k, m))
            unplaced_accounts = f[f["klass"] == ""]
            for konto, g in unplaced_accounts.groupby("konto"):
                self.problems.append(Problem(fname, int(g["line"].iat[0]) if "line" in g else None, "#KONTO", str(konto),
                                             f"kontot placeras inte av mappningen (intäkter {m.intakter}, kostnader "
                                             f"{m.kostnader}, exkludera {m.exkludera}); beloppet redovisas som "
                                             f"'{UNPLACED_GROUP}'", allvarlig=False))
            f = f[f["klass"] != "exkludera"]
            if kind == "psaldo":
                after = f[f["month"] > self.period.month]
                if len(after):
                    self.problems.append(Problem(fname, None, "#PSALDO", ", ".join(sorted(set(after["period"]))),
                                                 f"utfall för månader efter perioden {self.period}; de räknas inte",
                                                 allvarlig=False))
                f = f[f["month"] <= self.period.month]
            self._place(f, kind, objects, fname)

    def _place(self, f: pd.DataFrame, kind: str, objects: dict[str, Verksamhet], fname: str) -> None:
        dim = str(self.meta.sie.dimension)
        single = f[f["objekt_lista"].map(lambda t: len(t) == 1) & (f["dimension"].astype(str) == dim)]
        totals = f[f["objekt_lista"].map(len) == 0]
        amounts = {}  # (verksamhet, klass, month) → kronor (SIE sign)
        for r in single.itertuples():
            v = objects.get(str(r.objekt))
            if r.klass == "":
                name = f"Ej placerat: konto {r.konto}"
            else:
                name = v.namn if v else f"Ej placerat: objekt {r.objekt}"
            if v is None or r.klass == "":
                self.groups.setdefault(name, UNPLACED_GROUP)
            key = (name, r.klass, r.month)
            amounts[key] = amounts.get(key, 0.0) + float(r.belopp)
        unknown = sorted({str(o) for o in single["objekt"] if str(o) not in objects})
        for o in unknown:
            self.problems.append(Problem(fname, None, "#OBJEKT", o, f"objektet finns i huvudboken men inte i "
                                         f"{self.meta.sie.objekt}; beloppet redovisas som 'Ej placerat: objekt {o}'",
                                         allvarlig=False))
        # Amounts on an account that no object carries (the {} total minus the objects) are not dropped.
        if len(totals):
            by_obj = single.groupby(["konto", "month", "klass"])["belopp"].sum()
            for r in totals.groupby(["konto", "month", "klass"])["belopp"].sum().items():
                (konto, month, klass), total = r
                rest = total - by_obj.get((konto, month, klass), 0.0)
                if abs(rest) > 0.5:
                    name = "Ej placerat: utan objekt" if klass else f"Ej placerat: konto {konto}"
                    self.groups.setdefault(name, UNPLACED_GROUP)
                    amounts[(name, klass, month)] = amounts.get((name, klass, month), 0.0) + rest
        months_period = set(self.period.months())
        for (name, klass, month), kr in amounts.items():
            tkr = -kr / 1000  # SIE: costs debit (+), income credit (−) → costs negative, income positive
            if kind == "psaldo":
                col = {"intakter": "Intäkter perioden", "kostnader": "Kostnader perioden"}.get(klass)
                if col:
                    self._add(name, col, tkr)
                self._add(name, "Utfall perioden", tkr)
                self._add(name, f"Utfall {month_abbr(month)}", tkr)
            else:
                self._add(name, "Budget helår", tkr)
                if month in months_period:
                    self._add(name, "Budget perioden", tkr)

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
        for line, r in rows:
            name = str(r.get("verksamhet", "")).strip()
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
        for line, r in rows:
            name = str(r.get("verksamhet", "")).strip()
            if not name:
                continue
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
        for line, r in rows:
            month = str(r.get("manad", "")).strip()
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
                for col, matt, slag, omf, month in self._columns():
                    v = self.values.get((name, col))
                    if missing(v):
                        continue
                    records.append(dict(
                        kommun=self.meta.id, namnd=self.meta.namnder[0], period=str(self.period), tabell=LEDGER,
                        dataset="ekonomi", fil=f"{self.period}/{self.fil}", rad=line, kolumn=col, verksamhet=name,
                        overordnad=area, radtyp="post", summerar="", storhet="", radetikett="", regi="", slag=slag,
                        matt=matt, omfattning=omf, ar=self.period.year, manad=month, till_manad=None, enhet="tkr",
                        varde=round(v, 3), decimaler=3, ungefar=False, kostnadstecken="minus",
                        kommentar=self.comments.get(name, "") if col == "Prognos helår" else ""))
        return records, structure

    def _columns(self):
        """The ledger's columns: the period figures, then the net outcome of each month (for cost per unit)."""
        out = [(col, *spec, None) for col, spec in LEDGER_COLUMNS.items()]
        out += [(f"Utfall {month_abbr(m)}", "netto", "utfall", "manad", m) for m in self.period.months()]
        return out

    def _row(self, line: int, label: str, parent: str, radtyp: str) -> dict:
        return dict(kommun=self.meta.id, period=str(self.period), tabell=LEDGER, rad=line, verksamhet=label,
                    overordnad=parent, radtyp=radtyp, summerar="")


def series_row(serie: str, regi: str, year: int) -> int:
    """A stable row number for one series and year of the case system (like a line in a published table)."""
    return zlib.crc32(f"{serie}|{regi}|{year}".encode()) % 900_000 + 100_000


def _account_class(konto: str, m) -> str:
    for klass, prefixes in (("exkludera", m.exkludera), ("intakter", m.intakter), ("kostnader", m.kostnader)):
        if any(konto.startswith(p) for p in prefixes):
            return klass
    return ""
