"""Which data belongs to a report on one (kommun, period).

- Published tables and a month's ledger belong to their own period (a ledger export for a month
  already holds January up to that month).
- Forecasts are read from every period up to this one, so the forecast's history can be shown.
- Monthly volumes from the case system accumulate: each month folder adds its months, and a later
  folder's value for the same month (a correction) wins."""
from __future__ import annotations

import pandas as pd

from ..core.period import Period
from ..core.vocabulary import CASE_SYSTEM_TABLE as CASE_SYSTEM


def for_period(tidy: pd.DataFrame, structure: pd.DataFrame, kommun: str, period: Period
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tidy rows and row structure a report on ``period`` uses."""
    k = tidy[tidy["kommun"] == kommun]
    p = str(period)
    own = k[(k["period"] == p) & (k["tabell"] != CASE_SYSTEM)]
    vol = k[(k["tabell"] == CASE_SYSTEM) & (k["period"] <= p)]
    if not vol.empty:
        vol = vol.sort_values("period").drop_duplicates(
            ["verksamhet", "regi", "enhet", "slag", "ar", "manad"], keep="last")
        vol = vol.assign(period=p)
    st = structure[(structure["kommun"] == kommun) & (structure["period"] == p)]
    return pd.concat([own, vol], ignore_index=True), st.reset_index(drop=True)


def periods_up_to(tidy: pd.DataFrame, kommun: str, period: Period) -> list[Period]:
    """Every period of the municipality up to and including ``period`` that has data."""
    k = tidy[tidy["kommun"] == kommun]
    return [Period.parse(p) for p in sorted(set(k["period"])) if p <= str(period)]
