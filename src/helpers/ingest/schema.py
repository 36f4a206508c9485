"""The tidy frame: one published (or ledger) figure per row. Its columns are defined here once; the
pandera schema checks every build (documented in data/processed/README.md)."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from ..core.errors import DataValidationError, Problem
from ..core.vocabulary import DATASETS, MATT, MONTHLY, OMFATTNING, RADTYP, REGI, SIGN, SLAG

_TEXT = dict(nullable=False)

TIDY_SCHEMA = pa.DataFrameSchema(
    {
        "kommun": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_-]+$")),
        "namnd": pa.Column(str),
        "period": pa.Column(str, pa.Check.str_matches(r"^\d{4}-(0[1-9]|1[0-2])$")),
        "tabell": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_]+$")),
        "dataset": pa.Column(str, pa.Check.isin(DATASETS)),
        "fil": pa.Column(str),
        "rad": pa.Column("Int64", pa.Check.ge(1)),
        "kolumn": pa.Column(str),
        "verksamhet": pa.Column(str),
        "overordnad": pa.Column(str),
        "radtyp": pa.Column(str, pa.Check.isin(RADTYP)),
        "summerar": pa.Column(str),
        "storhet": pa.Column(str),
        "radetikett": pa.Column(str),
        "regi": pa.Column(str, pa.Check.isin(("",) + REGI)),
        "slag": pa.Column(str, pa.Check.isin(("",) + SLAG)),
        "matt": pa.Column(str, pa.Check.isin(MATT + (MONTHLY,))),
        "omfattning": pa.Column(str, pa.Check.isin(("",) + OMFATTNING)),
        "ar": pa.Column("Int64", pa.Check.in_range(1900, 2200)),
        "manad": pa.Column("Int64", pa.Check.in_range(1, 12), nullable=True),
        "till_manad": pa.Column("Int64", pa.Check.in_range(1, 12), nullable=True),
        "enhet": pa.Column(str),
        "varde": pa.Column(float, pa.Check(lambda s: s.notna(), error="värde saknas")),
        "decimaler": pa.Column("Int64", pa.Check.in_range(0, 6)),
        "ungefar": pa.Column(bool),
        "kostnadstecken": pa.Column(str, pa.Check.isin(SIGN)),
        "kommentar": pa.Column(str),
    },
    strict=True,
    coerce=False,
)
TIDY_COLUMNS = list(TIDY_SCHEMA.columns)
INT_COLUMNS = ("rad", "ar", "manad", "till_manad", "decimaler")
STRUCTURE_COLUMNS = ["kommun", "period", "tabell", "rad", "verksamhet", "overordnad", "radtyp", "summerar"]


def tidy_frame(records: list[dict]) -> pd.DataFrame:
    """Records → a frame with the schema's columns and types (empty frames too)."""
    df = pd.DataFrame.from_records(records, columns=TIDY_COLUMNS)
    for c in INT_COLUMNS:
        df[c] = pd.array(df[c], dtype="Int64")
    df["varde"] = df["varde"].astype(float)
    df["ungefar"] = df["ungefar"].fillna(False).astype(bool)
    for c in TIDY_COLUMNS:
        if c not in INT_COLUMNS and c not in ("varde", "ungefar"):
            df[c] = df[c].fillna("").astype(str)
    return df


def structure_frame(records: list[dict]) -> pd.DataFrame:
    st = pd.DataFrame.from_records(records, columns=STRUCTURE_COLUMNS)
    st["rad"] = st["rad"].astype(int)
    for c in STRUCTURE_COLUMNS:
        if c != "rad":
            st[c] = st[c].fillna("").astype(str)
    return st


def validate_tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Validate lazily (every failing row), re-raised as a Swedish DataValidationError."""
    try:
        return TIDY_SCHEMA.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems = []
        for _, r in exc.failure_cases.head(50).iterrows():
            i = r.get("index")
            known = i is not None and i in df.index
            fil = f"{df.at[i, 'kommun']}/{df.at[i, 'fil']}" if known else "tidy"
            rad = int(df.at[i, "rad"]) if known else None
            problems.append(Problem(str(fil), rad, str(r.get("column")), str(r.get("failure_case")),
                                    f"bryter mot schemat ({r.get('check')})"))
        raise DataValidationError(problems) from None
