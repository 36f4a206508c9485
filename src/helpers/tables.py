"""Presentation tables: a tidy frame in, a Swedish table out (HTML with caption, header cells and
bold subtotals). Numbers keep their values in the frame; only the presentation is formatted."""
from __future__ import annotations

import html

import pandas as pd

from .fmt import number, percent
from .quality import FORKLARING

ECONOMY_COLUMNS = {
    "budget_period": "Budget perioden",
    "utfall_period": "Utfall perioden",
    "avvikelse_period": "Avvikelse perioden",
    "avvikelse_procent": "Avvikelse, %",
    "helarsbudget": "Helårsbudget",
    "prognos": "Prognos helår",
    "prognosavvikelse": "Prognosavvikelse",
}


def economy_frame(recon: pd.DataFrame) -> pd.DataFrame:
    """The economy table per verksamhet with Swedish headings (values in tkr, numeric)."""
    cols = [c for c in ECONOMY_COLUMNS if c in recon and recon[c].notna().any()]
    out = recon[["verksamhet", "radtyp"] + cols].rename(columns={"verksamhet": "Verksamhet", **ECONOMY_COLUMNS})
    out = out[out["radtyp"] != "rubrik"].reset_index(drop=True)
    return out


def html_table(df: pd.DataFrame, caption: str, formats: dict | None = None, bold_rows: pd.Series | None = None,
               note: str | None = None, label_col: str | None = None) -> str:
    """An accessible HTML table: <caption>, <th scope>, right-aligned numbers, escaped text."""
    formats = formats or {}
    cols = [c for c in df.columns if c != "radtyp"]
    label_col = label_col or cols[0]
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in cols)
    body = []
    for i, row in df.iterrows():
        bold = bool(bold_rows.iloc[i]) if bold_rows is not None else False
        cells = []
        for c in cols:
            v = row[c]
            f = formats.get(c)
            text = f(v) if f else ("" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
            text = html.escape(text)
            if c == label_col:
                cells.append(f'<th scope="row">{text}</th>')
            else:
                cls = ' class="num"' if f else ""
                cells.append(f"<td{cls}>{text}</td>")
        body.append(f'<tr{" class=summa" if bold else ""}>' + "".join(cells) + "</tr>")
    foot = f'<p class="not">{html.escape(note)}</p>' if note else ""
    return (f'<table class="omsorg"><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>{foot}')


TABLE_CSS = """<style>
table.omsorg{border-collapse:collapse;font-family:system-ui,sans-serif;font-size:14px;margin:0.5em 0 1.2em}
table.omsorg caption{text-align:left;font-weight:600;padding:4px 0;caption-side:top}
table.omsorg th,table.omsorg td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:left}
table.omsorg td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.omsorg thead th{border-bottom:2px solid #333;vertical-align:bottom}
table.omsorg tr.summa th,table.omsorg tr.summa td{font-weight:700;border-top:1px solid #333}
p.not{font-size:12px;color:#444;max-width:60em}
</style>"""


def economy_html(recon: pd.DataFrame, caption: str) -> str:
    df = economy_frame(recon)
    fmts = {c: (lambda v: number(v)) for c in df.columns if c not in ("Verksamhet", "radtyp")}
    fmts["Avvikelse, %"] = lambda v: percent(v) if pd.notna(v) and abs(v) != float("inf") else ""
    notes = ["Belopp i tkr. Kostnader och nettokostnader visas med minustecken; positiv avvikelse = bättre än budget."]
    if recon.get("budget_period_harledd", pd.Series(dtype=bool)).any():
        notes.append("Periodbudgeten är helårsbudgeten fördelad jämnt över året (riktpunkt), eftersom kommunen bara redovisar helårsbudget.")
    if recon.get("utfall_period_harledd", pd.Series(dtype=bool)).any():
        notes.append("Periodens utfall är härlett som periodbudget plus publicerat resultat.")
    if recon.get("prognos_harledd", pd.Series(dtype=bool)).any():
        notes.append("Prognosen är härledd som helårsbudget plus den publicerade prognosavvikelsen.")
    notes.append("Avvikelserna är omräknade ur utfall och budget; de publicerade avvikelserna kontrolleras under Kvalitetskontroller.")
    return TABLE_CSS + html_table(df, caption, fmts, df["radtyp"] == "summa", " ".join(notes))


def findings_html(findings: pd.DataFrame, caption: str, only_problems: bool = True) -> str:
    f = findings[findings["bedomning"].isin(["fel", "varning"])] if only_problems else findings
    if f.empty:
        return f"<p>{html.escape(caption)}: inga fel eller varningar.</p>"
    df = f[["tabell", "rad", "matt", "publicerat", "beraknat", "differens", "bedomning", "kommentar"]].rename(columns={
        "tabell": "Tabell", "rad": "Rad", "matt": "Kolumn", "publicerat": "Publicerat", "beraknat": "Beräknat",
        "differens": "Differens", "bedomning": "Bedömning", "kommentar": "Vad som jämförts"}).reset_index(drop=True)

    def num(v):
        try:
            v = float(v)
        except (TypeError, ValueError):
            return ""
        return number(v, 0 if float(v).is_integer() else 2)

    fmts = {"Publicerat": num, "Beräknat": num, "Differens": num}
    note = " ".join(f"{k}: {v}" for k, v in FORKLARING.items() if k in set(f["bedomning"]))
    return TABLE_CSS + html_table(df, caption, fmts, None, note, label_col="Rad")
