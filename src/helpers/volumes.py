"""Hour and placement volumes: series, year-to-date comparisons, and their quality checks."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .economy import run_rate
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


def volume_findings(tidy_kommun: pd.DataFrame) -> list[Finding]:
    """Published sums and means against their months, intern + extern = totalt, repeated labels,
    outliers (varning) and missing months."""
    out: list[Finding] = _keyfigure_findings(tidy_kommun)
    vol = tidy_kommun[tidy_kommun["dataset"] == "volymer"]
    if vol.empty:
        return out
    kommun = vol["kommun"].iat[0]
    period = vol["period"].iat[0]
    rep_year, rep_month = int(period[:4]), int(period[5:])
    summaries = vol[vol["matt"].isin(["ack", "medel"])]
    if not summaries.empty:
        m = vol[vol["matt"] == "manadsvarde"][["tabell", "rad", "manad", "varde", "decimaler"]]
        j = summaries.merge(m, on=["tabell", "rad"], suffixes=("", "_m"))
        upto = j["till_manad"].fillna(12).astype(int)
        j = j[j["manad_m"].astype(int) <= upto]
        agg = j.groupby(["tabell", "rad", "kolumn"]).agg(
            summa=("varde_m", "sum"), medel=("varde_m", "mean"), n=("varde_m", "size"),
            forsta=("manad_m", "min"), sista=("manad_m", "max"), d_in=("decimaler_m", "max")).reset_index()
        j = summaries.merge(agg, on=["tabell", "rad", "kolumn"])
        for r in j.itertuples():
            span = f"{MONTH_NAMES[int(r.forsta) - 1]}–{MONTH_NAMES[int(r.sista) - 1]}"
            label = f"{r.verksamhet} / {r.radetikett}".strip(" /")
            if r.matt == "ack":
                out.append(compare(kommun, "volymer", r.tabell, label, r.kolumn, r.varde, r.summa,
                                   tolerance(int(r.n), int(r.d_in)),
                                   f"Publicerad summa ('{r.kolumn}') jämförd med summan av {int(r.n)} månader {span}."))
            else:
                out.append(compare(kommun, "volymer", r.tabell, label, r.kolumn, r.varde, r.medel,
                                   0.5 * max(unit(int(r.d_in)), unit(int(r.decimaler))),
                                   f"Publicerat medelvärde ('{r.kolumn}') jämfört med medelvärdet av {int(r.n)} månader {span}."))
    out += _regi_findings(vol, kommun)
    out += _repeated_label_findings(vol, kommun)
    out += _outlier_findings(vol, kommun)
    out += _missing_month_findings(vol, kommun, rep_year, rep_month)
    return out


RATIO_UNITS = {"timmar/brukare": ("timmar", "brukare")}


def ratio_tolerance(num: float, den: float, decimals: int = 0) -> float:
    """How far a published ratio of two rounded figures may be from num/den: the ratio's own
    rounding plus the effect of half a unit in each input (first-order error propagation)."""
    ratio = abs(num / den)
    return 0.5 * 10.0 ** (-decimals) + ratio * (0.5 / abs(num) + 0.5 / abs(den))


def _keyfigure_findings(tidy_kommun: pd.DataFrame) -> list[Finding]:
    """Annual key figures: published ratios (e.g. timmar per brukare) against their own volumes,
    and a key figure whose sign differs from the rest of its row (varning)."""
    out: list[Finding] = []
    if tidy_kommun.empty:
        return out
    kommun = tidy_kommun["kommun"].iat[0]
    a = tidy_kommun[(tidy_kommun["dataset"] == "volymer") & (tidy_kommun["matt"] == "arsvarde")]
    for (tabell, verksamhet), g in a.groupby(["tabell", "verksamhet"]):
        for ratio_unit, (num_unit, den_unit) in RATIO_UNITS.items():
            r, n, d = (g[g["enhet"] == u] for u in (ratio_unit, num_unit, den_unit))
            if r.empty or n.empty or d.empty:
                continue
            for x in r.itertuples():
                num = n[n["kolumn"] == x.kolumn]["varde"]
                den = d[d["kolumn"] == x.kolumn]["varde"]
                if num.empty or den.empty or den.iat[0] == 0:
                    continue
                computed = num.iat[0] / den.iat[0]
                out.append(compare(kommun, "volymer", tabell, f"{verksamhet} / {x.storhet}", x.kolumn, x.varde, computed,
                                   ratio_tolerance(num.iat[0], den.iat[0], int(x.decimaler)),
                                   f"Publicerat nyckeltal ({ratio_unit}) jämfört med {num_unit} delat med {den_unit} på samma verksamhet och år."))
    k = tidy_kommun[tidy_kommun["dataset"] == "nyckeltal"]
    for (tabell, _), g in k.groupby(["tabell", "rad"]):
        signs = np.sign(g["varde"][g["varde"] != 0])
        if len(signs) < 3:
            continue
        majority = 1.0 if (signs > 0).sum() > (signs < 0).sum() else -1.0
        for x in g[(np.sign(g["varde"]) == -majority)].itertuples():
            f = compare(kommun, "volymer", tabell, f"{x.verksamhet} / {x.storhet}", x.kolumn, x.varde, -x.varde, 0.0,
                        "Nyckeltalet har annat tecken än radens övriga år (kostnader anges med minustecken); troligen ett teckenfel.")
            f.bedomning = "varning"
            f.tolerans = None
            out.append(f)
    return out


def _regi_findings(vol: pd.DataFrame, kommun: str) -> list[Finding]:
    out = []
    m = vol[(vol["matt"] == "manadsvarde") & vol["regi"].isin(["intern", "extern", "totalt"])]
    for (tabell, serie, ar, _), g in m.groupby(["tabell", "verksamhet", "ar", "slag"]):
        parts = g[g["regi"].isin(["intern", "extern"])]
        if parts["regi"].nunique() < 2:
            continue
        both = parts.pivot_table(index="manad", columns="regi", values="varde", aggfunc="first").dropna()
        for _, tot in g[g["regi"] == "totalt"].groupby("rad"):
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
    m = vol[(vol["matt"] == "manadsvarde") & (vol["radetikett"] != "")]
    lines = m.groupby(["tabell", "verksamhet", "radetikett"])["rad"].nunique()
    for (tabell, serie, etikett) in lines[lines > 1].index:
        g = m[(m["tabell"] == tabell) & (m["verksamhet"] == serie) & (m["radetikett"] == etikett)]
        rows = sorted(g["rad"].unique())
        first = g[g["rad"] == rows[0]].set_index("manad")["varde"]
        for other in rows[1:]:
            second = g[g["rad"] == other].set_index("manad")["varde"]
            common = first.index.intersection(second.index)
            differing = [mm for mm in common if first[mm] != second[mm]]
            if not differing:
                continue
            mm = differing[0]
            out.append(compare(kommun, "volymer", tabell, f"{serie} / {etikett}", "radetikett",
                               second[mm], first[mm], 0.0,
                               f"Etiketten '{etikett}' publiceras två gånger i samma tabell (rad {rows[0]} och {other}) med olika värden i {len(differing)} av {len(common)} månader; första skillnaden i {MONTH_NAMES[int(mm) - 1]}."))
    return out




def _outlier_findings(vol: pd.DataFrame, kommun: str) -> list[Finding]:
    out = []
    m = vol[vol["matt"] == "manadsvarde"].copy()
    if m.empty:
        return out
    g = m.groupby(["tabell", "rad"])["varde"]
    m["median"] = g.transform("median")
    m["n"] = g.transform("size")
    m["mad"] = (m["varde"] - m["median"]).abs().groupby([m["tabell"], m["rad"]]).transform("median")
    scale = np.maximum(np.maximum(m["mad"], 0.02 * m["median"].abs()), 0.5)
    m["z"] = 0.6745 * (m["varde"] - m["median"]).abs() / scale
    for r in m[(m["z"] > OUTLIER_Z) & (m["n"] >= 4)].itertuples():
        f = compare(kommun, "volymer", r.tabell, f"{r.verksamhet} / {r.radetikett}",
                    MONTH_ABBR[int(r.manad) - 1].capitalize(), r.varde, r.median, 0.0,
                    f"Värdet för {MONTH_NAMES[int(r.manad) - 1]} ligger långt från radens median ({r.median:g}) enligt en robust metod (median och MAD); kontrollera.")
        f.bedomning = "varning"
        f.tolerans = None
        out.append(f)
    return out


def _missing_month_findings(vol: pd.DataFrame, kommun: str, rep_year: int, rep_month: int) -> list[Finding]:
    """Months the table publishes (its month columns) that a row lacks, up to the reporting month
    for outcome rows of the reporting year."""
    out = []
    m = vol[vol["matt"] == "manadsvarde"]
    if m.empty:
        return out
    published = m.groupby("tabell")["manad"].agg(lambda x: set(x.astype(int)))
    rows = m.groupby(["tabell", "rad"]).agg(manader=("manad", lambda x: set(x.astype(int))), ar=("ar", "first"),
                                            slag=("slag", "first"), serie=("verksamhet", "first"),
                                            etikett=("radetikett", "first")).reset_index()
    for r in rows.itertuples():
        ar = int(r.ar)
        if ar > rep_year:
            continue
        expected = {mm for mm in published[r.tabell] if r.slag != "utfall" or ar < rep_year or mm <= rep_month}
        missing = sorted(expected - r.manader)
        if missing:
            names = ", ".join(MONTH_NAMES[mm - 1] for mm in missing)
            out.append(Finding(kommun, "volymer", r.tabell, f"{r.serie} / {r.etikett}", "månader", None, None, None,
                               None, "varning", f"Månader saknas för {ar}: {names}."))
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


KEYS = ["tabell", "serie", "regi"]


def _period_aggregate(series: pd.DataFrame, month: int) -> pd.DataFrame:
    """Per (series, slag, year): the sum (hours) or mean (others) of months 1..month, only where
    every one of those months exists."""
    s = series[series["manad"] <= month]
    g = s.groupby(KEYS + ["enhet", "slag", "ar"], sort=False)["varde"].agg(["sum", "mean", "size"]).reset_index()
    g = g[g["size"] == month]
    g["varde"] = np.where(g["enhet"].isin(STOCK_UNITS_SUM), g["sum"], g["mean"])
    return g.drop(columns=["sum", "mean", "size"])


def year_to_date(series: pd.DataFrame, key: tuple[str, str, str], slag: str, year: int, month: int) -> float | None:
    """Sum (hours) or mean (places, decisions, clients) of months 1..month; None unless all exist."""
    t, s, r = key
    sub = series[(series["tabell"] == t) & (series["serie"] == s) & (series["regi"] == r)
                 & (series["slag"] == slag) & (series["ar"] == year)]
    g = _period_aggregate(sub, month)
    return float(g["varde"].iat[0]) if len(g) else None


def full_year(series: pd.DataFrame, key, slag: str, year: int) -> float | None:
    return year_to_date(series, key, slag, year, 12)


def same_period_table(series: pd.DataFrame, year: int, month: int) -> pd.DataFrame:
    """For every series: the same period (Jan–month) each year, change against the year before in
    units and percent, the budget for the period and the deviation from it, a run-rate to year end."""
    cols = ["tabell", "serie", "regi", "enhet", "ar", "period", "varde", "forandring", "forandring_procent",
            "budget", "avvikelse_budget", "avvikelse_budget_procent", "helar", "prognos_rak"]
    if series.empty:
        return pd.DataFrame(columns=cols)
    ytd = _period_aggregate(series, month)
    out = ytd[(ytd["slag"] == "utfall") & (ytd["ar"] <= year)].drop(columns="slag")
    budget = ytd[ytd["slag"] == "budget"][KEYS + ["ar", "varde"]].rename(columns={"varde": "budget"})
    full = _period_aggregate(series, 12)
    full = full[full["slag"] == "utfall"][KEYS + ["ar", "varde"]].rename(columns={"varde": "helar"})
    out = out.merge(budget, on=KEYS + ["ar"], how="left").merge(full, on=KEYS + ["ar"], how="left")
    order = {k: i for i, k in enumerate(series_keys(series))}
    out["_k"] = [order[k] for k in zip(out["tabell"], out["serie"], out["regi"])]
    out = out.sort_values(["_k", "ar"]).reset_index(drop=True)
    prev = out.groupby("_k")["varde"].shift(1)
    prev_year = out.groupby("_k")["ar"].shift(1)
    prev = prev.where(prev_year == out["ar"] - 1)
    out["forandring"] = out["varde"] - prev
    out["forandring_procent"] = 100 * out["forandring"] / prev.where(prev != 0)
    out["avvikelse_budget"] = out["varde"] - out["budget"]
    out["avvikelse_budget_procent"] = 100 * out["avvikelse_budget"] / out["budget"].where(out["budget"] != 0)
    out["prognos_rak"] = np.where(out["enhet"].isin(STOCK_UNITS_SUM), run_rate(out["varde"], month), out["varde"])
    out["period"] = f"{MONTH_NAMES[0]}–{MONTH_NAMES[month - 1]}"
    out["ar"] = out["ar"].astype(int)
    out = out.astype({c: float for c in ("forandring", "forandring_procent", "budget", "avvikelse_budget",
                                         "avvikelse_budget_procent", "helar")})
    return out[cols]


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
    value_cols = sorted((c for c in wide.columns if is_year_column(c)),
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


def is_year_column(name: str) -> bool:
    """'Utfall 2016', 'Budget 2017', 'Prognos 2017'."""
    parts = str(name).split(" ")
    return len(parts) == 2 and parts[0] in ("Utfall", "Budget", "Prognos") and parts[1].isdigit()


def annual_changes(annual: pd.DataFrame) -> pd.DataFrame:
    """Annual volumes with the change year on year: outcome against the year before, budget against
    the last outcome, forecast against budget (percent)."""
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
        out["Budget mot senaste utfall, %"] = 100 * (out[budget[-1]] - out[utfall[-1]]) / out[utfall[-1]].where(out[utfall[-1]] != 0)
    if budget and prognos:
        out["Prognos mot budget, %"] = 100 * (out[prognos[-1]] - out[budget[-1]]) / out[budget[-1]].where(out[budget[-1]] != 0)
    return out
