"""The pandera schema of the tidy frame (documented in data/processed/README.md)."""
from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from .errors import DataValidationError, Problem
from .metadata import DATASETS, MATT, OMFATTNING, SLAG

TIDY_SCHEMA = pa.DataFrameSchema(
    {
        "kommun": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_-]+$")),
        "namnd": pa.Column(str),
        "period": pa.Column(str, pa.Check.str_matches(r"^\d{4}-(0[1-9]|1[0-2])$")),
        "tabell": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9_]+$")),
        "dataset": pa.Column(str, pa.Check.isin(DATASETS)),
        "fil": pa.Column(str),
        "rad": pa.Column("Int64", pa.Check.ge(2)),
        "kolumn": pa.Column(str),
        "verksamhet": pa.Column(str, pa.Check.str_length(min_value=1)),
        "overordnad": pa.Column(str),
        "radtyp": pa.Column(str, pa.Check.isin(["post", "rubrik", "summa"])),
        "summerar": pa.Column(str),
        "storhet": pa.Column(str),
        "radetikett": pa.Column(str),
        "regi": pa.Column(str, pa.Check.isin(["", "intern", "extern", "totalt"])),
        "slag": pa.Column(str, pa.Check.isin(("",) + SLAG)),
        "matt": pa.Column(str, pa.Check.isin(MATT + ("manadsvarde",))),
        "omfattning": pa.Column(str, pa.Check.isin(("",) + OMFATTNING)),
        "ar": pa.Column("Int64", pa.Check.in_range(1900, 2200)),
        "manad": pa.Column("Int64", pa.Check.in_range(1, 12), nullable=True),
        "till_manad": pa.Column("Int64", pa.Check.in_range(1, 12), nullable=True),
        "enhet": pa.Column(str),
        "varde": pa.Column(float, pa.Check(lambda s: s.notna(), error="värde saknas")),
        "decimaler": pa.Column("Int64", pa.Check.in_range(0, 6)),
        "kostnadstecken": pa.Column(str, pa.Check.isin(["plus", "minus"])),
        "kommentar": pa.Column(str),
    },
    strict=True,
    coerce=False,
)


def validate_tidy(df: pd.DataFrame) -> pd.DataFrame:
    """Validate lazily (every failing row), re-raised as a Swedish DataValidationError."""
    try:
        return TIDY_SCHEMA.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems = []
        for _, r in exc.failure_cases.head(50).iterrows():
            i = r.get("index")
            fil = df.at[i, "fil"] if i is not None and i in df.index else "tidy"
            rad = int(df.at[i, "rad"]) if i is not None and i in df.index else None
            problems.append(Problem(str(fil), rad, str(r.get("column")), str(r.get("failure_case")), f"bryter mot schemat ({r.get('check')})"))
        raise DataValidationError(problems) from None
