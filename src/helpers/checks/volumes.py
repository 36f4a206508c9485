"""Checks of the volume tables: published sums and means against their months, intern + extern =
totalt, repeated or mislabelled rows, values after the report period, outliers, missing months and
key figures.

A month after the report period is not data: whatever the source printed there is reported once
and left out of every sum, mean and chart."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.formats import number, percent
from ..core.period import Period
from ..core.vocabulary import MONTHLY, month_abbr, month_name, month_span
from .finding import Cell, Check, compare, last_digit, observation, ratio_tolerance

# Modified z-score above which a monthly value is a `varning` (Iglewicz & Hoaglin).
OUTLIER_Z = 3.5
# A month-to-month change this many robust standard deviations of the series' own month-to-month changes,
# still there the month after (a new level, not a single odd month), is a break in the series. The spread is
# at least BREAK_MIN_SPREAD of the series' typical level, so a steady series does not break on a normal change.
BREAK_Z = 4.0
BREAK_MIN_SPREAD = 0.05
# Two series with the same value in a month are suspicious when they otherwise differ by at least this
# share (median over the year's other months) and the value has at least three digits.
IDENTICAL_MIN_DIFFERENCE = 0.10
IDENTICAL_MIN_DIGITS = 100
# The reader-facing warning of a plausibility check ends here; what follows is its evidence.
EVIDENCE = " Underlag: "
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


def volume_checks(tidy: pd.DataFrame, period: Period, named_breaks=()) -> VolumeChecks:
    """Every volume check. ``named_breaks``: the months the municipality's text names as a break in a
    series (metadata ``[[seriebrott]]``: volymtabell, serie, manad 'ÅÅÅÅ-MM', orsak)."""
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
    out += identical_value_checks(m, kommun, per)
    out += break_checks(m, kommun, per, named_breaks)
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
                                            radetikett=("radetikett", "first"), enhet=("enhet", "first"),
                                            regi=("regi", "first")).reset_index()
    for r in rows.itertuples():
        ar = int(r.ar)
        if ar > period.year:
            continue
        expected = {mm for mm in published[r.tabell] if r.slag != "utfall" or ar < period.year or mm <= period.month}
        gap = sorted(expected - r.manader)
        if gap:
            names = ", ".join(month_name(mm) for mm in gap)
            text = f"Värde saknas för {names} {ar}; det räknas som saknat, inte som noll."
            # A gap in the months the report compares (January–period month, this year and last) changes the report.
            in_comparison = [mm for mm in gap if r.slag == "utfall" and ar in (period.year - 1, period.year)
                             and mm <= period.month]
            if in_comparison:
                text += " " + comparison_consequence(series_name(str(r.verksamhet), str(r.regi)), period)
            out.append(observation(
                kommun=kommun, period=str(period), dataset="volymer", tabell=str(r.tabell), rad_text=_label(r),
                kolumn="månader", kind="saknas", bedomning="varning", enhet=str(r.enhet),
                cell=Cell(str(r.tabell), int(r.rad), month_abbr(gap[0]).capitalize()), beskrivning=text,
                missing=tuple(Cell(str(r.tabell), int(r.rad), month_abbr(mm).capitalize()) for mm in in_comparison)))
    return out


def series_name(serie: str, regi: str = "") -> str:
    """A monthly series as the report names it: 'Hemtjänst, timmar (extern)'."""
    return serie + (f" ({regi})" if regi else "")


def comparison_consequence(name: str, period: Period) -> str:
    """What a missing month in the compared months changes in the report, in Swedish."""
    return (f"Därför kan {period.span} inte jämföras med samma period {period.year - 1} för serien '{name}': "
            "volymmeningen och rubriken på seriens diagram säger att jämförelsen inte går att göra, tabellen "
            "'samma period varje år' har ingen rad för det året, volymöversikten räknar den inte bland serierna som "
            "ökat eller minskat, "
            "och volym och pris räknas inte för en verksamhet som serien är kopplad till.")


# --- plausibility: the same value in two series, breaks -------------------------------------------

def _outcome_series(m: pd.DataFrame):
    """Each outcome series in time order: (tabell, verksamhet, regi) → its monthly rows (one per month)."""
    u = m[m["slag"] == "utfall"]
    for key, g in u.groupby(["tabell", "verksamhet", "regi"], sort=False):
        g = g.sort_values("rad").drop_duplicates(["ar", "manad"], keep="last").sort_values(["ar", "manad"])
        yield key, g


def identical_value_checks(m: pd.DataFrame, kommun: str, per: str) -> list[Check]:
    """One month with exactly the same value in two different series that otherwise differ (PUS December
    2014 = hemtjänst December 2014): probably typed from the wrong row. A warning on each series."""
    out: list[Check] = []
    u = m[(m["slag"] == "utfall") & (m["varde"].abs() * 10.0 ** m["decimaler"].clip(lower=0) >= IDENTICAL_MIN_DIGITS)]
    u = u.sort_values("rad").drop_duplicates(["tabell", "verksamhet", "regi", "ar", "manad"], keep="last")
    year_of = _OutcomeYears(m)
    same = ["ar", "manad", "varde"]
    u = u[u.duplicated(same, keep=False)]  # only values shared by two or more rows can match
    every = list(u.itertuples())
    groups = u.groupby(same, sort=False).indices if len(u) else {}
    for (ar, manad, _v), pos in sorted(groups.items(), key=lambda kv: kv[1][0]):  # order of first appearance
        if len(pos) < 2:
            continue
        rows = [every[i] for i in pos]
        for i, a in enumerate(rows):
            for b in rows[i + 1:]:
                if (a.tabell, a.verksamhet) == (b.tabell, b.verksamhet):
                    continue  # intern, extern and totalt of one series may well coincide
                diff = _typical_difference(year_of, a, b)
                if diff is None or diff < IDENTICAL_MIN_DIFFERENCE:
                    continue
                for x, y in ((a, b), (b, a)):
                    out.append(_identical(x, y, int(ar), int(manad), diff, kommun, per))
    return out


class _OutcomeYears:
    """Outcome values per (tabell, verksamhet, regi, ar) and month (the last row printed for a month),
    grouped once so that comparing two series does not filter the whole frame."""

    def __init__(self, m: pd.DataFrame):
        u = m[(m["slag"] == "utfall") & m["manad"].notna()]
        self._months = u["manad"].tolist()
        self._values = u["varde"].to_numpy(dtype=float)
        self._positions = u.groupby(["tabell", "verksamhet", "regi", "ar"], sort=False).indices if len(u) else {}
        self._cache: dict[tuple, dict[int, float]] = {}

    def others(self, r) -> dict[int, float]:
        """month → value for the series and year of ``r``, every month but ``r``'s own."""
        key = (r.tabell, r.verksamhet, r.regi, r.ar)
        if key not in self._cache:
            pos = self._positions.get(key, [])
            self._cache[key] = {self._months[i]: float(self._values[i]) for i in pos}
        return {k: v for k, v in self._cache[key].items() if k != r.manad}


def _typical_difference(year_of: _OutcomeYears, a, b) -> float | None:
    """Median relative difference of two series over the year's other months (None: too few to tell)."""
    x, y = year_of.others(a), year_of.others(b)
    common = [k for k in x if k in y]
    if len(common) < 3:
        return None
    xa, ya = np.array([x[k] for k in common], dtype=float), np.array([y[k] for k in common], dtype=float)
    scale = np.maximum(np.abs(xa), np.abs(ya))
    return float(np.median(np.where(scale > 0, np.abs(xa - ya) / np.where(scale > 0, scale, 1), 0.0)))


def _identical(x, y, ar: int, manad: int, diff: float, kommun: str, per: str) -> Check:
    when = f"{month_name(manad)} {ar}"
    col = month_abbr(manad).capitalize()
    other = series_name(str(y.verksamhet), str(y.regi))
    text = (f"{when.capitalize()} har samma värde ({number(x.varde, int(max(x.decimaler, 0)))} {x.enhet}) som serien "
            f"'{other}'; ett av värdena är troligen inskrivet på fel rad.{EVIDENCE}i årets övriga månader skiljer sig "
            f"serierna med i median {percent(100 * diff, 0)}.")
    return observation(
        kommun=kommun, period=per, dataset="volymer", tabell=str(x.tabell),
        rad_text=f"{series_name(str(x.verksamhet), str(x.regi))} / {x.radetikett}".strip(" /"), kolumn=when,
        kind="identisk", bedomning="varning", enhet=str(x.enhet), published=float(x.varde), reference=float(y.varde),
        cell=Cell(str(x.tabell), int(x.rad), col), inputs=(Cell(str(y.tabell), int(y.rad), col),), beskrivning=text)


def break_checks(m: pd.DataFrame, kommun: str, per: str, named_breaks=()) -> list[Check]:
    """A break in a series: a month the municipality's text names (a new system, a new definition), or a
    jump beyond the series' own spread that persists the month after. A single odd month that returns is
    not a break (outlier_checks reports it)."""
    named = {}
    for b in named_breaks:
        year, month = (int(x) for x in str(b.manad).split("-"))
        named[(str(b.volymtabell), str(b.serie), year, month)] = str(b.orsak)
    out: list[Check] = []
    used = set()
    for (tabell, serie, _regi), g in _outcome_series(m):
        x = g["varde"].to_numpy(dtype=float)
        t = (g["ar"].astype(int) * 12 + g["manad"].astype(int) - 1).to_numpy()
        adjacent = np.diff(t) == 1
        d = np.diff(x)[adjacent]
        spread = None
        if len(d) >= 6:
            spread = max(1.4826 * float(np.median(np.abs(d - np.median(d)))),
                         BREAK_MIN_SPREAD * float(np.median(np.abs(x))), 0.5)
        for i in range(1, len(x)):
            ar, manad = int(t[i] // 12), int(t[i] % 12 + 1)
            reason = named.get((str(tabell), str(serie), ar, manad))
            if reason is not None:
                used.add((str(tabell), str(serie), ar, manad))
            if t[i] - t[i - 1] != 1:
                if reason is not None:
                    out.append(_break(g, i - 1, i, None, reason, kommun, per))
                continue
            jump = x[i] - x[i - 1]
            beyond = spread is not None and abs(jump) > BREAK_Z * spread
            # the level of (up to) three months after the jump against three months before: a new level,
            # not one odd month
            lasting = False
            if beyond and i + 1 < len(x) and t[i + 1] - t[i] == 1:
                shift = np.median(_run(x, t, i + 1, 1)) - np.median(_run(x, t, i - 1, -1))
                lasting = np.sign(shift) == np.sign(jump) and abs(shift) > BREAK_Z * spread
            if reason is not None or (beyond and lasting):
                out.append(_break(g, i - 1, i, abs(jump) / spread if spread else None, reason, kommun, per))
    for (tabell, serie, ar, manad), reason in named.items():
        if (tabell, serie, ar, manad) in used:
            continue
        hit = m[(m["tabell"] == tabell) & (m["verksamhet"] == serie) & (m["slag"] == "utfall") & (m["ar"] == ar)]
        if not hit.empty:
            out.append(_break(hit.sort_values("manad"), None, None, None, reason, kommun, per, (ar, manad)))
    return out


def _run(x: np.ndarray, t: np.ndarray, start: int, step: int, n: int = 3) -> list[float]:
    """Up to n consecutive months from ``start`` (backwards with step −1), stopping at a gap."""
    out = [float(x[start])]
    i = start
    while len(out) < n and 0 <= i + step < len(x) and abs(int(t[i + step]) - int(t[i])) == 1:
        i += step
        out.append(float(x[i]))
    return out


def _break(g: pd.DataFrame, before: int | None, at: int | None, z: float | None, reason: str | None, kommun: str,
           per: str, when_named: tuple[int, int] | None = None) -> Check:
    r = g.iloc[at] if at is not None else g.iloc[0]
    ar, manad = when_named or (int(r["ar"]), int(r["manad"]))
    when = f"{month_name(manad)} {ar}"
    name = series_name(str(r["verksamhet"]), str(r["regi"]))
    d = int(max(r["decimaler"], 0))
    head = f"Brott i serien i {when}" + (f", enligt kommunens text: {reason}" if reason else "") + "; jämförelsen är osäker."
    evidence = []
    if at is not None and before is not None:
        p = g.iloc[before]
        evidence.append(f"värdet går från {number(p['varde'], d)} {r['enhet']} i {month_name(int(p['manad']))} "
                        f"{int(p['ar'])} till {number(r['varde'], d)} i {when}")
        if z is not None:
            evidence.append(f"ett språng {number(z, 1)} gånger seriens vanliga spridning mellan månader")
    tail = f"{EVIDENCE}{', '.join(evidence)}." if evidence else ""
    published = float(r["varde"]) if at is not None else None
    reference = float(g.iloc[before]["varde"]) if before is not None else None
    return observation(
        kommun=kommun, period=per, dataset="volymer", tabell=str(r["tabell"]),
        rad_text=f"{name} / {r['radetikett']}".strip(" /"), kolumn=when, kind="brott", bedomning="varning",
        enhet=str(r["enhet"]), published=published, reference=reference, beskrivning=head + tail,
        cell=Cell(str(r["tabell"]), int(r["rad"]), month_abbr(manad).capitalize()),
        inputs=((Cell(str(r["tabell"]), int(g.iloc[before]["rad"]), month_abbr(int(g.iloc[before]["manad"])).capitalize()),)
                if before is not None else ()))


def warning_text(beskrivning: str) -> str:
    """The reader-facing part of a plausibility warning, to go in parentheses after a sentence or title:
    'brott i serien i juni 2017: …; jämförelsen är osäker'."""
    head = beskrivning.split(EVIDENCE, 1)[0].strip().rstrip(".")
    return head[:1].lower() + head[1:]


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


