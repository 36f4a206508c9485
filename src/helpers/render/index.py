"""reports/index.html for a nämnd secretary: the real municipalities by name, the synthetic example
apart and labelled so, each with its periods newest first; per period the report type, the date it
was made, its errors and warnings, and three links: Nämndrapport, Analysversion, Tabeller (Excel).

The counts come from the build each report was run on: the runner writes ``bygge.json`` (the name of
the data/processed version the report read) into the report's folder, and the index counts that
version's kvalitet.parquet. When that version is no longer kept, the index says so instead of
showing another build's counts."""
from __future__ import annotations

import datetime as _dt
import json
import re
from pathlib import Path

import pandas as pd

from ..core import paths
from ..core.errors import DataValidationError, OmsorgError, ParameterError
from ..core.period import Period
from ..ingest.metadata import load_metadata
from ..ingest.store import VERSIONS, folder_lock, read_parquet, write_text
from ..present.html import css, render
from .exports import workbook_file

PERIOD = re.compile(r"^\d{4}-\d{2}$")
BUILD_FILE = "bygge.json"        # in each report folder: the data/processed version the report read
VERSION_NAME = re.compile(r"^[0-9A-Za-z_-]+$")
# Swedish alphabetical order: å, ä, ö after z (in that order); é and ü as e and y
_SWEDISH = str.maketrans({"å": "{", "ä": "|", "ö": "}", "æ": "|", "ø": "}", "é": "e", "è": "e", "ü": "y"})
NO_RECORD = "okänt: det sparades inte vilket bygge rapporten kördes på; kör om rapporten"
CHANGED = "okänt: datan byggdes om medan rapporten kördes; kör om rapporten"
GONE = "okänt: bygget rapporten kördes på finns inte längre kvar (de tre senaste sparas); kör om rapporten"


def write_build_record(folder: Path, version: str) -> Path:
    """``bygge.json`` in a report's folder: the name of the data/processed version the report read
    ("" when it cannot be told: a new build was published while the report ran)."""
    return write_text(Path(folder) / BUILD_FILE, json.dumps({"version": version}, ensure_ascii=False) + "\n")


def swedish_order(name: str) -> str:
    """A sort key that puts names in Swedish alphabetical order (Åre, Älvdalen, Örebro after Zinkgruvan)."""
    return name.casefold().translate(_SWEDISH)


def _is_period(name: str) -> bool:
    """A report folder's name: a valid period (a stray folder such as '2017-13' is not listed)."""
    if not PERIOD.match(name):
        return False
    try:
        Period.parse(name)
    except ParameterError:
        return False
    return True


class _Counts:
    """Errors and warnings per (kommun, period) as each build counted them, one build read once."""

    def __init__(self, processed: Path):
        self.versions = Path(processed) / VERSIONS
        self.read: dict[str, pd.DataFrame | None] = {}

    def of(self, folder: Path, kommun: str, period: str) -> tuple[int | None, int | None, str]:
        """(fel, varningar, '') from the build the report recorded, or (None, None, why not)."""
        try:
            version = str(json.loads((folder / BUILD_FILE).read_text(encoding="utf-8"))["version"])
        except (OSError, ValueError, KeyError, TypeError):
            return None, None, NO_RECORD
        if not version:
            return None, None, CHANGED
        causes = self._causes(version)
        if causes is None:
            return None, None, GONE
        c = causes[(causes["kommun"] == kommun) & (causes["period"] == period)]["bedomning"].value_counts()
        return int(c.get("fel", 0)), int(c.get("varning", 0)), ""

    def _causes(self, version: str) -> pd.DataFrame | None:
        if version not in self.read:
            frame = None
            if VERSION_NAME.match(version) and (self.versions / version).is_dir():
                try:
                    frame = read_parquet(self.versions / version, "kvalitet")[["kommun", "period", "bedomning"]]
                except (OmsorgError, OSError, ValueError, KeyError):
                    frame = None
            self.read[version] = frame
        return self.read[version]


def index_entries(reports: Path, processed: Path | None = None, raw: Path | None = None) -> list[dict]:
    """One entry per municipality with reports: the real ones by name (Swedish order), then the
    synthetic ones; each with its periods, newest first."""
    counts = _Counts(processed or paths.processed_dir())
    groups = []
    for kommun in sorted(p.name for p in reports.iterdir() if p.is_dir() and not p.name.startswith(".")
                         and p.name != "misslyckade"):
        try:
            meta = load_metadata(kommun, raw)
            name, namnd, typ, synthetic = meta.namn, ", ".join(meta.namnder), meta.rapporttyp, meta.syntetisk
        except (DataValidationError, ParameterError, OSError):  # no longer in data/raw: still listed
            name, namnd, typ, synthetic = kommun, "", "", False
        periods = []
        for pdir in sorted((p for p in (reports / kommun).iterdir() if p.is_dir() and _is_period(p.name)),
                           key=lambda p: p.name, reverse=True):
            fel, varningar, why = counts.of(pdir, kommun, pdir.name)
            href = f"{kommun}/{pdir.name}"
            tables = pdir / "tabeller"
            book = workbook_file(kommun, pdir.name)
            periods.append(dict(
                period=pdir.name, span=Period.parse(pdir.name).span, typ=typ or "Uppföljning",
                built=_dt.date.fromtimestamp(pdir.stat().st_mtime).isoformat(),
                fel=fel, varningar=varningar, saknas=why,
                rapport=f"{href}/rapport.html" if (pdir / "rapport.html").exists() else "",
                analys=f"{href}/analys.html" if (pdir / "analys.html").exists() else "",
                excel=f"{href}/tabeller/{book}" if (tables / book).exists() else "",
                tabeller=_table_files(tables, f"{href}/tabeller", exclude=book),
            ))
        if periods:
            groups.append(dict(kommun=kommun, namn=name, namnd=namnd, syntetisk=synthetic, periods=periods))
    return sorted(groups, key=lambda g: (g["syntetisk"], swedish_order(g["namn"]), g["kommun"]))


def _table_files(folder: Path, href: str, exclude: str = "") -> list[dict]:
    """One entry per exported table (not the report's workbook): its name and its xlsx and csv file."""
    stems = sorted({x.stem for x in folder.glob("*.xlsx") if x.name != exclude} | {x.stem for x in folder.glob("*.csv")})
    return [dict(namn=stem.replace("_", " "),
                 xlsx=f"{href}/{stem}.xlsx" if (folder / f"{stem}.xlsx").exists() else "",
                 csv=f"{href}/{stem}.csv" if (folder / f"{stem}.csv").exists() else "") for stem in stems]


def write_index(reports: Path | None = None, processed: Path | None = None, raw: Path | None = None) -> Path:
    reports = Path(reports or paths.reports_dir())
    with folder_lock(reports, name=".las-index", what="en annan körning som skriver index.html"):
        groups = index_entries(reports, processed, raw)
        page = render("index.html.j2", real=[g for g in groups if not g["syntetisk"]],
                      synthetic=[g for g in groups if g["syntetisk"]], css=css(),
                      built=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"))
        return write_text(reports / "index.html", page)
