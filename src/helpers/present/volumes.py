"""The volume sections: an overview of every monthly series, each series with its charts and
same-period table, the annual volumes, and the volume sentences of the summary."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd

from ..analysis import series_warnings as sw
from ..analysis import volumes as vo
from ..analysis.report_data import ReportData
from ..core.formats import percent
from . import charts as ch
from . import narrative as nv
from .blocks import Section, message
from .labels import display_label
from .tables import AR, PROCENT, TAL, TEXT, VOLYM, Col, Table


def overview(data: ReportData):
    s = data.series
    if s.empty:
        if data.annual.empty:
            return message(f"{data.meta.namn} redovisar inga månadsvolymer (timmar, platser eller beslut).")
        return message(f"{data.meta.namn} redovisar volymer per år, se nedan.")
    return _overview_chart(data)


def _overview_chart(data: ReportData):
    t = data.same_period
    latest = t[(t["ar"] == data.period.year) & t["forandring_procent"].notna()]
    span = f"{data.period.span} mot {data.period.year - 1}"
    down = int((latest["forandring_procent"] < 0).sum())
    if not len(latest):
        title = f"Alla volymserier per månad, {data.meta.namn}"
    elif down == 0:
        title = f"Ingen av {len(latest)} volymserier minskade {span}"
    else:
        title = f"{down} av {len(latest)} volymserier minskade {span}"
    gaps = sum(1 for key in vo.series_keys(data.series) if sw.comparison_gaps(data.series, key, data.period))
    if gaps and len(latest):  # the count leaves them out: say so
        title += f" ({gaps} {'serie' if gaps == 1 else 'serier'} kan inte jämföras eftersom en månad saknas)"
    return ch.small_multiples("volymer-oversikt", data.series, title)


SERIES_CHARTS_UP_TO = 4   # with more series than this, each series' months are shown in the overview only


def series_sections(data: ReportData) -> Section:
    s = data.series
    if s.empty:
        return Section("", [])
    table = data.same_period
    keys = vo.series_keys(s)
    warnings = sw.series_warnings(data.checks, s, data.period)
    every = sw.series_warnings(data.checks, s)
    parts = []
    for key in keys:
        sub_t = table[(table["tabell"] == key[0]) & (table["serie"] == key[1]) & (table["regi"] == key[2])]
        sub_s = vo.one_series(s, key)
        enhet = str(sub_s["enhet"].iat[0])
        name = key[1] + (f" ({key[2]})" if key[2] else "")
        slug = f"{key[0]}-{key[1]}-{key[2]}"
        items = []
        now = sub_t[sub_t["ar"] == data.period.year]
        change = now["forandring_procent"].iat[0] if len(now) else None
        title = _series_title(data, name, change, sw.comparison_gaps(s, key, data.period), warnings.get(key, []))
        # Every series' months are in the overview's small multiples and its figures in the table below;
        # a chart of its own only where there are few series.
        if len(keys) <= SERIES_CHARTS_UP_TO:
            items.append(ch.monthly_lines(f"manad-{slug}", sub_s, title, enhet))
        else:
            items.append(nv.Narrative([nv.Sentence("serie", title + ".")], as_list=False))
        if vo.sums_over_year(enhet) and sub_t["budget"].notna().any():
            items.append(ch.cumulative_vs_budget(f"ack-{slug}", sub_s, data.period.year,
                                                 f"{name}: ackumulerat utfall mot budget {data.period.year}", enhet))
        if not sub_t.empty:
            tbl = _series_table(data, sub_t, name, enhet, len(parts) + 1)
            tbl.notes += [f"Varning: {w}." for w in every.get(key, [])]  # every year the table shows rests on them
            items.append(tbl)
        else:
            items.append(message("Det finns ingen hel jämförelseperiod för serien."))
        parts.append(Section(name, items))
    regi = s[s["regi"].isin(["intern", "extern"])]
    for (tabell, serie), _ in regi.groupby(["tabell", "serie"], sort=False):
        if not ch.has_intern_and_extern(s, tabell, serie, data.period.year):
            continue   # a series with one regi has nothing to stack
        enhet = str(regi[regi["serie"] == serie]["enhet"].iat[0])
        parts.append(Section(f"{serie}: intern och extern regi", [ch.stacked_regi(
            f"regi-{tabell}-{serie}", s, tabell, serie, data.period.year,
            f"{serie}: intern och extern regi per månad {data.period.span}", enhet)]))
    return Section("", parts)


def _series_title(data: ReportData, name: str, change, gaps=(), warnings=()) -> str:
    """'Hemtjänst: minskning 29,0 % januari–augusti 2017 mot 2016'; a missing month or no year before is
    said, never shown as 'oförändrat'; a plausibility warning follows in parentheses."""
    span = f"{data.period.span} mot {data.period.year - 1}"
    if gaps:
        head = f"{name}: {span} kan inte jämföras, {sw.gap_text(gaps)}"
    elif change is None or pd.isna(change):
        head = f"{name}: {data.period.span} (ingen jämförbar period året före)"
    elif round(change, 1) == 0:
        head = f"{name}: oförändrat {span}"
    else:
        head = f"{name}: {'ökning' if change > 0 else 'minskning'} {percent(abs(change))} {span}"
    return head + (f" ({'; '.join(warnings)})" if warnings else "")


def _series_table(data: ReportData, sub: pd.DataFrame, name: str, enhet: str, number: int) -> Table:
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


def volume_table(data: ReportData) -> Table:
    """Every monthly series, the same months each year (for export and analysts)."""
    t = data.same_period
    frame = pd.DataFrame({"Serie": t["serie"] + t["regi"].map(lambda r: f" ({r})" if r else ""), "Enhet": t["enhet"],
                          "År": t["ar"], "Period": t["period"], "Värde": t["varde"], "Förändring": t["forandring"],
                          "Förändring, %": t["forandring_procent"], "Budget": t["budget"],
                          "Avvikelse mot budget, %": t["avvikelse_budget_procent"], "Helår": t["helar"]})
    columns = {"Serie": Col(TEXT), "Enhet": Col(TEXT), "År": Col(AR), "Period": Col(TEXT), "Värde": Col(TAL),
               "Förändring": Col(TAL), "Förändring, %": Col(PROCENT), "Budget": Col(TAL),
               "Avvikelse mot budget, %": Col(PROCENT), "Helår": Col(TAL)}
    return Table("volymer_samma_period", f"Volymer, samma period varje år ({data.period.span.split(' ')[0]})",
                 frame.reset_index(drop=True), columns, [],
                 ["Timmar och dygn är summan av månaderna; platser, beslut, brukare och personer medelvärdet."])


def annual_volumes(data: ReportData) -> Section:
    a = data.annual
    if a.empty:
        return Section("Volymer per år", [])
    changes = vo.annual_changes(a)
    years = [c for c in a.columns if vo.is_year_column(c)]
    pct = [c for c in changes.columns if c.endswith("%")]
    col = changes.get("Prognos mot budget, %", pd.Series(dtype=float))
    over, counted = int((col > 0).sum()), int(col.notna().sum())
    title = (f"{over} av {counted} volymer prognostiseras över budget {data.period.year}" if counted
             else f"Volymer per år, {data.meta.namn}")
    frame = changes[["verksamhet", "storhet", "enhet"] + years + pct].rename(
        columns={"verksamhet": "Verksamhet", "storhet": "Mått", "enhet": "Enhet"}).reset_index(drop=True)
    columns = {"Verksamhet": Col(TEXT), "Mått": Col(TEXT), "Enhet": Col(TEXT), **{c: Col(TAL) for c in years},
               **{c: Col(PROCENT) for c in pct}}
    table = Table("volymer_per_ar", "Volymer per år: utfall, budget och prognos med förändring", frame, columns, [],
                  ["Förändringen är mot året före; budgeten jämförs med senaste utfallet och prognosen med budgeten."])
    return Section("Volymer per år", [ch.annual_overview("volymer-per-ar", a, years, title), table])


def volume_sentences(data: ReportData, hours_only: bool = False, display: bool = False) -> list[nv.Sentence]:
    t = data.same_period
    if t.empty:
        return []
    rows = t[t["ar"] == data.period.year]
    warnings = sw.series_warnings(data.checks, data.series, data.period)
    prev = data.period.year - 1
    out = []
    for key in vo.series_keys(data.series):
        sub = rows[(rows["tabell"] == key[0]) & (rows["serie"] == key[1]) & (rows["regi"] == key[2])]
        enhet = str(sub["enhet"].iat[0]) if len(sub) else str(vo.one_series(data.series, key)["enhet"].iat[0])
        if hours_only and not vo.sums_over_year(enhet) and (rows["enhet"].map(vo.sums_over_year)).any():
            continue
        name = _series_name(data, *key) if display else key[1] + (f" ({key[2]})" if key[2] else "")
        gaps = sw.comparison_gaps(data.series, key, data.period)
        if sub.empty:
            if gaps:  # the comparison needs a month that is missing: say so, never leave the series out silently
                out.append(nv.Sentence("volym", f"{name}: {data.period.span} kan inte jämföras med samma period "
                                                f"{prev} eftersom {sw.gap_text(gaps)} (ett saknat värde räknas aldrig "
                                                f"som noll).", None, enhet, False, name))
            continue
        r = next(sub.itertuples())
        adjective = "utförda" if r.enhet == "timmar" and "beviljade" not in r.serie.lower() else ""
        s = nv.volume(name, r.varde, r.enhet, data.period, r.forandring_procent, prev, adjective)
        extra = f" Jämförelsen med {prev} kan inte göras eftersom {sw.gap_text(gaps)}." if gaps else ""
        note = f" ({'; '.join(warnings[key])})" if warnings.get(key) else ""
        out.append(replace(s, text=s.text[:-1] + note + "." + extra))
    return out


def _series_name(data: ReportData, tabell: str, serie: str, regi: str) -> str:
    """A series name that says what it counts: Nacka's 'Antal personer' is 'Uppföljning av åtgärdsplan
    personlig assistans: antal personer' (the table's heading where the name alone is too generic)."""
    name = display_label(serie)
    words = name.lower().split()
    if words and words[0] in GENERIC_SERIES_WORDS:
        table = next((t for t in data.meta.tabell if t.id == tabell), None)
        what = " ".join(((table.rubrik or table.avsnitt or "") if table else "").split("\t")[0].split())
        if what:
            name = f"{display_label(what)}: {name[:1].lower() + name[1:]}"
    return name + (f" ({regi})" if regi else "")


GENERIC_SERIES_WORDS = ("antal", "utfall", "totalt", "summa")


def volume_summary_table(data: ReportData) -> Table | None:
    """Every monthly series in one table for the nämnd: this year's period against the same months
    last year (sum for hours and days, mean per month for places, decisions and persons)."""
    t = data.same_period
    if t.empty:
        return None
    year = data.period.year
    now = t[t["ar"] == year]
    before = t[t["ar"] == year - 1].set_index(["tabell", "serie", "regi"])["varde"]
    rows = []
    for r in now.itertuples():
        how = "summa" if vo.sums_over_year(r.enhet) else "medel per månad"
        rows.append({"Volym": _series_name(data, r.tabell, r.serie, r.regi), "Enhet": f"{r.enhet} ({how})",
                     f"{year}": r.varde, f"{year - 1}": before.get((r.tabell, r.serie, r.regi)),
                     "Förändring, %": r.forandring_procent})
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    columns = {"Volym": Col(TEXT), "Enhet": Col(TEXT), f"{year}": Col(TAL, decimals=1), f"{year - 1}": Col(TAL, decimals=1),
               "Förändring, %": Col(PROCENT)}
    span = data.period.span.rsplit(" ", 1)[0]
    return Table("volymer_sammanfattning", f"Volymer {span} {year} mot samma månader {year - 1}", frame, columns, [],
                 ["Ett tomt fält betyder att en månad saknas, så att perioden inte kan jämföras."])


def volume_section(data: ReportData) -> Section:
    """For the nämnd: every monthly series in one table, the month by month chart of the series a
    verksamhet's cost is linked to (at most two), and the annual volumes as a chart."""
    items: list = []
    table = volume_summary_table(data)
    if table is not None:
        items.append(table)
        linked = [(k.volymtabell, k.serie) for k in data.meta.koppling]
        # one chart per linked series: its total where published, else its first part (intern)
        keys: dict = {}
        for k in vo.series_keys(data.series):
            if (k[0], k[1]) in linked and ((k[0], k[1]) not in keys or k[2] == "totalt"):
                keys[(k[0], k[1])] = k
        for key in list(keys.values())[:2]:
            sub_s = vo.one_series(data.series, key)
            sub_t = data.same_period[(data.same_period["tabell"] == key[0]) & (data.same_period["serie"] == key[1])
                                     & (data.same_period["regi"] == key[2])]
            change = sub_t["forandring_procent"].iloc[-1] if len(sub_t) else None
            name = _series_name(data, *key)
            items.append(ch.monthly_lines(f"namnd-{key[0]}-{key[1]}-{key[2]}", sub_s,
                                          _series_title(data, name, change), str(sub_s["enhet"].iat[0])))
    if not data.annual.empty:
        items += annual_summary(data)
    return Section("Volymer", items, level=2)


ANNUAL_SHOWN = 10            # the nämnd's report lists at most this many annual volumes …
ANNUAL_MATERIAL_PERCENT = 5  # … those whose forecast differs from the budget by at least this much


def annual_summary(data: ReportData) -> list:
    """For the nämnd: how many annual volumes are forecast above and below budget, and the largest
    differences in a short table (every volume and year is in the analysis version)."""
    changes = vo.annual_changes(data.annual)
    col = "Prognos mot budget, %"
    years = [c for c in data.annual.columns if vo.is_year_column(c)]
    if col not in changes or changes[col].notna().sum() == 0:
        return []
    counted = changes[changes[col].notna()]
    over, under = int((counted[col] > 0).sum()), int((counted[col] < 0).sum())
    material = counted[counted[col].abs() >= ANNUAL_MATERIAL_PERCENT]
    material = material.assign(_a=material[col].abs()).sort_values("_a", ascending=False).head(ANNUAL_SHOWN)
    sentence = nv.Sentence("volym", f"Av {len(counted)} volymer med budget och prognos för {data.period.year} "
                           f"prognostiseras {over} över och {under} under budget; {len(material)} skiljer minst "
                           f"{ANNUAL_MATERIAL_PERCENT} procent från budget.")
    out: list = [nv.Narrative([sentence], as_list=False)]
    if material.empty:
        return out
    budget = next((c for c in years if c.startswith("Budget")), None)
    prognos = next((c for c in years if c.startswith("Prognos")), None)
    frame = pd.DataFrame({"Verksamhet": material["verksamhet"].map(lambda v: display_label(str(v).lstrip("-"))),
                          "Mått": material["storhet"], "Enhet": material["enhet"],
                          budget: material[budget], prognos: material[prognos], col: material[col]})
    columns = {"Verksamhet": Col(TEXT), "Mått": Col(TEXT), "Enhet": Col(TEXT), budget: Col(TAL, decimals=1),
               prognos: Col(TAL, decimals=1), col: Col(PROCENT)}
    out.append(Table("volymer_per_ar_avvikelser", f"Volymer där prognosen {data.period.year} skiljer mest från budget",
                     frame.reset_index(drop=True), columns))
    return out


def key_volume_sentence(sentences: list[nv.Sentence], data: ReportData) -> list[nv.Sentence]:
    """The one volume sentence for the nämnd's summary: a series a verksamhet's cost is linked to
    (metadata koppling), else the series that changed most; none when there are no volume sentences."""
    if not sentences:
        return []
    linked = {(k.volymtabell, k.serie) for k in data.meta.koppling}
    names = {_series_name(data, *key): key for key in vo.series_keys(data.series)}
    for x in sentences:
        key = names.get(x.subject)
        if key is not None and (key[0], key[1]) in linked:
            return [x]
    now = data.same_period[data.same_period["ar"] == data.period.year]
    if now["forandring_procent"].notna().any():
        r = now.loc[now["forandring_procent"].abs().idxmax()]
        name = _series_name(data, r["tabell"], r["serie"], r["regi"])
        return [x for x in sentences if x.subject == name][:1] or sentences[:1]
    return sentences[:1]
