"""The forecast sections: the official forecast beside run-rate and seasonal forecasts, how the
forecast moved month by month, and (in December) how well it hit the outcome."""
from __future__ import annotations

import pandas as pd

from ..analysis import forecast as fc
from ..analysis.report_data import ReportData
from ..core.formats import amount, join_words, percent, shown_as_zero
from ..core.period import Period
from . import charts as ch
from . import narrative as nv
from .blocks import Section, message
from .labels import display_label
from .tables import BELOPP, PROCENT, TEXT, Col, Table


def forecast_check_table(data: ReportData):
    t = data.forecast
    if not t.empty:
        t = t[t["helarsbudget_hur"].isin(["publicerad", "ersatt", "beraknad"]) & (t["helarsbudget"] != 0)
              & ~((t["tabell"] != "") & (t["helarsbudget_hur"] == "beraknad"))]
    if t.empty:
        return message("Prognoskontrollen kräver utfall, prognos och helårsbudget.")
    frame = pd.DataFrame({"Verksamhet": t["verksamhet"], "Helårsbudget": t["helarsbudget"],
                          "Officiell prognos": t["prognos"], "Rak uppräkning": t["prognos_rak"],
                          "Säsongsuppräkning": t["prognos_sasong"], "Skillnad mot rak": t["prognos"] - t["prognos_rak"],
                          "Bedömning": t["flagga"].map({True: "Avviker – bör förklaras", False: "Rimlig"})})
    comment = t["verksamhet"].map(dict(zip(data.table["verksamhet"], data.table["kommentar"]))).fillna("")
    frame.loc[t["flagga"].to_numpy() & comment.astype(bool).to_numpy(), "Bedömning"] = "Avviker – förklarad"
    if frame["Säsongsuppräkning"].isna().all():
        frame = frame.drop(columns=["Säsongsuppräkning"])
    comments = t["verksamhet"].map(dict(zip(data.table["verksamhet"], data.table["kommentar"]))).fillna("")
    if comments.astype(bool).any():
        frame["Controllerns kommentar"] = comments.to_numpy()
    columns = {c: Col(BELOPP, data.money) for c in frame.columns}
    columns.update({"Verksamhet": Col(TEXT), "Bedömning": Col(TEXT), "Controllerns kommentar": Col(TEXT)})
    n = int(t["flagga"].sum())
    est = (t["utfall_period_hur"] == "uppskattad").any()
    note = (f"Rak uppräkning = periodens utfall / {data.period.month} × 12. Säsongsuppräkning (där verksamheten "
            "är kopplad till en månadsvolym) = periodens utfall delat med den andel av årets volym som tidigare hela "
            f"år hade under samma månader. En prognos markeras när den skiljer sig från båda med mer än "
            f"{percent(100 * fc.FORECAST_THRESHOLD, 0)} av helårsbudgeten. {n} av {len(t)} prognoser avviker; en "
            "avvikelse kan vara rimlig (kända kostnader under hösten) men bör kunna förklaras.")
    notes = [note] + (["Utfallet är uppskattat (se ekonomitabellen), så uppräkningarna är det också."] if est else [])
    return Table("prognoskontroll", f"Prognoskontroll: officiell helårsprognos mot uppräkningar, {data.money}", frame,
                 columns, list(t["radtyp"] == "summa"), notes)


def forecast_history_section(data: ReportData):
    h = data.history
    if h.empty:
        return message(f"Prognosens utveckling visas när det finns prognoser för flera månader; för "
                       f"{data.meta.namn} finns prognosen för {data.period.span}.")
    items = []
    totals = h[(h["radtyp"] == "summa") & (h["summerar"] == "") & (h["overordnad"] == "")]["verksamhet"]
    totals = list(dict.fromkeys(totals))
    last = h[h["period"] == str(data.period)]
    biggest = last[~last["verksamhet"].isin(totals)].assign(a=last["prognosavvikelse"].abs()) \
        .sort_values("a", ascending=False)["verksamhet"].head(3).tolist()
    labels = totals[:1] + biggest
    first_total = h[h["verksamhet"].isin(totals[:1])].sort_values("period")
    moved = ""
    if len(first_total) >= 2:
        a, b = first_total.iloc[-2], first_total.iloc[-1]
        moved = (f": {amount(b['prognosavvikelse'], data.money, plus=True)} i {Period.parse(b['period']).month_name}"
                 f" mot {amount(a['prognosavvikelse'], data.money, plus=True)} månaden före")
    items.append(ch.forecast_history_chart("prognoshistorik", h, f"Prognosens avvikelse mot budget per månad{moved}",
                                           data.money, labels))
    items.append(history_table(data))
    return Section("Prognosens utveckling", items)


def history_table(data: ReportData, display: bool = False, rows: int | None = None) -> Table:
    """This month's forecast against the month before and the budget, with the controller's comments;
    ``rows``: only the totals and areas and that many verksamheter whose forecast moved most."""
    label_of = display_label if display else str
    h = data.history
    order = [v for v in data.table["verksamhet"] if v in set(h["verksamhet"])]
    cur = h[h["period"] == str(data.period)].set_index("verksamhet").reindex(order).dropna(subset=["period"])
    if rows is not None:
        moved = cur[cur["radtyp"] != "summa"]["forandring"].abs().sort_values(ascending=False)
        keep = set(moved[moved > 0].head(rows).index) | set(cur[cur["radtyp"] == "summa"].index)
        cur = cur[cur.index.isin(keep)]
    compared = [p for p in cur.get("jamfort_med", pd.Series(dtype=str)).dropna() if p]
    prev_p = Period.parse(max(compared)) if compared else data.period.previous()
    prev = h[h["period"] == str(prev_p)].set_index("verksamhet")
    frame = pd.DataFrame({"Verksamhet": [label_of(v) for v in cur.index], "Helårsbudget": cur["helarsbudget"].to_numpy(),
                          f"Prognos {data.period.month_name}": cur["prognos"].to_numpy(),
                          f"Prognos {prev_p.month_name}": [prev["prognos"].get(v) for v in cur.index],
                          "Förändring": cur["forandring"].to_numpy(),
                          "Prognosavvikelse": cur["prognosavvikelse"].to_numpy(),
                          "Kommentar": cur["kommentar"].to_numpy()})
    notes = [f"Förändring = prognosen i {data.period.month_name} minus prognosen i {prev_p.month_name}; positiv "
             "avvikelse = bättre än budget."]
    skipped = missing_months(prev_p, data.period)
    if skipped:
        notes.append(f"Prognosen för {join_words(skipped)} saknas; förändringen är därför mot {prev_p.month_name}.")
    columns = {c: Col(BELOPP, data.money) for c in frame.columns}
    columns.update({"Verksamhet": Col(TEXT), "Kommentar": Col(TEXT)})
    return Table("prognoshistorik", f"Helårsprognosen i {data.period.month_name} mot {prev_p.month_name} och mot "
                 f"budget, {data.money}", frame, columns, list(cur["radtyp"] == "summa"), notes)


def missing_months(earlier: Period, later: Period) -> list[str]:
    """The month names strictly between two periods of one year (forecasts that are missing)."""
    return [Period(later.year, m).month_name for m in range(earlier.month + 1, later.month)] \
        if earlier.year == later.year else []


def accuracy_section(data: ReportData):
    a = data.accuracy
    if a.empty:
        return message("Prognosens träffsäkerhet visas i december, när årets utfall finns.")
    label = data.total["verksamhet"] if data.total is not None else None
    own = a[a["verksamhet"] == label].sort_values("period")
    sentences = []
    for _, r in own.iterrows():
        month = Period.parse(r["period"]).month_name
        direction = "kostnaderna blev högre än prognosen" if r["miss"] > 0 else "kostnaderna blev lägre än prognosen"
        if shown_as_zero(r["miss"], data.money):
            sentences.append(nv.Sentence("traffsakerhet", f"Prognosen i {month} träffade årets utfall."))
        else:
            sentences.append(nv.Sentence("traffsakerhet", f"Prognosen i {month} missade årets utfall med "
                                         f"{amount(abs(r['miss']), data.money)} ({percent(r['miss_procent'])}); "
                                         f"{direction}."))
    frame = pd.DataFrame({"Prognosmånad": [Period.parse(p).month_name for p in own["period"]],
                          "Prognos helår": own["prognos"].to_numpy(), "Årets utfall": own["utfall_helar"].to_numpy(),
                          "Miss": own["miss"].to_numpy(), "Miss, %": own["miss_procent"].to_numpy()})
    columns = {"Prognosmånad": Col(TEXT), "Prognos helår": Col(BELOPP, data.money), "Årets utfall": Col(BELOPP, data.money),
               "Miss": Col(BELOPP, data.money), "Miss, %": Col(PROCENT)}
    table = Table("prognos_traffsakerhet", f"Prognosens träffsäkerhet för {label}, {data.money}", frame, columns, [],
                  ["Miss = prognos minus årets utfall; positivt betyder att kostnaderna blev högre än prognosen."])
    return Section("Prognosens träffsäkerhet", [nv.Narrative(sentences), table])


def forecast_section(data: ReportData) -> Section:
    """For the nämnd, where the municipality reports month by month: how the forecast moved (chart and
    this month against last month), and in December how well the forecasts hit the year's outcome.
    Nothing where there is a single period (the summary states the forecast)."""
    if data.history.empty:
        return Section("Helårsprognosen", [], level=2)
    items = list(forecast_history_section(data).items)
    items[-1] = history_table(data, display=True, rows=NAMND_HISTORY_ROWS)
    return Section("Helårsprognosen", items, level=2)


NAMND_HISTORY_ROWS = 4   # the nämnd's table: every total and area, and this many verksamheter that moved most
