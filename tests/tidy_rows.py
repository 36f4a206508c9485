"""Small hand-typed frames in the tidy long format (data/processed/README.md, ingest/schema.py) for the
unit tests of checks/ and analysis/: one published figure per row, every other column filled with the
plain default, so a test only types what matters. Every frame is held to the real schema (its columns,
types and every column check of TIDY_SCHEMA), so a test can never run on a shape the build would not
produce."""
from __future__ import annotations

import pandas as pd
from pandera.engines import pandas_engine

from helpers.core.hierarchy import Row, table_rows
from helpers.core.signs import normalise_sign
from helpers.ingest.metadata import KommunMeta
from helpers.ingest.schema import TIDY_COLUMNS, TIDY_SCHEMA, structure_frame, tidy_frame

KOMMUN, PERIOD = "liten", "2017-08"

# kolumn heading → (matt, slag, omfattning, ar): the economy columns the tests use.
ECONOMY_COLUMNS = {
    "Budget": ("netto", "budget", "period", 2017),
    "Utfall": ("netto", "utfall", "period", 2017),
    "Avvikelse": ("avvikelse", "", "period", 2017),
    "Helårsbudget": ("netto", "budget", "helar", 2017),
    "Prognos": ("netto", "prognos", "helar", 2017),
    "Prognosavvikelse": ("avvikelse", "", "helar", 2017),
    "Intäkter": ("intakter", "utfall", "period", 2017),
    "Kostnader": ("kostnader", "utfall", "period", 2017),
    "Utfall 2016": ("netto", "utfall", "helar", 2016),
}


def rec(**kw) -> dict:
    """One tidy record; everything not given is the plain default (tkr, whole numbers, minus sign)."""
    base = dict(kommun=KOMMUN, namnd="Socialnämnden", period=PERIOD, tabell="drift", dataset="ekonomi",
                fil="drift.csv", rad=2, kolumn="", verksamhet="", overordnad="", radtyp="post", summerar="",
                storhet="", radetikett="", regi="", slag="", matt="netto", omfattning="period", ar=2017, manad=None,
                till_manad=None, enhet="tkr", varde=0.0, decimaler=0, ungefar=False, kostnadstecken="minus",
                kommentar="")
    base.update(kw)
    return base


def tidy(records: list[dict]) -> pd.DataFrame:
    """Records → a frame with the schema's types that passes TIDY_SCHEMA."""
    df = tidy_frame(records)
    conform(df)
    return df


def conform(df: pd.DataFrame) -> None:
    """TIDY_SCHEMA's own column types, nullability and checks, column by column. The same rules as
    ``validate_tidy``, at a tenth of its cost per call (the unit tests build a few hundred small frames)."""
    assert list(df.columns) == TIDY_COLUMNS
    for name, col in TIDY_SCHEMA.columns.items():
        s = df[name]
        assert col.dtype.check(pandas_engine.Engine.dtype(s.dtype)), f"{name}: {s.dtype}"
        assert col.nullable or s.notna().all(), f"{name}: saknat värde"
        for check in col.checks:
            assert bool(check(s).check_passed), f"{name}: {check.error}"


def economy(lines: list[tuple], tabell: str = "drift", columns: dict | None = None, **kw) -> list[dict]:
    """Records of one economy table. ``lines``: (rad, verksamhet, overordnad, radtyp, summerar,
    {kolumn: value}); a blank cell is simply left out of the dict (no row in the tidy frame)."""
    columns = columns or ECONOMY_COLUMNS
    out = []
    for rad, label, parent, radtyp, summerar, values in lines:
        for kolumn, value in values.items():
            matt, slag, omf, ar = columns[kolumn]
            out.append(rec(tabell=tabell, fil=f"{tabell}.csv", rad=rad, kolumn=kolumn, verksamhet=label,
                           overordnad=parent, radtyp=radtyp, summerar=summerar, matt=matt, slag=slag,
                           omfattning=omf, ar=ar, varde=float(value), **kw))
    return out


def structure(lines: list[tuple], tabell: str = "drift") -> pd.DataFrame:
    """The structure frame of a table typed as for ``economy`` (rubrik rows included)."""
    return structure_frame([dict(kommun=KOMMUN, period=PERIOD, tabell=tabell, rad=rad, verksamhet=label,
                                 overordnad=parent, radtyp=radtyp, summerar=summerar)
                            for rad, label, parent, radtyp, summerar, _ in lines])


def rows_of(lines: list[tuple], tabell: str = "drift") -> dict[str, list[Row]]:
    return table_rows(structure(lines, tabell))


def eco(records: list[dict]) -> pd.DataFrame:
    """A validated tidy frame with the normalised ``belopp`` (costs negative)."""
    return normalise_sign(tidy(records))


def meta(tables: list[dict] | None = None, **kw) -> KommunMeta:
    """A municipality's metadata as the loader would build it (the real pydantic model)."""
    doc = dict(id=KOMMUN, namn="Liten kommun", kommunkod="9998", namnder=["Socialnämnden"], kostnadstecken="minus",
               period=PERIOD, huvudtabeller=["drift"],
               tabell=tables if tables is not None else [dict(id="drift", fil="drift.csv", dataset="ekonomi",
                                                              enhet="tkr")])
    doc.update(kw)
    return KommunMeta.model_validate(doc)


def volume(tabell: str, verksamhet: str, ar: int, months: dict[int, float], slag: str = "utfall", regi: str = "",
           rad: int = 2, enhet: str = "timmar", radetikett: str = "", **kw) -> list[dict]:
    """Monthly volume records of one published row: {month: value}; a month left out is blank."""
    return [rec(tabell=tabell, fil=f"{tabell}.csv", dataset="volymer", rad=rad, kolumn=_abbr(m), verksamhet=verksamhet,
                radetikett=radetikett or f"{slag.capitalize()} {ar}", regi=regi, slag=slag, matt="manadsvarde",
                omfattning="", ar=ar, manad=m, enhet=enhet, varde=float(v), **kw)
            for m, v in months.items()]


def _abbr(month: int) -> str:
    return ("Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec")[month - 1]
