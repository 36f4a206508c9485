"""Volume and price: a deviation split into what more or fewer units cost (volume effect) and what a
higher or lower cost per unit cost (price effect). The two add up exactly to the total.

Two sources: annual volumes beside key figures per unit (Botkyrka: forecast against budget), and
verksamheter linked in metadata to a monthly volume series (Södertälje: period outcome against
period budget per hour)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.period import Period
from ..core.units import unit
from ..core.vocabulary import month_span
from .forecast import seasonal_forecast
from .volumes import period_aggregate

UNIT_PAIRS = {"timmar": "timme", "årsplatser": "årsplats", "platser": "plats", "brukare": "brukare", "dygn": "dygn"}
COLUMNS = ["verksamhet", "storhet", "enhet", "nyckeltal", "jamforelse", "volym_budget", "volym_utfall",
           "styckkostnad_budget_tkr", "styckkostnad_utfall_tkr", "volymeffekt", "priseffekt", "total", "uppskattad",
           "ej_uppdelad"]   # why a verksamhet is not split ("" where it is): an explanation must be true


def split_volume_price(v_budget: float, c_budget: float, v_actual: float, c_actual: float) -> dict:
    """Volume effect (Δvolume × budgeted unit cost) and price effect (Δunit cost × actual volume)."""
    volume = (v_actual - v_budget) * c_budget
    price = (c_actual - c_budget) * v_actual
    return {"volymeffekt": volume, "priseffekt": price, "total": v_actual * c_actual - v_budget * c_budget}


def from_key_figures(tidy: pd.DataFrame, year: int, compare=("budget", "prognos")) -> pd.DataFrame:
    """Annual volumes beside a key figure per unit of the same verksamhet (amounts in tkr, costs negative)."""
    vol = tidy[(tidy["dataset"] == "volymer") & (tidy["matt"] == "arsvarde")]
    key = tidy[tidy["dataset"] == "nyckeltal"]
    out = []
    # A sub-row ("Varav egen LSS") of a row that is split itself would be counted twice.
    split_rows = set(key["verksamhet"])
    for (verksamhet, enhet), v in vol.groupby(["verksamhet", "enhet"], sort=False):
        parent = str(v["overordnad"].iat[0]) if "overordnad" in v else ""
        target = UNIT_PAIRS.get(str(enhet))
        if not target:
            continue
        k = key[(key["verksamhet"] == verksamhet) & key["enhet"].str.endswith("/" + target)]
        if k.empty:
            continue
        kunit = str(k["enhet"].iat[0])
        k = k[k["enhet"] == kunit]
        scale = unit(kunit.split("/")[0]).to_tkr
        label = str(k["storhet"].iat[0])
        why = ""
        if "brutto" in label.lower():
            why = (f"nyckeltalet är bruttokostnad per {target} ('{label}'); en uppdelning av en nettokostnad på volym "
                   "och pris kan inte bygga på det")
        elif parent and parent in split_rows:
            why = f"raden är en del av '{parent}', som delas upp själv; den räknas inte två gånger"
        if why:
            out.append({"verksamhet": verksamhet, "storhet": v["storhet"].iat[0], "enhet": enhet, "nyckeltal": label,
                        "jamforelse": f"prognos mot budget {year}", "uppskattad": False, "ej_uppdelad": why})
            continue

        def get(df, slag):
            hit = df[(df["slag"] == slag) & (df["ar"] == year)]
            return float(hit["varde"].iat[0]) if len(hit) else np.nan

        vb, va = get(v, compare[0]), get(v, compare[1])
        cb, ca = get(k, compare[0]) * scale, get(k, compare[1]) * scale
        if np.isnan([vb, va, cb, ca]).any():
            continue
        out.append({"verksamhet": verksamhet, "storhet": v["storhet"].iat[0], "enhet": enhet,
                    "nyckeltal": k["storhet"].iat[0], "jamforelse": f"prognos mot budget {year}",
                    "volym_budget": vb, "volym_utfall": va, "styckkostnad_budget_tkr": cb,
                    "styckkostnad_utfall_tkr": ca, **split_volume_price(vb, cb, va, ca), "uppskattad": False,
                    "ej_uppdelad": ""})
    return pd.DataFrame(out, columns=COLUMNS)


def from_links(table: pd.DataFrame, series: pd.DataFrame, links, period: Period, money_unit: str) -> pd.DataFrame:
    """Linked verksamheter: the period's budget and outcome (tkr) beside budgeted and actual volumes for the
    same months."""
    recon = table.drop_duplicates("verksamhet").set_index("verksamhet")
    to_tkr = unit(money_unit).to_tkr
    rows = []
    for link in links:
        if link.verksamhet not in recon.index:
            continue
        r = recon.loc[link.verksamhet]
        s = series[(series["tabell"] == link.volymtabell) & (series["serie"] == link.serie)]
        if not link.tacker_hela_kostnaden:
            why = (f"kopplingen säger inte att '{link.serie}' täcker exakt den kostnad som står på raden"
                   + (f": {link.forklaring}" if link.forklaring else ""))
            rows.append({"verksamhet": link.verksamhet, "storhet": link.serie,
                         "enhet": s["enhet"].iat[0] if len(s) else "", "nyckeltal": "tkr per enhet",
                         "jamforelse": f"utfall mot budget {month_span(1, period.month)} {period.year}",
                         "uppskattad": False, "ej_uppdelad": why})
            continue
        agg = period_aggregate(s[s["ar"] == period.year], period.month)
        this_year = s[(s["ar"] == period.year) & (s["manad"] <= period.month)]
        vb, va = _whole_volume(agg, this_year, "budget"), _whole_volume(agg, this_year, "utfall")
        if vb is None or va is None or pd.isna(r["budget_period"]) or pd.isna(r["utfall_period"]):
            continue
        cb, ca = r["budget_period"] * to_tkr / vb, r["utfall_period"] * to_tkr / va
        estimated = "uppskattad" in (r["budget_period_hur"], r["utfall_period_hur"])
        rows.append({"verksamhet": link.verksamhet, "storhet": link.serie, "enhet": s["enhet"].iat[0],
                     "nyckeltal": "tkr per enhet (periodens nettokostnad / volym)",
                     "jamforelse": f"utfall mot budget {month_span(1, period.month)} {period.year}",
                     "volym_budget": vb, "volym_utfall": va, "styckkostnad_budget_tkr": cb,
                     "styckkostnad_utfall_tkr": ca, **split_volume_price(vb, cb, va, ca), "uppskattad": estimated,
                     "ej_uppdelad": ""})
    return pd.DataFrame(rows, columns=COLUMNS)


def _whole_volume(agg: pd.DataFrame, months: pd.DataFrame, slag: str) -> float | None:
    """The series' whole volume for the period: its 'totalt' regi where published, else every regi added
    (intern + extern). None when a part misses a month (``agg`` holds only complete parts; a missing
    month is never zero)."""
    regis = set(months.loc[months["slag"] == slag, "regi"])
    if "totalt" in regis:
        regis = {"totalt"}
    part = agg[(agg["slag"] == slag) & agg["regi"].isin(regis)]
    if not regis or set(part["regi"]) != regis or part["varde"].isna().any():
        return None
    return float(part["varde"].sum())


def seasonal_forecasts(table: pd.DataFrame, series: pd.DataFrame, links, period: Period) -> dict[str, float]:
    """Seasonal full-year forecasts for linked verksamheter: the outcome scaled by the share of the year's
    volume that earlier complete years had in months 1..month."""
    recon = table.drop_duplicates("verksamhet").set_index("verksamhet")
    out = {}
    for link in links:
        if link.verksamhet not in recon.index or pd.isna(recon.loc[link.verksamhet, "utfall_period"]):
            continue
        s = series[(series["tabell"] == link.volymtabell) & (series["serie"] == link.serie)]
        hist = s[(s["slag"] == "utfall") & (s["ar"] < period.year)][["ar", "manad", "varde"]]
        value = seasonal_forecast(float(recon.loc[link.verksamhet, "utfall_period"]), period.month, hist)
        if value is not None:
            out[link.verksamhet] = value
    return out


def monthly_cost_per_unit(eco: pd.DataFrame, series: pd.DataFrame, links, period: Period) -> pd.DataFrame:
    """Cost per hour (or placement, day …) month by month where both the ledger's monthly net cost and the
    case system's volume exist for a linked verksamhet. Intern and extern regi are added when no total
    is published; a month missing on either side is left out (never zero)."""
    rows = []
    for link in links:
        cost = eco[(eco["tabell"] == link.tabell) & (eco["verksamhet"] == link.verksamhet)
                   & (eco["omfattning"] == "manad") & (eco["ar"] == period.year)]
        vol = series[(series["tabell"] == link.volymtabell) & (series["serie"] == link.serie)
                     & (series["slag"] == "utfall") & (series["ar"] == period.year)]
        if cost.empty or vol.empty:
            continue
        if (vol["regi"] == "totalt").any():
            vol = vol[vol["regi"] == "totalt"]
        else:
            complete = vol.groupby("manad")["regi"].nunique() == vol["regi"].nunique()
            vol = vol[vol["manad"].isin(complete[complete].index)]
        per_month = vol.groupby("manad")["varde"].sum()
        by_month = cost.groupby("manad")["belopp"].sum()
        for m in sorted(set(per_month.index) & set(by_month.index.astype(int))):
            v, c = float(per_month[m]), -float(by_month[m])  # cost as a positive amount
            if v <= 0:
                continue
            rows.append({"verksamhet": link.verksamhet, "serie": link.serie, "enhet": str(vol["enhet"].iat[0]),
                         "manad": int(m), "kostnad_tkr": c, "volym": v, "kr_per_enhet": 1000 * c / v})
    return pd.DataFrame(rows, columns=["verksamhet", "serie", "enhet", "manad", "kostnad_tkr", "volym", "kr_per_enhet"])
