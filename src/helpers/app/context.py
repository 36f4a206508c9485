"""The report for one (kommun, period): everything a notebook cell shows, computed once.

``ReportContext`` validates its parameters (Swedish errors), reads the build (one consistent version
of data/processed) and offers each part of the report as a rich object: a ``Table`` (with
``.frame``), a ``Chart`` (with ``.figure``), a ``Narrative`` or a ``Section``. Every derived frame is a
``cached_property``: each figure is computed once and each chart drawn once per report."""
from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..analysis import forecast as fc
from ..analysis import reconcile as rc
from ..analysis import volume_price as vp
from ..analysis import volumes as vo
from ..checks.causes import MATERIAL_SHARE_OF_BUDGET
from ..checks.figures import measure_of
from ..checks.run import ReportEvidence, evidence_from_doc
from ..core.errors import ParameterError
from ..core.formats import amount, amounts, join_words, percent, shown_as_zero
from ..core.hierarchy import table_rows
from ..core.period import Period
from ..core.signs import normalise_sign
from ..core.units import unit
from ..core.vocabulary import (
    BEDOMNING,
    BEDOMNING_EXPLAINED,
    BEDOMNING_TEXT,
    ECONOMY_DATASETS,
    LEDGER_TABLE,
    MEASURE_LABELS,
)
from ..ingest.metadata import validate_parameters
from ..ingest.select import for_period
from ..ingest.store import current_version, write_text
from ..present import charts as ch
from ..present import narrative as nv
from ..present.blocks import Heading, Section, message
from ..present.tables import AR, BELOPP, PROCENT, TAL, TEXT, VOLYM, Col, Table
from ..render.exports import export_table

ECONOMY_COLUMNS = ("budget_period", "utfall_period", "avvikelse_period", "avvikelse_procent", "helarsbudget",
                   "prognos", "prognosavvikelse")
MARKED = ("ersatt", "uppskattad", "beraknad")


EVIDENCE_FILE = "belagg.json"


def report_key(kommun: str, period) -> str:
    return f"{kommun}/{period}"


def built_reports(processed: Path | None = None) -> tuple[Path, dict]:
    """The current build and its evidence document, keyed by ``report_key``. Swedish OmsorgError
    when nothing is built."""
    version = current_version(processed)
    return version, json.loads((version / EVIDENCE_FILE).read_text(encoding="utf-8"))


def not_built_message(namn: str, period) -> str:
    return f"{namn} {period} finns i data/raw men är inte byggd ännu. Kör 'omsorg bygg' (eller make report) först."


class ReportContext:
    """One report: ``ReportContext("nacka", "2017-10")``."""

    def __init__(self, kommun: str, period: str | Period, *, processed: Path | None = None, raw: Path | None = None):
        self.kommun = kommun
        self.meta, self.period = validate_parameters(kommun, period, raw)
        self.version, doc = built_reports(processed)
        key = report_key(kommun, self.period)
        if key not in doc:
            raise ParameterError(not_built_message(self.meta.namn, self.period))
        self._evidence_doc = doc
        self.evidence: ReportEvidence = evidence_from_doc(doc[key])

    def __repr__(self) -> str:
        return f"ReportContext({self.kommun!r}, '{self.period}')"

    # --- data ------------------------------------------------------------------------------------
    def _read(self, name: str, period: bool = False) -> pd.DataFrame:
        filters = [("kommun", "==", self.kommun)] + ([("period", "==", str(self.period))] if period else [])
        return pd.read_parquet(self.version / f"{name}.parquet", filters=filters)

    @cached_property
    def all_tidy(self) -> pd.DataFrame:
        return self._read("omsorg")

    @cached_property
    def _slice(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        return for_period(self.all_tidy, self._read("struktur"), self.kommun, self.period)

    @property
    def tidy(self) -> pd.DataFrame:
        return self._slice[0]

    @property
    def structure(self) -> pd.DataFrame:
        return self._slice[1]

    @cached_property
    def rows(self):
        return table_rows(self.structure)

    @cached_property
    def eco(self) -> pd.DataFrame:
        return normalise_sign(self.tidy[self.tidy["dataset"].isin(ECONOMY_DATASETS)])

    @cached_property
    def checks(self) -> pd.DataFrame:
        return self._read("kontroller", period=True)

    @cached_property
    def causes(self) -> pd.DataFrame:
        return self._read("kvalitet", period=True)

    @property
    def money(self) -> str:
        return self.meta.money_unit

    @property
    def namnd(self) -> str:
        return ", ".join(self.meta.namnder)

    @property
    def title(self) -> str:
        return f"{self.meta.namn}: uppföljning {self.period.span}"

    # --- analysis (each computed once) -----------------------------------------------------------
    @cached_property
    def table(self) -> pd.DataFrame:
        """The nämnd's economy per verksamhet with one figure in use per cell (analysis.reconcile)."""
        return rc.reconciled_table(self.eco, self.rows, self.meta.main_tables, self.period,
                                   self.evidence.resolutions, self.evidence.wrong_cells)

    @cached_property
    def total(self) -> pd.Series | None:
        return rc.total_row(self.table) if not self.table.empty else None

    @cached_property
    def detail(self) -> pd.DataFrame:
        """The detail table(s) (deviations per verksamhet from the text), or the main table."""
        if not self.meta.detaljtabeller:
            return self.table
        return rc.reconciled_table(self.eco, self.rows, list(self.meta.detaljtabeller), self.period,
                                   self.evidence.resolutions, self.evidence.wrong_cells, add_total=False)

    @cached_property
    def series(self) -> pd.DataFrame:
        return vo.series_frame(self.tidy, self.period, self.evidence.relabels, self.evidence.ignored_rows)

    @cached_property
    def same_period(self) -> pd.DataFrame:
        return vo.same_period_table(self.series, self.period)

    @cached_property
    def annual(self) -> pd.DataFrame:
        return vo.annual_table(self.tidy)

    @cached_property
    def volume_price(self) -> pd.DataFrame:
        parts = [vp.from_key_figures(self.tidy, self.period.year)]
        if not self.table.empty:
            parts.append(vp.from_links(self.table, self.series, self.meta.koppling, self.period, self.money))
        parts = [p for p in parts if len(p)]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=vp.COLUMNS)

    @cached_property
    def forecast(self) -> pd.DataFrame:
        if self.table.empty:
            return self.table
        seasonal = vp.seasonal_forecasts(self.table, self.series, self.meta.koppling, self.period)
        return fc.forecast_check(self.table, self.period.month, seasonal)

    @cached_property
    def history(self) -> pd.DataFrame:
        """The forecast of every period up to this one (empty with a single period)."""
        periods = [p for p in self.meta.periods() if p <= self.period and p.year == self.period.year]
        if len(periods) < 2:
            return fc.forecast_history({})
        tables = {}
        structure = self._read("struktur")
        for p in periods:
            if p == self.period:
                tables[str(p)] = self.table
                continue
            key = f"{self.kommun}/{p}"
            if key not in self._evidence_doc:
                continue
            ev = evidence_from_doc(self._evidence_doc[key])
            tidy, st = for_period(self.all_tidy, structure, self.kommun, p)
            eco = normalise_sign(tidy[tidy["dataset"].isin(ECONOMY_DATASETS)])
            tables[str(p)] = rc.reconciled_table(eco, table_rows(st), self.meta.main_tables, p, ev.resolutions,
                                                 ev.wrong_cells)
        return fc.forecast_history(tables)

    # --- the report, part by part ----------------------------------------------------------------
    def rubrik(self) -> Heading:
        m = self.meta
        line = f"{self.namnd} · {m.rapporttyp or 'Uppföljning'} · {self.period.span} · kommunkod {m.kommunkod}"
        return Heading(self.title, [line])

    def sammanfattning(self) -> nv.Narrative:
        table = self.table
        tot = self.total
        areas = rc.area_rows(table, several_tables=len(self.meta.main_tables) > 1)
        details = rc.detail_rows(self.detail) if not self.detail.empty else pd.DataFrame()
        explain = self.volume_price[self.volume_price["nyckeltal"].str.startswith("tkr per enhet")] \
            if len(self.volume_price) else pd.DataFrame()
        return nv.summary(nv.SummaryInput(
            namnd=self.namnd, period=self.period, enhet=self.money, table=table, total=tot, areas=areas,
            details=details, explanations=explain, volumes=self._volume_sentences(hours_only=True),
            caveats=self._caveats() + self._forecast_movement(), quality=self._quality_sentence()))

    def _forecast_movement(self) -> list[str]:
        """How the nämnd's forecast moved since last month, and (in December) how well it hit."""
        out = []
        h = self.history
        label = self.total["verksamhet"] if self.total is not None else None
        own = h[h["verksamhet"] == label].sort_values("period") if not h.empty else h
        if len(own) >= 2 and own.iloc[-1]["period"] == str(self.period):
            a, b = own.iloc[-2], own.iloc[-1]
            prev = Period.parse(a["period"]).month_name
            if shown_as_zero(b["prognosavvikelse"] - a["prognosavvikelse"], self.money):
                out.append(f"Prognosen är oförändrad sedan {prev}.")
            else:
                change = b["prognosavvikelse"] - a["prognosavvikelse"]
                figures = [abs(change), a["prognosavvikelse"], b["prognosavvikelse"]]  # one unit for all three
                moved = amounts(figures, self.money)[0]
                _, before, now = amounts(figures, self.money, plus=True)
                out.append(f"Prognosavvikelsen för {self.namnd} har {'ökat' if change > 0 else 'minskat'} med {moved} sedan "
                           f"{prev}: från {before} till {now}.")
        a = self.accuracy
        if not a.empty:
            own_a = a[a["verksamhet"] == label].sort_values("period")
            if len(own_a):
                worst = own_a.loc[own_a["miss"].abs().idxmax()]
                most, last = amounts([abs(worst["miss"]), abs(own_a.iloc[-1]["miss"])], self.money)
                out.append(f"Årets utfall är klart: prognosen missade som mest i {Period.parse(worst['period']).month_name} "
                           f"med {most} och i {Period.parse(own_a.iloc[-1]['period']).month_name} med {last}.")
        return out

    @cached_property
    def computed_total_parts(self) -> list[str]:
        """The rows the nämnd's total is summed from when the municipality publishes no total (else [])."""
        if self.total is None or self.total["tabell"] != "":
            return []
        t = self.table
        return list(t[(t["overordnad"] == "") & (t["tabell"] != "") & (t["radtyp"] != "rubrik")]["verksamhet"])

    def _caveats(self) -> list[str]:
        out = [c.text for c in self.meta.forbehall]
        if self.computed_total_parts and LEDGER_TABLE not in self.meta.main_tables:
            out.append(f"{self.meta.namn} redovisar ingen summa för hela nämnden; nämndens siffror här är "
                       f"summan av {join_words(self.computed_total_parts)}.")
        t = self.table
        if not t.empty and (t["budget_period_hur"] == "uppskattad").any():
            out.append(f"{self.meta.namn} redovisar bara helårsbudget; periodens budget och avvikelse är därför "
                       f"uppskattade med helårsbudgeten jämnt fördelad över året ({self.period.month}/12).")
        budget = self.evidence.budget_tkr or 0
        for r in self._shown_resolutions():
            gap_tkr = abs(r.published - r.rows) * unit(r.enhet).to_tkr
            if (r.replaced or r.for_rows) and budget and gap_tkr >= budget * MATERIAL_SHARE_OF_BUDGET / 100:
                out.append(r.caveat())
        return out

    def _shown_resolutions(self):
        """Resolutions of figures the economy table shows (this year's measures of the main tables)."""
        out = []
        eco = self.eco.set_index(["tabell", "rad", "kolumn"])
        for cell, r in self.evidence.resolutions.items():
            if r.tabell not in self.meta.main_tables or (cell.tabell, cell.rad, cell.kolumn) not in eco.index:
                continue
            x = eco.loc[(cell.tabell, cell.rad, cell.kolumn)]
            if measure_of(str(x["matt"]), str(x["slag"]), str(x["omfattning"]), int(x["ar"]), self.period.year):
                out.append(r)
        return out

    def _quality_sentence(self) -> nv.Sentence:
        c = self._counts()
        material = int((self.causes["vasentlig"] == "ja").sum()) if len(self.causes) else 0
        return nv.quality(c, len(self.causes), material)

    def _counts(self, section: str | None = None) -> dict[str, int]:
        f = self.checks
        if section is not None:
            f = f[(f["dataset"] == "volymer") == (section == "volymer")]
        counts = f["bedomning"].value_counts()
        return {k: int(counts.get(k, 0)) for k in ("ok", "avrundning", "fel", "varning", "ej_kontrollerbar")}

    def _volume_sentences(self, hours_only: bool = False) -> list[nv.Sentence]:
        t = self.same_period
        if t.empty:
            return []
        rows = t[t["ar"] == self.period.year]
        out = []
        for r in rows.itertuples():
            if hours_only and not vo.sums_over_year(r.enhet) and (rows["enhet"].map(vo.sums_over_year)).any():
                continue
            name = r.serie + (f" ({r.regi})" if r.regi else "")
            adjective = "utförda" if r.enhet == "timmar" and "beviljade" not in r.serie.lower() else ""
            prev = self.period.year - 1
            out.append(nv.volume(name, r.varde, r.enhet, self.period, r.forandring_procent, prev, adjective))
        return out

    # economy ------------------------------------------------------------------------------------
    def ekonomitabell(self) -> Table:
        """Budget and outcome per verksamhet (figures in use, normalised signs)."""
        t = self.table[self.table["radtyp"] != "rubrik"].reset_index(drop=True)
        if t.empty:
            return Table("ekonomi_per_verksamhet", "Budget och utfall per verksamhet", pd.DataFrame({"Verksamhet": []}))
        shown = [m for m in ECONOMY_COLUMNS if m in t and t[m].notna().any()]
        frame = pd.DataFrame({"Verksamhet": t["verksamhet"]})
        columns = {"Verksamhet": Col(TEXT)}
        marks: dict[tuple[int, str], str] = {}
        for m in shown:
            label = MEASURE_LABELS[m]
            frame[label] = t[m].astype(float)
            columns[label] = Col(PROCENT) if m == "avvikelse_procent" else Col(BELOPP, self.money)
            if m == "avvikelse_procent":
                continue
            published_column = t[f"{m}_hur"].isin(["publicerad", "ersatt"]).any()
            for i, row in t.iterrows():
                if bool(row.get(f"{m}_fel", False)):
                    marks[(i, label)] = "fel"
                elif row.get(f"{m}_hur") in MARKED and not (row[f"{m}_hur"] == "beraknad" and (
                        row["tabell"] == "" or not published_column)):
                    marks[(i, label)] = row[f"{m}_hur"]
        notes = [f"Belopp i {self.money}. Kostnader och nettokostnader visas med minustecken; positiv avvikelse = "
                 "bättre än budget."]
        if self.computed_total_parts:
            notes.append(f"{self.total['verksamhet']} är arbetsytans summa av {join_words(self.computed_total_parts)}; "
                         "raden står inte i kommunens egna tabeller.")
        kinds = set(marks.values())
        if "uppskattad" in kinds:
            notes.append("≈ Uppskattning: kommunen redovisar bara helårsbudget, så periodens budget är helårsbudgeten "
                         f"jämnt fördelad över året ({self.period.month}/12) och periodens utfall eller avvikelse "
                         "räknas ur den.")
        for r in self._shown_resolutions():
            sign = "* " if r.replaced else ""
            notes.append(f"{sign}{r.rad_text}, {r.kolumn}: {r.sentence()}")
        if "beraknad" in kinds:
            notes.append("† Beräknad: kommunen har inte publicerat siffran; den är räknad ur radens andra publicerade "
                         "siffror (t.ex. budget = prognos − prognosavvikelse).")
        if "fel" in kinds:
            notes.append("! Den publicerade siffran är fel enligt kontrollen och kan inte ersättas med något som "
                         "beläggen stöder; se Kvalitetskontroller.")
        notes += self._unbalanced_total_notes(t)
        caption = f"Budget och utfall per verksamhet, {self.period.span}, {self.money}"
        return Table("ekonomi_per_verksamhet", caption, frame, columns, list(t["radtyp"] == "summa"), notes, marks)

    def _unbalanced_total_notes(self, t: pd.DataFrame) -> list[str]:
        """Where a total kept as published does not equal the rows shown above it, say so."""
        out = []
        for r in self._shown_resolutions():
            if not r.replaced:
                out.append(f"Raderna ovanför '{r.rad_text}' summerar inte till den publicerade summan i kolumnen "
                           f"'{r.kolumn}'; se noten ovan.")
        return list(dict.fromkeys(out))

    def detaljtabeller(self) -> Section:
        items = []
        for tid in self.meta.detaljtabeller:
            t = rc.reconciled_table(self.eco, self.rows, [tid], self.period, self.evidence.resolutions,
                                    self.evidence.wrong_cells, add_total=False)
            t = t[t["radtyp"] != "rubrik"].reset_index(drop=True)
            frame = pd.DataFrame({"Verksamhet": t["verksamhet"], "Område": t["overordnad"],
                                  "Avvikelse perioden": t["avvikelse_period"], "Prognosavvikelse": t["prognosavvikelse"]})
            meta = self.meta.table(tid)
            note = (f"Källa: {meta.avsnitt or meta.rubrik}. Beloppen står bara i rapportens text och har lästs in med "
                    "tecken efter orden positiv/negativ; delposter är de delar texten själv anger (inte alltid alla). "
                    "Belopp som texten anger med 'ca' är ungefärliga.")
            items.append(Table(tid if tid.startswith("avvikelser") else f"avvikelser_{tid}", f"Avvikelser per verksamhet enligt rapportens text, "
                               f"{self.period.span}, {self.money}", frame,
                               {"Verksamhet": Col(TEXT), "Område": Col(TEXT), "Avvikelse perioden": Col(BELOPP, self.money),
                                "Prognosavvikelse": Col(BELOPP, self.money)}, list(t["radtyp"] == "summa"), [note]))
        return Section("Avvikelser per verksamhet enligt texten", items)

    def avvikelsediagram(self):
        source = self.detail if not self.detail.empty else self.table
        if source.empty:
            return message("Det finns inga avvikelser per verksamhet att visa.")
        return self._deviation_chart

    @cached_property
    def _deviation_chart(self):
        source = self.detail
        measure = rc.chart_measure(source)
        dev = rc.deviations(source, measure)
        if dev.empty:
            return message("Det finns inga avvikelser per verksamhet att visa.")
        est = bool((rc.detail_rows(source)[f"{measure}_hur"] == "uppskattad").any())
        what = "perioden" if measure == "avvikelse_period" else "helårsprognosen"
        pos, neg = int((dev > 0).sum()), int((dev < 0).sum())
        title = (f"{pos} verksamheter går bättre och {neg} sämre än budget ({what}"
                 + (", uppskattat" if est else "") + f", {self.period.span})")
        return ch.deviation_chart("avvikelser", dev, title, self.money,
                                  "mot budget" if measure == "avvikelse_period" else "i helårsprognosen", est)

    def riktpunkt(self):
        t = rc.riktpunkt_table(self.table, self.period)
        if not t.empty:
            t = t[(t["helarsbudget"] != 0) & ~((t["tabell"] != "") & (t["helarsbudget_hur"] == "beraknad"))]
            t = t.reset_index(drop=True)
        if t.empty:
            return message("Riktpunktsjämförelsen kräver periodens utfall och helårsbudget; den här rapporten har "
                           "inte båda.")
        if t["utfall_period_hur"].isin(["uppskattad"]).all():
            return message(f"{self.meta.namn} redovisar periodens resultat men inte periodens utfall per verksamhet; "
                           "utfallet ovan är uppskattat ur helårsbudgeten och resultatet. En jämförelse mot "
                           "riktpunkten skulle bara upprepa resultatet och visas därför inte.")
        published_budget = t["budget_period_hur"].ne("uppskattad") & t["budget_andel"].notna()
        frame = pd.DataFrame({"Verksamhet": t["verksamhet"], "Helårsbudget": t["helarsbudget"],
                              "Utfall perioden": t["utfall_period"], "Utfall i % av helårsbudget": t["andel_av_helarsbudget"],
                              "Riktpunkt, %": t["riktpunkt"]})
        columns = {"Verksamhet": Col(TEXT), "Helårsbudget": Col(BELOPP, self.money), "Utfall perioden": Col(BELOPP, self.money),
                   "Utfall i % av helårsbudget": Col(PROCENT), "Riktpunkt, %": Col(PROCENT)}
        notes = [f"Riktpunkten är andelen av året som gått: {self.period.month}/12 = {percent(self.period.riktpunkt)}. "
                 "Ett utfall över riktpunkten betyder att mer än en jämn andel av årets budget har använts."]
        if published_budget.any():
            frame["Periodbudget i % av helårsbudget"] = t["budget_andel"]
            columns["Periodbudget i % av helårsbudget"] = Col(PROCENT)
            notes.append("Kommunen redovisar en egen periodbudget; dess andel av helårsbudgeten visar hur budgeten är "
                         "fördelad över året. Periodens avvikelse står i tabellen ovan (mot kommunens periodbudget) "
                         "och räknas inte om här.")
        else:
            notes.append("Kommunen redovisar ingen periodbudget; avvikelsen mot en jämnt fördelad budget står i "
                         "tabellen ovan, markerad som uppskattning.")
        return Table("riktpunkt", f"Utfall i procent av helårsbudget mot riktpunkt, {self.period.span}", frame, columns,
                     list(t["radtyp"] == "summa"), notes)

    def prognoskontroll(self):
        t = self.forecast
        if not t.empty:
            t = t[t["helarsbudget_hur"].isin(["publicerad", "ersatt", "beraknad"]) & (t["helarsbudget"] != 0)
                  & ~((t["tabell"] != "") & (t["helarsbudget_hur"] == "beraknad"))]
        if t.empty:
            return message("Prognoskontrollen kräver utfall, prognos och helårsbudget.")
        frame = pd.DataFrame({"Verksamhet": t["verksamhet"], "Helårsbudget": t["helarsbudget"],
                              "Officiell prognos": t["prognos"], "Rak uppräkning": t["prognos_rak"],
                              "Säsongsuppräkning": t["prognos_sasong"], "Skillnad mot rak": t["prognos"] - t["prognos_rak"],
                              "Bedömning": t["flagga"].map({True: "Avviker – bör förklaras", False: "Rimlig"})})
        if frame["Säsongsuppräkning"].isna().all():
            frame = frame.drop(columns=["Säsongsuppräkning"])
        comments = t["verksamhet"].map(dict(zip(self.table["verksamhet"], self.table["kommentar"]))).fillna("")
        if comments.astype(bool).any():
            frame["Controllerns kommentar"] = comments.to_numpy()
        columns = {c: Col(BELOPP, self.money) for c in frame.columns}
        columns.update({"Verksamhet": Col(TEXT), "Bedömning": Col(TEXT), "Controllerns kommentar": Col(TEXT)})
        n = int(t["flagga"].sum())
        est = (t["utfall_period_hur"] == "uppskattad").any()
        note = (f"Rak uppräkning = periodens utfall / {self.period.month} × 12. Säsongsuppräkning (där verksamheten "
                "är kopplad till en månadsvolym) = periodens utfall delat med den andel av årets volym som tidigare hela "
                f"år hade under samma månader. En prognos markeras när den skiljer sig från båda med mer än "
                f"{percent(100 * fc.FORECAST_THRESHOLD, 0)} av helårsbudgeten. {n} av {len(t)} prognoser avviker; en "
                "avvikelse kan vara rimlig (kända kostnader under hösten) men bör kunna förklaras.")
        notes = [note] + (["Utfallet är uppskattat (se ekonomitabellen), så uppräkningarna är det också."] if est else [])
        return Table("prognoskontroll", f"Prognoskontroll: officiell helårsprognos mot uppräkningar, {self.money}", frame,
                     columns, list(t["radtyp"] == "summa"), notes)

    def prognoshistorik(self):
        h = self.history
        if h.empty:
            return message(f"Prognosens utveckling visas när det finns prognoser för flera månader; för "
                           f"{self.meta.namn} finns prognosen för {self.period.span}.")
        items = []
        totals = h[(h["radtyp"] == "summa") & (h["summerar"] == "") & (h["overordnad"] == "")]["verksamhet"]
        totals = list(dict.fromkeys(totals))
        last = h[h["period"] == str(self.period)]
        biggest = last[~last["verksamhet"].isin(totals)].assign(a=last["prognosavvikelse"].abs()) \
            .sort_values("a", ascending=False)["verksamhet"].head(3).tolist()
        labels = totals[:1] + biggest
        first_total = h[h["verksamhet"].isin(totals[:1])].sort_values("period")
        moved = ""
        if len(first_total) >= 2:
            a, b = first_total.iloc[-2], first_total.iloc[-1]
            moved = (f": {amount(b['prognosavvikelse'], self.money, plus=True)} i {Period.parse(b['period']).month_name}"
                     f" mot {amount(a['prognosavvikelse'], self.money, plus=True)} månaden före")
        items.append(ch.forecast_history_chart("prognoshistorik", h, f"Prognosens avvikelse mot budget per månad{moved}",
                                               self.money, labels))
        items.append(self.prognoshistorik_tabell())
        return Section("Prognosens utveckling", items)

    def prognoshistorik_tabell(self) -> Table:
        h = self.history
        order = [v for v in self.table["verksamhet"] if v in set(h["verksamhet"])]
        cur = h[h["period"] == str(self.period)].set_index("verksamhet").reindex(order).dropna(subset=["period"])
        prev_p = self.period.previous()
        prev = h[h["period"] == str(prev_p)].set_index("verksamhet")
        frame = pd.DataFrame({"Verksamhet": cur.index, "Helårsbudget": cur["helarsbudget"].to_numpy(),
                              f"Prognos {self.period.month_name}": cur["prognos"].to_numpy(),
                              f"Prognos {prev_p.month_name}": [prev["prognos"].get(v) for v in cur.index],
                              "Förändring": cur["forandring"].to_numpy(),
                              "Prognosavvikelse": cur["prognosavvikelse"].to_numpy(),
                              "Kommentar": cur["kommentar"].to_numpy()})
        columns = {c: Col(BELOPP, self.money) for c in frame.columns}
        columns.update({"Verksamhet": Col(TEXT), "Kommentar": Col(TEXT)})
        return Table("prognoshistorik", f"Helårsprognosen denna månad mot förra månaden och mot budget, {self.money}",
                     frame, columns, list(cur["radtyp"] == "summa"),
                     ["Förändring = denna månads prognos minus förra månadens; positiv avvikelse = bättre än budget."])

    @cached_property
    def cost_per_unit(self) -> pd.DataFrame:
        return vp.monthly_cost_per_unit(self.eco, self.series, self.meta.koppling, self.period)

    @cached_property
    def accuracy(self) -> pd.DataFrame:
        """Once the year's outcome is in (the December report): how far each month's forecast was from it."""
        if self.period.month != 12 or self.history.empty:
            return pd.DataFrame()
        t = self.table[self.table["radtyp"] != "rubrik"]
        outcome = dict(zip(t["verksamhet"], t["utfall_period"]))
        return fc.forecast_accuracy(self.history[self.history["period"] < str(self.period)], outcome)

    def kostnad_per_enhet(self):
        c = self.cost_per_unit
        if c.empty:
            return message("Kostnad per timme eller plats per månad visas där både månadens kostnad (huvudboken) och "
                           "volym (verksamhetssystemet) finns för en kopplad verksamhet; det finns inte här.")
        items = []
        for (verksamhet, serie), g in c.groupby(["verksamhet", "serie"], sort=False):
            enhet = str(g["enhet"].iat[0])
            per = unit(enhet).singular or enhet
            frame = pd.DataFrame({"Månad": [f"{Period(self.period.year, m).month_name}" for m in g["manad"]],
                                  "Kostnad, tkr": g["kostnad_tkr"].to_numpy(), f"Volym, {enhet}": g["volym"].to_numpy(),
                                  f"Kronor per {per}": g["kr_per_enhet"].to_numpy()})
            first, last = g.iloc[0], g.iloc[-1]
            change = 100 * (last["kr_per_enhet"] - first["kr_per_enhet"]) / first["kr_per_enhet"]
            trend = "oförändrad" if round(change, 1) == 0 else f"{'ökade' if change > 0 else 'minskade'} {percent(abs(change))}"
            caption = (f"{verksamhet}: kostnad per {per} {trend} från {Period(self.period.year, int(first['manad'])).month_name}"
                       f" till {Period(self.period.year, int(last['manad'])).month_name} {self.period.year}")
            items.append(Table(f"kostnad_per_enhet_{len(items) + 1}", caption, frame,
                               {"Månad": Col(TEXT), "Kostnad, tkr": Col(BELOPP, "tkr"),
                                f"Volym, {enhet}": Col(VOLYM, enhet), f"Kronor per {per}": Col(BELOPP, "kr")}, [],
                               [f"Månadens nettokostnad i huvudboken delad med månadens {serie.lower()} i verksamhetssystemet. "
                                "Månader där något av dem saknas visas inte."]))
        return Section("Kostnad per enhet och månad", items)

    def prognostraffsakerhet(self):
        a = self.accuracy
        if a.empty:
            return message("Prognosens träffsäkerhet visas i december, när årets utfall finns.")
        label = self.total["verksamhet"] if self.total is not None else None
        own = a[a["verksamhet"] == label].sort_values("period")
        sentences = []
        for _, r in own.iterrows():
            month = Period.parse(r["period"]).month_name
            direction = "kostnaderna blev högre än prognosen" if r["miss"] > 0 else "kostnaderna blev lägre än prognosen"
            if shown_as_zero(r["miss"], self.money):
                sentences.append(nv.Sentence("traffsakerhet", f"Prognosen i {month} träffade årets utfall."))
            else:
                sentences.append(nv.Sentence("traffsakerhet", f"Prognosen i {month} missade årets utfall med "
                                             f"{amount(abs(r['miss']), self.money)} ({percent(r['miss_procent'])}); "
                                             f"{direction}."))
        frame = pd.DataFrame({"Prognosmånad": [Period.parse(p).month_name for p in own["period"]],
                              "Prognos helår": own["prognos"].to_numpy(), "Årets utfall": own["utfall_helar"].to_numpy(),
                              "Miss": own["miss"].to_numpy(), "Miss, %": own["miss_procent"].to_numpy()})
        columns = {"Prognosmånad": Col(TEXT), "Prognos helår": Col(BELOPP, self.money), "Årets utfall": Col(BELOPP, self.money),
                   "Miss": Col(BELOPP, self.money), "Miss, %": Col(PROCENT)}
        table = Table("prognos_traffsakerhet", f"Prognosens träffsäkerhet för {label}, {self.money}", frame, columns, [],
                      ["Miss = prognos minus årets utfall; positivt betyder att kostnaderna blev högre än prognosen."])
        return Section("Prognosens träffsäkerhet", [nv.Narrative(sentences), table])

    def volym_och_pris(self):
        t = self.volume_price
        if t.empty:
            return message("Volym- och prisanalysen kräver både volymer och styckkostnader för samma verksamhet; "
                           "det finns inte i den här rapporten.")
        frame = pd.DataFrame({"Verksamhet": t["verksamhet"], "Volym": t["storhet"], "Jämförelse": t["jamforelse"],
                              "Volym budget": t["volym_budget"], "Volym utfall/prognos": t["volym_utfall"],
                              "Volymeffekt": t["volymeffekt"], "Priseffekt": t["priseffekt"], "Totalt": t["total"]})
        columns = {"Verksamhet": Col(TEXT), "Volym": Col(TEXT), "Jämförelse": Col(TEXT), "Volym budget": Col(TAL, decimals=1),
                   "Volym utfall/prognos": Col(TAL, decimals=1), "Volymeffekt": Col(BELOPP, "tkr"),
                   "Priseffekt": Col(BELOPP, "tkr"), "Totalt": Col(BELOPP, "tkr")}
        note = ("Skillnaden mellan budget och utfall eller prognos delas upp i en volymeffekt (ändrad volym × "
                "budgeterad styckkostnad) och en priseffekt (ändrad styckkostnad × faktisk volym); de summerar exakt till "
                "totalen. Negativt = högre kostnad än budget. Där styckkostnaden kommer ur nyckeltal bygger de på andra "
                "definitioner än ekonomitabellen.")
        return Table("volym_och_pris", "Volym- och priseffekter, tkr", frame, columns, [], [note])

    # volumes --------------------------------------------------------------------------------------
    def volymoversikt(self):
        s = self.series
        if s.empty:
            if self.annual.empty:
                return message(f"{self.meta.namn} redovisar inga månadsvolymer (timmar, platser eller beslut).")
            return message(f"{self.meta.namn} redovisar volymer per år, se nedan.")
        return self._overview_chart

    @cached_property
    def _overview_chart(self):
        t = self.same_period
        latest = t[(t["ar"] == self.period.year) & t["forandring_procent"].notna()]
        span = f"{self.period.span} mot {self.period.year - 1}"
        down = int((latest["forandring_procent"] < 0).sum())
        if not len(latest):
            title = f"Alla volymserier per månad, {self.meta.namn}"
        elif down == 0:
            title = f"Ingen av {len(latest)} volymserier minskade {span}"
        else:
            title = f"{down} av {len(latest)} volymserier minskade {span}"
        return ch.small_multiples("volymer-oversikt", self.series, title)

    def volymserier(self) -> Section:
        s = self.series
        if s.empty:
            return Section("", [])
        table = self.same_period
        keys = vo.series_keys(s)
        parts = []
        for key in keys:
            sub_t = table[(table["tabell"] == key[0]) & (table["serie"] == key[1]) & (table["regi"] == key[2])]
            sub_s = vo.one_series(s, key)
            enhet = str(sub_s["enhet"].iat[0])
            name = key[1] + (f" ({key[2]})" if key[2] else "")
            slug = f"{key[0]}-{key[1]}-{key[2]}"
            items = []
            change = sub_t["forandring_procent"].iloc[-1] if len(sub_t) else None
            if vo.sums_over_year(enhet) or len(keys) <= 4:
                items.append(ch.monthly_lines(f"manad-{slug}", sub_s, self._series_title(name, change), enhet))
            if len(sub_t) > 1 and vo.sums_over_year(enhet):
                items.append(ch.same_period_bars(f"samma-period-{slug}", sub_t,
                                                 f"{name}: {self.period.span.split(' ')[0]} varje år (summa)", enhet))
            if vo.sums_over_year(enhet) and sub_t["budget"].notna().any():
                items.append(ch.cumulative_vs_budget(f"ack-{slug}", sub_s, self.period.year,
                                                     f"{name}: ackumulerat utfall mot budget {self.period.year}", enhet))
            if not sub_t.empty:
                items.append(self._series_table(sub_t, name, enhet, len(parts) + 1))
            else:
                items.append(message("Det finns ingen hel jämförelseperiod för serien."))
            parts.append(Section(name, items))
        regi = s[s["regi"].isin(["intern", "extern"])]
        for (tabell, serie), _ in regi.groupby(["tabell", "serie"], sort=False):
            enhet = str(regi[regi["serie"] == serie]["enhet"].iat[0])
            parts.append(Section(f"{serie}: intern och extern regi", [ch.stacked_regi(
                f"regi-{tabell}", s, tabell, serie, self.period.year,
                f"{serie}: intern och extern regi per månad {self.period.span}", enhet)]))
        return Section("", parts)

    def _series_title(self, name: str, change) -> str:
        if change is None or pd.isna(change) or round(change, 1) == 0:
            trend = "oförändrat"
        else:
            trend = f"{'ökning' if change > 0 else 'minskning'} {percent(abs(change))}"
        return f"{name}: {trend} {self.period.span} mot {self.period.year - 1}"

    def _series_table(self, sub: pd.DataFrame, name: str, enhet: str, number: int) -> Table:
        agg = "summa" if vo.sums_over_year(enhet) else "medelvärde"
        frame = pd.DataFrame({"År": sub["ar"].astype(int), "Period": sub["period"], "Värde": sub["varde"],
                              "Förändring": sub["forandring"], "Förändring, %": sub["forandring_procent"],
                              "Budget": sub["budget"], "Avvikelse mot budget, %": sub["avvikelse_budget_procent"],
                              "Helår": sub["helar"]}).reset_index(drop=True)
        d = None if vo.sums_over_year(enhet) else 1
        columns = {"År": Col(AR), "Period": Col(TEXT), "Värde": Col(VOLYM, enhet, d), "Förändring": Col(VOLYM, enhet, d),
                   "Förändring, %": Col(PROCENT), "Budget": Col(VOLYM, enhet, d), "Avvikelse mot budget, %": Col(PROCENT),
                   "Helår": Col(VOLYM, enhet, d)}
        for c in ("Budget", "Avvikelse mot budget, %", "Helår"):
            if frame[c].isna().all():
                frame = frame.drop(columns=c)
        note = (f"{enhet.capitalize()}: {agg} av månaderna. Helår visas för år där alla tolv månader finns; månader efter "
                "perioden räknas inte.")
        return Table(f"samma_period_{number}", f"{name}: samma period varje år, {enhet} ({agg})", frame, columns, [], [note])

    def volymtabell(self) -> Table:
        """Every monthly series, the same months each year (for export and analysts)."""
        t = self.same_period
        frame = pd.DataFrame({"Serie": t["serie"] + t["regi"].map(lambda r: f" ({r})" if r else ""), "Enhet": t["enhet"],
                              "År": t["ar"], "Period": t["period"], "Värde": t["varde"], "Förändring": t["forandring"],
                              "Förändring, %": t["forandring_procent"], "Budget": t["budget"],
                              "Avvikelse mot budget, %": t["avvikelse_budget_procent"], "Helår": t["helar"]})
        columns = {"Serie": Col(TEXT), "Enhet": Col(TEXT), "År": Col(AR), "Period": Col(TEXT), "Värde": Col(TAL),
                   "Förändring": Col(TAL), "Förändring, %": Col(PROCENT), "Budget": Col(TAL),
                   "Avvikelse mot budget, %": Col(PROCENT), "Helår": Col(TAL)}
        return Table("volymer_samma_period", f"Volymer, samma period varje år ({self.period.span.split(' ')[0]})",
                     frame.reset_index(drop=True), columns, [],
                     ["Timmar och dygn är summan av månaderna; platser, beslut, brukare och personer medelvärdet."])

    def arsvolymer(self) -> Section:
        a = self.annual
        if a.empty:
            return Section("Volymer per år", [])
        changes = vo.annual_changes(a)
        years = [c for c in a.columns if vo.is_year_column(c)]
        pct = [c for c in changes.columns if c.endswith("%")]
        col = changes.get("Prognos mot budget, %", pd.Series(dtype=float))
        over, counted = int((col > 0).sum()), int(col.notna().sum())
        title = (f"{over} av {counted} volymer prognostiseras över budget {self.period.year}" if counted
                 else f"Volymer per år, {self.meta.namn}")
        frame = changes[["verksamhet", "storhet", "enhet"] + years + pct].rename(
            columns={"verksamhet": "Verksamhet", "storhet": "Mått", "enhet": "Enhet"}).reset_index(drop=True)
        columns = {"Verksamhet": Col(TEXT), "Mått": Col(TEXT), "Enhet": Col(TEXT), **{c: Col(TAL) for c in years},
                   **{c: Col(PROCENT) for c in pct}}
        table = Table("volymer_per_ar", "Volymer per år: utfall, budget och prognos med förändring", frame, columns, [],
                      ["Förändringen är mot året före; budgeten jämförs med senaste utfallet och prognosen med budgeten."])
        return Section("Volymer per år", [ch.annual_overview("volymer-per-ar", a, years, title), table])

    # quality --------------------------------------------------------------------------------------
    def vasentliga_fynd(self) -> Section:
        c = self.causes
        items: list = [nv.Narrative([self._quality_sentence()], as_list=False)]
        material = c[c["vasentlig"] == "ja"] if len(c) else c
        if len(material):
            sentences = []
            for _, r in material.iterrows():
                tail = " Det ändrar en siffra i rapporten." if r["andrar_rapporten"] == "ja" else ""
                size = f" Storlek: {r['vasentlighet']}." if r["vasentlighet"] else ""
                sentences.append(nv.Sentence("fynd", f"{r['mening']}{size}{tail}"))
            items.append(nv.Narrative(sentences, heading=f"Väsentliga fynd ({len(material)})"))
        else:
            items.append(message("Inga väsentliga fel hittades i de publicerade siffrorna."))
        items.append(message("Hela listan, med varje kontroll och dess följder, finns i tabeller/kvalitet.xlsx och i "
                             "analysnotebooken."))
        return Section("Fynd i de publicerade siffrorna", items)

    def kvalitetstabell(self) -> Table:
        c = self.causes
        frame = pd.DataFrame({"Fynd": c["mening"], "Bedömning": c["bedomning"].map(BEDOMNING_TEXT), "Väsentligt": c["vasentlig"],
                              "Storlek": c["vasentlighet"], "Ändrar rapporten": c["andrar_rapporten"],
                              "Följder": c["foljder"]}).reset_index(drop=True)
        return Table("kvalitet", f"Fynd i de publicerade siffrorna, en rad per orsak, {self.meta.namn}", frame,
                     {k: Col(TEXT) for k in frame.columns}, [],
                     ["Bedömning: fel = går inte ihop ens med avrundning; kan inte kontrolleras = ett värde saknas; "
                      "varning = bör kontrolleras."])

    def kontrolltabell(self) -> Table:
        f = self.checks
        frame = pd.DataFrame({"Tabell": f["tabell"], "Rad": f["rad"], "Kolumn": f["kolumn"], "Kontroll": f["kontroll"],
                              "Publicerat": f["publicerat"], "Beräknat": f["beraknat"], "Differens": f["differens"],
                              "Tolerans": f["tolerans"], "Bedömning": f["bedomning"].map(BEDOMNING_TEXT),
                              "Vad som jämförts": f["beskrivning"]})
        columns = {k: Col(TEXT) for k in frame.columns}
        columns.update({k: Col(TAL, decimals=2) for k in ("Publicerat", "Beräknat", "Differens", "Tolerans")})
        notes = [f"{BEDOMNING_TEXT[b].capitalize()}: {BEDOMNING_EXPLAINED[b]}" for b in BEDOMNING]
        return Table("kontroller", f"Alla kontroller, {self.meta.namn} {self.period}", frame.reset_index(drop=True),
                     columns, [], notes)

    def kallor(self) -> Table:
        rows = [(self.evidence.headings.get(t.id, t.id), t.kalla, t.fil) for t in self.meta.tabell]
        frame = pd.DataFrame(rows, columns=["Tabell i källan", "Källdokument", "Fil i data/raw"])
        return Table("kallor", "Källor: varje tabell och var den kommer ifrån", frame,
                     {c: Col(TEXT) for c in frame.columns})

    def meningar(self) -> nv.Narrative:
        """Every generated sentence, for a tjänsteskrivelse (meningar.md)."""
        out = list(self.sammanfattning().sentences)
        t = self.table
        for _, r in t[t["radtyp"] != "rubrik"].iterrows():
            if r["verksamhet"] == (self.total["verksamhet"] if self.total is not None else None):
                continue
            if pd.notna(r["avvikelse_period"]) and not r["avvikelse_period_fel"]:
                out.append(nv.result(r["verksamhet"], r["avvikelse_period"], self.money, self.period,
                                     r["avvikelse_period_hur"] == "uppskattad"))
            if pd.notna(r["prognosavvikelse"]) and not r["prognosavvikelse_fel"]:
                out.append(nv.forecast(r["verksamhet"], r["prognosavvikelse"], self.money))
        out += self._volume_sentences()
        return nv.Narrative(list(dict.fromkeys(out)), f"{self.meta.namn}: meningar för tjänsteskrivelsen, "
                            f"{self.period.span}")

    def exportera(self, folder: str | Path) -> None:
        """Every table as xlsx, CSV and HTML, and the sentences as Markdown, into ``folder``/tabeller."""
        target = Path(folder) / "tabeller"
        for t in self.tables():
            export_table(target, t)
        write_text(target / "meningar.md", self.meningar().markdown())

    def tables(self) -> list[Table]:
        """Every table of the report, for export."""
        out = [self.ekonomitabell()] + self.detaljtabeller().tables
        for t in (self.riktpunkt(), self.prognoskontroll(), self.volym_och_pris()):
            if isinstance(t, Table):
                out.append(t)
        if not self.history.empty:
            out.append(self.prognoshistorik_tabell())
        for part in (self.prognostraffsakerhet(), self.kostnad_per_enhet()):
            out += [t for t in getattr(part, "tables", ()) if isinstance(t, Table)]
        if not self.series.empty:
            out.append(self.volymtabell())
        out += self.arsvolymer().tables
        out += [self.kvalitetstabell(), self.kontrolltabell()]
        return out

