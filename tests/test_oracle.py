"""Oracle tests: the report's headline figures against what each municipality's OWN text says.

The expected values are read from the quotes here (the number, its sign, unit and precision parsed
from the sentence by tests/oracle/citat.py), not from the workspace's data or tables, so a wrong
total in the data and a wrong sentence built the same way cannot agree with each other. Every quote
is also a fact of tests/oracle/fakta.toml, whose test finds it on its line of the seed text; the
figures themselves are checked without the seeds. The rendered rapport.html of every municipality
(and of the synthetic exempel, which is Lomma's figures through August) is read as text too."""
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from oracle.citat import figure
from oracle.fakta import COMPARABLE, FAKTA, disagrees, expected_tkr
from oracle.html_text import RenderedReport

from helpers.present import summary as summary_sec

SEED = {"sodertalje": "000_9a859a4574b8859d.txt", "lomma": "001_9a1f06ce4f8e1c97.txt",
        "nacka": "002_fb51e279e401cbdd.txt", "botkyrka": "004_d12cbedd518a29af.txt"}

# (kommun, quote in the seed, the row it is about ("" = the nämnd), measure). Found and cited by reading
# the seeds: tests/oracle/README.md lists every statement with its line.
ORACLE = [
    ("sodertalje", "Omsorgsnämnden har ett positivt resultat på 14,7 mkr efter augusti", "", "avvikelse_period"),
    ("sodertalje", "Prognosen förväntas bli ett överskott på 12,3 mkr", "", "prognosavvikelse"),
    ("sodertalje", "Verksamhetsområdet LSS har en positiv avvikelse på 10,9 mkr", "Summa verksamhets- områden LSS",
     "avvikelse_period"),
    ("sodertalje", "Verksamhetsområdet SoL har en positiv avvikelse på 5,2 mkr", "Summa verksamhets- områden SoL",
     "avvikelse_period"),
    ("sodertalje", "Verksamhetsområdet LSS har en prognos på 7,8 mkr", "Summa verksamhets- områden LSS",
     "prognosavvikelse"),
    ("nacka", "Socialnämnden redovisar för perioden ett överskott på 17,7 miljoner", "", "avvikelse_period"),
    ("nacka", "Helårsprognosen visar på överskott på 13,8 miljoner kronor", "", "prognosavvikelse"),
    ("lomma", "Verksamheten uppvisar en positiv budgetavvikelse med 1,6 mnkr för perioden", "LSS", "avvikelse_period"),
    ("lomma", "Totalt prognostiseras en budgetavvikelse på +0,5 mnkr", "LSS", "prognosavvikelse"),
    ("lomma", "uppvisar efter augusti månad ett positivt resultat på 7,0 mnkr", "HVO", "avvikelse_period"),
    ("lomma", "Total budgetavvikelse prognostiseras till +9,0 mnkr", "HVO", "prognosavvikelse"),
    ("lomma", "Den totala budgetavvikelsen efter augusti är positiv med 457 tkr", "IFO", "avvikelse_period"),
    ("lomma", "Helårsprognosen beräknas till negativ budgetavvikelse med 6 050 tkr", "IFO", "prognosavvikelse"),
    ("botkyrka", "Perioden redovisar ett nettoutfall på +24,5 miljoner kronor", "", "avvikelse_period"),
    ("botkyrka", "prognos per augusti visar ett nollresultat för helåret", "", "prognosavvikelse"),
    ("botkyrka", "Central ledning och administration prognostiserar ett överskott med 19,8 miljoner kronor",
     "71 Centralt", "prognosavvikelse"),
    ("botkyrka", "redovisar ett prognostiserat underskott på 3,4 miljoner kronor", "Summa 77 Äldreomsorg",
     "prognosavvikelse"),
    ("botkyrka", "visar ett prognostiserat underskott på 16,4 miljoner kronor", "Summa 78 LSS verksamhet",
     "prognosavvikelse"),
]


def text_figure(quote: str) -> tuple[float, float]:
    """(value, tolerance) in tkr, read from the quote."""
    return figure(quote).in_tkr()


@pytest.mark.parametrize("kommun,quote,vem,measure", ORACLE, ids=[f"{o[0]}-{o[2] or 'nämnden'}-{o[3]}" for o in ORACLE])
def test_report_figure_matches_the_municipalitys_own_text(contexts, kommun, quote, vem, measure):
    expected, tol = text_figure(quote)
    ctx = contexts[kommun]
    assert ctx.money == "tkr"
    if vem == "":
        row = ctx.total
    else:
        rows = ctx.table[ctx.table["verksamhet"] == vem]
        assert len(rows) == 1, f"raden {vem!r} finns {len(rows)} gånger i rapportens tabell ({kommun}), inte en"
        row = rows.iloc[0]
    got = float(row[measure])
    assert abs(got - expected) <= tol + 1e-9, (f"{kommun} {vem or 'nämnden'} {measure}: rapporten {got}, "
                                               f"texten {expected} ± {tol:g}")
    assert not row[f"{measure}_fel"], "rubriken får inte vila på en siffra som kontrollen kallar fel"


def test_every_quote_is_a_fact_found_on_its_line_of_the_seed():
    # test_oracle_fakta.py finds every fact's quote on its line of the seed text (when the seeds are here).
    facts = {(f["kommun"], f["citat"]) for f in FAKTA}
    assert [o[:2] for o in ORACLE if o[:2] not in facts] == []


@pytest.mark.parametrize("kommun", list(SEED))
def test_summary_states_period_result_and_forecast_as_the_text_does(contexts, kommun):
    ctx = contexts[kommun]
    summary = [s.text.replace("\u00a0", " ") for s in summary_sec.summary(ctx).sentences]
    for _k, quote, _vem, measure in [o for o in ORACLE if o[0] == kommun and o[2] == ""]:
        expected, _tol = text_figure(quote)
        kind = "resultat" if measure == "avvikelse_period" else "prognos"
        sentence = next(s for s in summary_sec.summary(ctx).sentences if s.kind == kind).text.replace("\u00a0", " ")
        if expected == 0:
            assert "budget i balans" in sentence
            continue
        shown = f"{abs(expected) / 1000:.1f}".replace(".", ",") + " mkr"
        assert shown in sentence, (sentence, shown)
        good = ("positiv", "överskott") if expected > 0 else ("negativ", "underskott")
        assert any(w in sentence for w in good), sentence
    assert summary[0].startswith(ctx.namnd)  # the period result comes first


def test_areas_and_largest_forecast_deviations_are_in_the_summary(contexts):
    lomma = " ".join(s.text for s in summary_sec.summary(contexts["lomma"]).sentences).replace("\u00a0", " ")
    assert "IFO −6,1 mkr" in lomma and "HVO +9,0 mkr" in lomma and "LSS +0,5 mkr" in lomma
    botkyrka = " ".join(s.text for s in summary_sec.summary(contexts["botkyrka"]).sentences).replace("\u00a0", " ")
    # The nämnd's report names the areas without their account codes (71, 77, 78).
    assert "Centralt +19,8 mkr" in botkyrka
    assert "Äldreomsorg −3,4 mkr" in botkyrka and "LSS verksamhet −16,4 mkr" in botkyrka
    assert "uppskattad" in botkyrka  # the period result rests on an evenly spread budget: said so
    assert "tilläggsbudget" in botkyrka  # the caveat from the text


def test_text_and_table_disagreements_are_findings(contexts):
    # Södertälje's text says daglig verksamhet 3,4 mkr; the table says 3 470 tkr (3,5 mkr).
    c = contexts["sodertalje"].causes
    assert c["mening"].str.contains("Daglig verksamhet").any()
    # Botkyrka's text says personlig assistans −10,7 mkr; the table says −10 781.
    c = contexts["botkyrka"].causes
    assert c["mening"].str.contains("786 Personlig assistans").any()


# The rendered reports, read as text. exempel 2017-08 has Lomma's published figures per område
# (data/raw/exempel/datalogg.md), so Lomma's quotes are its oracle too; its table calls the areas "Summa …".
RENDERED = {"sodertalje": ("2017-08", "sodertalje", {}), "lomma": ("2017-08", "lomma", {}),
            "nacka": ("2017-10", "nacka", {}), "botkyrka": ("2017-08", "botkyrka", {}),
            "exempel": ("2017-08", "lomma", {"LSS": "Summa LSS", "HVO": "Summa HVO", "IFO": "Summa IFO"})}
COLUMN = {"avvikelse_period": "Avvikelse perioden", "prognosavvikelse": "Prognosavvikelse"}
CELL_NUMBER = re.compile(r"[−-]?\d{1,3}(?: \d{3})*(?:,\d+)?")


def row_key(label: str) -> str:
    """A row label as the data has it and as the nämnd's report may show it ('Summa 77 Äldreomsorg' /
    'Summa Äldreomsorg', 'verksamhets- områden' / 'verksamhetsområden'): letters and digits only,
    without account codes. A key that fits two rows fails the test (it must find exactly one)."""
    return re.sub(r"[^0-9a-zåäöé]", "", re.sub(r"\b\d{1,4}\s+(?=[^\d\s])", "", label).lower())


def cell_tkr(cell: str, unit: str) -> float:
    """A table cell as shown ("14 677 ≈", "−598 296 *") in tkr."""
    m = CELL_NUMBER.search(cell)
    assert m, f"inget tal i cellen {cell!r}"
    return float(m.group().replace(" ", "").replace("−", "-").replace(",", ".")) * (1000.0 if unit == "mkr" else 1.0)


def shown_mkr(value_tkr: float, plus: bool) -> str:
    """How a reader sees the text's figure in mkr with one decimal: "14,7 mkr", "+1,6 mkr", "−6,1 mkr"."""
    d = (Decimal(str(value_tkr)) / 1000).quantize(Decimal("0.1"), ROUND_HALF_UP)
    sign = "−" if d < 0 else ("+" if plus else "")
    return f"{sign}{abs(d)} mkr".replace(".", ",")


@pytest.mark.slow
@pytest.mark.parametrize("kommun", list(RENDERED))
def test_rendered_report_states_the_texts_figures(batch, kommun):
    period, source, rows = RENDERED[kommun]
    path = batch[1] / kommun / period / "rapport.html"
    assert path.is_file(), f"{kommun} {period}: rapport.html saknas (körningen gav felkod {batch[0]})"
    html = RenderedReport(path)
    # The summary's headline sentences say what the municipality's own text says.
    for _k, quote, vem, measure in [o for o in ORACLE if o[0] == source]:
        expected, _tol = text_figure(quote)
        if vem == "":
            sentence = html.sentences[0] if measure == "avvikelse_period" else html.sentence("Helårsprognosen")
            assert measure == "prognosavvikelse" or " för perioden " in sentence, sentence
            if expected == 0:
                assert "budget i balans" in sentence, sentence
                continue
            good = ("positiv", "överskott") if expected > 0 else ("negativ", "underskott")
            assert shown_mkr(expected, plus=False) in sentence and any(w in sentence for w in good), (sentence, quote)
        else:
            sentence = html.sentence("Per område, perioden:" if measure == "avvikelse_period"
                                     else "Per område, helårsprognosen:")
            # The area by the last word of its name: the report may drop a code or mend a split word.
            assert f"{vem.split()[-1]} {shown_mkr(expected, plus=True)}" in sentence, (sentence, quote)
    # Every figure of the main table that the text speaks of, as the table shows it.
    caption, table = html.table("Budget och utfall per verksamhet")
    unit, header, body = caption.rsplit(", ", 1)[-1], table[0], table[1:]
    assert unit in ("tkr", "mkr"), caption
    facts = [f for f in COMPARABLE if f["kommun"] == source]
    assert facts
    for fact in facts:
        expected, tol = expected_tkr(fact)
        for label in (rows.get(r, r) for r in fact["rader_i_tabellen"]):
            found = [r for r in body if row_key(r[0]) == row_key(label)]
            assert len(found) == 1, f"raden {label!r} finns {len(found)} gånger i tabellen i {kommun}/{period}/rapport.html"
            value = cell_tkr(found[0][header.index(COLUMN[fact["matt"]])], unit)
            close = abs(value - expected) <= tol + 1e-9
            assert close != disagrees(fact), (f"{kommun} {label} {fact['matt']}: rapport.html visar {value:.0f} tkr, "
                                              f"texten {expected:.0f} ± {tol:g} (rad {fact['rad']}: {fact['citat']!r})")
