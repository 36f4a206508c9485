"""The reconciliation model for every economy table.

Figures are normalised to one sign convention (costs and net costs negative, income positive), so
that deviation = outcome − budget, and a positive deviation always means better than budget
(överskott), whatever the municipality published. Published "Summa" rows are kept as published
totals and checked against the sum of their children, never summed again.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .quality import Finding, compare, tolerance

ECONOMY_DATASETS = ("ekonomi", "investeringar")
FLIPPED_IN_PLUS_TABLES = ("netto", "kostnader")

# The threshold for the forecast check, as a share of the full-year budget. Kept in one place.
FORECAST_THRESHOLD = 0.05

OUTCOME_FOR = {"period": "utfall", "helar": "prognos", "projekt": "prognos"}


def economy_rows(tidy: pd.DataFrame, kommun: str | None = None) -> pd.DataFrame:
    """The economy part of the tidy data with a normalised value column ``belopp``."""
    df = tidy[tidy["dataset"].isin(ECONOMY_DATASETS)]
    if kommun is not None:
        df = df[df["kommun"] == kommun]
    return normalise_sign(df)


def normalise_sign(df: pd.DataFrame) -> pd.DataFrame:
    """Add ``belopp``: costs and net costs negative in every table, income positive."""
    df = df.copy()
    flip = (df["kostnadstecken"] == "plus") & df["matt"].isin(FLIPPED_IN_PLUS_TABLES)
    df["belopp"] = np.where(flip, -df["varde"], df["varde"])
    return df


def published_sign(value: float, kostnadstecken: str, matt: str) -> float:
    """Back from normalised to the municipality's own way of writing the figure."""
    return -value if (kostnadstecken == "plus" and matt in FLIPPED_IN_PLUS_TABLES) else value


# --- the hierarchy -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    label: str
    parent: str
    radtyp: str
    summerar: str
    line: int


def table_rows(part: pd.DataFrame) -> list[Row]:
    """The rows of one table in file order (rubrik rows carry no values, so they come from kommun data)."""
    seen = part.drop_duplicates("rad").sort_values("rad")
    return [Row(r.verksamhet, r.overordnad, r.radtyp, r.summerar, int(r.rad)) for r in seen.itertuples()]


def group_sum(rows: list[Row], values: dict[int, float], group: str, exclude: int | None = None
              ) -> tuple[float, int]:
    """Recompute a group's total from its children: (sum, number of published figures used).

    post and summa children count with their published value. A rubrik child counts with the
    published summa row that summarises it (wherever that row stands, unless it already stands in
    this group), otherwise with its own recomputed children.
    """
    summa_of = {r.summerar: r for r in rows if r.radtyp == "summa" and r.summerar}
    total, n = 0.0, 0
    for r in rows:
        if r.parent != group or r.line == exclude:
            continue
        if r.radtyp == "summa" and r.summerar == group:
            continue
        if r.radtyp == "rubrik":
            s_row = summa_of.get(r.label)
            if s_row is not None and s_row.parent == group:
                continue  # counted where it stands
            if s_row is not None and s_row.line in values:
                total += values[s_row.line]
                n += 1
                continue
            s, k = group_sum(rows, values, r.label)
            total += s
            n += k
        elif r.line in values:
            total += values[r.line]
            n += 1
    return total, n




# --- findings -------------------------------------------------------------------------------------

def economy_findings(tidy_kommun: pd.DataFrame, structure: pd.DataFrame) -> list[Finding]:
    """Every economy figure that can be recomputed: sums, deviations, net, cross-table reconciliations."""
    from .load import table_structure

    df = economy_rows(tidy_kommun)
    findings: list[Finding] = []
    if df.empty:
        return findings
    structure = table_structure(structure, df["kommun"].iat[0])
    for tabell, part in df.groupby("tabell", sort=False):
        rows = structure.get(tabell) or table_rows(part)
        findings += _sum_findings(tabell, part, rows)
        findings += _deviation_findings(tabell, part)
        findings += _net_findings(tabell, part)
    findings += _reconciliation_findings(df, structure)
    return findings


def _sum_findings(tabell: str, part: pd.DataFrame, rows: list[Row]) -> list[Finding]:
    out = []
    kommun = part["kommun"].iat[0]
    dataset = "ekonomi"
    for kolumn, col in part.groupby("kolumn", sort=False):
        values = dict(zip(col["rad"].astype(int), col["varde"]))
        decimals = int(col["decimaler"].max())
        for r in rows:
            if r.radtyp != "summa" or r.line not in values:
                continue
            s, n = group_sum(rows, values, r.summerar, exclude=r.line)
            if n == 0:
                continue
            what = f"gruppen '{r.summerar}'" if r.summerar else "tabellens översta nivå"
            out.append(compare(
                kommun, dataset, tabell, r.label, kolumn, values[r.line], s, tolerance(n, decimals),
                f"Publicerad summa jämförd med summan av {n} rader i {what} (kolumn '{kolumn}').",
            ))
    return out




def _deviation_findings(tabell: str, part: pd.DataFrame) -> list[Finding]:
    out = []
    kommun = part["kommun"].iat[0]
    dev = part[part["matt"] == "avvikelse"]
    net = part[part["matt"] == "netto"]
    for r in dev.itertuples():
        omf = r.omfattning
        cand = net[(net["rad"] == r.rad) & (net["omfattning"] == omf) & (net["ar"] == r.ar)]
        budget = cand[cand["slag"] == "budget"]
        outcome = cand[cand["slag"] == OUTCOME_FOR.get(omf, "prognos")]
        if budget.empty or outcome.empty:
            continue
        b, o = budget.iloc[0], outcome.iloc[0]
        computed = o["belopp"] - b["belopp"]
        decimals = max(int(b["decimaler"]), int(o["decimaler"]), int(r.decimaler))
        label = "utfall" if omf == "period" else "prognos"
        out.append(compare(
            kommun, "ekonomi", tabell, r.verksamhet, r.kolumn, r.varde, computed, tolerance(2, decimals),
            f"Publicerad avvikelse jämförd med {label} ('{o['kolumn']}') minus budget ('{b['kolumn']}'); positiv = bättre än budget.",
        ))
    return out


def _net_findings(tabell: str, part: pd.DataFrame) -> list[Finding]:
    out = []
    kommun = part["kommun"].iat[0]
    comp = part[part["matt"].isin(["netto", "intakter", "kostnader"])]
    for _, g in comp.groupby(["rad", "slag", "omfattning", "ar"]):
        m = {x.matt: x for x in g.itertuples()}
        if "netto" in m and "kostnader" in m:  # income is optional (a row may have none)
            inc = m["intakter"].belopp if "intakter" in m else 0.0
            n = 2 if "intakter" in m else 1
            computed = inc + m["kostnader"].belopp
            net = m["netto"]
            decimals = int(g["decimaler"].max())
            out.append(compare(
                kommun, "ekonomi", tabell, net.verksamhet, net.kolumn,
                net.varde, published_sign(computed, net.kostnadstecken, "netto"), tolerance(n, decimals),
                "Publicerat netto jämfört med intäkter plus kostnader på samma rad.",
            ))
    return out


def _reconciliation_findings(df: pd.DataFrame, structure: dict[str, list[Row]]) -> list[Finding]:
    """Cross-table checks declared in metadata ([[tabell.avstamning]])."""
    from .metadata import load_metadata

    out = []
    if df.empty:
        return out
    kommun = df["kommun"].iat[0]
    try:
        meta = load_metadata(kommun)
    except Exception:
        return out
    for t in meta.tabeller:
        part = df[df["tabell"] == t.id]
        for rec in t.avstamning:
            target = df[(df["tabell"] == rec.tabell) & (df["verksamhet"] == rec.verksamhet)]
            rows = structure.get(t.id) or table_rows(part)
            for (matt, slag, omf, ar), g in part.groupby(["matt", "slag", "omfattning", "ar"]):
                tg = target[(target["matt"] == matt) & (target["slag"] == slag) & (target["omfattning"] == omf)
                            & (target["ar"] == ar)]
                if tg.empty:
                    continue
                values = dict(zip(g["rad"].astype(int), g["belopp"]))
                s, n = group_sum(rows, values, rec.grupp)
                if n == 0:
                    continue
                tgt = tg.iloc[0]
                decimals = max(int(g["decimaler"].max()), int(tgt["decimaler"]))
                out.append(compare(
                    kommun, "ekonomi", t.id, rec.grupp or "(hela tabellen)", str(g["kolumn"].iat[0]), tgt["belopp"], s,
                    tolerance(n, decimals),
                    f"Publicerad siffra i tabellen '{rec.tabell}' (rad '{rec.verksamhet}', kolumn '{tgt['kolumn']}') "
                    f"jämförd med summan av {n} rader {('under ' + repr(rec.grupp)) if rec.grupp else 'på översta nivån'} "
                    "i den här tabellen (avstämning mellan tabeller).",
                ))
    return out


# --- the reconciled table per verksamhet ----------------------------------------------------------

MEASURES = {
    # name: (matt, slag, omfattning, year offset from the report year)
    "budget_period": ("netto", "budget", "period", 0),
    "utfall_period": ("netto", "utfall", "period", 0),
    "avvikelse_period_publicerad": ("avvikelse", "", "period", 0),
    "helarsbudget": ("netto", "budget", "helar", 0),
    "prognos": ("netto", "prognos", "helar", 0),
    "prognosavvikelse_publicerad": ("avvikelse", "", "helar", 0),
    "utfall_fg_ar": ("netto", "utfall", "helar", -1),
}


def reconciled_table(run, tables: list[str] | None = None) -> pd.DataFrame:
    """Budget against outcome per verksamhet, normalised (positive deviation = better than budget).

    Deviations are recomputed where budget and outcome exist; where only a full-year budget exists
    the period budget is prorated linearly (riktpunkt) and marked so. Published summa rows are kept
    as published totals (radtyp 'summa'). Computed once per run.
    """
    tables = list(tables or run.meta.huvudtabeller)
    if hasattr(run, "cached"):
        return run.cached(("reconciled", tuple(tables)), lambda: _reconciled_table(run, tables)).copy()
    return _reconciled_table(run, tables)


def _reconciled_table(run, tables: list[str]) -> pd.DataFrame:
    eco = economy_rows(run.tidy)
    m = run.month
    rows = run.structure[run.structure["tabell"].isin(tables)].copy()
    rows["_order"] = rows["tabell"].map({t: i for i, t in enumerate(tables)})
    rows = rows.sort_values(["_order", "rad"])[["tabell", "rad", "verksamhet", "overordnad", "radtyp", "summerar"]]
    df = rows.reset_index(drop=True)
    df["rad"] = df["rad"].astype(int)
    if df.empty:
        return df
    part = eco[eco["tabell"].isin(tables)]
    for name, (matt, slag, omf, off) in MEASURES.items():
        hit = part[(part["matt"] == matt) & (part["slag"] == slag) & (part["omfattning"] == omf)
                   & (part["ar"] == run.meta.ar + off)]
        values = hit.drop_duplicates(["tabell", "rad"]).set_index(["tabell", "rad"])["belopp"]
        df[name] = [float(values.get((t, r), np.nan)) for t, r in zip(df["tabell"], df["rad"])]
    df["budget_period_harledd"] = df["budget_period"].isna() & df["helarsbudget"].notna()
    df.loc[df["budget_period_harledd"], "budget_period"] = prorated_budget(df["helarsbudget"], m)
    _derive_and_recompute(df, "budget_period", "utfall_period", "avvikelse_period")
    _derive_and_recompute(df, "helarsbudget", "prognos", "prognosavvikelse")
    df["avvikelse_procent"] = 100 * df["avvikelse_period"] / df["budget_period"].abs().replace(0, np.nan)
    df["andel_av_helarsbudget"] = 100 * df["utfall_period"] / df["helarsbudget"]
    df["riktpunkt"] = riktpunkt(m)
    if len(tables) > 1:
        df = _add_total_row(df, tables)
    return df


def _derive_and_recompute(df: pd.DataFrame, budget: str, outcome: str, deviation: str) -> None:
    """Where the outcome is missing but budget and the published deviation exist, derive the outcome
    (flag ``<outcome>_harledd``); where both budget and a published outcome exist, recompute the
    deviation; otherwise keep the published one (column ``<deviation>_publicerad``)."""
    published = df[f"{deviation}_publicerad"]
    derived = df[outcome].isna() & published.notna() & df[budget].notna()
    df[f"{outcome}_harledd"] = derived
    df.loc[derived, outcome] = df[budget] + published
    recomputable = df[outcome].notna() & df[budget].notna() & ~derived
    df[deviation] = np.where(recomputable, df[outcome] - df[budget], published)


def _add_total_row(df: pd.DataFrame, tables: list[str]) -> pd.DataFrame:
    """Several main tables (Lomma's three areas): their own SUMMA rows go, one computed total comes."""
    body = df[~((df["radtyp"] == "summa") & (df["summerar"] == ""))].copy()
    posts = body[body["radtyp"] == "post"]
    total = {c: posts[c].sum(min_count=1) for c in body.columns if body[c].dtype.kind == "f"}
    total.update(tabell="", rad=0, verksamhet="Nämnden totalt (beräknat)", overordnad="", radtyp="summa", summerar="",
                 budget_period_harledd=bool(posts["budget_period_harledd"].any()),
                 utfall_period_harledd=bool(posts["utfall_period_harledd"].any()),
                 prognos_harledd=bool(posts["prognos_harledd"].any()))
    total["avvikelse_procent"] = 100 * total["avvikelse_period"] / abs(total["budget_period"])
    total["andel_av_helarsbudget"] = 100 * total["utfall_period"] / total["helarsbudget"]
    total["riktpunkt"] = posts["riktpunkt"].iat[0]
    return pd.concat([body, pd.DataFrame([total])], ignore_index=True)


def chart_deviations(run) -> pd.Series:
    """The deviations the report charts and summarises: the detail tables if the municipality has
    them (Lomma's per-activity figures), otherwise the main tables."""
    return deviations_for_chart(reconciled_table(run, list(run.meta.detaljtabeller) or None))


def deviations_for_chart(table: pd.DataFrame) -> pd.Series:
    """Deviation per verksamhet, sorted: period if present, else forecast. In a table grouped under
    rubrik rows (Lomma's areas), the rows directly under the rubriker; otherwise the post rows."""
    headings = set(table.loc[table["radtyp"] == "rubrik", "verksamhet"])
    if headings:
        posts = table[table["overordnad"].isin(headings) & (table["radtyp"] != "rubrik")]
    else:
        posts = table[table["radtyp"] == "post"]
    col = "avvikelse_period" if posts["avvikelse_period"].notna().any() else "prognosavvikelse"
    labels = posts["verksamhet"]
    repeated = labels.duplicated(keep=False)
    labels = labels.where(~repeated, labels + " (" + posts["overordnad"] + ")")  # "Övriga verksamheter (HVO)"
    s = posts.assign(verksamhet=labels).set_index("verksamhet")[col].dropna()
    s.name = col
    return s.sort_values()


# --- riktpunkt -------------------------------------------------------------------------------------

def riktpunkt(month: int) -> float:
    """The share of the year elapsed after ``month``, in percent (66,7 % after August)."""
    return 100 * month / 12


def prorated_budget(full_year, month: int, profile: list[float] | None = None):
    """Period budget from a full-year budget: linear (month/12), or by a seasonal profile of 12 weights."""
    if profile is None:
        return full_year * month / 12
    if len(profile) != 12 or sum(profile) <= 0:
        raise ValueError("En säsongsprofil ska ha 12 positiva vikter.")
    return full_year * sum(profile[:month]) / sum(profile)


def riktpunkt_table(table: pd.DataFrame, month: int) -> pd.DataFrame:
    """Outcome as a percent of the full-year budget against the riktpunkt (months elapsed / 12)."""
    t = table[table["utfall_period"].notna() & table["helarsbudget"].notna() & ~table["utfall_period_harledd"]].copy()
    t["budget_period_rak"] = prorated_budget(t["helarsbudget"], month)
    t["avvikelse_mot_riktpunkt"] = t["utfall_period"] - t["budget_period_rak"]
    return t[["verksamhet", "radtyp", "helarsbudget", "utfall_period", "andel_av_helarsbudget", "riktpunkt",
              "budget_period_rak", "avvikelse_mot_riktpunkt"]].reset_index(drop=True)


# --- forecast check --------------------------------------------------------------------------------

def run_rate(outcome_ytd: float, month: int) -> float:
    return outcome_ytd / month * 12


def seasonal_forecast(outcome_ytd: float, month: int, history: pd.DataFrame) -> float | None:
    """Full-year forecast from earlier years' monthly profile of the same activity's volumes.

    ``history`` has columns ar, manad, varde for complete earlier years. The share of the year's
    volume that falls in months 1..month, averaged over the years, scales the outcome up.
    """
    shares = []
    for _, g in history.groupby("ar"):
        if set(g["manad"].astype(int)) != set(range(1, 13)):
            continue
        total = g["varde"].sum()
        if total:
            shares.append(g[g["manad"] <= month]["varde"].sum() / total)
    if not shares:
        return None
    return outcome_ytd / float(np.mean(shares))


def forecast_check(table: pd.DataFrame, month: int, seasonal: dict[str, float] | None = None,
                   threshold: float = FORECAST_THRESHOLD) -> pd.DataFrame:
    """Official forecast beside a run-rate (and seasonal) forecast; flagged when it differs from both
    by more than ``threshold`` × |full-year budget|."""
    seasonal = seasonal or {}
    t = table[table["prognos"].notna() & table["utfall_period"].notna() & table["helarsbudget"].notna()].copy()
    t["prognos_rak"] = run_rate(t["utfall_period"], month)
    t["prognos_sasong"] = t["verksamhet"].map(seasonal).astype(float)
    limit = threshold * t["helarsbudget"].abs()
    off_rate = (t["prognos"] - t["prognos_rak"]).abs() > limit
    off_season = (t["prognos"] - t["prognos_sasong"]).abs() > limit
    t["flagga"] = off_rate & (off_season | t["prognos_sasong"].isna())
    t["troskel"] = limit
    return t[["verksamhet", "radtyp", "helarsbudget", "utfall_period", "prognos", "prognos_harledd",
              "prognos_rak", "prognos_sasong", "troskel", "flagga"]].reset_index(drop=True)


# --- volume and price ------------------------------------------------------------------------------

UNIT_PAIRS = {"timmar": "timme", "årsplatser": "årsplats", "platser": "plats", "brukare": "brukare", "dygn": "dygn"}


def split_volume_price(v_budget: float, c_budget: float, v_actual: float, c_actual: float) -> dict:
    """Volume effect (Δvolume × budgeted unit cost) and price effect (Δunit cost × actual volume);
    they add up exactly to the total (actual cost − budget cost)."""
    volume = (v_actual - v_budget) * c_budget
    price = (c_actual - c_budget) * v_actual
    return {"volymeffekt": volume, "priseffekt": price, "total": v_actual * c_actual - v_budget * c_budget}


def volume_price_table(run, compare: tuple[str, str] = ("budget", "prognos")) -> pd.DataFrame:
    """Split the forecast deviation into volume and price for each verksamhet that publishes both a
    volume and a unit cost (Botkyrka's Volymer and Nyckeltal). Amounts in tkr, costs negative."""
    t = run.tidy
    vol = t[(t["dataset"] == "volymer") & (t["matt"] == "arsvarde")]
    key = t[t["dataset"] == "nyckeltal"]
    year = run.meta.ar
    out = []
    for (verksamhet, enhet), v in vol.groupby(["verksamhet", "enhet"]):
        target = UNIT_PAIRS.get(enhet)
        if not target:
            continue
        k = key[(key["verksamhet"] == verksamhet) & key["enhet"].str.endswith("/" + target)]
        if k.empty:
            continue
        kunit = k["enhet"].iat[0]
        k = k[k["enhet"] == kunit]
        scale = 1 / 1000 if kunit.startswith("kr") else 1.0

        def get(df, slag):
            hit = df[(df["slag"] == slag) & (df["ar"] == year)]
            return float(hit["varde"].iat[0]) if len(hit) else np.nan

        vb, va = get(v, compare[0]), get(v, compare[1])
        cb, ca = get(k, compare[0]) * scale, get(k, compare[1]) * scale
        if np.isnan([vb, va, cb, ca]).any():
            continue
        parts = split_volume_price(vb, cb, va, ca)
        out.append({"verksamhet": verksamhet, "storhet": v["storhet"].iat[0], "enhet": enhet,
                    "nyckeltal": k["storhet"].iat[0], "volym_budget": vb, "volym_prognos": va,
                    "styckkostnad_budget_tkr": cb, "styckkostnad_prognos_tkr": ca,
                    "jamforelse": f"prognos mot budget {year}", **parts})
    linked = volume_price_from_links(run)
    frames = [f for f in (pd.DataFrame(out), linked) if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# --- links between economy and monthly volumes (metadata [[koppling]]) ----------------------------

def _link_series(run, link):
    from .volumes import run_series

    s = run_series(run)
    return s[(s["tabell"] == link.volymtabell) & (s["serie"] == link.serie)]


def seasonal_forecasts(run) -> dict[str, float]:
    """Seasonal full-year forecasts for linked verksamheter: the outcome scaled by the share of the
    year's volume that earlier complete years had in months 1..month."""
    recon = reconciled_table(run).set_index("verksamhet")
    out = {}
    for link in run.meta.kopplingar:
        if link.verksamhet not in recon.index or pd.isna(recon.loc[link.verksamhet, "utfall_period"]):
            continue
        hist = _link_series(run, link)
        hist = hist[(hist["slag"] == "utfall") & (hist["ar"] < run.year)][["ar", "manad", "varde"]]
        value = seasonal_forecast(float(recon.loc[link.verksamhet, "utfall_period"]), run.month, hist)
        if value is not None:
            out[link.verksamhet] = value
    return out


def volume_price_from_links(run) -> pd.DataFrame:
    """Volume/price split of the period deviation for linked verksamheter: period budget and outcome
    (tkr) beside budgeted and actual volumes for the same months."""
    from .volumes import _period_aggregate

    recon = reconciled_table(run).set_index("verksamhet")
    rows = []
    for link in run.meta.kopplingar:
        if link.verksamhet not in recon.index:
            continue
        r = recon.loc[link.verksamhet]
        s = _link_series(run, link)
        agg = _period_aggregate(s[s["ar"] == run.year], run.month)
        vb = agg[agg["slag"] == "budget"]["varde"]
        va = agg[agg["slag"] == "utfall"]["varde"]
        if vb.empty or va.empty or pd.isna(r["budget_period"]) or pd.isna(r["utfall_period"]):
            continue
        vb, va = float(vb.iat[0]), float(va.iat[0])
        cb, ca = r["budget_period"] / vb, r["utfall_period"] / va
        parts = split_volume_price(vb, cb, va, ca)
        rows.append({"verksamhet": link.verksamhet, "storhet": link.serie, "enhet": s["enhet"].iat[0],
                     "nyckeltal": "tkr per enhet (periodens nettokostnad / volym)", "volym_budget": vb,
                     "volym_prognos": va, "styckkostnad_budget_tkr": cb, "styckkostnad_prognos_tkr": ca,
                     "jamforelse": f"utfall mot budget januari–{_month_name(run.month)} {run.year}", **parts})
    return pd.DataFrame(rows)


def _month_name(m: int) -> str:
    from .volumes import MONTH_NAMES

    return MONTH_NAMES[m - 1]
