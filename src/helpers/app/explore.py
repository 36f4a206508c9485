"""Interactive exploration: plain functions from a selection to a table and a chart, and the widget
wiring, so the notebook 00_utforska is a few cells. Everything works on the current build."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import ipywidgets as w
import pandas as pd
from IPython.display import display

from ..analysis.kolada import kolada_choices
from ..analysis.report_data import ReportData
from ..core import paths
from ..core.formats import join_words
from ..core.vocabulary import MEASURE_LABELS, month_name
from ..ingest.kolada import load_all_stored_fetches
from ..ingest.metadata import list_kommuner, load_metadata
from ..present import charts as ch
from ..present import style
from ..present.blocks import message
from ..present.kolada import kolada_selection_table
from ..present.tables import BELOPP, TEXT, VOLYM, Col, Table
from ..render.exports import write_xlsx
from .report import open_report

VIEWS = ("Ekonomi", "Volymer")
UNITS = ("tkr", "mkr")
ECONOMY_MEASURES = ("avvikelse_period", "prognosavvikelse", "utfall_period", "budget_period", "helarsbudget", "prognos")


@dataclass(frozen=True)
class Selection:
    kommun: str
    period: str
    vy: str = "Ekonomi"
    matt: str = "avvikelse_period"
    serie: tuple[str, str, str] | None = None   # (tabell, serie, regi)
    ar: tuple[int, ...] = ()                     # years to show (empty = all)
    regi: str | None = None                      # filter the series list
    enhet: str = "tkr"
    jamfor: str | None = None                    # a second municipality (with its own period)
    jamfor_period: str | None = None
    jamfor_serie: tuple[str, str, str] | None = None


@dataclass
class Workspace:
    """Every municipality's reports as the build computed them, read on first use."""
    contexts: dict[tuple[str, str], ReportData] = field(default_factory=dict)

    def kommuner(self) -> list[str]:
        return list_kommuner()

    def periods(self, kommun: str) -> list[str]:
        return [str(p) for p in sorted(load_metadata(kommun).periods(), reverse=True)]

    def context(self, kommun: str, period: str | None = None) -> ReportData:
        period = period or self.periods(kommun)[0]
        key = (kommun, period)
        if key not in self.contexts:
            self.contexts[key] = open_report(kommun, period)
        return self.contexts[key]

    def series(self, kommun: str, period: str | None = None, regi: str | None = None) -> list[tuple[str, str, str]]:
        s = self.context(kommun, period).series
        keys = [tuple(k) for k in s[["tabell", "serie", "regi"]].drop_duplicates().itertuples(index=False)]
        return [k for k in keys if regi in (None, "", k[2])]

    def years(self, kommun: str, period: str | None = None) -> list[int]:
        s = self.context(kommun, period).series
        return sorted(int(y) for y in s["ar"].unique()) if not s.empty else []

    def default(self, kommun: str | None = None) -> Selection:
        kommun = kommun or self.kommuner()[0]
        period = self.periods(kommun)[0]
        series = self.series(kommun, period)
        return Selection(kommun=kommun, period=period, serie=series[0] if series else None)


def economy_table(ws: Workspace, sel: Selection) -> Table:
    """The nämnd's economy per verksamhet in tkr or mkr (the same figures as the report)."""
    ctx = ws.context(sel.kommun, sel.period)
    t = ctx.table[ctx.table["radtyp"] != "rubrik"].reset_index(drop=True)
    shown = [m for m in ECONOMY_MEASURES if m in t and t[m].notna().any()]
    scale = 1000.0 if (sel.enhet == "mkr" and ctx.money == "tkr") else 1.0
    enhet = sel.enhet if ctx.money in ("tkr", "mkr") else ctx.money
    frame = pd.DataFrame({"Verksamhet": t["verksamhet"], **{MEASURE_LABELS[m]: t[m] / scale for m in shown}})
    columns = {"Verksamhet": Col(TEXT), **{MEASURE_LABELS[m]: Col(BELOPP, enhet) for m in shown}}
    return Table(f"{sel.kommun}_{ctx.period}_ekonomi".replace("-", "_"), f"{ctx.meta.namn}: ekonomi per verksamhet, {ctx.period.span}, {enhet}",
                 frame, columns, list(t["radtyp"] == "summa"))


def volume_table(ws: Workspace, kommun: str, period: str, serie, years: tuple[int, ...] = ()) -> Table:
    """Months × years for one series (outcome)."""
    ctx = ws.context(kommun, period)
    s = ctx.series
    if serie is None or s.empty:
        return Table(f"{kommun}_{ctx.period}_volymer".replace("-", "_"), f"{ctx.meta.namn}: inga månadsvolymer", pd.DataFrame({"Månad": []}))
    t, name, regi = serie
    sub = s[(s["tabell"] == t) & (s["serie"] == name) & (s["regi"] == regi) & (s["slag"] == "utfall")]
    if years:
        sub = sub[sub["ar"].isin(years)]
    wide = sub.pivot_table(index="manad", columns="ar", values="varde", aggfunc="first")
    wide.index = [month_name(int(m)) for m in wide.index]
    wide.columns = [str(c) for c in wide.columns]
    frame = wide.reset_index(names="Månad")
    enhet = str(sub["enhet"].iat[0]) if len(sub) else ""
    columns = {"Månad": Col(TEXT), **{c: Col(VOLYM, enhet) for c in frame.columns if c != "Månad"}}
    slug = re.sub(r"[^a-z0-9]+", "_", f"{kommun}_{ctx.period}_{name}".lower()).strip("_")[:48]
    return Table(slug, f"{ctx.meta.namn}: {name}{f' ({regi})' if regi else ''}, {enhet} per månad", frame, columns)


def selection_table(ws: Workspace, sel: Selection) -> Table:
    if sel.vy == "Ekonomi":
        return economy_table(ws, sel)
    table = volume_table(ws, sel.kommun, sel.period, sel.serie, sel.ar)
    if sel.jamfor and sel.jamfor_serie:
        other = volume_table(ws, sel.jamfor, sel.jamfor_period or ws.periods(sel.jamfor)[0], sel.jamfor_serie, sel.ar)
        frame = table.frame.merge(other.frame, on="Månad", how="outer", suffixes=(f" {sel.kommun}", f" {sel.jamfor}"))
        columns = {c: (Col(TEXT) if c == "Månad" else Col(VOLYM)) for c in frame.columns}
        return Table(table.name + "_jamforelse", f"{table.caption} jämfört med {other.caption}", frame, columns)
    return table


def selection_chart(ws: Workspace, sel: Selection):
    """A chart for the selection: deviations per verksamhet, or monthly lines (two side by side)."""
    ctx = ws.context(sel.kommun, sel.period)
    if sel.vy == "Ekonomi":
        t = economy_table(ws, sel)
        label = MEASURE_LABELS[sel.matt]
        body = ctx.table[ctx.table["radtyp"] == "post"]
        if label not in t.frame or body[sel.matt].isna().all():
            return message(f"Måttet '{label}' finns inte i {ctx.meta.namn}s tabell.")
        scale = 1000.0 if (sel.enhet == "mkr" and ctx.money == "tkr") else 1.0
        s = body.set_index("verksamhet")[sel.matt].dropna() / scale
        enhet = sel.enhet if ctx.money in ("tkr", "mkr") else ctx.money
        return ch.deviation_chart("utforska", s, f"{label} per verksamhet, {ctx.meta.namn}", enhet,
                                  what="mot budget" if "avvikelse" in sel.matt else "")
    panels = [(sel.kommun, sel.period, sel.serie)]
    if sel.jamfor and sel.jamfor_serie:
        panels.append((sel.jamfor, sel.jamfor_period or ws.periods(sel.jamfor)[0], sel.jamfor_serie))
    fig, axes = ch.new_figure(8 * len(panels) / (1.4 if len(panels) > 1 else 1), 4.2, 1, len(panels))
    names = []
    for ax, (kommun, period, serie) in zip(axes[0], panels):
        c = ws.context(kommun, period)
        names.append(c.meta.namn)
        if serie is None or c.series.empty:
            ax.axis("off")
            ax.text(0, 0.5, f"{c.meta.namn} har inga månadsvolymer.")
            continue
        t, name, regi = serie
        sub = c.series[(c.series["tabell"] == t) & (c.series["serie"] == name) & (c.series["regi"] == regi)
                       & (c.series["slag"] == "utfall")]
        for y in sorted(sub["ar"].unique()):
            if sel.ar and y not in sel.ar:
                continue
            g = sub[sub["ar"] == y].sort_values("manad")
            ax.plot(g["manad"], g["varde"], marker="o", markersize=3, color=style.year_colour(y), label=str(y))
        ax.set_xticks(range(1, 13), style.MONTHS_SHORT)
        ax.yaxis.set_major_formatter(style.thousands())
        ax.set_ylabel(str(sub["enhet"].iat[0]) if len(sub) else "")
        ax.set_title(f"{c.meta.namn}: {name}{f' ({regi})' if regi else ''}"[:70], fontsize=10)
        ax.legend()
    return ch.Chart("utforska-volymer", "Volymer per månad och år", "Linjediagram per månad och år för vald volymserie, "
                    f"{join_words(names)}.", fig)


def export_selection(ws: Workspace, sel: Selection, folder: Path | None = None) -> Path:
    """The current table as xlsx under reports/utforskning/."""
    table = selection_table(ws, sel)
    folder = Path(folder or paths.reports_dir() / "utforskning")
    return write_xlsx(folder / f"{table.name}.xlsx", table)


# --- the widgets -----------------------------------------------------------------------------------

def _label(k: tuple[str, str, str]) -> str:
    return k[1] + (f" ({k[2]})" if k[2] else "")


class Explorer:
    """Widgets over the functions above: ``Explorer().ui()`` in a notebook cell."""

    def __init__(self, kommun: str | None = None, ws: Workspace | None = None):
        self.ws = ws or Workspace()
        sel = self.ws.default(kommun)
        k = self.ws.kommuner()
        self.kommun = w.Dropdown(options=k, value=sel.kommun, description="Kommun")
        self.period = w.Dropdown(description="Period")
        self.vy = w.ToggleButtons(options=VIEWS, value=sel.vy, description="Vy")
        self.matt = w.Dropdown(options=[(MEASURE_LABELS[m], m) for m in ECONOMY_MEASURES], value=sel.matt,
                               description="Mått")
        self.regi = w.Dropdown(options=[("alla", ""), ("intern", "intern"), ("extern", "extern"), ("totalt", "totalt")],
                               value="", description="Regi")
        self.serie = w.Dropdown(description="Serie", layout=w.Layout(width="34em"))
        self.ar = w.SelectMultiple(description="År", rows=4)
        self.enhet = w.ToggleButtons(options=UNITS, value="tkr", description="Belopp")
        self.jamfor = w.Dropdown(options=[("ingen", "")] + [(x, x) for x in k], value="", description="Jämför med")
        self.jamfor_serie = w.Dropdown(description="Serie 2", layout=w.Layout(width="34em"))
        self.export = w.Button(description="Exportera tabell (xlsx)", icon="download")
        self.status = w.HTML()
        self.chart_out, self.table_out = w.Output(), w.Output()
        for widget in (self.kommun, self.period, self.regi, self.jamfor):
            widget.observe(lambda _ch: (self.refresh_choices(), self.update()), names="value")
        for widget in (self.vy, self.matt, self.serie, self.ar, self.enhet, self.jamfor_serie):
            widget.observe(lambda _ch: self.update(), names="value")
        self.export.on_click(self.save)
        self.refresh_choices()
        self.update()

    def selection(self) -> Selection:
        return Selection(kommun=self.kommun.value, period=self.period.value, vy=self.vy.value, matt=self.matt.value,
                         serie=self.serie.value, ar=tuple(self.ar.value), regi=self.regi.value or None,
                         enhet=self.enhet.value, jamfor=self.jamfor.value or None,
                         jamfor_serie=self.jamfor_serie.value)

    def refresh_choices(self) -> None:
        k = self.kommun.value
        periods = self.ws.periods(k)
        if list(self.period.options) != periods:
            self.period.options = periods
            self.period.value = periods[0]
        series = self.ws.series(k, self.period.value, self.regi.value)
        self.serie.options = [(_label(s), s) for s in series]
        self.serie.value = series[0] if series else None
        self.ar.options = self.ws.years(k, self.period.value)
        j = self.jamfor.value
        other = self.ws.series(j) if j else []
        self.jamfor_serie.options = [(_label(s), s) for s in other]
        self.jamfor_serie.value = other[0] if other else None

    def update(self) -> None:
        sel = self.selection()
        chart, table = selection_chart(self.ws, sel), selection_table(self.ws, sel)
        with self.chart_out:
            self.chart_out.clear_output(wait=True)
            display(chart)
        with self.table_out:
            self.table_out.clear_output(wait=True)
            display(table)

    def save(self, _button=None) -> None:
        self.status.value = f"Sparad: {export_selection(self.ws, self.selection())}"

    def ui(self) -> w.VBox:
        return w.VBox([w.HBox([self.kommun, self.period, self.vy]), w.HBox([self.matt, self.enhet]),
                       w.HBox([self.regi, self.serie, self.ar]), w.HBox([self.jamfor, self.jamfor_serie]),
                       w.HBox([self.export, self.status]), self.chart_out, self.table_out])




class KoladaExplorer:
    """Key figures from the stored Kolada fetches (data/raw/<kommun>/kolada/): pick key figures and
    municipalities, see one column per year. ``KoladaExplorer().ui()`` in a notebook cell."""

    def __init__(self, raw: Path | None = None):
        self.fetches = load_all_stored_fetches(Path(raw) if raw else paths.raw_dir())
        choices = kolada_choices(self.fetches)
        self.kpi = w.SelectMultiple(options=[(f"{k} {t}", k) for k, t in choices["nyckeltal"].items()],
                                    description="Nyckeltal", rows=6, layout=w.Layout(width="40em"))
        self.kommuner = w.SelectMultiple(options=[(n, c) for c, n in choices["kommuner"].items()],
                                         description="Kommuner", rows=6)
        self.out = w.Output()
        for widget in (self.kpi, self.kommuner):
            widget.observe(lambda _ch: self.update(), names="value")
        if self.kpi.options:
            self.kpi.value = (self.kpi.options[0][1],)
            self.kommuner.value = tuple(c for _n, c in self.kommuner.options[:3])
        self.update()

    def table(self):
        if not self.fetches:
            return message("Det finns ingen sparad hämtning från Kolada. Hämta med 'omsorg kolada hämta --kommun K'.")
        return kolada_selection_table(self.fetches, list(self.kpi.value), list(self.kommuner.value))

    def update(self) -> None:
        with self.out:
            self.out.clear_output(wait=True)
            display(self.table())

    def ui(self) -> w.VBox:
        return w.VBox([w.HBox([self.kpi, self.kommuner]), self.out])
