"""reports/index.html: every report, grouped by municipality (names, not ids), newest period first,
with report type, build date, the counts of errors and warnings (explained), and links to the
report, the analysts' version, the executed notebook and the tables (xlsx and CSV)."""
from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

import pandas as pd

from ..core import paths
from ..core.errors import DataValidationError, OmsorgError, ParameterError
from ..core.period import Period
from ..ingest.metadata import list_kommuner, load_metadata
from ..ingest.store import current_version, folder_lock, write_text
from ..present.html import css, render

PERIOD = re.compile(r"^\d{4}-\d{2}$")


def _is_period(name: str) -> bool:
    """A report folder's name: a valid period (a stray folder such as '2017-13' is not listed)."""
    if not PERIOD.match(name):
        return False
    try:
        Period.parse(name)
    except ParameterError:
        return False
    return True


def _causes() -> pd.DataFrame:
    try:
        return pd.read_parquet(current_version() / "kvalitet.parquet", columns=["kommun", "period", "bedomning"])
    except OmsorgError:
        return pd.DataFrame(columns=["kommun", "period", "bedomning"])


def index_entries(reports: Path) -> list[dict]:
    causes = _causes()
    groups = []
    for kommun in sorted(p.name for p in reports.iterdir() if p.is_dir() and not p.name.startswith(".")
                         and p.name != "misslyckade"):
        try:
            meta = load_metadata(kommun)
            name, namnd, typ = meta.namn, ", ".join(meta.namnder), meta.rapporttyp
        except (DataValidationError, ParameterError, OSError):  # no longer in data/raw: still listed
            name, namnd, typ = kommun, "", ""
        periods = []
        for pdir in sorted((p for p in (reports / kommun).iterdir() if p.is_dir() and _is_period(p.name)),
                           key=lambda p: p.name, reverse=True):
            c = causes[(causes["kommun"] == kommun) & (causes["period"] == pdir.name)]["bedomning"].value_counts()
            tables = pdir / "tabeller"
            periods.append(dict(
                period=pdir.name, span=Period.parse(pdir.name).span, typ=typ or "Uppföljning",
                built=_dt.date.fromtimestamp(pdir.stat().st_mtime).isoformat(),
                fel=int(c.get("fel", 0)), varningar=int(c.get("varning", 0)),
                rapport=f"{kommun}/{pdir.name}/rapport.html" if (pdir / "rapport.html").exists() else "",
                analys=f"{kommun}/{pdir.name}/analys.html" if (pdir / "analys.html").exists() else "",
                notebook=f"{kommun}/{pdir.name}/rapport.ipynb" if (pdir / "rapport.ipynb").exists() else "",
                tabeller=_table_files(tables, f"{kommun}/{pdir.name}/tabeller"),
                meningar=f"{kommun}/{pdir.name}/tabeller/meningar.md" if (tables / "meningar.md").exists() else "",
            ))
        if periods:
            groups.append(dict(kommun=kommun, namn=name, namnd=namnd, periods=periods))
    return groups


def _table_files(folder: Path, href: str) -> list[dict]:
    """One entry per exported table: its name and links to its xlsx and csv file."""
    stems = sorted({x.stem for x in folder.glob("*.xlsx")} | {x.stem for x in folder.glob("*.csv")})
    return [dict(namn=stem.replace("_", " "),
                 xlsx=f"{href}/{stem}.xlsx" if (folder / f"{stem}.xlsx").exists() else "",
                 csv=f"{href}/{stem}.csv" if (folder / f"{stem}.csv").exists() else "") for stem in stems]


def write_index(reports: Path | None = None) -> Path:
    reports = Path(reports or paths.reports_dir())
    with folder_lock(reports, name=".las-index", what="en annan körning som skriver index.html"):
        page = render("index.html.j2", groups=index_entries(reports), css=css(),
                      built=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"), kommuner=len(list_kommuner()))
        return write_text(reports / "index.html", page)
