"""Hour and placement series and the same-period comparisons a nämnd reads.

A series holds only data for a report on its period: a month after the period is not a value,
whatever the source printed there. A mislabelled row is placed where the data shows it belongs
(see checks.volumes.Relabel); a repeated row that cannot be placed is left out."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks.volumes import Relabel, monthly_rows
from ..core.period import Period
from ..core.units import unit
from ..core.vocabulary import month_span

KEYS = ["tabell", "serie", "regi"]
SERIES_COLUMNS = ["tabell", "serie", "regi", "enhet", "slag", "ar", "manad", "varde", "radetikett", "omdopt"]


def sums_over_year(enhet: str) -> bool:
    """Hours and days are summed over months; places, decisions, clients are averaged."""
    try:
        return unit(enhet).sums_over_year
    except ValueError:
        return False


def series_frame(tidy: pd.DataFrame, period: Period, relabels: list[Relabel] = (),
                 ignored: list[tuple[str, int]] = ()) -> pd.DataFrame:
    """Monthly series: one row per (tabell, serie, regi, slag, year, month), months ≤ the period.

    ``omdopt`` holds the published label of a relabelled row ('Totalt 2017' used as 2016)."""
    m = monthly_rows(tidy)
    if m.empty:
        return pd.DataFrame(columns=SERIES_COLUMNS)
    m = m.copy()
    m["omdopt"] = ""
    for r in relabels:
        hit = (m["tabell"] == r.tabell) & (m["rad"] == r.rad)
        m.loc[hit, "ar"] = r.ar
        m.loc[hit, "omdopt"] = r.etikett
    if ignored:
        drop = {(t, int(x)) for t, x in ignored}
        m = m[[(t, int(x)) not in drop for t, x in zip(m["tabell"], m["rad"])]]
    m = m[~period.is_after(m["ar"], m["manad"])]  # months after the period are not data, outcome or budget
    # A budget row without regi in a table whose outcome is split by regi is the budget of the total.
    has_total = set(m.loc[(m["regi"] == "totalt") & (m["slag"] == "utfall"), "tabell"])
    orphan = (m["regi"] == "") & (m["slag"] == "budget") & m["tabell"].isin(has_total)
    m.loc[orphan, "regi"] = "totalt"
    s = m.rename(columns={"verksamhet": "serie"}).sort_values("rad")
    s = s.drop_duplicates(["tabell", "serie", "regi", "slag", "ar", "manad"], keep="last")
    s["ar"] = s["ar"].astype(int)
    s["manad"] = s["manad"].astype(int)
    return s[SERIES_COLUMNS].reset_index(drop=True)


def series_keys(series: pd.DataFrame) -> list[tuple[str, str, str]]:
    keys = series[KEYS].drop_duplicates()
    return [tuple(k) for k in keys.itertuples(index=False)]


def one_series(series: pd.DataFrame, key: tuple[str, str, str]) -> pd.DataFrame:
    t, s, r = key
    return series[(series["tabell"] == t) & (series["serie"] == s) & (series["regi"] == r)]


def period_aggregate(series: pd.DataFrame, month: int) -> pd.DataFrame:
    """Per (series, slag, year): the sum (hours) or mean (others) of months 1..month, only where every
    one of those months has a value (a missing month is missing, never zero)."""
    s = series[series["manad"] <= month]
    g = s.groupby(KEYS + ["enhet", "slag", "ar"], sort=False)["varde"].agg(["sum", "mean", "size"]).reset_index()
    g = g[g["size"] == month]
    g["varde"] = np.where([sums_over_year(e) for e in g["enhet"]], g["sum"], g["mean"])
    return g.drop(columns=["sum", "mean", "size"])


def same_period_table(series: pd.DataFrame, period: Period) -> pd.DataFrame:
    """For every series: the same months (January–period month) each year, the change against the year
    before in units and percent, the budget for those months and the deviation from it, and the full
    year where all twelve months exist."""
    cols = ["tabell", "serie", "regi", "enhet", "ar", "period", "varde", "forandring", "forandring_procent",
            "budget", "avvikelse_budget", "avvikelse_budget_procent", "helar"]
    if series.empty:
        return pd.DataFrame(columns=cols)
    ytd = period_aggregate(series, period.month)
    out = ytd[(ytd["slag"] == "utfall") & (ytd["ar"] <= period.year)].drop(columns="slag")
    budget = ytd[ytd["slag"] == "budget"][KEYS + ["ar", "varde"]].rename(columns={"varde": "budget"})
    full = period_aggregate(series, 12)
    full = full[(full["slag"] == "utfall") & (full["ar"] < period.year)][KEYS + ["ar", "varde"]]
    full = full.rename(columns={"varde": "helar"})
    out = out.merge(budget, on=KEYS + ["ar"], how="left").merge(full, on=KEYS + ["ar"], how="left")
    order = {k: i for i, k in enumerate(series_keys(series))}
    out["_k"] = [order[k] for k in zip(out["tabell"], out["serie"], out["regi"])]
    out = out.sort_values(["_k", "ar"]).reset_index(drop=True)
    prev = out.groupby("_k")["varde"].shift(1)
    prev = prev.where(out.groupby("_k")["ar"].shift(1) == out["ar"] - 1)
    out["forandring"] = out["varde"] - prev
    out["forandring_procent"] = 100 * out["forandring"] / prev.where(prev != 0)
    out["avvikelse_budget"] = out["varde"] - out["budget"]
    out["avvikelse_budget_procent"] = 100 * out["avvikelse_budget"] / out["budget"].where(out["budget"] != 0)
    out["period"] = month_span(1, period.month)
    out["ar"] = out["ar"].astype(int)
    for c in ("forandring", "forandring_procent", "budget", "avvikelse_budget", "avvikelse_budget_procent", "helar"):
        out[c] = out[c].astype(float)
    return out[cols]


# --- annual volumes (Botkyrka) --------------------------------------------------------------------

YEAR_COLUMN_KINDS = ("Utfall", "Budget", "Prognos")


def is_year_column(name: str) -> bool:
    """'Utfall 2016', 'Budget 2017', 'Prognos 2017'."""
    parts = str(name).split(" ")
    return len(parts) == 2 and parts[0] in YEAR_COLUMN_KINDS and parts[1].isdigit()


def annual_table(tidy: pd.DataFrame) -> pd.DataFrame:
    """Annual volumes: one row per verksamhet and storhet, a column per (slag, year)."""
    a = tidy[(tidy["dataset"] == "volymer") & (tidy["matt"] == "arsvarde")]
    if a.empty:
        return pd.DataFrame()
    a = a.assign(kolumn=a["slag"].str.capitalize() + " " + a["ar"].astype(str))
    wide = a.pivot_table(index=["tabell", "rad", "verksamhet", "storhet", "enhet"], columns="kolumn",
                         values="varde", aggfunc="first").reset_index().sort_values(["tabell", "rad"])
    wide.columns.name = None
    order = {k: i for i, k in enumerate(YEAR_COLUMN_KINDS)}
    value_cols = sorted((c for c in wide.columns if is_year_column(c)),
                        key=lambda c: (int(c.split(" ")[1]), order[c.split(" ")[0]]))
    return wide[["tabell", "rad", "verksamhet", "storhet", "enhet"] + value_cols].reset_index(drop=True)


def annual_changes(annual: pd.DataFrame) -> pd.DataFrame:
    """Outcome against the year before, budget against the last outcome, forecast against budget (%)."""
    if annual.empty:
        return annual
    out = annual.copy()
    cols = [c for c in out.columns if is_year_column(c)]
    utfall = [c for c in cols if c.startswith("Utfall")]
    for prev, cur in zip(utfall, utfall[1:]):
        out[f"Förändring {cur.split(' ')[1]}, %"] = 100 * (out[cur] - out[prev]) / out[prev].where(out[prev] != 0)
    budget = [c for c in cols if c.startswith("Budget")]
    prognos = [c for c in cols if c.startswith("Prognos")]
    if budget and utfall:
        last = utfall[-1]
        out["Budget mot senaste utfall, %"] = 100 * (out[budget[-1]] - out[last]) / out[last].where(out[last] != 0)
    if budget and prognos:
        b = budget[-1]
        out["Prognos mot budget, %"] = 100 * (out[prognos[-1]] - out[b]) / out[b].where(out[b] != 0)
    return out
