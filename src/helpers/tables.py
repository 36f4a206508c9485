"""Narrative-ready tables: a tidy frame of real numbers plus its Swedish presentation, exported as
HTML (caption, header cells, bold subtotals), xlsx (numeric cells with Swedish number formats) and
CSV (';', decimal comma, UTF-8 with BOM, for Swedish Excel)."""
from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import economy, volumes
from .fmt import number, percent, round_half_up
from .quality import FORKLARING

# Presentation kinds: how a column is shown and exported.
KINDS = {
    "tkr": dict(decimals=0, excel='#,##0;"\u2212"#,##0;0'),
    "procent": dict(decimals=1, excel='0.0" %";"\u2212"0.0" %";0.0" %"'),
    "antal": dict(decimals=0, excel='#,##0;"\u2212"#,##0;0'),
    "antal1": dict(decimals=1, excel='#,##0.0;"\u2212"#,##0.0;0.0'),
    "tal": dict(decimals=1, excel='#,##0.#;"\u2212"#,##0.#;0'),
    "tal2": dict(decimals=2, excel='#,##0.##;"\u2212"#,##0.##;0'),
    "text": dict(decimals=None, excel="@"),
}


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and (math.isnan(v) or math.isinf(v))) or v is pd.NA


def show(value, kind: str) -> str:
    """One cell as a reader sees it."""
    if _missing(value):
        return ""
    if kind == "text":
        return str(value)
    if kind == "procent":
        return percent(value)
    if kind in ("tal", "tal2"):
        return number(value, 0 if float(value).is_integer() else KINDS[kind]["decimals"])
    return number(value, KINDS[kind]["decimals"])


@dataclass
class Table:
    name: str                       # file stem in tabeller/
    caption: str
    frame: pd.DataFrame             # numbers stay numbers
    kinds: dict[str, str]           # column → presentation kind
    bold: list[bool] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def label_column(self) -> str:
        return self.frame.columns[0]

    def html(self) -> str:
        cols = list(self.frame.columns)
        head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in cols)
        body = []
        for i, row in enumerate(self.frame.itertuples(index=False)):
            cells = []
            for c, v in zip(cols, row):
                text = html.escape(show(v, self.kinds.get(c, "text")))
                if c == self.label_column:
                    cells.append(f'<th scope="row">{text}</th>')
                else:
                    cls = ' class="num"' if self.kinds.get(c, "text") != "text" else ""
                    cells.append(f"<td{cls}>{text}</td>")
            bold = self.bold[i] if i < len(self.bold) else False
            body.append(f'<tr{" class=summa" if bold else ""}>' + "".join(cells) + "</tr>")
        notes = "".join(f'<p class="not">{html.escape(n)}</p>' for n in self.notes)
        return (f'{TABLE_CSS}<table class="omsorg"><caption>{html.escape(self.caption)}</caption><thead><tr>{head}'
                f'</tr></thead><tbody>{"".join(body)}</tbody></table>{notes}')

    def export(self, folder: Path) -> list[Path]:
        """Write <name>.xlsx, <name>.csv and <name>.html into folder."""
        from .build import atomic_write

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        out = []
        for suffix, writer in ((".xlsx", self._xlsx), (".csv", self._csv), (".html", self._html_file)):
            path = folder / f"{self.name}{suffix}"
            atomic_write(path, writer)
            out.append(path)
        return out

    def _xlsx(self, path: Path) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font

        wb = Workbook()
        ws = wb.active
        ws.title = self.name[:31]
        ws.append([self.caption])
        ws["A1"].font = Font(bold=True)
        ws.append(list(self.frame.columns))
        for cell in ws[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        for i, row in enumerate(self.frame.itertuples(index=False)):
            values = []
            for c, v in zip(self.frame.columns, row):
                kind = self.kinds.get(c, "text")
                if _missing(v):
                    values.append(None)
                elif kind == "text":
                    values.append(str(v))
                else:
                    values.append(float(v))
            ws.append(values)
            r = ws.max_row
            for j, c in enumerate(self.frame.columns, start=1):
                kind = self.kinds.get(c, "text")
                ws.cell(r, j).number_format = KINDS[kind]["excel"] if kind != "text" else "General"
                if i < len(self.bold) and self.bold[i]:
                    ws.cell(r, j).font = Font(bold=True)
        for n in self.notes:
            ws.append([])
            ws.append([n])
        ws.column_dimensions["A"].width = 34
        for j in range(2, len(self.frame.columns) + 1):
            ws.column_dimensions[ws.cell(2, j).column_letter].width = 15
        wb.save(path)

    def _csv(self, path: Path) -> None:
        out = self.frame.copy()
        for c in out.columns:
            kind = self.kinds.get(c, "text")
            if kind != "text":
                dec = KINDS[kind]["decimals"]
                if kind in ("tal", "tal2"):
                    out[c] = out[c].map(lambda v: "" if _missing(v) else f"{float(v):.6f}".rstrip("0").rstrip(".").replace(".", ","))
                else:
                    out[c] = out[c].map(lambda v, d=dec: "" if _missing(v) else f"{float(v):.{d}f}".replace(".", ","))
        text = out.to_csv(sep=";", index=False, lineterminator="\r\n")
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    def _html_file(self, path: Path) -> None:
        page = (f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>{html.escape(self.caption)}</title>'
                f'</head><body>{self.html()}</body></html>')
        path.write_text(page, encoding="utf-8")


TABLE_CSS = """<style>
table.omsorg{border-collapse:collapse;font-family:system-ui,sans-serif;font-size:14px;margin:0.5em 0 1.2em}
table.omsorg caption{text-align:left;font-weight:600;padding:4px 0;caption-side:top}
table.omsorg th,table.omsorg td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left;font-weight:400}
table.omsorg tbody th{text-align:left!important;font-weight:400!important}
table.omsorg thead th{border-bottom:2px solid #333;vertical-align:bottom;font-weight:600}
table.omsorg td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.omsorg tr.summa th,table.omsorg tr.summa td{font-weight:700!important;border-top:1px solid #333}
p.not{font-size:12px;color:#444;max-width:60em}
</style>"""


def infer_kinds(frame: pd.DataFrame, money: str = "tkr") -> dict[str, str]:
    """Presentation kinds from the data: text, percent (a column ending in %), money or plain numbers."""
    kinds = {}
    for c in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[c]):
            kinds[c] = "text"
        elif str(c).endswith("%"):
            kinds[c] = "procent"
        else:
            kinds[c] = money
    return kinds


def auto_table(name: str, caption: str, frame: pd.DataFrame, money: str = "tal") -> Table:
    """A Table from any frame; a 'radtyp' column marks the bold summa rows and is not shown."""
    bold = list(frame["radtyp"] == "summa") if "radtyp" in frame else []
    shown = frame.drop(columns=["radtyp"]) if "radtyp" in frame else frame
    return Table(name, caption, shown.reset_index(drop=True), infer_kinds(shown, money), bold)


# --- builders ---------------------------------------------------------------------------------------

ECONOMY_COLUMNS = {
    "budget_period": "Budget perioden",
    "utfall_period": "Utfall perioden",
    "avvikelse_period": "Avvikelse perioden",
    "avvikelse_procent": "Avvikelse, %",
    "helarsbudget": "Helårsbudget",
    "prognos": "Prognos helår",
    "prognosavvikelse": "Prognosavvikelse",
}


def period_text(run) -> str:
    return f"januari–{volumes.MONTH_NAMES[run.month - 1]} {run.year}"


def economy_frame(recon: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The reconciled table with Swedish headings (rubrik rows dropped, 'radtyp' kept) and the
    measures it has."""
    recon = recon[recon["radtyp"] != "rubrik"].reset_index(drop=True)
    cols = [c for c in ECONOMY_COLUMNS if c in recon and recon[c].notna().any()]
    frame = recon[["verksamhet", "radtyp"] + cols].rename(columns={"verksamhet": "Verksamhet", **ECONOMY_COLUMNS})
    return frame, cols


def economy_table(run) -> Table:
    """Economy per verksamhet with subtotal rows (normalised; tkr)."""
    recon = economy.reconciled_table(run)
    recon = recon[recon["radtyp"] != "rubrik"].reset_index(drop=True)
    frame, cols = economy_frame(recon)
    frame = frame.drop(columns="radtyp")
    kinds = {c: ("procent" if c == "Avvikelse, %" else "tkr") for c in frame.columns}
    kinds["Verksamhet"] = "text"
    notes = ["Belopp i tkr. Kostnader och nettokostnader visas med minustecken; positiv avvikelse = bättre än budget."]
    if recon["budget_period_harledd"].any():
        notes.append("Periodbudgeten är helårsbudgeten fördelad jämnt över året (riktpunkt), eftersom kommunen bara redovisar helårsbudget.")
    if recon["utfall_period_harledd"].any():
        notes.append("Periodens utfall är härlett som periodbudget plus publicerat resultat.")
    if recon["prognos_harledd"].any():
        notes.append("Prognosen är härledd som helårsbudget plus den publicerade prognosavvikelsen.")
    notes.append("Avvikelserna är omräknade ur utfall och budget; de publicerade avvikelserna kontrolleras under Kvalitetskontroller.")
    notes += _total_consistency_notes(run, recon, cols)
    return Table("ekonomi_per_verksamhet", f"Budget och utfall per verksamhet, {period_text(run)}, tkr", frame, kinds,
                 list(recon["radtyp"] == "summa"), notes)


def _total_consistency_notes(run, recon: pd.DataFrame, cols: list[str]) -> list[str]:
    """Where a published subtotal does not equal the sum of the displayed rows, say so."""
    from .load import table_structure

    structure = table_structure(run.structure, run.kommun)
    out = []
    for r in recon[recon["radtyp"] == "summa"].itertuples():
        rows = structure.get(r.tabell)
        if not rows:
            continue
        for col in ("utfall_period", "helarsbudget", "prognos"):
            if col not in cols:
                continue
            values = {int(x.rad): getattr(x, col) for x in recon[recon["tabell"] == r.tabell].itertuples() if pd.notna(getattr(x, col))}
            s, n = economy.group_sum(rows, {k: round_half_up(v) for k, v in values.items()}, r.summerar, exclude=int(r.rad))
            shown = round_half_up(getattr(r, col)) if pd.notna(getattr(r, col)) else None
            if n and shown is not None and round_half_up(s) != shown:
                out.append(f"Summaraden '{r.verksamhet}' är den publicerade summan och skiljer sig från summan av de "
                           f"visade raderna i kolumnen '{ECONOMY_COLUMNS[col]}' ({number(shown)} mot {number(s)} tkr); se Kvalitetskontroller.")
    return out


def detail_table(run, tabell: str) -> Table:
    """A detail table of deviations per verksamhet (e.g. taken from the report's text), with areas."""
    recon = economy.reconciled_table(run, [tabell])
    recon = recon[recon["radtyp"] != "rubrik"].reset_index(drop=True)
    frame = pd.DataFrame({"Verksamhet": recon["verksamhet"], "Område": recon["overordnad"],
                          "Avvikelse perioden": recon["avvikelse_period"], "Prognosavvikelse": recon["prognosavvikelse"]})
    kinds = {"Verksamhet": "text", "Område": "text", "Avvikelse perioden": "tkr", "Prognosavvikelse": "tkr"}
    meta = run.meta.table(tabell)
    note = (f"Källa: {meta.avsnitt or meta.rubrik} ({meta.kalla}). Beloppen står bara i rapportens text och har lästs in "
            "med tecken efter orden positiv/negativ; delposter (fetstil = summerad verksamhet) är de delar texten själv anger. "
            "Att delarna stämmer mot driftredovisningen kontrolleras under Kvalitetskontroller.")
    return Table(f"avvikelser_{tabell}", f"Avvikelser per verksamhet enligt rapportens text, {period_text(run)}, tkr",
                 frame, kinds, list(recon["radtyp"] == "summa"), [note])


def riktpunkt_table(run) -> Table:
    t = economy.riktpunkt_table(economy.reconciled_table(run), run.month)
    frame = pd.DataFrame({
        "Verksamhet": t["verksamhet"], "Helårsbudget": t["helarsbudget"], "Utfall perioden": t["utfall_period"],
        "Utfall i % av budget": t["andel_av_helarsbudget"], "Riktpunkt, %": t["riktpunkt"],
        "Periodiserad budget": t["budget_period_rak"], "Avvikelse mot periodiserad budget": t["avvikelse_mot_riktpunkt"]})
    kinds = {c: "tkr" for c in frame.columns}
    kinds.update({"Verksamhet": "text", "Utfall i % av budget": "procent", "Riktpunkt, %": "procent"})
    note = (f"Riktpunkten är andelen av året som gått: {run.month}/12 = {percent(economy.riktpunkt(run.month))}. "
            "Ett utfall över riktpunkten betyder att mer än en jämn andel av årets budget har använts. "
            "Periodiserad budget = helårsbudget × månader/12 (linjärt; ingen säsongsprofil finns i datan).")
    return Table("riktpunkt", f"Utfall i procent av helårsbudget mot riktpunkt, {period_text(run)}", frame, kinds,
                 list(t["radtyp"] == "summa"), [note])


def forecast_table(run) -> Table:
    t = economy.forecast_check(economy.reconciled_table(run), run.month, economy.seasonal_forecasts(run))
    frame = pd.DataFrame({
        "Verksamhet": t["verksamhet"], "Helårsbudget": t["helarsbudget"], "Officiell prognos": t["prognos"],
        "Rak uppräkning": t["prognos_rak"], "Säsongsuppräkning": t["prognos_sasong"],
        "Skillnad mot rak": t["prognos"] - t["prognos_rak"],
        "Bedömning": t["flagga"].map({True: "Avviker – kontrollera", False: "Rimlig"})})
    if frame["Säsongsuppräkning"].isna().all():
        frame = frame.drop(columns=["Säsongsuppräkning"])
    kinds = {c: "tkr" for c in frame.columns}
    kinds.update({"Verksamhet": "text", "Bedömning": "text"})
    n = int(t["flagga"].sum())
    note = (f"Rak uppräkning = periodens utfall / {run.month} × 12. Säsongsuppräkning (där verksamheten är kopplad till en "
            "månadsvolym) = periodens utfall delat med den andel av årets volym som tidigare hela år hade under samma månader. "
            f"En prognos markeras när den skiljer sig från båda uppräkningarna med mer än {percent(100 * economy.FORECAST_THRESHOLD, 0)} av helårsbudgeten. "
            f"{n} av {len(t)} prognoser avviker. En avvikelse kan vara rimlig (kända kostnader under hösten), men bör kunna förklaras.")
    return Table("prognoskontroll", "Prognoskontroll: officiell helårsprognos mot rak uppräkning, tkr", frame, kinds,
                 list(t["radtyp"] == "summa"), [note])


def volume_price_table(run) -> Table:
    t = economy.volume_price_table(run)
    if t.empty:
        t = pd.DataFrame(columns=["verksamhet", "storhet", "jamforelse", "volym_budget", "volym_prognos", "volymeffekt", "priseffekt", "total"])
    if "jamforelse" not in t:
        t["jamforelse"] = ""
    frame = pd.DataFrame({
        "Verksamhet": t["verksamhet"], "Volym": t["storhet"], "Jämförelse": t["jamforelse"], "Budget": t["volym_budget"],
        "Utfall/prognos": t["volym_prognos"], "Volymeffekt, tkr": t["volymeffekt"],
        "Priseffekt, tkr": t["priseffekt"], "Totalt, tkr": t["total"]})
    kinds = {"Verksamhet": "text", "Volym": "text", "Jämförelse": "text", "Budget": "antal1", "Utfall/prognos": "antal1",
             "Volymeffekt, tkr": "tkr", "Priseffekt, tkr": "tkr", "Totalt, tkr": "tkr"}
    note = ("Skillnaden mellan budget och utfall eller prognos för volym × styckkostnad delas upp i en volymeffekt "
            "(ändrad volym × budgeterad styckkostnad) och en priseffekt (ändrad styckkostnad × faktisk eller prognosticerad volym). "
            "De två summerar exakt till totalen. Negativt = högre kostnad än budget. Där styckkostnaden kommer från nyckeltal "
            "(prognos mot budget) bygger nyckeltalen på andra definitioner än ekonomitabellen; där den räknas ur periodens "
            "nettokostnad och volym är totalen verksamhetens avvikelse för perioden.")
    return Table("volym_och_pris", f"Volym- och priseffekter mot budget {run.meta.ar}", frame, kinds, [], [note])


def volume_table(run) -> Table:
    """Same period each year for every monthly series: value, change, budget."""
    t = volumes.run_same_period(run)
    if t.empty:
        frame = pd.DataFrame(columns=["Serie", "Enhet", "År", "Period", "Värde", "Förändring", "Förändring, %",
                                      "Budget", "Avvikelse mot budget, %", "Helår"])
    else:
        frame = pd.DataFrame({
            "Serie": t["serie"] + t["regi"].map(lambda r: f" ({r})" if r else ""), "Enhet": t["enhet"],
            "År": t["ar"].astype(int), "Period": t["period"], "Värde": t["varde"],
            "Förändring": t["forandring"].astype(float), "Förändring, %": t["forandring_procent"].astype(float),
            "Budget": t["budget"].astype(float), "Avvikelse mot budget, %": t["avvikelse_budget_procent"].astype(float),
            "Helår": t["helar"].astype(float)})
    kinds = {"Serie": "text", "Enhet": "text", "År": "text", "Period": "text", "Värde": "tal",
             "Förändring": "tal", "Förändring, %": "procent", "Budget": "tal",
             "Avvikelse mot budget, %": "procent", "Helår": "tal"}
    note = ("Timmar är summan av månaderna; platser, beslut, brukare och personer är medelvärdet av månaderna. "
            "Helår visas där alla tolv månader finns.")
    return Table("volymer_samma_period", f"Volymer samma period varje år ({period_text(run).split(' ')[0]})", frame, kinds, [], [note])


def annual_volume_table(run) -> Table:
    """Annual volumes (utfall, budget, prognos) with the change year on year, in percent."""
    a = volumes.annual_changes(volumes.annual_table(run.tidy))
    if a.empty:
        return Table("volymer_per_ar", "Volymer per år", pd.DataFrame(columns=["Verksamhet"]), {"Verksamhet": "text"})
    values = [c for c in a.columns if volumes.is_year_column(c)]
    changes = [c for c in a.columns if c.endswith("%")]
    frame = a[["verksamhet", "storhet"] + values + changes].rename(columns={"verksamhet": "Verksamhet", "storhet": "Mått"})
    kinds = {"Verksamhet": "text", "Mått": "text", **{c: "tal" for c in values}, **{c: "procent" for c in changes}}
    return Table("volymer_per_ar", "Volymer per år: utfall, budget och prognos med förändring", frame.reset_index(drop=True), kinds,
                 [], ["Förändringen är mot året före; budgeten jämförs med senaste utfallet och prognosen med budgeten."])


def findings_table(run, dataset: str | None = None, only_problems: bool = True) -> Table:
    f = run.findings()
    if dataset:
        f = f[f["dataset"] == dataset]
    if only_problems:
        f = f[f["bedomning"].isin(["fel", "varning"])]
    def num(col):
        return pd.to_numeric(f[col], errors="coerce")
    frame = pd.DataFrame({
        "Rad": f["rad"], "Tabell": f["tabell"], "Kolumn": f["matt"], "Publicerat": num("publicerat"),
        "Beräknat": num("beraknat"), "Differens": num("differens"), "Bedömning": f["bedomning"],
        "Vad som jämförts": f["kommentar"]}).reset_index(drop=True)
    kinds = {c: "text" for c in frame.columns}
    kinds.update({"Publicerat": "tal2", "Beräknat": "tal2", "Differens": "tal2"})
    note = " ".join(f"{k}: {v}" for k, v in FORKLARING.items() if k in set(f["bedomning"]))
    name = "kvalitet" + (f"_{dataset}" if dataset else "")
    return Table(name, "Fel och varningar i de publicerade siffrorna", frame, kinds, [], [note] if note else [])


def all_tables(run) -> list[Table]:
    tables = []
    if run.is_report_period:
        tables += [economy_table(run)] + [detail_table(run, t) for t in run.meta.detaljtabeller]
        tables += [riktpunkt_table(run), forecast_table(run)]
        vp = volume_price_table(run)
        if len(vp.frame):
            tables.append(vp)
    tables.append(volume_table(run))
    annual = annual_volume_table(run)
    if len(annual.frame):
        tables.append(annual)
    tables.append(findings_table(run, only_problems=False))
    return tables
