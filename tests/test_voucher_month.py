"""A month folder whose ledger export is a voucher-only type 4 file (#VER/#TRANS, no #PSALDO, no
#PBUDGET), from a municipal ledger booked on ansvar × verksamhet with a fiscal year July–June, gives a
full monthly report (issue 16). Expected figures worked out by hand in tests/fixtures/sie_real/README.md
and forvantat.toml (H2): net outcome July–December 2016 Hemtjänst 5 893 000 kr, Särskilt boende
5 661 000 kr, Personlig assistans LSS 1 744 500 kr, Boende LSS 0 (mapped, no rows), total 13 298 500 kr;
interest on account 8410 (class 8) is excluded."""
import re
import shutil
from pathlib import Path

import pytest

from helpers.app.report import open_report
from helpers.batch.build import build
from helpers.batch.runner import run_batch

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "sie_real"
METADATA = """id = "testverifikat"
namn = "Testkommun med verifikationer"
kommunkod = "9999"
namnder = ["Vård- och omsorgsnämnden"]
kostnadstecken = "minus"
rapporttyp = "Månadsrapport"
huvudtabeller = ["huvudbok"]

[sie]
dimension = 1
dimension2 = 6
objekt = "mappning.csv"
intakter = ["3"]
kostnader = ["4", "5", "6", "7"]
exkludera = ["1", "2", "8"]
"""
# H2's mapping (ansvar;verksamhetskod;verksamhet;overordnad) in the workspace's columns.
MAPPING = """objekt;objekt2;verksamhet;overordnad
110;510;Hemtjänst;Äldreomsorg
120;510;Hemtjänst;Äldreomsorg
110;520;Särskilt boende;Äldreomsorg
210;520;Särskilt boende;Äldreomsorg
310;5530;Personlig assistans LSS;LSS
310;5510;Boende LSS;LSS
"""
PROGNOS = """verksamhet;helarsprognos;kommentar
Hemtjänst;-11800;Fler timmar än budgeterat.
Särskilt boende;-11300;
Personlig assistans LSS;-3500;
Boende LSS;0;Startar först 2017.
"""


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    root = tmp_path_factory.mktemp("verifikat")
    raw = root / "raw" / "testverifikat"
    (raw / "2016-12").mkdir(parents=True)
    (raw / "metadata.toml").write_text(METADATA, encoding="utf-8")
    (raw / "mappning.csv").write_text(MAPPING, encoding="utf-8")
    (raw / "datalogg.md").write_text("# Testkommun\n", encoding="utf-8")
    shutil.copyfile(FIXTURES / "kommun_verifikat_2016-12.se", raw / "2016-12" / "huvudbok.se")
    (raw / "2016-12" / "prognos.csv").write_text(PROGNOS, encoding="utf-8")
    processed = root / "processed"
    result = build(raw=root / "raw", processed=processed)
    assert not result.left_out, [k.problems or k.error for k in result.left_out]
    return root


def test_outcome_per_verksamhet_from_the_vouchers(month):
    data = open_report("testverifikat", "2016-12", processed=month / "processed", raw=month / "raw")
    t = data.table.set_index("verksamhet")
    assert t.loc["Hemtjänst", "utfall_period"] == pytest.approx(-5893.0)
    assert t.loc["Särskilt boende", "utfall_period"] == pytest.approx(-5661.0)
    assert t.loc["Personlig assistans LSS", "utfall_period"] == pytest.approx(-1744.5)
    assert t.loc["Boende LSS", "utfall_period"] == 0          # mapped, no rows in the file: zero, not missing
    total = data.total
    assert total["utfall_period"] == pytest.approx(-13298.5)
    assert data.period.span == "juli–december 2016"            # the fiscal year from #RAR, not January
    assert data.ledger and data.ledger[0]["utfall_ur"] == "trans"


@pytest.mark.slow
def test_the_voucher_month_gives_a_full_report(month, monkeypatch):
    for k, v in {"OMSORG_RAW": month / "raw", "OMSORG_PROCESSED": month / "processed",
                 "OMSORG_REPORTS": month / "reports"}.items():
        monkeypatch.setenv(k, str(v))
    assert run_batch(kommun="testverifikat", period="2016-12", workers=1, reports=month / "reports", quiet=True) == 0
    html = (month / "reports" / "testverifikat" / "2016-12" / "rapport.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")
    assert "juli–december 2016" in text
    assert "−5 893" in text and "−13 299" in text      # 13 298,5 tkr rounds half away from zero
    assert "KeyError" not in html and "har ingen avvikelse att redovisa" not in text
    # the full-year forecast −11 800 + −11 300 + −3 500 + 0 = −26 600 tkr is the controller's
    assert "−26 600" in text
