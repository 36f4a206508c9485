"""Budget against outcome per verksamhet, with one figure in use per cell and its evidence.

Each measure (budget_period, utfall_period, avvikelse_period, helarsbudget, prognos,
prognosavvikelse, utfall_fg_ar) gets three columns: the value in use, ``<m>_hur`` (how it came
about: publicerad, ersatt – a published total replaced by what the evidence supports –, beraknad,
uppskattad) and ``<m>_publicerad`` (the printed value, where it differs from the value in use).
``<m>_fel`` marks a published figure the checks call wrong but could not replace; no headline may
rest on it. Signs are normalised: costs negative, a positive deviation better than budget."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..checks.evidence import Resolution
from ..checks.figures import EcoRows, grand_total_rows, row_cells
from ..checks.finding import Cell
from ..core.hierarchy import Row
from ..core.measures import PUBLICERAD, derive_row, prorated_budget
from ..core.period import Period
from ..core.vocabulary import MEASURES

ERSATT = "ersatt"
TOTAL_LABEL = "Nämnden totalt"


Supplement = dict[tuple[str, str], dict[str, tuple[Cell, pd.Series]]]


def supplements(eco: pd.DataFrame, rows: dict[str, list[Row]], meta, year: int) -> Supplement:
    """(main table, label) → measure → (cell, tidy row) published in a table that complements the main
    table (metadata ``kompletterar``): the report uses these published figures instead of estimates."""
    out: Supplement = {}
    lookup = EcoRows(eco) if any(t.kompletterar for t in meta.tabell) else eco
    for t in meta.tabell:
        if not t.kompletterar:
            continue
        for r in rows.get(t.id, []):
            label = t.samma_som.get(r.label, r.label)
            for name, c in row_cells(lookup, t.id, r.line, year).items():
                out.setdefault((t.kompletterar, label), {}).setdefault(name, (Cell(t.id, r.line, str(c["kolumn"])), c))
    return out


def reconciled_table(eco: pd.DataFrame, rows: dict[str, list[Row]], tables: list[str], period: Period,
                     resolutions: dict[Cell, Resolution], wrong: set[Cell], add_total: bool = True,
                     supplement: Supplement | None = None) -> pd.DataFrame:
    """One row per table row (rubrik rows included, valueless) with every measure in use. ``supplement``
    (see ``supplements``) adds figures another table publishes for a row's verksamhet."""
    overrides = {c: r.in_use for c, r in resolutions.items()}
    supplement = supplement or {}
    records, inputs = [], []
    lookup = EcoRows(eco)
    for order, t in enumerate(tables):
        for r in rows.get(t, []):
            rec = dict(tabell=t, rad=r.line, verksamhet=r.label, overordnad=r.parent, radtyp=r.radtyp,
                       summerar=r.summerar, _order=order)
            cells = {name: (Cell(t, r.line, str(c["kolumn"])), c)
                     for name, c in row_cells(lookup, t, r.line, period.year).items()}
            for name, pair in supplement.get((t, r.label), {}).items():
                cells.setdefault(name, pair)
            rec["kommentar"] = str(cells["prognos"][1]["kommentar"]) if "prognos" in cells else ""
            values, how, printed, bad = {}, {}, {}, {}
            for name, (cell, c) in cells.items():
                factor = float(c["belopp"]) / float(c["varde"]) if float(c["varde"]) else 1.0
                values[name] = factor * overrides[cell] if cell in overrides else float(c["belopp"])
                how[name] = ERSATT if (cell in resolutions and resolutions[cell].replaced) else PUBLICERAD
                printed[name] = float(c["belopp"])
                bad[name] = cell in wrong and cell not in resolutions
            figs = derive_row(values, period.month)
            for name in MEASURES:
                f = figs.get(name)
                rec[name] = f.value if f else np.nan
                rec[f"{name}_hur"] = (how.get(name, PUBLICERAD) if name in values else (f.how if f else ""))
                rec[f"{name}_publicerad"] = printed[name] if how.get(name) == ERSATT else np.nan
                rec[f"{name}_fel"] = bool(bad.get(name, False))
            records.append(rec)
            inputs.append(values)
    _sum_estimated_totals(records, inputs, period)
    df = pd.DataFrame.from_records(records)
    if df.empty:
        return df
    if add_total and len(tables) == 1 and not (df["radtyp"] == "summa").any() and (df["radtyp"] == "rubrik").any():
        df = _with_group_totals(df)
    df = _ratios(df, period)
    if add_total and len(tables) > 1:
        df = _with_total(df, rows, tables, period)
    return df.drop(columns="_order").reset_index(drop=True)


def _sum_estimated_totals(records: list[dict], inputs: list[dict], period: Period) -> None:
    """A published total whose period outcome is only an estimate, while every row under it has a
    published (or exactly computed) outcome, gets the sum of its rows instead (beraknad), and its
    budget follows from it and its published deviation."""
    for rec, values in zip(records, inputs):
        if rec["radtyp"] != "summa" or rec.get("utfall_period_hur") != "uppskattad" or not rec["summerar"]:
            continue
        members = [m for m in records if m["tabell"] == rec["tabell"] and m["overordnad"] == rec["summerar"]
                   and m["radtyp"] == "post"]
        if not members or any(m.get("utfall_period_hur") not in (PUBLICERAD, ERSATT, "beraknad") for m in members):
            continue
        figs = derive_row({**values, "utfall_period": sum(m["utfall_period"] for m in members)}, period.month)
        for name in ("budget_period", "utfall_period", "avvikelse_period"):
            f = figs.get(name)
            if f is not None and name not in values:
                rec[name], rec[f"{name}_hur"] = f.value, "beraknad"


def _total_of(parts: pd.DataFrame, label: str, summerar: str, order: int) -> dict:
    """A computed total row: the sum of ``parts`` for every measure (how: beraknad, or uppskattad)."""
    total = {"tabell": "", "rad": 0, "verksamhet": label, "overordnad": "", "radtyp": "summa", "summerar": summerar,
             "_order": order, "kommentar": ""}
    for name in MEASURES:
        vals = parts[name]
        total[name] = vals.sum(min_count=len(vals)) if len(vals) else np.nan
        hows = set(parts[f"{name}_hur"]) - {""}
        total[f"{name}_hur"] = "uppskattad" if "uppskattad" in hows else ("beraknad" if total[name] == total[name] else "")
        total[f"{name}_publicerad"] = np.nan
        total[f"{name}_fel"] = bool(parts[f"{name}_fel"].any())
    return total


def _with_group_totals(df: pd.DataFrame) -> pd.DataFrame:
    """A table with areas (rubrik rows) but no published totals – a ledger – gets a computed total after
    each area and one for the nämnd."""
    area_totals: list[dict] = []
    areas = list(df.loc[df["radtyp"] == "rubrik", "verksamhet"])
    result: list[dict] = []
    for area in areas:
        members = df[(df["overordnad"] == area) & (df["radtyp"] == "post")]
        result.append(df[df["verksamhet"] == area].iloc[0].to_dict())
        result += [m.to_dict() for _, m in members.iterrows()]
        t = _total_of(members, f"Summa {area}", area, 0)
        result.append(t)
        area_totals.append(t)
    top = df[(df["overordnad"] == "") & (df["radtyp"] == "post")]
    result += [m.to_dict() for _, m in top.iterrows()]
    everything = pd.concat([pd.DataFrame(area_totals), top], ignore_index=True) if area_totals else top
    result.append(_total_of(everything, TOTAL_LABEL, "", 0))
    return pd.DataFrame(result)


def _ratios(df: pd.DataFrame, period: Period) -> pd.DataFrame:
    df["avvikelse_procent"] = 100 * df["avvikelse_period"] / df["budget_period"].abs().replace(0, np.nan)
    df["andel_av_helarsbudget"] = 100 * df["utfall_period"] / df["helarsbudget"].replace(0, np.nan)
    df["riktpunkt"] = period.riktpunkt
    return df


def _with_total(df: pd.DataFrame, rows: dict[str, list[Row]], tables: list[str], period: Period) -> pd.DataFrame:
    """Several main tables (Lomma's three areas): their own grand totals go and one computed nämnd total
    comes, the sum of the areas."""
    keys = set(grand_total_rows(rows, tables))
    is_table_total = [(t, r) in keys and rt == "summa" for t, r, rt in zip(df["tabell"], df["rad"], df["radtyp"])]
    body = df[~pd.Series(is_table_total, index=df.index)].copy()
    parts = df[[(t, r) in keys for t, r in zip(df["tabell"], df["rad"])]]
    total = _total_of(parts, TOTAL_LABEL, "", len(tables))
    out = pd.concat([body, pd.DataFrame([total])], ignore_index=True)
    return _ratios(out, period)


def total_row(table: pd.DataFrame) -> pd.Series | None:
    """The nämnd's total: the computed total, or the single main table's top-level summa row."""
    tot = table[(table["radtyp"] == "summa") & (table["summerar"] == "") & (table["overordnad"] == "")]
    return tot.iloc[-1] if len(tot) else None


def detail_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The rows a reader compares: directly under the rubrik rows in a grouped table (Lomma's areas), or
    the post rows; labels that repeat get their group in brackets."""
    headings = set(table.loc[table["radtyp"] == "rubrik", "verksamhet"])
    if headings:
        own_total = (table["radtyp"] == "summa") & (table["summerar"] == table["overordnad"])
        posts = table[table["overordnad"].isin(headings) & (table["radtyp"] != "rubrik") & ~own_total]
    else:
        posts = table[table["radtyp"] == "post"]
    labels = posts["verksamhet"]
    repeated = labels.duplicated(keep=False)
    return posts.assign(etikett=labels.where(~repeated, labels + " (" + posts["overordnad"] + ")"))


def area_rows(table: pd.DataFrame, several_tables: bool = False) -> pd.DataFrame:
    """The nämnd's areas: for each top-level row, its group's total (a rubrik's summa row), the summa
    row itself, or the post. Empty unless the table is grouped (or spans several tables)."""
    if table.empty:
        return table
    summa_of = {r.summerar: r for r in table.itertuples() if r.radtyp == "summa" and r.summerar}
    rubriker = set(table.loc[table["radtyp"] == "rubrik", "verksamhet"])
    picked = []
    for r in table.itertuples():
        if r.overordnad != "" or (r.radtyp == "summa" and r.summerar == ""):
            continue
        if r.radtyp == "summa" and r.summerar in rubriker:
            continue  # picked through its rubrik
        if r.radtyp == "rubrik":
            if r.verksamhet in summa_of:
                picked.append((summa_of[r.verksamhet].Index, r.verksamhet))
        else:
            picked.append((r.Index, r.verksamhet))
    picked = list(dict.fromkeys(picked))
    areas = table.loc[[i for i, _ in picked]].assign(etikett=[label for _, label in picked])
    grouped = several_tables or (areas["radtyp"] == "summa").any()
    return areas if (len(areas) >= 2 and grouped) else table.iloc[0:0]


def deviations(table: pd.DataFrame, measure: str) -> pd.Series:
    """Deviation per verksamhet for one measure, sorted (values the checks call wrong left out)."""
    posts = detail_rows(table)
    posts = posts[~posts[f"{measure}_fel"].astype(bool)]
    s = posts.set_index("etikett")[measure].dropna()
    s.name = measure
    return s.sort_values()


def chart_measure(table: pd.DataFrame) -> str:
    """The period deviation if the table has it, otherwise the forecast deviation."""
    return "avvikelse_period" if table["avvikelse_period"].notna().any() else "prognosavvikelse"


# --- riktpunkt --------------------------------------------------------------------------------------

def riktpunkt_table(table: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Outcome as a percent of the full-year budget against the riktpunkt (months elapsed / 12).

    Where the municipality publishes a period budget, its share of the full-year budget is shown
    (its own seasonal profile) and no second period deviation is invented. Where it does not, the
    period budget is the full-year budget spread evenly, and that estimate is labelled as such."""
    t = table[table["utfall_period"].notna() & table["helarsbudget"].notna() & (table["radtyp"] != "rubrik")].copy()
    if t.empty:
        return t
    t["budget_andel"] = 100 * t["budget_period"] / t["helarsbudget"].replace(0, np.nan)
    t["periodbudget_uppskattad"] = t["budget_period_hur"] == "uppskattad"
    t["budget_period_jamn"] = prorated_budget(t["helarsbudget"], period.month)
    return t.reset_index(drop=True)


