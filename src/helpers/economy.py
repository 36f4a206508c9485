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


def group_sum(rows: list[Row], values: dict[int, float], group: str, exclude: int | None = None,
              headings: set[str] | None = None) -> tuple[float, int]:
    """Recompute a group's total from its children: (sum, number of published figures used).

    post and summa children count with their published value; a rubrik counts with its own summa row
    if one exists (that row is counted where it stands), otherwise with its recomputed children.
    """
    summarised = {r.summerar for r in rows if r.radtyp == "summa"}
    total, n = 0.0, 0
    for r in rows:
        if r.parent != group or r.line == exclude:
            continue
        if r.radtyp == "summa" and r.summerar == group:
            continue
        if r.radtyp == "rubrik" or (r.line not in values and r.label not in summarised and _has_children(rows, r.label)):
            if r.label in summarised:
                continue
            s, k = group_sum(rows, values, r.label)
            total += s
            n += k
        elif r.line in values:
            total += values[r.line]
            n += 1
    return total, n


def _has_children(rows: list[Row], label: str) -> bool:
    return any(r.parent == label for r in rows)


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


def _by_key(part: pd.DataFrame) -> pd.DataFrame:
    return part.set_index(["rad", "matt", "slag", "omfattning", "ar"])


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
    for (rad, slag, omf, ar), g in comp.groupby(["rad", "slag", "omfattning", "ar"]):
        m = {x.matt: x for x in g.itertuples()}
        if "netto" in m and ("intakter" in m or "kostnader" in m) and "kostnader" in m:
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
            for (matt, omf, ar), g in part.groupby(["matt", "omfattning", "ar"]):
                tg = target[(target["matt"] == matt) & (target["omfattning"] == omf) & (target["ar"] == ar)]
                if tg.empty:
                    continue
                values = dict(zip(g["rad"].astype(int), g["belopp"]))
                s, n = group_sum(rows, values, rec.grupp)
                if n == 0:
                    continue
                tgt = tg.iloc[0]
                decimals = max(int(g["decimaler"].max()), int(tgt["decimaler"]))
                out.append(compare(
                    kommun, "ekonomi", rec.tabell, rec.verksamhet, tgt["kolumn"], tgt["belopp"], s,
                    tolerance(n, decimals),
                    f"Publicerad siffra jämförd med summan av {n} delbelopp för '{rec.grupp}' i tabellen '{t.id}' (avstämning mellan tabeller).",
                ))
    return out
