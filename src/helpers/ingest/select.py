"""Which data belongs to a report on one (kommun, period).

- Published tables and a month's ledger belong to their own period (a ledger export for a month
  already holds January up to that month).
- (The forecast's history across earlier periods is assembled by the report context from the
  huvudbok rows of every period up to this one; see ``app.context.ReportContext.history``.)
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
