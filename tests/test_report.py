"""The parts of the report as a notebook shows them, and the exports.

Consistency tests (a sentence against its table) stay beside the oracle tests: every figure a
sentence states is looked up in the table the reader sees, and sections never give two values for
one figure."""
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers.core.formats import amount, number, with_unit
from helpers.present import economy, quality, sources, volumes
from helpers.present import forecast as forecast_sec
from helpers.present import summary as summary_sec
from helpers.present.charts import Chart
from helpers.present.narrative import Narrative, forecast, result
from helpers.present.tables import BELOPP, PROCENT, Col, Table
from helpers.render.exports import csv_text, export_table, write_xlsx

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "01_rapport.ipynb"
SECTIONS = {m.__name__.rsplit(".", 1)[-1]: m for m in (economy, forecast_sec, quality, sources, summary_sec, volumes)}
PARTS = [("summary", "heading"), ("summary", "summary"), ("economy", "economy_section"), ("forecast", "forecast_section"),
         ("volumes", "volume_section"), ("quality", "quality_section"), ("sources", "sources_section"),
         # the analysis version
         ("summary", "full_summary"), ("economy", "riktpunkt_table"), ("forecast", "forecast_check_table"),
         ("forecast", "accuracy_section"), ("economy", "volume_price_table"), ("economy", "cost_per_unit_section"),
         ("volumes", "overview"), ("volumes", "series_sections"), ("volumes", "annual_volumes"),
         ("quality", "material_findings"), ("quality", "findings_table"), ("quality", "checks_table"),
         ("sources", "sources_table")]


def plain(s: str) -> str:
    return s.replace("\u00a0", " ")


@pytest.mark.parametrize("kommun", ["sodertalje", "lomma", "nacka", "botkyrka"])
def test_every_part_is_a_rich_object_not_an_html_string(contexts, kommun):
    ctx = contexts[kommun]
    for module, name in PARTS:
        obj = getattr(SECTIONS[module], name)(ctx)
        assert not isinstance(obj, str), name
        html = obj._repr_html_()
        assert isinstance(html, str)
        assert "<script" not in html and "/work/" not in html and "Traceback" not in html
    t = economy.economy_table(ctx)
    assert isinstance(t.frame, pd.DataFrame) and t.frame.shape[0] > 3  # the analyst can take it further


def test_the_notebook_shows_every_part_once_one_call_per_cell():
    """Each section is one call in one cell, so each chart is drawn once per report."""
    calls = []
    for cell in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "code" and "parameters" not in cell["metadata"].get("tags", []):
            calls += re.findall(r"^(\w+)\.(\w+)\(data\)$", "".join(cell["source"]), flags=re.M)
    shown = [c for c in calls if c in PARTS]
    assert sorted(shown) == sorted(PARTS) and len(set(shown)) == len(shown)


@pytest.mark.parametrize("kommun", ["sodertalje", "lomma", "nacka", "botkyrka"])
def test_summary_figures_stand_in_the_economy_table(contexts, kommun):
    """Consistency: the nämnd's period result and forecast in the summary are the table's total row."""
    ctx = contexts[kommun]
    table = economy.economy_table(ctx)
    total = table.frame[table.frame["Verksamhet"] == ctx.total["verksamhet"]].iloc[0]
    sentences = [plain(s.text) for s in summary_sec.summary(ctx).sentences if s.kind in ("resultat", "prognos")]
    for s, col in zip(sentences, ("Avvikelse perioden", "Prognosavvikelse")):
        value = total[col]
        if abs(value) >= 1000 or ctx.money == "mkr":
            assert plain(amount(abs(value), ctx.money)) in s, (s, value)


def test_sentence_templates_sign_unit_and_zero():
    from helpers.core.period import Period

    p = Period(2017, 4)
    assert plain(result("Nämnden", -13.9, "mkr", p).text) == \
        "Nämnden visar en negativ budgetavvikelse på 13,9 mkr för perioden januari–april 2017."
    assert plain(result("HSL", 0.4, "mkr", p).text).endswith("positiv budgetavvikelse på 0,4 mkr för perioden januari–april 2017.")
    assert "ingen budgetavvikelse" in result("X", 0.04, "mkr", p).text
    assert plain(result("X", 17669, "tkr", p).text).count("17,7 mkr") == 1
    assert plain(result("X", 457, "tkr", p).text).count("457 tkr") == 1
    assert "budget i balans" in forecast("X", 0, "tkr").text
    assert "underskott på 6,1 mkr" in plain(forecast("X", -6050, "tkr").text)
    est = result("X", 24501, "tkr", p, estimate=True).text
    assert "uppskattad positiv" in est and "jämnt fördelad" in est


def test_units_keep_their_decimals():
    assert plain(with_unit(14.66, "mkr")) == "14,7 mkr"
    assert plain(amount(0.4, "mkr")) == "0,4 mkr"
    assert plain(amount(-457, "tkr")) == "−457 tkr"
    assert plain(amount(-1563, "tkr")) == "−1,6 mkr"
    assert plain(amount(14677, "tkr")) == "14,7 mkr"
    assert plain(number(-0.0)) == "0"
    assert plain(with_unit(1, "timmar")) == "1 timme"
    assert plain(with_unit(6.8, "procent")) == "6,8 %"


def test_one_unit_across_a_listing():
    from helpers.core.formats import amounts
    from helpers.present.narrative import listing

    assert [plain(a) for a in amounts([9, 7816, -7132], "tkr", plus=True)] == ["0,0 mkr", "+7,8 mkr", "−7,1 mkr"]
    assert [plain(a) for a in amounts([230, 457], "tkr")] == ["230 tkr", "457 tkr"]
    text = plain(listing("omraden", "Per område", [("LSS", 9), ("HVO", 7816), ("IFO", -7132)], "tkr",
                         "avvikelse_period").text)
    assert text == "Per område: LSS i stort sett i balans (+9 tkr), HVO +7,8 mkr, IFO −7,1 mkr."


def test_riktpunkt_does_not_invent_a_second_period_deviation(contexts):
    lomma = economy.riktpunkt_table(contexts["lomma"])
    assert "Avvikelse mot periodiserad budget" not in lomma.frame.columns
    assert "Periodbudget i % av helårsbudget" in lomma.frame.columns  # Lomma's own period budget
    # Södertälje publishes the period's net cost per verksamhet (1.2), so the riktpunkt table rests on
    # published outcomes: Ordinärt boende 21 185 of 40 794 tkr = 51,9 %, against 8/12 = 66,7 %
    sod = economy.riktpunkt_table(contexts["sodertalje"])
    assert isinstance(sod, Table)
    row = sod.frame[sod.frame["Verksamhet"] == "Ordinärt boende"].iloc[0]
    assert round(row["Utfall i % av helårsbudget"], 1) == 51.9 and round(row["Riktpunkt, %"], 1) == 66.7


def test_economy_table_marks_estimates_and_replaced_totals(contexts):
    nacka = economy.economy_table(contexts["nacka"])
    (pos,) = [i for i, v in enumerate(nacka.frame["Verksamhet"]) if v == "Summa"]
    assert nacka.marks[(pos, "Budget perioden")] == "ersatt"
    assert nacka.frame.loc[pos, "Budget perioden"] == -598296
    assert any("−595 990 tkr" in plain(n) and "radernas summa" in n for n in nacka.notes)
    bot = economy.economy_table(contexts["botkyrka"])
    assert "uppskattad" in set(bot.marks.values())
    assert any("Uppskattning" in n for n in bot.notes)


def test_forecast_check_skips_rows_without_a_published_budget(contexts):
    t = forecast_sec.forecast_check_table(contexts["nacka"])
    assert "Preliminärbokförda fakturor" not in set(t.frame["Verksamhet"])


def test_xlsx_export_is_a_spreadsheet_a_controller_can_use(tmp_path):
    frame = pd.DataFrame({"Verksamhet": ["Hemtjänst", "=HYPERLINK(\"http://x\")", "Summa"], "År": [2017, 2017, 2017],
                          "Avvikelse": [-1563.0, 14677.0, 13114.0], "Andel": [66.7, 12.5, None]})
    t = Table("prov", "Avvikelse per verksamhet: januari–augusti 2017, tkr", frame,
              {"Verksamhet": Col(), "År": Col("ar"), "Avvikelse": Col(BELOPP, "tkr"), "Andel": Col(PROCENT)},
              [False, False, True], ["En not."])
    path = write_xlsx(tmp_path / "prov.xlsx", t)
    ws = load_workbook(path).active
    assert ws.title == "Avvikelse per verksamhet"  # cut at a word within 31 characters, not mid-word
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == "A1:D4"
    assert ws["B2"].value == 2017 and ws["B2"].number_format == "0"
    assert ws["C2"].value == -1563 and "\u2212" in ws["C2"].number_format
    assert ws["D2"].value == pytest.approx(0.667) and ws["D2"].number_format.endswith("%")
    assert ws["A3"].data_type == "s" and ws["A3"].value.startswith("=HYPERLINK")  # text, never a formula
    assert ws["A4"].font.bold
    assert ws.column_dimensions["A"].width >= len("Verksamhet")
    text = csv_text(t.frame, t.columns)
    assert "'=HYPERLINK" in text and "-1563" in text and "66,7" in text


def test_export_table_writes_three_files(tmp_path, contexts):
    paths = export_table(tmp_path, economy.economy_table(contexts["nacka"]))
    assert sorted(p.suffix for p in paths) == [".csv", ".html", ".xlsx"]
    html = (tmp_path / "ekonomi_per_verksamhet.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in html and "http" not in re.sub(r'xmlns="[^"]*"', "", html)
    csv = (tmp_path / "ekonomi_per_verksamhet.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbfVerksamhet;")


def test_chart_renders_with_alt_text(contexts):
    chart = economy.deviation_chart(contexts["lomma"])
    assert isinstance(chart, Chart)
    html = chart._repr_html_()
    assert 'alt="Liggande stapeldiagram' in html and "<figcaption>" in html
    assert chart.png.startswith(b"\x89PNG")
    assert "tkr" in chart.figure.axes[0].get_xlabel()


def test_markdown_output_escapes_html():
    n = Narrative([__import__("helpers.present.narrative", fromlist=["Sentence"]).Sentence("x", "<script>alert(1)</script>")])
    assert "<script>" not in n.markdown() and "&lt;script&gt;" in n.markdown()
    assert "<script>" not in n._repr_html_()


def test_a_total_the_municipality_never_published_is_called_a_sum(contexts):
    # Lomma's report has three area tables and no total for the nämnd (tests/oracle/README.md): the
    # report's nämnd figures are the workspace's sum, 1 563 + 6 969 + 457 = 8 989 tkr, and it says so.
    ctx = contexts["lomma"]
    assert ctx.total["avvikelse_period"] == 1563 + 6969 + 457
    note = "Nämnden totalt är summan av LSS, HVO och IFO; kommunen redovisar ingen egen summa för hela nämnden."
    assert note in economy.economy_table(ctx).notes
    assert any("redovisar ingen summa för hela nämnden" in s.text for s in summary_sec.sentences(ctx).sentences)
    assert contexts["nacka"].computed_total_parts == []  # Nacka publishes its own Summa row
