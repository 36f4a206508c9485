"""Hour and placement volumes: series, year-to-date comparisons, and their quality checks."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .quality import Finding, compare, tolerance, unit

# Modified z-score above which a monthly value is a `varning` (Iglewicz & Hoaglin).
OUTLIER_Z = 3.5
MONTH_NAMES = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
               "september", "oktober", "november", "december"]
MONTH_ABBR = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def monthly(tidy: pd.DataFrame, kommun: str | None = None) -> pd.DataFrame:
    """Monthly volume values (one row per series, row label, year and month)."""
    df = tidy[(tidy["dataset"] == "volymer") & (tidy["matt"] == "manadsvarde")]
    if kommun is not None:
        df = df[df["kommun"] == kommun]
    return df


def row_months(tidy_kommun: pd.DataFrame) -> dict[tuple[str, int], pd.Series]:
    """Monthly values per published row: {(tabell, line): Series indexed by month}."""
    m = monthly(tidy_kommun)
    return {(t, int(r)): g.set_index("manad")["varde"].sort_index() for (t, r), g in m.groupby(["tabell", "rad"])}


def volume_findings(tidy_kommun: pd.DataFrame) -> list[Finding]:
    """Published sums and means against their months, intern + extern = totalt, repeated labels,
    outliers (varning) and missing months."""
    out: list[Finding] = []
    vol = tidy_kommun[tidy_kommun["dataset"] == "volymer"]
    if vol.empty:
        return out
    kommun = vol["kommun"].iat[0]
    period = vol["period"].iat[0]
    rep_year, rep_month = int(period[:4]), int(period[5:])
    months = row_months(vol)
    summaries = vol[vol["matt"].isin(["ack", "medel"])]
    for r in summaries.itertuples():
        series = months.get((r.tabell, int(r.rad)))
        if series is None or series.empty:
            continue
        upto = int(r.till_manad) if not pd.isna(r.till_manad) else None
        used = series[series.index <= upto] if upto else series
        if used.empty:
            continue
        d_in = int(vol[(vol["tabell"] == r.tabell) & (vol["rad"] == r.rad) & (vol["matt"] == "manadsvarde")]["decimaler"].max())
        span = f"{MONTH_NAMES[int(used.index.min()) - 1]}–{MONTH_NAMES[int(used.index.max()) - 1]}"
        label = f"{r.verksamhet} / {r.radetikett}".strip(" /")
        if r.matt == "ack":
            out.append(compare(kommun, "volymer", r.tabell, label, r.kolumn, r.varde, used.sum(),
                               tolerance(len(used), d_in),
                               f"Publicerad summa ('{r.kolumn}') jämförd med summan av {len(used)} månader {span}."))
        else:
            out.append(compare(kommun, "volymer", r.tabell, label, r.kolumn, r.varde, used.mean(),
                               0.5 * max(unit(d_in), unit(int(r.decimaler))),
                               f"Publicerat medelvärde ('{r.kolumn}') jämfört med medelvärdet av {len(used)} månader {span}."))
    out += _regi_findings(vol, kommun)
    out += _repeated_label_findings(vol, kommun)
    out += _outlier_findings(vol, kommun)
    out += _missing_month_findings(vol, kommun, rep_year, rep_month)
    return out


def _regi_findings(vol: pd.DataFrame, kommun: str) -> list[Finding]:
    out = []
    m = vol[(vol["matt"] == "manadsvarde") & vol["regi"].isin(["intern", "extern", "totalt"])]
    for (tabell, serie, ar, slag), g in m.groupby(["tabell", "verksamhet", "ar", "slag"]):
        parts = g[g["regi"].isin(["intern", "extern"])]
        if parts["regi"].nunique() < 2:
            continue
        both = parts.pivot_table(index="manad", columns="regi", values="varde", aggfunc="first").dropna()
        for line, tot in g[g["regi"] == "totalt"].groupby("rad"):
            tot = tot.set_index("manad")
            label = f"{serie} / {tot['radetikett'].iat[0]}"
            for manad, row in both.iterrows():
                if manad not in tot.index:
                    continue
                t = tot.loc[manad]
                d = int(max(t["decimaler"], 0))
                out.append(compare(kommun, "volymer", tabell, label, MONTH_ABBR[int(manad) - 1].capitalize(),
                                   t["varde"], row["intern"] + row["extern"], tolerance(2, d),
                                   f"Totalt jämfört med intern plus extern regi, {MONTH_NAMES[int(manad) - 1]} {ar}."))
    return out


def _repeated_label_findings(vol: pd.DataFrame, kommun: str) -> list[Finding]:
    out = []
    m = vol[vol["matt"] == "manadsvarde"]
    for (tabell, serie, etikett), g in m.groupby(["tabell", "verksamhet", "radetikett"]):
        lines = sorted(g["rad"].unique())
        if not etikett or len(lines) < 2:
            continue
        first = g[g["rad"] == lines[0]].set_index("manad")["varde"]
        for other in lines[1:]:
            second = g[g["rad"] == other].set_index("manad")["varde"]
            common = first.index.intersection(second.index)
            differing = [mm for mm in common if first[mm] != second[mm]]
            if not differing:
                continue
            mm = differing[0]
            out.append(compare(kommun, "volymer", tabell, f"{serie} / {etikett}", "radetikett",
                               second[mm], first[mm], 0.0,
                               f"Etiketten '{etikett}' publiceras två gånger i samma tabell (rad {lines[0]} och {other}) med olika värden i {len(differing)} av {len(common)} månader; första skillnaden i {MONTH_NAMES[int(mm) - 1]}."))
    return out


def robust_outliers(values: pd.Series, z: float = OUTLIER_Z) -> pd.Series:
    """Modified z-scores (median and MAD) of a series; returns the values whose score exceeds z."""
    v = values.dropna().astype(float)
    if len(v) < 4:
        return v.iloc[0:0]
    med = v.median()
    mad = (v - med).abs().median()
    scale = max(mad, 0.02 * abs(med), 0.5)
    score = 0.6745 * (v - med).abs() / scale
    return v[score > z]


def _outlier_findings(vol: pd.DataFrame, kommun: str) -> list[Finding]:
    out = []
    m = vol[vol["matt"] == "manadsvarde"]
    for (tabell, line), g in m.groupby(["tabell", "rad"]):
        s = g.set_index("manad")["varde"].sort_index()
        med = float(s.median())
        for manad, v in robust_outliers(s).items():
            f = compare(kommun, "volymer", tabell, f"{g['verksamhet'].iat[0]} / {g['radetikett'].iat[0]}",
                        MONTH_ABBR[int(manad) - 1].capitalize(), v, med, 0.0,
                        f"Värdet för {MONTH_NAMES[int(manad) - 1]} ligger långt från radens median ({med:g}) enligt en robust metod (median och MAD); kontrollera.")
            f.bedomning = "varning"
            f.tolerans = None
            out.append(f)
    return out


def _missing_month_findings(vol: pd.DataFrame, kommun: str, rep_year: int, rep_month: int) -> list[Finding]:
    out = []
    m = vol[vol["matt"] == "manadsvarde"]
    for tabell, t in m.groupby("tabell"):
        published = set(t["manad"].dropna().astype(int))
        for line, g in t.groupby("rad"):
            ar = int(g["ar"].iat[0])
            slag = g["slag"].iat[0]
            expected = {mm for mm in published if slag != "utfall" or ar < rep_year or (ar == rep_year and mm <= rep_month)}
            if ar > rep_year:
                continue
            missing = sorted(expected - set(g["manad"].astype(int)))
            if missing:
                names = ", ".join(MONTH_NAMES[mm - 1] for mm in missing)
                out.append(Finding(kommun, "volymer", tabell, f"{g['verksamhet'].iat[0]} / {g['radetikett'].iat[0]}",
                                   "månader", None, None, None, None, "varning",
                                   f"Månader saknas för {ar}: {names}."))
    return out


# --- series and derived figures -------------------------------------------------------------------

STOCK_UNITS_SUM = ("timmar",)  # flows: summed over months; everything else (beslut, platser …) is averaged


def aggregates_by_sum(enhet: str) -> bool:
    return enhet in STOCK_UNITS_SUM


def series_frame(tidy_kommun: pd.DataFrame) -> pd.DataFrame:
    """Monthly series: one row per (tabell, serie, regi, slag, ar, manad). Where a row label was
    published twice, the later row is used (the repetition itself is a quality finding)."""
    m = monthly(tidy_kommun)
    if m.empty:
        return pd.DataFrame(columns=["tabell", "serie", "regi", "enhet", "slag", "ar", "manad", "varde"])
    m = m.sort_values("rad")
    s = m.rename(columns={"verksamhet": "serie"})[["tabell", "serie", "regi", "enhet", "slag", "ar", "manad", "varde", "rad"]]
    s = s.drop_duplicates(["tabell", "serie", "regi", "slag", "ar", "manad"], keep="last")
    s["ar"] = s["ar"].astype(int)
    s["manad"] = s["manad"].astype(int)
    return s.drop(columns="rad").reset_index(drop=True)


def series_keys(series: pd.DataFrame) -> list[tuple[str, str, str]]:
    keys = series[["tabell", "serie", "regi"]].drop_duplicates()
    return [tuple(k) for k in keys.itertuples(index=False)]


def year_to_date(series: pd.DataFrame, key: tuple[str, str, str], slag: str, year: int, month: int) -> float | None:
    """Sum (hours) or mean (places, decisions, clients) of months 1..month; None unless all exist."""
    t, s, r = key
    g = series[(series["tabell"] == t) & (series["serie"] == s) & (series["regi"] == r)
               & (series["slag"] == slag) & (series["ar"] == year) & (series["manad"] <= month)]
    if len(g) < month:
        return None
    enhet = g["enhet"].iat[0]
    return float(g["varde"].sum() if aggregates_by_sum(enhet) else g["varde"].mean())


def full_year(series: pd.DataFrame, key, slag: str, year: int) -> float | None:
    return year_to_date(series, key, slag, year, 12)


def same_period_table(series: pd.DataFrame, year: int, month: int) -> pd.DataFrame:
    """For every series: the same period (Jan–month) each year, change against the year before in
    units and percent, the budget for the period and the deviation from it, a run-rate to year end."""
    rows = []
    for key in series_keys(series):
        sub = series[(series["tabell"] == key[0]) & (series["serie"] == key[1]) & (series["regi"] == key[2])]
        enhet = sub["enhet"].iat[0]
        years = sorted(sub[sub["slag"] == "utfall"]["ar"].unique())
        prev = None
        for y in years:
            if y > year:
                continue
            v = year_to_date(series, key, "utfall", y, month)
            if v is None:
                prev = None
                continue
            budget = year_to_date(series, key, "budget", y, month)
            rows.append({
                "tabell": key[0], "serie": key[1], "regi": key[2], "enhet": enhet, "ar": int(y),
                "period": f"{MONTH_NAMES[0]}–{MONTH_NAMES[month - 1]}", "varde": v,
                "forandring": None if prev is None else v - prev,
                "forandring_procent": None if not prev else 100 * (v - prev) / prev,
                "budget": budget,
                "avvikelse_budget": None if budget is None else v - budget,
                "avvikelse_budget_procent": None if not budget else 100 * (v - budget) / budget,
                "helar": full_year(series, key, "utfall", y),
                "prognos_rak": (v / month * 12) if aggregates_by_sum(enhet) else v,
            })
            prev = v
    return pd.DataFrame(rows)


def annual_table(tidy_kommun: pd.DataFrame) -> pd.DataFrame:
    """Annual volumes (Botkyrka): one row per verksamhet and storhet, columns per (slag, year)."""
    a = tidy_kommun[(tidy_kommun["dataset"] == "volymer") & (tidy_kommun["matt"] == "arsvarde")]
    if a.empty:
        return pd.DataFrame()
    a = a.assign(kolumn=a["slag"].str.capitalize() + " " + a["ar"].astype(str))
    wide = a.pivot_table(index=["tabell", "rad", "verksamhet", "storhet", "enhet"], columns="kolumn",
                         values="varde", aggfunc="first").reset_index().sort_values(["tabell", "rad"])
    wide.columns.name = None
    order = {"Utfall": 0, "Budget": 1, "Prognos": 2}
    value_cols = sorted((c for c in wide.columns if c.split(" ")[0] in order),
                        key=lambda c: (int(c.split(" ")[1]), order[c.split(" ")[0]]))
    keys = ["tabell", "rad", "verksamhet", "storhet", "enhet"]
    return wide[keys + value_cols].reset_index(drop=True)


def run_series(run) -> pd.DataFrame:
    """The run's monthly series, computed once per run."""
    return run.cached("series", lambda: series_frame(run.tidy))


def run_same_period(run) -> pd.DataFrame:
    """The run's same-period table, computed once per run."""
    def compute():
        s = run_series(run)
        return same_period_table(s, run.year, run.month) if not s.empty else pd.DataFrame()
    return run.cached("same_period", compute)
