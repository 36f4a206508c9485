"""Units and entry mistakes (issue 17, item 8): the size of a finding in the municipality's own money
unit, a declared unit the data contradict as a warning of `omsorg kontrollera` (ingest/plausibility.py),
and a budget of exactly 0 as a value, never as a missing one.

The mkr case is the test municipality tests/kommuner/testmkr (drift_verksamhet.csv, amounts in mkr with
one decimal); the magnitude case is Södertälje's own table and text (data/raw/sodertalje)."""
import shutil
import textwrap
from pathlib import Path

import pytest
from reportdata_factory import derived

from helpers.checks.causes import Cause, materiality_text, money_text
from helpers.checks.run import causes_frame, run_checks
from helpers.core.period import Period
from helpers.ingest.load import load_kommun
from helpers.present.economy import economy_table, riktpunkt_table

ROOT = Path(__file__).resolve().parents[1]
NBSP = "\u00a0"


def plain(text: str) -> str:
    return str(text).replace(NBSP, " ")


def cause(belopp_tkr, andel=None) -> Cause:
    return Cause(id="x", kommun="k", period="2017-08", dataset="ekonomi", tabell="drift", tabellrubrik="”Drift”",
                 rad="Summa", kolumn="Budget", kind="summa", bedomning="fel", publicerat=None, beraknat=None,
                 anvands=None, enhet="mkr", andrar_rapporten=True, belopp_tkr=belopp_tkr, andel_av_budget=andel,
                 andel_av_serie=None, vasentlig=True, mening="")


# --- the size of a finding in the municipality's unit ---------------------------------------------

@pytest.mark.parametrize("tkr,money,text", [
    (900, "mkr", "0,9 mkr"),       # never '900 tkr' for an mkr municipality
    (14, "mkr", "0,014 mkr"),      # 0,0 or 0,01 mkr would lose it: as many decimals as it needs
    (1250, "mkr", "1,25 mkr"),
    (2306, "tkr", "2 306 tkr"),    # a tkr municipality keeps whole tkr
    (300, "tkr", "300 tkr"),
])
def test_money_text_in_the_municipality_s_unit(tkr, money, text):
    assert plain(money_text(tkr, money)) == text


def test_materiality_of_an_mkr_finding_is_in_mkr():
    # 0,9 mkr of a budget of 966,9 mkr: 0,9 / 966,9 = 0,093 % → 0,09 %
    c = cause(900, 100 * 0.9 / 966.9)
    assert materiality_text(c, "mkr") == f"0,9{NBSP}mkr (0,09{NBSP}% av nämndens helårsbudget)"
    assert materiality_text(c) == f"900{NBSP}tkr (0,09{NBSP}% av nämndens helårsbudget)"


def test_testmkr_findings_are_sized_in_mkr():
    # testmkr's planted error: "Summa äldreomsorg", Kostnader −266,1 published against its rows
    # −112,5 − 125,8 − 27,5 = −265,8: 0,3 mkr; the nämnd's helårsbudget 966,9 mkr → 0,3 / 966,9 = 0,031 %
    loaded = load_kommun("testmkr", ROOT / "tests" / "kommuner")
    q = run_checks(loaded.tidy, loaded.structure, loaded.metas["testmkr"], Period(2017, 4))
    c = causes_frame([q])
    row = c[(c["rad"] == "Summa äldreomsorg") & (c["kolumn"] == "Kostnader")].iloc[0]
    assert plain(row["vasentlighet"]) == "0,3 mkr (0,03 % av nämndens helårsbudget)"
    assert not c["vasentlighet"].str.contains("tkr").any()


# --- a declared unit the data contradict ----------------------------------------------------------

def copy_kommun(tmp_path, source: Path, kommun: str, old: str, new: str) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(source / kommun, raw / kommun)
    meta = raw / kommun / "metadata.toml"
    text = meta.read_text(encoding="utf-8")
    assert old in text
    meta.write_text(text.replace(old, new, 1), encoding="utf-8")
    return raw


def test_an_mkr_table_declared_as_tkr_is_a_warning(tmp_path):
    raw = copy_kommun(tmp_path, ROOT / "tests" / "kommuner", "testmkr", 'enhet = "mkr"', 'enhet = "tkr"')
    loaded = load_kommun("testmkr", raw)
    (w,) = [w for w in loaded.warnings if "decimaler" in w.forvantat]
    # drift_verksamhet.csv: 10 rows with 8 amounts, Daglig verksamhet without Intäkter → 79 amounts, every one
    # with a decimal; the first is Hemtjänst's Intäkter 14,2 on line 3
    assert (w.fil, w.rad, w.kolumn, w.varde, w.allvarlig) == ("drift_verksamhet.csv", 3, "Intäkter", "14,2", False)
    assert w.forvantat == ("tabellen 'drift_verksamhet' är angiven i tkr (enhet = \"tkr\" i metadata.toml), men 79 "
                           "av 79 belopp har decimaler; belopp i tkr skrivs i hela tusental. Är tabellen i mkr? Ändra "
                           "i så fall enhet till \"mkr\", annars blir 14,2 mkr i rapporten 14 tkr.")


def test_a_tkr_table_declared_as_mkr_is_a_warning_against_the_text(tmp_path):
    # Södertälje's "1.1" table is in tkr; declared mkr, its 'Summa verksamhets- områden LSS' Resultat perioden
    # (line 9: 10 947) is a thousand times the text's "positiv avvikelse på 10,9 mkr"
    old = 'avsnitt = "1.1 Delårsresultatet för nämnden och nämndens helårsprognos"\nenhet = "tkr"'
    raw = copy_kommun(tmp_path, ROOT / "data" / "raw", "sodertalje", old, old.replace('"tkr"', '"mkr"'))
    loaded = load_kommun("sodertalje", raw)
    (w,) = [w for w in loaded.warnings if "tusen gånger" in w.forvantat]
    assert (w.fil, w.rad, w.kolumn, w.varde) == ("ekonomi_resultat_verksamhet.csv", 9, "Resultat perioden",
                                                 f"10{NBSP}947")
    assert "'Summa verksamhets- områden LSS': texten 10,9 mkr, tabellen 10\u00a0947 mkr). Är tabellen i tkr?" in w.forvantat


def test_the_real_municipalities_units_pass_without_warnings():
    for kommun in ("sodertalje", "nacka", "lomma", "botkyrka"):
        loaded = load_kommun(kommun)
        assert not [w for w in loaded.warnings if "är angiven i" in w.forvantat], kommun


# --- a budget of 0 is a value ---------------------------------------------------------------------

ZERO = [(2, "A", "", "post", "", {"Budget": -100, "Utfall": -90, "Avvikelse": 10, "Helårsbudget": -150}),
        (3, "Nystart", "", "post", "", {"Budget": 0, "Utfall": -5, "Avvikelse": -5, "Helårsbudget": 0}),
        (4, "Summa", "", "summa", "", {"Budget": -100, "Utfall": -95, "Avvikelse": 5, "Helårsbudget": -150})]


def test_a_zero_budget_keeps_its_row_in_the_riktpunkt_table():
    t = riktpunkt_table(derived(ZERO))
    assert t.frame["Verksamhet"].tolist() == ["A", "Nystart", "Summa"]
    nystart = t.frame.iloc[1]
    assert nystart["Helårsbudget"] == 0 and nystart["Utfall perioden"] == -5
    assert nystart["Utfall i % av helårsbudget"] != nystart["Utfall i % av helårsbudget"]  # empty (NaN), not 0
    # A: −90 / −150 = 60 %
    assert t.frame.iloc[0]["Utfall i % av helårsbudget"] == pytest.approx(60)
    assert ("Nystart: helårsbudgeten är 0, så 'Utfall i % av helårsbudget' är tom (en andel av 0 går inte att "
            "räkna).") in t.notes


def test_a_zero_period_budget_says_why_its_percentage_is_empty():
    t = economy_table(derived(ZERO))
    assert "Nystart: periodbudgeten är 0, så 'Avvikelse, %' är tom (en andel av 0 går inte att räkna)." in t.notes


META = """\
id = "liten"
namn = "Liten kommun"
kommunkod = "9998"
namnder = ["Socialnämnden"]
kostnadstecken = "plus"
period = "2017-08"
huvudtabeller = ["drift"]

[[tabell]]
id = "drift"
fil = "drift.csv"
dataset = "ekonomi"
enhet = "tkr"
[[tabell.relation]]
kolumn = "Andel"
taljare = "Utfall"
namnare = "Budget"

[tabell.kolumner]
"Budget" = { matt = "netto", slag = "budget", omfattning = "helar", ar = 2017 }
"Utfall" = { matt = "netto", slag = "utfall", omfattning = "period", ar = 2017 }
"Andel" = { matt = "andel", enhet = "procent" }
"""


def test_a_share_of_a_zero_budget_is_not_called_missing(tmp_path):
    folder = tmp_path / "raw" / "liten"
    folder.mkdir(parents=True)
    (folder / "metadata.toml").write_text(META, encoding="utf-8")
    (folder / "drift.csv").write_text(textwrap.dedent("""\
        verksamhet;overordnad;radtyp;summerar;Budget;Utfall;Andel
        A;;post;;100;60;60 %
        Nystart;;post;;0;5;0 %
        Summa;;summa;;100;65;65 %
        """), encoding="utf-8")
    loaded = load_kommun("liten", tmp_path / "raw")
    q = run_checks(loaded.tidy, loaded.structure, loaded.metas["liten"], Period(2017, 8))
    (c,) = [c for c in q.checks if c.kind == "andel" and c.rad_text == "Nystart"]
    assert c.bedomning == "ej_kontrollerbar" and c.missing == ()
    assert c.beskrivning.endswith("Nämnaren är 0: 'Budget' är 0 på raden (ett värde, inte ett tomt fält), och en andel "
                                  "av 0 går inte att räkna.")
    meningar = " ".join(causes_frame([q])["mening"])
    assert "saknas värdet på raden 'Nystart'" not in meningar and "'Budget' är 0 på raden" in meningar
