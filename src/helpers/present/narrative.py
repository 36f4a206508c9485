"""Swedish sentences for the nämnd, one template per kind, from the figures in use.

A ``Sentence`` knows its kind, its figure and unit, and whether the figure is an estimate; a
``Narrative`` is a list of them that renders itself in a notebook and as Markdown. The summary is
chosen by materiality: the nämnd's period result and full-year forecast first, then the largest
deviations, what explains them, the caveats that change how to read them, and the quality."""
from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from ..core.formats import amount, amounts, missing, number, round_half_up, shown_as_zero
from ..core.period import Period
from ..core.units import unit
from .html import render

EVENLY_SPREAD = "periodbudgeten är helårsbudgeten jämnt fördelad över året"


@dataclass(frozen=True)
class Sentence:
    kind: str            # resultat | prognos | omraden | storsta | forklaring | volym | forbehall | kvalitet
    text: str
    value: float | None = None
    enhet: str = ""
    estimate: bool = False
    subject: str = ""
    measure: str = ""


@dataclass
class Narrative:
    sentences: list[Sentence]
    heading: str = ""
    as_list: bool = True
    css_class: str = ""

    def _repr_html_(self) -> str:
        return render("narrative.html.j2", sentences=self.sentences, heading=self.heading, as_list=self.as_list,
                      css_class=self.css_class)

    def markdown(self) -> str:
        """Markdown for pasting into a tjänsteskrivelse; text from data is HTML-escaped."""
        lines = [f"## {html.escape(self.heading)}", ""] if self.heading else []
        lines += [f"- {html.escape(s.text)}" for s in self.sentences]
        return "\n".join(lines) + "\n"

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def texts(self) -> list[str]:
        return [s.text for s in self.sentences]


# --- one template per kind --------------------------------------------------------------------------

def result(vem: str, value: float | None, enhet: str, period: Period, estimate: bool = False,
           measure: str = "avvikelse_period") -> Sentence:
    """'Socialnämnden visar en positiv budgetavvikelse på 17,7 mkr för perioden januari–oktober 2017.'"""
    nar = f"perioden {period.span}"
    if missing(value):
        return Sentence("resultat", f"{vem} har ingen avvikelse för {nar} att redovisa.", None, enhet, False, vem, measure)
    if shown_as_zero(value, enhet):
        text = f"{vem} har ingen budgetavvikelse för {nar}."
    else:
        word = "positiv" if value > 0 else "negativ"
        est = "uppskattad " if estimate else ""
        text = f"{vem} visar en {est}{word} budgetavvikelse på {amount(abs(value), enhet)} för {nar}."
    if estimate:
        text = text[:-1] + f" ({EVENLY_SPREAD})."
    return Sentence("resultat", text, value, enhet, estimate, vem, measure)


def forecast(vem: str, value: float | None, enhet: str, estimate: bool = False) -> Sentence:
    """'Helårsprognosen för Socialnämnden är ett överskott på 13,8 mkr jämfört med budget.'"""
    if missing(value):
        return Sentence("prognos", f"Det finns ingen helårsprognos för {vem}.", None, enhet, False, vem, "prognosavvikelse")
    if shown_as_zero(value, enhet):
        text = f"Helårsprognosen för {vem} är en budget i balans."
    else:
        word = "ett överskott på" if value > 0 else "ett underskott på"
        text = f"Helårsprognosen för {vem} är {word} {amount(abs(value), enhet)} jämfört med budget."
    return Sentence("prognos", text, value, enhet, estimate, vem, "prognosavvikelse")


def listing(kind: str, lead: str, items: list[tuple[str, float]], enhet: str, measure: str,
            estimate: bool = False) -> Sentence | None:
    """'Störst avvikelse i prognosen: 71 Centralt +19,8 mkr, 786 Personlig assistans −10,8 mkr.'"""
    if not items:
        return None
    shown = amounts([v for _, v in items], enhet, plus=True)  # one unit across the listing
    parts = []
    for (label, v), text in zip(items, shown):
        if shown_as_zero(v, enhet):
            parts.append(f"{label} i balans")
        elif not any(c in "123456789" for c in text):  # 9 tkr in an mkr listing: say so, not '+0,0 mkr'
            parts.append(f"{label} i stort sett i balans ({amount(v, enhet, plus=True)})")
        else:
            parts.append(f"{label} {text}")
    text = f"{lead}: {', '.join(parts)}."
    if estimate:
        text = text[:-1] + f" (uppskattat; {EVENLY_SPREAD})."
    return Sentence(kind, text, None, enhet, estimate, "", measure)


def volume(serie: str, value: float, enhet: str, period: Period, change_pct: float | None, previous_year: int | None,
           adjective: str = "") -> Sentence:
    """'Personlig assistans enligt LSS: 61 636 utförda timmar januari–augusti 2017, en minskning med 13,8
    procent jämfört med samma period 2016.'"""
    u = unit(enhet)
    per_month = not u.sums_over_year
    d = 1 if per_month else u.decimals
    word = u.word(round_half_up(value, d))
    phrase = (f"{adjective} " if adjective else "") + word + (" i genomsnitt per månad" if per_month else "")
    head = f"{serie}: {number(value, d)} {phrase} {period.span}"
    if change_pct is None or missing(change_pct) or previous_year is None:
        return Sentence("volym", head + ".", value, enhet, False, serie)
    p = round_half_up(change_pct, 1)
    change = "oförändrat" if p == 0 else f"en {'ökning' if p > 0 else 'minskning'} med {number(abs(p), 1)} procent"
    return Sentence("volym", f"{head}, {change} jämfört med samma period {previous_year}.", value, enhet, False, serie)


def explanation(verksamhet: str, volume_effect: float, price_effect: float, enhet_volym: str, comparison: str,
                money: str = "tkr", estimate: bool = False) -> Sentence:
    """'Hemtjänst: av avvikelsen förklaras +3,1 mkr av volymen och −0,4 mkr av kostnaden per timme
    (utfall mot budget januari–augusti 2017).'"""
    per = unit(enhet_volym).singular or enhet_volym
    text = (f"{verksamhet}: {amount(volume_effect, money, plus=True)} förklaras av volymen och "
            f"{amount(price_effect, money, plus=True)} av kostnaden per {per} ({comparison}"
            + (f"; uppskattat, {EVENLY_SPREAD}" if estimate else "") + ").")
    total = volume_effect + price_effect
    if abs(volume_effect) > abs(total) or abs(price_effect) > abs(total):
        larger = "volymeffekten" if abs(volume_effect) > abs(price_effect) else "priseffekten"
        text += (f" Hela avvikelsen är {amount(total, money, plus=True)}; {larger} är större än den eftersom "
                 "volym och kostnad per " + per + " drog åt olika håll.")
    return Sentence("forklaring", text, volume_effect + price_effect, money, estimate, verksamhet)


def quality(counts: dict[str, int], causes: int, material: int) -> Sentence:
    """Counts that add up: recomputed = ok + avrundning + fel + kan inte kontrolleras; warnings apart."""
    recomputed = counts["ok"] + counts["avrundning"] + counts["fel"] + counts["ej_kontrollerbar"]
    parts = [f"{number(counts['ok'])} stämmer", f"{number(counts['avrundning'])} skiljer bara genom avrundning",
             f"{number(counts['fel'])} är fel"]
    if counts["ej_kontrollerbar"]:
        parts.append(f"{number(counts['ej_kontrollerbar'])} kan inte kontrolleras eftersom ett värde saknas")
    text = (f"Kvalitetskontrollen räknade om {number(recomputed)} siffror i underlaget: {', '.join(parts[:-1])} och "
            f"{parts[-1]}. ")
    warn = counts["varning"]
    if warn:
        text += f"{number(warn)} {'varning gäller ett värde' if warn == 1 else 'varningar gäller värden'} som bör kontrolleras. "
    if causes:
        text += (f"Felen och varningarna har {number(causes)} {'orsak' if causes == 1 else 'olika orsaker'}, "
                 f"varav {number(material)} {'är väsentlig' if material == 1 else 'är väsentliga'}.")
    else:
        text += "Inga fel hittades."
    return Sentence("kvalitet", text.strip())


# --- the summary ------------------------------------------------------------------------------------

@dataclass
class SummaryInput:
    """What the summary is chosen from; every figure comes from the reconciled table in use."""
    namnd: str
    period: Period
    enhet: str
    table: pd.DataFrame                 # reconciled main table (with the nämnd total row)
    total: pd.Series | None
    areas: pd.DataFrame                 # the rows directly under the total (areas), may be empty
    details: pd.DataFrame               # the individual verksamheter
    explanations: pd.DataFrame = field(default_factory=pd.DataFrame)
    volumes: list[Sentence] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    quality: Sentence | None = None
    top: int = 3


def _largest(rows: pd.DataFrame, measure: str, n: int) -> list[tuple[str, float]]:
    if rows.empty or measure not in rows:
        return []
    r = rows[rows[measure].notna() & ~rows[f"{measure}_fel"].astype(bool)]
    r = r.assign(_abs=r[measure].abs()).sort_values("_abs", ascending=False)
    label = "etikett" if "etikett" in r else "verksamhet"
    return [(str(x[label]), float(x[measure])) for _, x in r.head(n).iterrows() if float(x[measure]) != 0]


def summary(s: SummaryInput) -> Narrative:
    out: list[Sentence] = []
    tot = s.total
    if tot is not None:
        est = tot.get("avvikelse_period_hur") == "uppskattad"
        if not tot.get("avvikelse_period_fel", False):
            out.append(result(s.namnd, tot.get("avvikelse_period"), s.enhet, s.period, est))
        if not tot.get("prognosavvikelse_fel", False):
            out.append(forecast(s.namnd, tot.get("prognosavvikelse"), s.enhet))
    for measure, lead in (("avvikelse_period", "perioden"), ("prognosavvikelse", "helårsprognosen")):
        est = bool((s.details.get(f"{measure}_hur", pd.Series(dtype=str)) == "uppskattad").any())
        if len(s.areas) > 1:
            items = [(str(r.get("etikett", r["verksamhet"])), float(r[measure])) for _, r in s.areas.iterrows()
                     if not missing(r[measure]) and not r[f"{measure}_fel"]]
            sent = listing("omraden", f"Per område, {lead}", items, s.enhet, measure, est)
            if sent:
                out.append(sent)
        sent = listing("storsta", f"Störst avvikelse bland verksamheterna, {lead}", _largest(s.details, measure, s.top),
                       s.enhet, measure, est)
        if sent:
            out.append(sent)
    for _, r in s.explanations.iterrows():
        out.append(explanation(str(r["verksamhet"]), float(r["volymeffekt"]), float(r["priseffekt"]), str(r["enhet"]),
                               str(r["jamforelse"]), estimate=bool(r.get("uppskattad", False))))
    out += s.volumes
    out += [Sentence("forbehall", c) for c in s.caveats]
    if s.quality is not None:
        out.append(s.quality)
    return Narrative(out, css_class="sammanfattning")
