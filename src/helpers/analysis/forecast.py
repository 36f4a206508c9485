"""The full-year forecast: a run-rate and a seasonal proposal beside the official forecast, and,
across a municipality's periods, how the forecast moved and how well it hit the outcome."""
from __future__ import annotations

import numpy as np
import pandas as pd

# The threshold for flagging a forecast, as a share of the full-year budget. Kept in one place.
FORECAST_THRESHOLD = 0.05


def run_rate(outcome_ytd, month: int):
    """Outcome so far, scaled to twelve months."""
    return outcome_ytd / month * 12


def seasonal_share(history: pd.DataFrame, month: int) -> float | None:
    """The share of a year's volume that earlier complete years had in months 1..month (mean over years).

    ``history`` has columns ar, manad, varde."""
    shares = []
    for _, g in history.groupby("ar"):
        if set(g["manad"].astype(int)) != set(range(1, 13)):
            continue
        total = g["varde"].sum()
        if total:
            shares.append(g[g["manad"] <= month]["varde"].sum() / total)
    return float(np.mean(shares)) if shares else None


def seasonal_forecast(outcome_ytd: float, month: int, history: pd.DataFrame) -> float | None:
    share = seasonal_share(history, month)
    return None if share is None else outcome_ytd / share


def forecast_check(table: pd.DataFrame, month: int, seasonal: dict[str, float] | None = None,
                   threshold: float = FORECAST_THRESHOLD) -> pd.DataFrame:
    """The official forecast beside a run-rate (and seasonal) forecast; flagged when it differs from both
    by more than ``threshold`` × |full-year budget|."""
    seasonal = seasonal or {}
    t = table[table["prognos"].notna() & table["utfall_period"].notna() & table["helarsbudget"].notna()
              & (table["radtyp"] != "rubrik")].copy()
    t["prognos_rak"] = run_rate(t["utfall_period"], month)
    t["prognos_sasong"] = t["verksamhet"].map(seasonal).astype(float)
    limit = threshold * t["helarsbudget"].abs()
    off_rate = (t["prognos"] - t["prognos_rak"]).abs() > limit
    off_season = (t["prognos"] - t["prognos_sasong"]).abs() > limit
    t["flagga"] = off_rate & (off_season | t["prognos_sasong"].isna())
    t["troskel"] = limit
    return t.reset_index(drop=True)


def forecast_history(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """How the full-year forecast moved: one row per (period, verksamhet) with the forecast, its
    deviation against the budget and the change since the month before (``jamfort_med``: the period
    the change is measured against, earlier than the month before when that month's forecast is missing).

    ``tables`` maps a period ('2017-03') to its reconciled table."""
    rows = []
    for period, t in sorted(tables.items()):
        for r in t[(t["radtyp"] != "rubrik") & t["prognos"].notna()].itertuples():
            rows.append(dict(period=period, verksamhet=r.verksamhet, radtyp=r.radtyp, summerar=r.summerar,
                             overordnad=r.overordnad, prognos=r.prognos, helarsbudget=r.helarsbudget,
                             prognosavvikelse=r.prognosavvikelse, kommentar=getattr(r, "kommentar", "") or ""))
    h = pd.DataFrame(rows, columns=["period", "verksamhet", "radtyp", "summerar", "overordnad", "prognos",
                                    "helarsbudget", "prognosavvikelse", "kommentar"])
    if h.empty:
        return h.assign(forandring=pd.Series(dtype=float), jamfort_med=pd.Series(dtype=str))
    h = h.sort_values(["verksamhet", "period"])
    h["forandring"] = h.groupby("verksamhet")["prognos"].diff()
    # the period each change is measured against: the month before, or the latest earlier one when
    # a month's forecast is missing (said wherever the change is shown)
    h["jamfort_med"] = h.groupby("verksamhet")["period"].shift().fillna("")
    return h.sort_values(["period", "verksamhet"]).reset_index(drop=True)


def forecast_accuracy(history: pd.DataFrame, outcome: dict[str, float]) -> pd.DataFrame:
    """Once the year's outcome is in: how far each month's forecast was from it (forecast − outcome;
    positive = the forecast expected a lower cost than it became)."""
    h = history[history["verksamhet"].isin(outcome)].copy()
    h["utfall_helar"] = h["verksamhet"].map(outcome).astype(float)
    h["miss"] = h["prognos"] - h["utfall_helar"]
    h["miss_procent"] = 100 * h["miss"].abs() / h["utfall_helar"].abs().replace(0, np.nan)
    return h.reset_index(drop=True)
