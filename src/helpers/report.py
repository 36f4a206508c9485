"""The nämnd report (one self-contained HTML per kommun and period) and the index of all reports."""
from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from . import economy, narrative, paths, sections

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a;line-height:1.45}
h1{font-size:1.7rem}h2{margin-top:2rem;border-bottom:2px solid #0072B2;padding-bottom:.2rem}
.sammanfattning{background:#f3f7fb;border-left:4px solid #0072B2;padding:.6rem 1rem}
figure.diagram{margin:1rem 0}figure.diagram img{max-width:100%;height:auto}
@media print{@page{size:A4;margin:18mm}body{max-width:none;margin:0;font-size:10.5pt}h2{break-after:avoid}
figure,table{break-inside:avoid}a{color:inherit;text-decoration:none}}
"""


def total_row(recon: pd.DataFrame) -> pd.Series | None:
    tot = recon[(recon["radtyp"] == "summa") & (recon["summerar"] == "")]
    return tot.iloc[-1] if len(tot) else None


def summary(run) -> list[str]:
    """The summary: result, forecast, the largest deviations, the volume changes, the findings."""
    items = narrative.sentences(run)
    out = [i["text"] for i in items if i["slag"] in ("avvikelse", "prognos") and i["rad"] == _total_label(run)]
    if run.is_report_period:
        dev = economy.chart_deviations(run)
        nar = f"perioden {sections.period_text(run)}" if dev.name == "avvikelse_period" else "helåret (prognos)"
        biggest = list(dev[dev < 0].head(2).items()) + list(dev[dev > 0].sort_values(ascending=False).head(2).items())
        out += [narrative.deviation(name, v, nar) for name, v in biggest]
    volume = [i for i in items if i["slag"] == "volym"]
    hours = [i for i in volume if i["enhet"] == "timmar"]  # the critical hour series; all series if there are none
    out += [i["text"] for i in (hours or volume)]
    f = run.findings()
    c = f["bedomning"].value_counts()
    out.append(narrative.findings(len(f[f["bedomning"] != "varning"]), int(c.get("fel", 0)), int(c.get("varning", 0))))
    return out


def summary_html(run) -> str:
    """The summary sentences as an HTML list (text from the data escaped)."""
    return "<ul>" + "".join(f"<li>{html.escape(s)}</li>" for s in summary(run)) + "</ul>"


def _total_label(run) -> str | None:
    if not run.is_report_period:
        return None
    tot = total_row(economy.reconciled_table(run))
    return None if tot is None else tot["verksamhet"]


def sources_html(run) -> str:
    rows = "".join(
        f"<tr><th scope='row'>{html.escape(t.id)}</th><td>{html.escape(t.avsnitt)}</td><td>{html.escape(t.kalla)}</td>"
        f"<td>{html.escape(t.rubrik[:90])}</td></tr>" for t in run.meta.tabeller)
    return ("<table class='omsorg'><caption>Källor: varje tabell och var den kommer ifrån</caption><thead><tr>"
            "<th scope='col'>Tabell</th><th scope='col'>Avsnitt</th><th scope='col'>Källdokument</th>"
            f"<th scope='col'>Rubrik i källan</th></tr></thead><tbody>{rows}</tbody></table>")


def build_report(run) -> str:
    m = run.meta
    parts = [f"<h1>{html.escape(m.namn)}: uppföljning {html.escape(sections.period_text(run))}</h1>",
             f"<p>{html.escape(', '.join(m.namnder))} · {html.escape(m.rapporttyp)} · kommunkod {html.escape(m.kommunkod)}</p>",
             '<section class="sammanfattning"><h2 id="sammanfattning">Sammanfattning</h2>' + summary_html(run) + "</section>",
             "<h2>Ekonomi per verksamhet</h2>", sections.economy_section(run), sections.detail_section(run),
             sections.deviation_chart_section(run),
             "<h2>Riktpunkt</h2>", sections.riktpunkt_section(run),
             "<h2>Prognoskontroll</h2>", sections.forecast_section(run),
             "<h2>Volym och pris</h2>", sections.volume_price_section(run),
             "<h2>Volymer</h2>", *sections.volume_sections(run),
             "<h2>Kvalitetskontroller</h2>", "<h3>Ekonomi</h3>", sections.findings_section(run, "ekonomi"),
             "<h3>Volymer</h3>", sections.findings_section(run, "volymer"),
             "<h2>Källor</h2>", sources_html(run)]
    title = f"{m.namn} – uppföljning {sections.period_text(run)}"
    return (f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>'
            f'<body>{"".join(parts)}</body></html>')


def write_report(run, folder: str | Path) -> Path:
    """rapport.html, tabeller/ (xlsx, csv, html per table) and meningar.md into folder."""
    from .build import atomic_write
    from .tables import all_tables

    folder = Path(folder)
    text = build_report(run)
    for t in all_tables(run):
        t.export(folder / "tabeller")
    md = narrative.markdown(run, narrative.sentences(run))
    atomic_write(folder / "tabeller" / "meningar.md", lambda p: p.write_text(md, encoding="utf-8"))
    out = folder / "rapport.html"
    atomic_write(out, lambda p: p.write_text(text, encoding="utf-8"))
    return out


def write_index(reports: Path | None = None) -> Path:
    from .build import read_findings

    reports = Path(reports or paths.reports_dir())
    try:
        f = read_findings()
    except FileNotFoundError:
        f = pd.DataFrame(columns=["kommun", "bedomning"])
    rows = []
    for kdir in sorted(p for p in reports.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != "misslyckade"):
        for pdir in sorted(p for p in kdir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            links = []
            if (pdir / "rapport.html").exists():
                links.append(f'<a href="{kdir.name}/{pdir.name}/rapport.html">Nämndrapport</a>')
            links += [f'<a href="{kdir.name}/{pdir.name}/{h.name}">{html.escape(h.stem)}</a>' for h in sorted(pdir.glob("[0-9][0-9]_*.html"))]
            for x in sorted((pdir / "tabeller").glob("*.xlsx")) if (pdir / "tabeller").is_dir() else []:
                links.append(f'<a href="{kdir.name}/{pdir.name}/tabeller/{x.name}">{html.escape(x.stem)} (xlsx)</a>')
            if (pdir / "tabeller" / "meningar.md").exists():
                links.append(f'<a href="{kdir.name}/{pdir.name}/tabeller/meningar.md">meningar</a>')
            kf = f[f["kommun"] == kdir.name]["bedomning"].value_counts()
            rows.append(f"<tr><th scope='row'>{html.escape(kdir.name)}</th><td>{html.escape(pdir.name)}</td>"
                        f"<td>{' · '.join(links)}</td><td class='num'>{int(kf.get('fel', 0))}</td>"
                        f"<td class='num'>{int(kf.get('varning', 0))}</td></tr>")
    page = (f'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Omsorgsanalys – rapporter</title>'
            f'<style>{CSS} td.num{{text-align:right}} td,th{{padding:4px 10px;text-align:left}}</style></head><body>'
            '<h1>Omsorgsanalys – rapporter</h1><table><caption>Alla kommuner och perioder</caption><thead><tr>'
            '<th scope="col">Kommun</th><th scope="col">Period</th><th scope="col">Rapporter</th>'
            '<th scope="col">Fel</th><th scope="col">Varningar</th></tr></thead><tbody>'
            + "".join(rows) + "</tbody></table></body></html>")
    out = reports / "index.html"
    reports.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out
