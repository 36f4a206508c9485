"""The comparison with similar municipalities, for the nämnd: one chart and at most three sentences
(one per area the nämnd covers), and for the analyst the full table.

Terms of use (Kolada): raw values may say "Källa: Kolada"; figures computed from them must not name
Kolada as their source. So the municipality's, the members' and the country's values carry the
source, while the group median, lowest and highest value and the difference are labelled as the
workspace's computation. Without a stored fetch there is no section (nothing is invented)."""
from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from ..analysis.kolada import headline, selection
from ..core.formats import join_words, number, percent, round_half_up
from ..core.units import unit
from ..core.vocabulary import MONTH_NAMES
from ..ingest.kolada import AREAS, SOURCE_NOTE, StoredFetch
from . import style
from .blocks import Section, message
from .charts import Chart, finish, new_figure
from .narrative import Narrative, Sentence
from .tables import AR, TAL, TEXT, Col, Table

HEADING = "Jämförelse med liknande kommuner"
COMPUTED = "arbetsytans beräkning"
FETCH_COMMAND = "omsorg kolada hämta --kommun {kommun}"


def swedish_date(day: _dt.date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _value(v: float, enhet: str, plus: bool = False) -> str:
    if enhet == "procent":
        return percent(v, 1, plus=plus)
    return f"{number(v, unit(enhet).decimals if enhet else 0, plus=plus)}\u00a0{enhet}"


def notes(fetched_date: _dt.date, preliminary_years) -> list[str]:
    """Where the figures come from, and which are the workspace's own."""
    out = [f"Kommunens, de liknande kommunernas och rikets värden: {SOURCE_NOTE} (hämtade {swedish_date(fetched_date)}).",
           f"Median, lägsta och högsta värde bland de liknande kommunerna och skillnaden mot medianen är {COMPUTED} "
           "ur de hämtade värdena; kommunen själv räknas inte in i gruppen.",
           "Nettokostnadsavvikelse: hur mycket högre (+) eller lägre (−) nettokostnaden är än den referenskostnad "
           "som kommunens struktur motiverar."]
    prel = sorted(int(y) for y in preliminary_years)
    if prel:
        out.append(f"Värdena för {join_words(map(str, prel))} är preliminära (de publiceras preliminärt runt maj och "
                   "slutligt runt september året efter).")
    return out


# --- sentences --------------------------------------------------------------------------------------

def area_sentence(row: pd.Series, kommun_namn: str) -> Sentence:
    """'Äldreomsorg 2024: Lomma hade en nettokostnad 4,2 % högre än vad kommunens struktur motiverar;
    medianen för 6 av 7 liknande kommuner var −1,5 % (från −8,0 % till +3,1 %).'"""
    area = AREAS[row["omrade"]]
    year = int(row["ar"])
    prel = " (preliminärt)" if bool(row["preliminar"]) else ""
    v, enhet = float(row["kommun"]), row["enhet"]
    if enhet == "procent":
        shown = round_half_up(v, 1)
        if shown == 0:
            own = f"{kommun_namn} hade en nettokostnad i nivå med vad kommunens struktur motiverar"
        else:
            own = (f"{kommun_namn} hade en nettokostnad {percent(abs(v), 1)} {'högre' if v > 0 else 'lägre'} än vad "
                   "kommunens struktur motiverar")
    else:
        own = f"{kommun_namn} hade {_value(v, enhet)}"
    if row["grupp_antal"] and not pd.isna(row["grupp_median"]):
        group = (f"medianen för {int(row['grupp_antal'])} av {int(row['grupp_storlek'])} liknande kommuner var "
                 f"{_value(row['grupp_median'], enhet, plus=True)} (från {_value(row['grupp_min'], enhet, plus=True)} "
                 f"till {_value(row['grupp_max'], enhet, plus=True)})")
    elif row["grupp_storlek"]:
        group = "de liknande kommunerna har inget värde för året att jämföra med"
    else:
        group = "det finns ingen grupp liknande kommuner att jämföra med"
    text = f"{area.label} {year}{prel}: {own}; {group}."
    return Sentence("jamforelse", text, v, enhet, False, area.label, row["kpi"])


def sentences(comparison_frame: pd.DataFrame, kommun_namn: str) -> list[Sentence]:
    """At most three: the headline figure per area, in the latest year the municipality has a value."""
    heads = headline(comparison_frame)
    return [area_sentence(r, kommun_namn) for _i, r in heads.head(3).iterrows()]


# --- the chart ----------------------------------------------------------------------------------------

def _word(label: str) -> str:
    """A label inside a sentence: 'äldreomsorg', but 'LSS' stays as it is."""
    return label if label.isupper() else label[0].lower() + label[1:]


def _chart_title(heads: pd.DataFrame, kommun_namn: str) -> str:
    above, below = [], []
    for _i, r in heads.iterrows():
        d = r["skillnad_mot_median"]
        if pd.isna(d) or round_half_up(float(d), 1) == 0:
            continue
        (above if d > 0 else below).append(_word(AREAS[r["omrade"]].label))
    parts = []
    if above:
        parts.append(f"över medianen för liknande kommuner i {join_words(above)}")
    if below:
        parts.append(f"under {'den' if above else 'medianen för liknande kommuner'} i {join_words(below)}")
    if not parts:
        return f"{kommun_namn}s kostnader jämfört med liknande kommuner"
    return f"{kommun_namn} ligger {' och '.join(parts)} (senaste året)"


def comparison_chart(comparison_frame: pd.DataFrame, kommun_namn: str, fetched_date: _dt.date,
                     preliminary_years) -> Chart:
    """One figure, one panel per area: the headline figure for the municipality, the group's median with
    its lowest–highest band, and the country where it has a value."""
    heads = headline(comparison_frame)
    areas = [a for a in AREAS if a in set(heads["omrade"])]
    fig, axes = new_figure(style.WIDTH, 3.4, 1, max(1, len(areas)), layout_engine=None, sharey=True)
    prel = {int(y) for y in preliminary_years}
    alt_parts = []
    for ax, a in zip(axes.flat, areas):
        kpi = AREAS[a].kpis[0].id
        g = comparison_frame[comparison_frame["kpi"] == kpi].sort_values("ar")
        x = np.arange(len(g))
        band = g["grupp_min"].notna()
        ax.fill_between(x[band.to_numpy()], g["grupp_min"][band], g["grupp_max"][band], color=style.PALETTE[1],
                        alpha=0.25, linewidth=0, label="Liknande kommuner, lägst–högst")
        ax.vlines(x[band.to_numpy()], g["grupp_min"][band], g["grupp_max"][band], color=style.PALETTE[1], linewidth=1)
        ax.plot(x, g["grupp_median"], color=style.PALETTE[1], linestyle="--", marker="s", markersize=3,
                label="Liknande kommuner, median")
        if g["riket"].notna().any():
            ax.plot(x, g["riket"], color=style.BUDGET, linestyle=":", marker="^", markersize=3, label="Riket")
        ax.plot(x, g["kommun"], color=style.PALETTE[0], linewidth=2.4, marker="o", markersize=4, label=kommun_namn)
        ax.axhline(0, color="#333333", linewidth=0.8)
        ax.set_xticks(x, [f"{int(y)}\nprel." if int(y) in prel else str(int(y)) for y in g["ar"]])
        ax.set_title(AREAS[a].label)
        ax.yaxis.set_major_formatter(style.thousands(0))
        last = g[g["kommun"].notna()].tail(1)
        if len(last):
            r = last.iloc[0]
            alt_parts.append(f"{AREAS[a].label} {int(r['ar'])}: {kommun_namn} {percent(r['kommun'], 1, plus=True)}"
                             + ("" if pd.isna(r["grupp_median"]) else
                                f", median för liknande kommuner {percent(r['grupp_median'], 1, plus=True)}"))
    axes[0, 0].set_ylabel("Nettokostnadsavvikelse, procent")
    finish(fig, axes, max(1, len(areas)))   # the house layout: legend first, above the panels
    alt = ("Linjediagram per område: nettokostnadsavvikelse i procent per år för " + kommun_namn
           + ", medianen och spridningen (lägst–högst) för liknande kommuner" + " och riket där det finns. "
           + "; ".join(alt_parts) + ".")
    return Chart("kolada_jamforelse", _chart_title(heads, kommun_namn), alt, fig,
                 tuple(notes(fetched_date, preliminary_years)))


# --- the section and the table --------------------------------------------------------------------------

def kolada_section(comparison_frame: pd.DataFrame | None, kommun_namn: str, fetched_date: _dt.date,
                   preliminary_years) -> Section:
    """For the nämnd: at most three sentences and one chart. Empty (renders nothing) without values."""
    if comparison_frame is None or comparison_frame.empty or headline(comparison_frame).empty:
        return Section(HEADING, [], level=2)
    return Section(HEADING, [Narrative(sentences(comparison_frame, kommun_namn)),
                             comparison_chart(comparison_frame, kommun_namn, fetched_date, preliminary_years)], level=2)


def _columns(decimals: int) -> dict[str, Col]:
    num = Col(TAL, decimals=decimals)
    return {"Område": Col(TEXT), "Nyckeltal": Col(TEXT), "Enhet": Col(TEXT), "År": Col(AR), "Status": Col(TEXT),
            "Kommunen": num, "Median liknande kommuner": num, "Lägst": num, "Högst": num,
            "Antal med värde": Col(TAL, decimals=0), "Riket": num, "Skillnad mot medianen": num}


def kolada_table(comparison_frame: pd.DataFrame, kommun_namn: str, fetched_date: _dt.date, preliminary_years) -> Table:
    """Every KPI and year: the municipality, the group's median, lowest and highest value, how many members
    have a value (of how many), the country and the difference against the median. Percent rows with one
    decimal; a frame of kronor per inhabitant only, in whole kronor."""
    f = comparison_frame
    frame = pd.DataFrame({
        "Område": f["omrade"].map(lambda a: AREAS[a].label if a in AREAS else a),
        "Nyckeltal": f["kpi"] + " " + f["nyckeltal"],
        "Enhet": f["enhet"].map(lambda e: "%" if e == "procent" else e),
        "År": f["ar"].astype(int),
        "Status": f["preliminar"].map(lambda p: "preliminärt" if p else ""),
        "Kommunen": f["kommun"], "Median liknande kommuner": f["grupp_median"], "Lägst": f["grupp_min"],
        "Högst": f["grupp_max"],
        "Antal med värde": f["grupp_antal"].astype(float),
        "Riket": f["riket"], "Skillnad mot medianen": f["skillnad_mot_median"],
    })
    caption = (f"{kommun_namn} jämfört med liknande kommuner och riket ({kommun_namn} och riket: {SOURCE_NOTE}; "
               f"median, lägst, högst och skillnad: {COMPUTED})")
    table_notes = notes(fetched_date, preliminary_years) + [
        "Antal med värde: hur många av de liknande kommunerna som har ett värde för året (gruppens storlek: "
        + ", ".join(f"{_word(AREAS[a].label)} {int(n)}" for a, n in
                    f.drop_duplicates("omrade")[["omrade", "grupp_storlek"]].itertuples(index=False) if a in AREAS)
        + "). Ett värde som saknas är tomt, aldrig noll."]
    decimals = 0 if len(f) and not (f["enhet"] == "procent").any() else 1   # percent 4,2; kronor 30 000
    name = "kolada_jamforelse" + ("" if decimals else "_kronor")
    caption += "; procent" if decimals and (f["enhet"] == "procent").all() else ("; kronor per invånare" if not decimals else "")
    return Table(name, caption, frame.reset_index(drop=True), _columns(decimals), notes=table_notes)


# --- one call per notebook cell ----------------------------------------------------------------------------

def _fetch_facts(comparison: pd.DataFrame) -> tuple[str, _dt.date, list[int]]:
    """The municipality's name, the fetch date and the preliminary years of a stored comparison."""
    preliminary = sorted(int(y) for y in comparison.loc[comparison["preliminar"].astype(bool), "ar"].unique())
    return str(comparison["kommun_titel"].iat[0]), _dt.date.fromisoformat(str(comparison["hamtad"].iat[0])), preliminary


def report_section(comparison: pd.DataFrame) -> Section:
    """The nämnd's section from the comparison the build stored (``analysis.kolada.stored_comparison``);
    nothing at all without a stored fetch."""
    if comparison is None or comparison.empty:
        return Section(HEADING, [], level=2)
    return kolada_section(comparison, *_fetch_facts(comparison))


def analysis_section(comparison: pd.DataFrame, kommun: str) -> Section:
    """For the analyst: the full table; or, without a stored fetch (a frame without columns), how to
    fetch; or, when the stored fetch has no values for the municipality's key figures, that."""
    heading = f"{HEADING}: hela tabellen"
    if comparison is None or comparison.empty:
        if comparison is not None and len(comparison.columns):
            return Section(heading, [message("Hämtningen från Kolada innehåller inga värden för kommunens "
                                             "nyckeltal.")], level=2)
        return Section(heading, [message(
            "Det finns ingen sparad hämtning från Kolada för kommunen, så rapporten har ingen jämförelse med liknande "
            f"kommuner. Hämta med '{FETCH_COMMAND.format(kommun=kommun)}' (kräver internet; värdena sparas under "
            f"data/raw/{kommun}/kolada/ och rapporten läser sedan bara den sparade kopian).")], level=2)
    name, day, preliminary = _fetch_facts(comparison)
    percent = comparison["enhet"] == "procent"   # one table per kind of unit, each with its own decimals
    tables = [kolada_table(part, name, day, preliminary) for part in (comparison[percent], comparison[~percent])
              if len(part)]
    return Section(heading, tables, level=2)


def kolada_selection_table(fetches: list[StoredFetch], kpis: list[str], municipalities: list[str]) -> Table:
    """For exploration: the chosen key figures for the chosen municipalities from the stored fetches, one
    column per year (raw values, so the source is Kolada)."""
    frame = selection(fetches, kpis, municipalities)
    years = [c for c in frame.columns if isinstance(c, int)]
    frame = frame.rename(columns={"nyckeltal": "Nyckeltal", "kommun": "Kommun"})
    frame.columns = [str(c) for c in frame.columns]
    cols = {"Nyckeltal": Col(TEXT), "Kommun": Col(TEXT)} | {str(y): Col(TAL) for y in years}
    dates = sorted({f.fetched for f in fetches})
    fetched = f" (hämtade {swedish_date(dates[-1])})" if dates else ""
    return Table("kolada_urval", f"Valda nyckeltal per år. {SOURCE_NOTE}{fetched}", frame, cols)
