"""Notebooks run under papermill for every municipality; a failing notebook is isolated."""
import json
import shutil
from pathlib import Path

import pytest

from helpers.cli import main
from helpers.errors import ParameterError
from helpers.runner import plan, run_batch

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


def test_all_notebooks_run_without_errors(batch):
    code, reports = batch
    assert code == 0
    for kommun, period in [("sodertalje", "2017-08"), ("lomma", "2017-08"), ("nacka", "2017-10"), ("botkyrka", "2017-08")]:
        folder = reports / kommun / period
        for name in ("01_ekonomi", "02_volymer", "03_namndrapport"):
            nb = json.loads((folder / f"{name}.ipynb").read_text(encoding="utf-8"))
            for cell in nb["cells"]:
                for out in cell.get("outputs", []):
                    assert out["output_type"] != "error", (kommun, name, out)
            page = (folder / f"{name}.html").read_text(encoding="utf-8")
            assert "from helpers import" not in page and "open_run(" not in page, "ingen kod i HTML"
            assert 'src="http' not in page
        eco = (folder / "01_ekonomi.html").read_text(encoding="utf-8")
        assert "Budget och utfall per verksamhet" in eco and "<caption>" in eco
        assert (folder / "rapport.html").exists()
    assert (reports / "index.html").exists()


def test_report_is_self_contained(batch):
    _, reports = batch
    for page in reports.glob("*/*/rapport.html"):
        text = page.read_text(encoding="utf-8")
        assert text.startswith('<!DOCTYPE html><html lang="sv">')
        assert "http://" not in text and "https://" not in text
        assert page.stat().st_size < 5 * 1024 * 1024
        assert text.count("<img ") == text.count('alt="')
        assert "Sammanfattning" in text and "@media print" in text
    s = (reports / "sodertalje" / "2017-08" / "rapport.html").read_text(encoding="utf-8")
    assert "Omsorgsnämnden visar en positiv budgetavvikelse på 14,7\u00a0mkr" in s
    assert "Personlig assistans enligt LSS: 61\u00a0636 utförda timmar januari–augusti 2017, en minskning med 13,8 procent jämfört med samma period 2016." in s
    lomma = (reports / "lomma" / "2017-08" / "02_volymer.html").read_text(encoding="utf-8")
    assert "redovisar inga volymer" in lomma


def test_failing_notebook_isolated_and_good_report_kept(built, tmp_path):
    nbs = tmp_path / "nb"
    nbs.mkdir()
    shutil.copy(FIXTURES / "01_bra.ipynb", nbs)
    reports = tmp_path / "reports"
    assert run_batch(kommun="lomma", period="2017-08", workers=1, reports=reports, notebook_dir=nbs, quiet=True) == 0
    good = (reports / "lomma" / "2017-08" / "01_bra.html").read_bytes()
    shutil.copy(FIXTURES / "02_trasig.ipynb", nbs)
    assert run_batch(kommun="lomma", period="2017-08", workers=2, reports=reports, notebook_dir=nbs, quiet=True) == 1
    assert (reports / "lomma" / "2017-08" / "01_bra.html").read_bytes() == good
    assert not (reports / "lomma" / "2017-08" / "02_trasig.ipynb").exists()
    # running one chosen notebook again replaces its own files and keeps the others
    (reports / "lomma" / "2017-08" / "annat.html").write_text("behålls", encoding="utf-8")
    assert run_batch(kommun="lomma", period="2017-08", notebooks=["01"], workers=1, reports=reports,
                     notebook_dir=nbs, quiet=True) == 0
    assert (reports / "lomma" / "2017-08" / "annat.html").read_text(encoding="utf-8") == "behålls"
    kept = reports / "misslyckade" / "lomma" / "2017-08" / "02_trasig.ipynb"
    assert "avsiktligt fel i testet" in kept.read_text(encoding="utf-8")


def test_invalid_parameters_rejected_before_anything_runs(tmp_path):
    for kommun, period, msg in [("../x", "2017-08", "Ogiltig kommun"), ("okand", "2017-08", "Okänd kommun"),
                                ("lomma", "2017-8", "ÅÅÅÅ-MM"), ("lomma", "2016-08", "finns inte"),
                                (["lomma", "../../etc"], None, "Ogiltig kommun"), (None, None, "Ange --kommun")]:
        with pytest.raises(ParameterError, match=msg):
            plan(kommun, period, False, None, tmp_path)
    assert not any(tmp_path.iterdir())


def test_cli_lista(capsys):
    assert main(["lista"]) == 0
    out = capsys.readouterr().out
    for k, p in [("sodertalje", "2017-08"), ("lomma", "2017-08"), ("nacka", "2017-10"), ("botkyrka", "2017-08")]:
        assert any(line.startswith(k) and p in line for line in out.splitlines())


def test_cli_kontrollera_fails_with_swedish_message(capsys):
    assert main(["kontrollera", "--kommun", "../etc"]) == 1
    assert "Ogiltig kommun" in capsys.readouterr().err


def test_dask_local_cluster_over_two_municipalities(built, tmp_path):
    nbs = tmp_path / "nb"
    nbs.mkdir()
    shutil.copy(FIXTURES / "01_bra.ipynb", nbs)
    reports = tmp_path / "reports"
    code = run_batch(kommun=["lomma", "nacka"], workers=2, dask="lokal", reports=reports, notebook_dir=nbs, quiet=True)
    assert code == 0
    assert "rapport för nacka 2017-10" in (reports / "nacka" / "2017-10" / "01_bra.ipynb").read_text(encoding="utf-8")
    assert "rapport för lomma 2017-08" in (reports / "lomma" / "2017-08" / "01_bra.ipynb").read_text(encoding="utf-8")
