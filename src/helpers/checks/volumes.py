"""Checks of the volume tables: published sums and means against their months, intern + extern =
totalt, repeated or mislabelled rows, values after the report period, outliers, missing months and
key figures.

A month after the report period is not data: whatever the source printed there is reported once
and left out of every sum, mean and chart."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.formats import number
from ..core.period import Period
from ..core.vocabulary import MONTHLY, month_abbr, month_name, month_span
from .finding import Cell, Check, compare, last_digit, observation, ratio_tolerance

# Modified z-score above which a monthly value is a `varning` (Iglewicz & Hoaglin).
OUTLIER_Z = 3.5
RATIO_UNITS = {"timmar/brukare": ("timmar", "brukare"), "timmar/person": ("timmar", "personer")}


@dataclass(frozen=True)
class Relabel:
    """A published row whose label names the wrong year, and what the data shows it really is."""
    tabell: str
    rad: int
    etikett: str          # as published, e.g. "Totalt 2017"
    ar_publicerat: int
    ar: int               # what the data shows
    belagg: str           # the evidence, in Swedish


@dataclass
class VolumeChecks:
    checks: list[Check]
    relabels: list[Relabel]
    ignored_rows: list[tuple[str, int]]  # (tabell, rad): repeated rows that cannot be placed


def monthly_rows(tidy: pd.DataFrame) -> pd.DataFrame:
    return tidy[(tidy["dataset"] == "volymer") & (tidy["matt"] == MONTHLY)]


def data_months(m: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Monthly values that are data for a report on ``period``: outcome months after it are not."""
    return m[~((m["slag"] == "utfall") & period.is_after(m["ar"], m["manad"]))]


def _label(r) -> str:
    return f"{r.verksamhet} / {r.radetikett}".strip(" /")


def volume_checks(tidy: pd.DataFrame, period: Period) -> VolumeChecks:
    vol = tidy[tidy["dataset"] == "volymer"]
    out: list[Check] = keyfigure_checks(tidy)
    if vol.empty:
        return VolumeChecks(out, [], [])
    kommun = str(vol["kommun"].iat[0])
    per = str(period)
    relabels, ignored, dup_checks = repeated_label_checks(vol, kommun, per)
    m = _apply_relabels(monthly_rows(vol), relabels, ignored)
    out += dup_checks
    out += future_checks(_apply_relabels(monthly_rows(vol), relabels, ignored), period, kommun)
    m = data_months(m, period)
    out += summary_checks(vol, m, kommun, per)
    out += regi_checks(m, kommun, per)
    out += outlier_checks(m, kommun, per)
    out += missing_month_checks(m, period, kommun)
    return VolumeChecks(out, relabels, ignored)


def _apply_relabels(m: pd.DataFrame, relabels: list[Relabel], ignored: list[tuple[str, int]]) -> pd.DataFrame:
    m = m.copy()
    for r in relabels:
        hit = (m["tabell"] == r.tabell) & (m["rad"] == r.rad)
        m.loc[hit, "ar"] = r.ar
    if ignored:
        keep = ~pd.Series([(t, int(rad)) in set(ignored) for t, rad in zip(m["tabell"], m["rad"])], index=m.index)
        m = m[keep]
    return m


# --- published sums and means ---------------------------------------------------------------------

def summary_checks(vol: pd.DataFrame, m: pd.DataFrame, kommun: str, per: str) -> list[Check]:
    """Published sums ('Ack aug') and means ('Genomsnitt') against their months (aggregated in one pass)."""
    out = []
    summaries = vol[vol["matt"].isin(["ack", "medel"])]
    if summaries.empty:
        return out
    months = m[["tabell", "rad", "manad", "varde", "decimaler"]]
    j = summaries.merge(months, on=["tabell", "rad"], suffixes=("", "_m"))
    upto = j["till_manad"].fillna(12).astype(int)
    j = j[j["manad_m"].astype(int) <= upto]
    keys = ["tabell", "rad", "kolumn"]
    agg = j.groupby(keys, sort=False).agg(
        n=("varde_m", "size"), summa=("varde_m", "sum"), medel=("varde_m", "mean"), d_in=("decimaler_m", "max"),
        forsta=("manad_m", "min"), sista=("manad_m", "max"), manader=("manad_m", lambda x: tuple(int(v) for v in x)),
    ).reset_index()
    first = summaries.drop_duplicates(keys)[keys + ["varde", "matt", "enhet", "decimaler", "till_manad",
                                                    "verksamhet", "radetikett"]]
    agg = agg.merge(first, on=keys)
    for r in agg.itertuples():
        n = int(r.n)
        span = month_span(int(r.forsta), int(r.sista))
        inputs = tuple(Cell(str(r.tabell), int(r.rad), month_abbr(x).capitalize()) for x in r.manader)
        label = f"{r.verksamhet} / {r.radetikett}".strip(" /")
        expected_n = int(r.till_manad) if pd.notna(r.till_manad) else None
        common = dict(kommun=kommun, period=per, dataset="volymer", tabell=str(r.tabell), rad_text=label,
                      kolumn=str(r.kolumn), enhet=str(r.enhet), cell=Cell(str(r.tabell), int(r.rad), str(r.kolumn)),
                      inputs=inputs, missing_inputs=max(0, (expected_n or n) - n))
        if r.matt == "ack":
            out.append(compare(kind="ack", published=float(r.varde), computed=float(r.summa),
                               tol=n * 0.5 * last_digit(int(r.d_in)) + 0.5 * last_digit(int(r.decimaler)),
                               beskrivning=f"Publicerad summa ('{r.kolumn}') jämförd med summan av {n} månader {span}.",
                               **common))
        else:
            out.append(compare(kind="medel", published=float(r.varde), computed=float(r.medel),
                               tol=0.5 * last_digit(int(r.d_in)) + 0.5 * last_digit(int(r.decimaler)),
                               beskrivning=f"Publicerat medelvärde ('{r.kolumn}') jämfört med medelvärdet av {n} månader "
                                           f"{span}.", **common))
    return out


# --- intern + extern = totalt ----------------------------------------------------------------------

def regi_checks(m: pd.DataFrame, kommun: str, per: str) -> list[Check]:
    out = []
    m = m[m["regi"].isin(["intern", "extern", "totalt"])]
    for (tabell, serie, ar, _slag), g in m.groupby(["tabell", "verksamhet", "ar", "slag"], sort=False):
        parts = g[g["regi"].isin(["intern", "extern"])]
        if parts["regi"].nunique() < 2:
            continue
        both = parts.pivot_table(index="manad", columns="regi", values="varde", aggfunc="first").dropna()
        lines = parts.pivot_table(index="manad", columns="regi", values="rad", aggfunc="first")
        for rad, tot in g[g["regi"] == "totalt"].groupby("rad", sort=False):
            tot = tot.set_index("manad")
            label = f"{serie} / {tot['radetikett'].iat[0]}"
            for manad, row in both.iterrows():
                if manad not in tot.index:
                    continue
                t = tot.loc[manad]
                d = int(max(t["decimaler"], 0))
                col = month_abbr(int(manad)).capitalize()
                out.append(compare(
                    kommun=kommun, period=per, dataset="volymer", tabell=str(tabell), rad_text=label, kolumn=col,
                    kind="regi", published=float(t["varde"]), computed=float(row["intern"] + row["extern"]),
                    tol=3 * 0.5 * last_digit(d), enhet=str(t["enhet"]), cell=Cell(str(tabell), int(rad), col),
                    inputs=(Cell(str(tabell), int(lines.loc[manad, "intern"]), col),
                            Cell(str(tabell), int(lines.loc[manad, "extern"]), col)),
                    beskrivning=f"Totalt jämfört med intern plus extern regi, {month_name(int(manad))} {int(ar)}."))
    return out


# --- repeated and mislabelled rows -----------------------------------------------------------------

def _regi_sums(m: pd.DataFrame, tabell: str, serie: str) -> dict[int, pd.Series]:
    """intern + extern per month for every year of a series (where both exist)."""
    out = {}
    sub = m[(m["tabell"] == tabell) & (m["verksamhet"] == serie) & m["regi"].isin(["intern", "extern"])]
    for ar, g in sub.groupby("ar"):
        p = g.pivot_table(index="manad", columns="regi", values="varde", aggfunc="first")
        if {"intern", "extern"} <= set(p.columns):
            out[int(ar)] = (p["intern"] + p["extern"]).dropna()
    return out


def repeated_label_checks(vol: pd.DataFrame, kommun: str, per: str
                          ) -> tuple[list[Relabel], list[tuple[str, int]], list[Check]]:
    """A label printed twice in one table: one finding. Where the data shows what an occurrence really
    is (a 'Totalt' row equal to intern + extern of another year in every month), it is relabelled."""
    relabels, ignored, out = [], [], []
    m = monthly_rows(vol)
    m = m[m["radetikett"] != ""]
    lines = m.groupby(["tabell", "verksamhet", "regi", "radetikett"])["rad"].unique()
    for (tabell, serie, _regi, etikett), rads in lines.items():
        rads = sorted(int(r) for r in rads)
        if len(rads) < 2:
            continue
        sums = _regi_sums(m, str(tabell), str(serie))
        explained = []
        for rad in rads:
            row = m[(m["tabell"] == tabell) & (m["rad"] == rad)].set_index("manad")["varde"]
            year = int(m[(m["tabell"] == tabell) & (m["rad"] == rad)]["ar"].iat[0])
            own = sums.get(year)
            if own is not None and _equal_every_month(row, own):
                continue  # this occurrence is what its label says
            for other, s in sorted(sums.items()):
                if other != year and _equal_every_month(row, s):
                    n = len(row.index.intersection(s.index))
                    explained.append(Relabel(str(tabell), rad, str(etikett), year, other,
                                             f"raden är lika med intern + extern regi {other} i alla {n} månader"))
                    break
            else:
                explained.append(None)
        names = ", ".join(str(r) for r in rads)
        found = [r for r in explained if r is not None]
        unplaced = [rad for rad, r in zip(rads, explained) if r is None] if None in explained else []
        relabels += found
        if found:
            r = found[0]
            text = (f"Etiketten '{etikett}' publiceras {len(rads)} gånger i samma tabell (rad {names}). Raden på rad "
                    f"{r.rad} är i själva verket {r.ar}: {r.belagg}. Rapporten använder den som {r.ar} och raden med "
                    f"samma etikett som stämmer för {r.ar_publicerat} som {r.ar_publicerat}.")
        else:
            keep = rads[-1]
            ignored += [(str(tabell), rad) for rad in rads[:-1]]
            text = (f"Etiketten '{etikett}' publiceras {len(rads)} gånger i samma tabell (rad {names}) med olika värden, "
                    f"och datan visar inte vilken som är rätt. Rapporten använder raden på rad {keep}; de andra "
                    "används inte.")
        if unplaced and found:
            text += f" Rad {', '.join(map(str, unplaced))} kan inte placeras."
        first = m[(m["tabell"] == tabell) & (m["rad"] == rads[0])].iloc[0]
        out.append(observation(
            kommun=kommun, period=per, dataset="volymer", tabell=str(tabell), rad_text=f"{serie} / {etikett}",
            kolumn="radetikett", kind="dubblett", bedomning="fel", enhet=str(first["enhet"]), beskrivning=text,
            cell=Cell(str(tabell), (found[0].rad if found else rads[0]), "radetikett"),
            inputs=tuple(Cell(str(tabell), rad, "radetikett") for rad in rads)))
    return relabels, ignored, out


def _equal_every_month(row: pd.Series, other: pd.Series) -> bool:
    common = row.index.intersection(other.index)
    return len(common) >= 3 and bool(np.all(np.abs(row[common].to_numpy() - other[common].to_numpy()) < 1e-9))


# --- months after the period, outliers, missing months --------------------------------------------

def future_checks(m: pd.DataFrame, period: Period, kommun: str) -> list[Check]:
    """Outcome values printed for months after the report period: reported once per row, not data."""
    out = []
    fut = m[(m["slag"] == "utfall") & period.is_after(m["ar"], m["manad"])]
    for (tabell, rad), g in fut.groupby(["tabell", "rad"], sort=False):
        g = g.sort_values("manad")
        r = g.iloc[0]
        months = month_span(int(g["manad"].min()), int(g["manad"].max()))
        values = ", ".join(number(v) for v in g["varde"])
        out.append(observation(
            kommun=kommun, period=str(period), dataset="volymer", tabell=str(tabell), rad_text=_label(r),
            kolumn=months, kind="framtid", bedomning="varning", enhet=str(r["enhet"]),
            published=float(g["varde"].iat[0]),
            beskrivning=(f"Tabellen har värden för {months} {int(r['ar'])} ({values}), månader efter perioden "
                         f"{period.span}. De är inte data och räknas inte i summor, medelvärden eller diagram."),
            cell=Cell(str(tabell), int(rad), month_abbr(int(g["manad"].min())).capitalize())))
    return out


def outlier_checks(m: pd.DataFrame, kommun: str, per: str) -> list[Check]:
    out = []
    if m.empty:
        return out
    m = m.copy()
    g = m.groupby(["tabell", "rad"])["varde"]
    m["median"] = g.transform("median")
    m["n"] = g.transform("size")
    m["mad"] = (m["varde"] - m["median"]).abs().groupby([m["tabell"], m["rad"]]).transform("median")
    scale = np.maximum(np.maximum(m["mad"], 0.02 * m["median"].abs()), 0.5)
    m["z"] = 0.6745 * (m["varde"] - m["median"]).abs() / scale
    for r in m[(m["z"] > OUTLIER_Z) & (m["n"] >= 4)].itertuples():
        col = month_abbr(int(r.manad)).capitalize()
        out.append(observation(
            kommun=kommun, period=per, dataset="volymer", tabell=str(r.tabell), rad_text=_label(r), kolumn=col,
            kind="avvikande", bedomning="varning", enhet=str(r.enhet), published=float(r.varde),
            reference=float(r.median), cell=Cell(str(r.tabell), int(r.rad), col),
            beskrivning=(f"Värdet för {month_name(int(r.manad))} {int(r.ar)} ({number(r.varde)}) ligger långt från "
                         f"radens typiska nivå ({number(r.median, 1 if r.median % 1 else 0)}); kontrollera det.")))
    return out


def missing_month_checks(m: pd.DataFrame, period: Period, kommun: str) -> list[Check]:
    """Months the table publishes that a row lacks, up to the report month in the report year."""
    out = []
    if m.empty:
        return out
    published = m.groupby("tabell")["manad"].agg(lambda x: set(x.astype(int)))
    rows = m.groupby(["tabell", "rad"]).agg(manader=("manad", lambda x: set(x.astype(int))), ar=("ar", "first"),
                                            slag=("slag", "first"), verksamhet=("verksamhet", "first"),
                                            radetikett=("radetikett", "first"), enhet=("enhet", "first")).reset_index()
    for r in rows.itertuples():
        ar = int(r.ar)
        if ar > period.year:
            continue
        expected = {mm for mm in published[r.tabell] if r.slag != "utfall" or ar < period.year or mm <= period.month}
        gap = sorted(expected - r.manader)
        if gap:
            names = ", ".join(month_name(mm) for mm in gap)
            out.append(observation(
                kommun=kommun, period=str(period), dataset="volymer", tabell=str(r.tabell), rad_text=_label(r),
                kolumn="månader", kind="saknas", bedomning="varning", enhet=str(r.enhet),
                cell=Cell(str(r.tabell), int(r.rad), month_abbr(gap[0]).capitalize()),
                beskrivning=f"Värde saknas för {names} {ar}; det räknas som saknat, inte som noll."))
    return out


# --- key figures -----------------------------------------------------------------------------------

def keyfigure_checks(tidy: pd.DataFrame) -> list[Check]:
    """Annual key figures against their own volumes (timmar per brukare), and a key figure whose sign
    differs from the rest of its row."""
    out: list[Check] = []
    if tidy.empty:
        return out
    kommun, per = str(tidy["kommun"].iat[0]), str(tidy["period"].iat[0])
    a = tidy[(tidy["dataset"] == "volymer") & (tidy["matt"] == "arsvarde")]
    for (tabell, verksamhet), g in a.groupby(["tabell", "verksamhet"], sort=False):
        for ratio_unit, (num_unit, den_unit) in RATIO_UNITS.items():
            r, n, d = (g[g["enhet"] == u] for u in (ratio_unit, num_unit, den_unit))
            if r.empty or n.empty or d.empty:
                continue
            for x in r.itertuples():
                num = n[n["kolumn"] == x.kolumn]
                den = d[d["kolumn"] == x.kolumn]
                if num.empty or den.empty or den["varde"].iat[0] == 0:
                    continue
                nv, dv = float(num["varde"].iat[0]), float(den["varde"].iat[0])
                out.append(compare(
                    kommun=kommun, period=per, dataset="volymer", tabell=str(tabell),
                    rad_text=f"{verksamhet} / {x.storhet}", kolumn=str(x.kolumn), kind="nyckeltal",
                    published=float(x.varde), computed=nv / dv, tol=ratio_tolerance(nv, dv, int(x.decimaler)),
                    enhet=str(x.enhet), cell=Cell(str(tabell), int(x.rad), str(x.kolumn)),
                    inputs=(Cell(str(tabell), int(num["rad"].iat[0]), str(x.kolumn)),
                            Cell(str(tabell), int(den["rad"].iat[0]), str(x.kolumn))),
                    beskrivning=f"Publicerat nyckeltal ({ratio_unit}) jämfört med {num_unit} delat med {den_unit} "
                                "på samma verksamhet och år."))
    k = tidy[tidy["dataset"] == "nyckeltal"]
    for (tabell, _), g in k.groupby(["tabell", "rad"], sort=False):
        signs = np.sign(g["varde"][g["varde"] != 0])
        if len(signs) < 3:
            continue
        majority = 1.0 if (signs > 0).sum() > (signs < 0).sum() else -1.0
        for x in g[(np.sign(g["varde"]) == -majority)].itertuples():
            out.append(observation(
                kommun=kommun, period=per, dataset="volymer", tabell=str(tabell),
                rad_text=f"{x.verksamhet} / {x.storhet}", kolumn=str(x.kolumn), kind="tecken", bedomning="varning",
                enhet=str(x.enhet), published=float(x.varde), reference=-float(x.varde),
                cell=Cell(str(tabell), int(x.rad), str(x.kolumn)),
                beskrivning="Nyckeltalet har annat tecken än radens övriga år (kostnader anges med minustecken); "
                            "troligen ett teckenfel."))
    return out


