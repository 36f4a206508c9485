"""Narrative-ready exports: numeric xlsx cells, Swedish CSV, sentences that agree with their tables."""
import re

import openpyxl
import pytest

from helpers import narrative, tables
from helpers.context import open_run
from helpers.fmt import round_half_up

RUNS = [("sodertalje", "2017-08"), ("lomma", "2017-08"), ("nacka", "2017-10"), ("botkyrka", "2017-08")]
NUM = r"[\d\u00a0]+(?:,\d+)?"


def parse(text: str) -> float:
    return float(text.replace("\u00a0", "").replace(",", "."))


@pytest.mark.parametrize("kommun,period", RUNS)
def test_every_sentence_agrees_with_its_table(built, kommun, period):
    run = open_run(kommun, period)
    items = narrative.sentences(run)
    assert items, "minst en mening per kommun"
    eco = tables.economy_table(run).frame.set_index("Verksamhet") if run.is_report_period else None
    vol = tables.volume_table(run).frame
    for it in items:
        text = it["text"]
        if it["slag"] in ("avvikelse", "prognos"):
            value = eco.loc[it["rad"], it["kolumn"]]
            m = re.search(rf"(positiv|negativ) budgetavvikelse på ({NUM})\u00a0(mkr|tkr)|(överskott|underskott) på ({NUM})\u00a0(mkr|tkr)", text)
            if m is None:
                assert ("ingen budgetavvikelse" in text or "budget i balans" in text) and round(value) == 0 or abs(value) < 50, text
                continue
            word, amount, unit = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
            assert (word in ("positiv", "överskott")) == (value > 0), text
            shown = round_half_up(abs(value) / 1000, 1) if unit == "mkr" else round_half_up(abs(value))
            assert parse(amount) == pytest.approx(shown), (text, value)
        else:
            row = vol[(vol["Serie"] == it["rad"]) & (vol["År"] == run.year)].iloc[0]
            m = re.search(rf": ({NUM}) ", text)
            assert parse(m.group(1)) == pytest.approx(round_half_up(row["Värde"], it["decimaler"])), text
            change = re.search(r"en (ökning|minskning) med ([\d,]+) procent", text)
            if change:
                assert (change.group(1) == "ökning") == (row["Förändring, %"] > 0), text
                assert parse(change.group(2)) == pytest.approx(round_half_up(abs(row["Förändring, %"]), 1)), text
            elif "oförändrat" in text:
                assert round(row["Förändring, %"], 1) == 0


def test_sentence_templates_sign_number_and_zero():
    assert narrative.deviation("Verksamheten", 1563, "perioden") == "Verksamheten visar en positiv budgetavvikelse på 1,6\u00a0mkr för perioden."
    assert narrative.deviation("X", -715, "perioden") == "X visar en negativ budgetavvikelse på 715\u00a0tkr för perioden."
    assert narrative.deviation("X", 0.3, "perioden") == "X har ingen budgetavvikelse för perioden."
    assert narrative.forecast("X", -16100) == "Helårsprognosen för X är ett underskott på 16,1\u00a0mkr jämfört med budget."
    assert "1 timme" in narrative.volume("S", 1, "timmar", "januari 2017", None, None).replace("\u00a0", " ")
    assert "oförändrat" in narrative.volume("S", 5, "beslut", "p", 0.04, 2016)
    assert narrative.findings(10, 1, 1).endswith("1 var fel och 1 varning.")


def test_exports_per_table(batch):
    _, reports = batch
    for kommun, period in RUNS:
        folder = reports / kommun / period / "tabeller"
        assert (folder / "meningar.md").exists()
        for stem in ("volymer_samma_period", "kvalitet") + (("ekonomi_per_verksamhet", "prognoskontroll") if True else ()):
            for suffix in (".xlsx", ".csv", ".html"):
                assert (folder / f"{stem}{suffix}").exists(), (kommun, stem, suffix)
    wb = openpyxl.load_workbook(reports / "botkyrka" / "2017-08" / "tabeller" / "ekonomi_per_verksamhet.xlsx")
    ws = wb.active
    header = [c.value for c in ws[2]]
    row = {h: c for h, c in zip(header, ws[3])}
    assert row["Verksamhet"].value == "71 Centralt"
    assert isinstance(row["Utfall perioden"].value, (int, float)) and row["Utfall perioden"].value == -29676
    assert row["Prognosavvikelse"].value == 19792
    assert "\u2212" in row["Utfall perioden"].number_format
    csv = (reports / "nacka" / "2017-10" / "tabeller" / "ekonomi_per_verksamhet.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf")
    text = csv.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Verksamhet;Budget perioden;Utfall perioden")
    assert "Summa;-595990;-580626;15364;2,6;" in text


def test_index_links_every_report(batch):
    _, reports = batch
    index = (reports / "index.html").read_text(encoding="utf-8")
    for kommun, period in RUNS:
        assert f'href="{kommun}/{period}/rapport.html"' in index
        assert f'href="{kommun}/{period}/01_ekonomi.html"' in index
        assert f"{kommun}/{period}/tabeller/ekonomi_per_verksamhet.xlsx" in index


def test_text_from_data_is_escaped():
    import pandas as pd

    t = tables.Table("x", "Rubrik <i>", pd.DataFrame({"Verksamhet": ["<script>alert(1)</script>"], "Belopp": [1563.0]}),
                     {"Verksamhet": "text", "Belopp": "tkr"})
    page = t.html()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Rubrik &lt;i&gt;" in page and "1\u00a0563" in page
