"""The economy sections: budget and outcome per verksamhet, the detail tables from the text, the
deviation chart, riktpunkt, volume and price, and the monthly cost per unit."""
from __future__ import annotations

import pandas as pd

from ..analysis import reconcile as rc
from ..analysis.report_data import ReportData
from ..core.formats import amount, join_words, number, percent
from ..core.period import Period
from ..core.units import unit
from ..core.vocabulary import MEASURE_LABELS
from . import charts as ch
from . import narrative as nv
from .blocks import Section, message
from .labels import display_label
from .tables import BELOPP, PROCENT, TAL, TEXT, VOLYM, Col, Table

ECONOMY_COLUMNS = ("budget_period", "utfall_period", "avvikelse_period", "avvikelse_procent", "helarsbudget",
                   "prognos", "prognosavvikelse")
MARKED = ("ersatt", "uppskattad", "beraknad")

def economy_table(data: ReportData, display: bool = False) -> Table:
    """Budget and outcome per verksamhet (figures in use, normalised signs); ``display``: labels as the
    nämnd reads them (present.labels), the published labels otherwise."""
    t = data.table[data.table["radtyp"] != "rubrik"].reset_index(drop=True) if len(data.table) else data.table
    if t.empty:
        return Table("ekonomi_per_verksamhet", "Budget och utfall per verksamhet", pd.DataFrame({"Verksamhet": []}))
    shown = [m for m in ECONOMY_COLUMNS if m in t and t[m].notna().any()]
    label_of = display_label if display else str
    frame = pd.DataFrame({"Verksamhet": t["verksamhet"].map(label_of)})
    columns = {"Verksamhet": Col(TEXT)}
    marks: dict[tuple[int, str], str] = {}
    for m in shown:
        label = MEASURE_LABELS[m]
        frame[label] = t[m].astype(float)
        columns[label] = Col(PROCENT) if m == "avvikelse_procent" else Col(BELOPP, data.money)
        if m == "avvikelse_procent":
            continue
        published_column = t[f"{m}_hur"].isin(["publicerad", "ersatt"]).any()
        for i, row in t.iterrows():
            if bool(row.get(f"{m}_fel", False)):
                marks[(i, label)] = "fel"
            elif row.get(f"{m}_hur") in MARKED and not (row[f"{m}_hur"] == "beraknad" and (
                    row["tabell"] == "" or not published_column)):
                marks[(i, label)] = row[f"{m}_hur"]
    notes = [f"Belopp i {data.money}. Kostnader och nettokostnader visas med minustecken; positiv avvikelse = "
             "bättre än budget."]
    if "avvikelse_procent" in shown:
        notes += zero_budget_note(t, "budget_period", MEASURE_LABELS["avvikelse_procent"], "periodbudgeten", label_of)
    if data.computed_total_parts:
        parts = join_words([label_of(p) for p in data.computed_total_parts])
        notes.append(f"{label_of(data.total['verksamhet'])} är summan av {parts}; kommunen redovisar ingen egen "
                     "summa för hela nämnden.")
    kinds = set(marks.values())
    if "uppskattad" in kinds:
        notes.append("≈ Uppskattning: kommunen redovisar bara helårsbudget, så periodens budget är helårsbudgeten "
                     f"jämnt fördelad över året ({data.period.month}/12) och periodens utfall eller avvikelse "
                     "räknas ur den.")
    for r in data.shown_resolutions():
        if display:
            notes.append(_reader_resolution(r, label_of))
            continue
        sign = "* Ersatt summa: " if r.replaced else ""
        notes.append(f"{sign}{label_of(r.rad_text)}, {r.kolumn}: {r.sentence()}")
    if "beraknad" in kinds:
        notes.append("† Beräknad: kommunen har inte publicerat siffran; den är räknad ur radens andra publicerade "
                     "siffror (t.ex. budget = prognos − prognosavvikelse).")
    if "fel" in kinds:
        notes.append("! Den publicerade siffran är fel enligt kontrollen och kan inte ersättas med något som "
                     "beläggen stöder; se Kvalitetskontroller.")
    if not display:
        notes += _unbalanced_total_notes(data, label_of)
    caption = f"Budget och utfall per verksamhet, {data.period.span}, {data.money}"
    return Table("ekonomi_per_verksamhet", caption, frame, columns, list(t["radtyp"] == "summa"), notes, marks)


def _reader_resolution(r, label_of) -> str:
    """One short note per disagreeing total for the nämnd: which figure is shown, and the gap."""
    gap = amount(abs(r.published - r.rows), r.enhet)
    where = f"{label_of(r.rad_text)}, {r.kolumn.lower()}"
    if r.replaced:
        return (f"* {where}: kommunens summa går inte ihop med raderna (skillnad {gap}); tabellen visar radernas "
                f"summa, {amount(r.rows, r.enhet)}, som underlaget stöder.")
    return (f"{where}: raderna går inte ihop med kommunens summa (skillnad {gap}); tabellen visar kommunens summa, "
            f"{amount(r.published, r.enhet)}.")


def _unbalanced_total_notes(data: ReportData, label_of=str) -> list[str]:
    """Where a total kept as published does not equal the rows shown above it, say so."""
    out = []
    for r in data.shown_resolutions():
        if not r.replaced:
            out.append(f"Raderna ovanför '{label_of(r.rad_text)}' summerar inte till den publicerade summan i kolumnen "
                       f"'{r.kolumn}'; se noten ovan.")
    return list(dict.fromkeys(out))


def detail_tables(data: ReportData, display: bool = False) -> Section:
    label_of = display_label if display else str
    items = []
    for tid in data.meta.detaljtabeller:
        t = data.details[(data.details["detaljtabell"] == tid) & (data.details["radtyp"] != "rubrik")]
        t = t.reset_index(drop=True)
        frame = pd.DataFrame({"Verksamhet": t["verksamhet"].map(label_of), "Område": t["overordnad"].map(label_of),
                              "Avvikelse perioden": t["avvikelse_period"], "Prognosavvikelse": t["prognosavvikelse"]})
        meta = data.meta.table(tid)
        note = (f"Källa: {meta.avsnitt or meta.rubrik}. Beloppen står bara i rapportens text och har lästs in med "
                "tecken efter orden positiv/negativ; delposter är de delar texten själv anger (inte alltid alla). "
                "Belopp som texten anger med 'ca' är ungefärliga.")
        items.append(Table(tid if tid.startswith("avvikelser") else f"avvikelser_{tid}", f"Avvikelser per verksamhet enligt rapportens text, "
                           f"{data.period.span}, {data.money}", frame,
                           {"Verksamhet": Col(TEXT), "Område": Col(TEXT), "Avvikelse perioden": Col(BELOPP, data.money),
                            "Prognosavvikelse": Col(BELOPP, data.money)}, list(t["radtyp"] == "summa"), [note]))
    return Section("Avvikelser per verksamhet enligt texten", items)


def deviation_chart(data: ReportData, display: bool = False):
    source = data.detail if not data.detail.empty else data.table
    if source.empty:
        return message("Det finns inga avvikelser per verksamhet att visa.")
    return _deviation_chart(data, display)


def _deviation_chart(data: ReportData, display: bool = False):
    source = data.detail
    measure = rc.chart_measure(source)
    dev = rc.deviations(source, measure)
    if display:
        dev.index = [display_label(x) for x in dev.index]
    if dev.empty:
        return message("Det finns inga avvikelser per verksamhet att visa.")
    est = bool((rc.detail_rows(source)[f"{measure}_hur"] == "uppskattad").any())
    what = "perioden" if measure == "avvikelse_period" else "helårsprognosen"
    pos, neg = int((dev > 0).sum()), int((dev < 0).sum())
    title = (f"{pos} verksamheter går bättre och {neg} sämre än budget ({what}"
             + (", uppskattat" if est else "") + f", {data.period.span})")
    return ch.deviation_chart("avvikelser", dev, title, data.money,
                              "mot budget" if measure == "avvikelse_period" else "i helårsprognosen", est)


def zero_budget_note(t: pd.DataFrame, budget: str, column: str, word: str, label_of=str) -> list[str]:
    """A budget of exactly 0 is a value, not a missing one: a percentage of it cannot be computed, and
    the table says so instead of leaving the cell silently empty."""
    zero = t[t[budget] == 0] if budget in t else t.iloc[0:0]
    if zero.empty:
        return []
    names = join_words([label_of(v) for v in zero["verksamhet"]])
    return [f"{names}: {word} är 0, så '{column}' är tom (en andel av 0 går inte att räkna)."]


def riktpunkt_table(data: ReportData):
    t = rc.riktpunkt_table(data.table, data.period) if len(data.table) else data.table
    if not t.empty:
        # a full-year budget of 0 is a value: the row stays, with its percentage empty and a note saying why
        t = t[~((t["tabell"] != "") & (t["helarsbudget_hur"] == "beraknad"))]
        t = t.reset_index(drop=True)
    if t.empty:
        return message("Riktpunktsjämförelsen kräver periodens utfall och helårsbudget; den här rapporten har "
                       "inte båda.")
    if t["utfall_period_hur"].isin(["uppskattad"]).all():
        return message(f"{data.meta.namn} redovisar periodens resultat men inte periodens utfall per verksamhet; "
                       "utfallet ovan är uppskattat ur helårsbudgeten och resultatet. En jämförelse mot "
                       "riktpunkten skulle bara upprepa resultatet och visas därför inte.")
    published_budget = t["budget_period_hur"].ne("uppskattad") & t["budget_andel"].notna()
    frame = pd.DataFrame({"Verksamhet": t["verksamhet"], "Helårsbudget": t["helarsbudget"],
                          "Utfall perioden": t["utfall_period"], "Utfall i % av helårsbudget": t["andel_av_helarsbudget"],
                          "Riktpunkt, %": t["riktpunkt"]})
    columns = {"Verksamhet": Col(TEXT), "Helårsbudget": Col(BELOPP, data.money), "Utfall perioden": Col(BELOPP, data.money),
               "Utfall i % av helårsbudget": Col(PROCENT), "Riktpunkt, %": Col(PROCENT)}
    notes = [f"Riktpunkten är andelen av året som gått: {data.period.month}/12 = {percent(data.period.riktpunkt)}. "
             "Ett utfall över riktpunkten betyder att mer än en jämn andel av årets budget har använts."]
    notes += zero_budget_note(t, "helarsbudget", "Utfall i % av helårsbudget", "helårsbudgeten")
    if published_budget.any():
        frame["Periodbudget i % av helårsbudget"] = t["budget_andel"]
        columns["Periodbudget i % av helårsbudget"] = Col(PROCENT)
        notes.append("Kommunen redovisar en egen periodbudget; dess andel av helårsbudgeten visar hur budgeten är "
                     "fördelad över året. Periodens avvikelse står i tabellen ovan (mot kommunens periodbudget) "
                     "och räknas inte om här.")
    else:
        notes.append("Kommunen redovisar ingen periodbudget; avvikelsen mot en jämnt fördelad budget står i "
                     "tabellen ovan, markerad som uppskattning.")
    return Table("riktpunkt", f"Utfall i procent av helårsbudget mot riktpunkt, {data.period.span}", frame, columns,
                 list(t["radtyp"] == "summa"), notes)


def volume_price_table(data: ReportData):
    """Volume and price effects where the volume covers exactly the cost it is set against, and for
    every other verksamhet why it is not split (an explanation that is not true is not shown)."""
    vp = data.volume_price
    split = vp[vp["ej_uppdelad"].fillna("") == ""] if "ej_uppdelad" in vp else vp
    refused = vp[vp["ej_uppdelad"].fillna("") != ""] if "ej_uppdelad" in vp else vp.iloc[0:0]
    reasons = nv.Narrative([nv.Sentence("ej_uppdelad", f"{r.verksamhet}: {r.ej_uppdelad}.")
                            for r in refused.itertuples()], heading="Delas inte upp på volym och pris")
    if split.empty:
        if refused.empty:
            return message("Volym- och prisanalysen kräver både volymer och styckkostnader för samma verksamhet; "
                           "det finns inte i den här rapporten.")
        return Section("Volym och pris", [reasons])
    t = split
    frame = pd.DataFrame({"Verksamhet": t["verksamhet"], "Volym": t["storhet"], "Jämförelse": t["jamforelse"],
                          "Volym budget": t["volym_budget"], "Volym utfall/prognos": t["volym_utfall"],
                          "Volymeffekt": t["volymeffekt"], "Priseffekt": t["priseffekt"], "Totalt": t["total"]})
    columns = {"Verksamhet": Col(TEXT), "Volym": Col(TEXT), "Jämförelse": Col(TEXT), "Volym budget": Col(TAL, decimals=1),
               "Volym utfall/prognos": Col(TAL, decimals=1), "Volymeffekt": Col(BELOPP, "tkr"),
               "Priseffekt": Col(BELOPP, "tkr"), "Totalt": Col(BELOPP, "tkr")}
    note = ("Skillnaden mellan budget och utfall eller prognos delas upp i en volymeffekt (ändrad volym × "
            "budgeterad styckkostnad) och en priseffekt (ändrad styckkostnad × faktisk volym); de summerar exakt till "
            "totalen. Negativt = högre kostnad än budget. Där styckkostnaden kommer ur nyckeltal förklarar "
            "uppdelningen nyckeltalets kostnad (nettokostnad per enhet × volym), inte ekonomitabellens avvikelse.")
    table = Table("volym_och_pris", "Volym- och priseffekter, tkr", frame.reset_index(drop=True), columns, [], [note])
    return Section("Volym och pris", [table] + ([reasons] if len(refused) else []))


def cost_per_unit_section(data: ReportData):
    c = data.cost_per_unit
    if c.empty:
        return message("Kostnad per timme eller plats per månad visas där både månadens kostnad (huvudboken) och "
                       "volym (verksamhetssystemet) finns för en kopplad verksamhet; det finns inte här.")
    items = []
    for (verksamhet, serie), g in c.groupby(["verksamhet", "serie"], sort=False):
        enhet = str(g["enhet"].iat[0])
        per = unit(enhet).singular or enhet
        frame = pd.DataFrame({"Månad": [f"{Period(data.period.year, m).month_name}" for m in g["manad"]],
                              "Kostnad, tkr": g["kostnad_tkr"].to_numpy(), f"Volym, {enhet}": g["volym"].to_numpy(),
                              f"Kronor per {per}": g["kr_per_enhet"].to_numpy()})
        # Year to date, never one month against January: the months' cost over the months' volume.
        ytd = 1000 * g["kostnad_tkr"].sum() / g["volym"].sum()
        months = f"{len(g)} {'månad' if len(g) == 1 else 'månader'}"
        caption = (f"{verksamhet}: i genomsnitt {number(ytd, 0)} kronor per {per} {data.period.span} "
                   f"({months} med både kostnad och volym)")
        items.append(Table(f"kostnad_per_enhet_{len(items) + 1}", caption, frame,
                           {"Månad": Col(TEXT), "Kostnad, tkr": Col(BELOPP, "tkr"),
                            f"Volym, {enhet}": Col(VOLYM, enhet), f"Kronor per {per}": Col(BELOPP, "kr")}, [],
                           [f"Månadens nettokostnad i huvudboken delad med månadens {serie.lower()} i verksamhetssystemet. "
                            "Månader där något av dem saknas visas inte."]))
    return Section("Kostnad per enhet och månad", items)


def economy_section(data: ReportData) -> Section:
    """For the nämnd: budget and outcome per verksamhet, the deviations the text gives per verksamhet,
    and the chart of the deviations; labels as the nämnd reads them."""
    items = [economy_table(data, display=True)] + detail_tables(data, display=True).tables
    chart = deviation_chart(data, display=True)
    if isinstance(chart, ch.Chart):
        items.append(chart)
    return Section("Ekonomi per verksamhet", items, level=2)
