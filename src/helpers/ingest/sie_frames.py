"""A SIE file read by ``sie4`` as tidy pandas tables: #PSALDO/#PBUDGET rows and #TRANS rows."""
from __future__ import annotations

import math

import pandas as pd

from sie4 import SieFile

__all__ = ["balances_frame", "voucher_frame"]

_BALANCE_COLUMNS = ["ar_index", "period", "konto", "kontonamn", "dimension", "objekt", "belopp", "kvantitet",
                    "objekt_lista"]


def _first_object(objects: tuple[tuple[int, str], ...]) -> tuple[str, str]:
    return (str(objects[0][0]), objects[0][1]) if objects else ("", "")


def balances_frame(sie: SieFile, kind: str = "psaldo") -> pd.DataFrame:
    """#PSALDO (``kind="psaldo"``) or #PBUDGET (``kind="pbudget"``) as one row per record.

    ``dimension``/``objekt`` describe the first object of the record's list ("" for account totals);
    ``objekt_lista`` holds the whole list. Amounts keep the file's signs."""
    if kind not in ("psaldo", "pbudget"):
        raise ValueError(f"kind ska vara 'psaldo' eller 'pbudget', inte {kind!r}")
    rows = getattr(sie, kind)
    names = {n: a.name for n, a in sie.accounts.items()}
    first = [_first_object(r.objects) for r in rows]
    return pd.DataFrame({
        "ar_index": pd.Series([r.year_index for r in rows], dtype="int64"),
        "period": pd.Series([r.period for r in rows], dtype="str"),
        "konto": pd.Series([r.account for r in rows], dtype="str"),
        "kontonamn": pd.Series([names.get(r.account, "") for r in rows], dtype="str"),
        "dimension": pd.Series([f[0] for f in first], dtype="str"),
        "objekt": pd.Series([f[1] for f in first], dtype="str"),
        "belopp": pd.Series([r.amount for r in rows], dtype="float64"),
        "kvantitet": pd.Series([math.nan if r.quantity is None else r.quantity for r in rows], dtype="float64"),
        "objekt_lista": pd.Series([r.objects for r in rows], dtype=object),
    }, columns=_BALANCE_COLUMNS)


def voucher_frame(sie: SieFile) -> pd.DataFrame:
    """Every #TRANS row with its voucher: serie, vernr, verdatum, vertext, rad (the #VER line), konto,
    kontonamn, dimension, objekt, objekt_lista, belopp, datum (transdat, else the voucher date), period
    ("YYYY-MM" of datum), transtext, kvantitet. Dates are pandas timestamps."""
    names = {n: a.name for n, a in sie.accounts.items()}
    recs = [(v, t) for v in sie.vouchers for t in v.transactions]
    first = [_first_object(t.objects) for _, t in recs]
    dates = [t.date or v.date for v, t in recs]
    return pd.DataFrame({
        "serie": pd.Series([v.series for v, _ in recs], dtype="str"),
        "vernr": pd.Series([v.number for v, _ in recs], dtype="str"),
        "verdatum": pd.to_datetime(pd.Series([v.date for v, _ in recs], dtype="str"), format="%Y%m%d"),
        "vertext": pd.Series([v.text for v, _ in recs], dtype="str"),
        "rad": pd.Series([v.line for v, _ in recs], dtype="int64"),
        "konto": pd.Series([t.account for _, t in recs], dtype="str"),
        "kontonamn": pd.Series([names.get(t.account, "") for _, t in recs], dtype="str"),
        "dimension": pd.Series([f[0] for f in first], dtype="str"),
        "objekt": pd.Series([f[1] for f in first], dtype="str"),
        "objekt_lista": pd.Series([t.objects for _, t in recs], dtype=object),
        "belopp": pd.Series([t.amount for _, t in recs], dtype="float64"),
        "datum": pd.to_datetime(pd.Series(dates, dtype="str"), format="%Y%m%d"),
        "period": pd.Series([f"{d[:4]}-{d[4:6]}" for d in dates], dtype="str"),
        "transtext": pd.Series([t.text for _, t in recs], dtype="str"),
        "kvantitet": pd.Series([math.nan if t.quantity is None else t.quantity for _, t in recs], dtype="float64"),
    })
