"""The batch: one papermill execution per (kommun, period) on warm kernels, the report as the
notebook's own export, failures isolated, the index and the run log."""
import json
import re
import stat
from pathlib import Path

import nbformat
import pytest

from helpers.batch.cli import main
from helpers.batch.runner import plan, run_batch

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def test_every_report_runs(batch):
    code, reports = batch
    assert code == 0
    log = json.loads((reports / "korlogg.json").read_text(encoding="utf-8"))
    assert {(r["kommun"], r["period"]) for r in log["rapporter"]} >= {
        ("sodertalje", "2017-08"), ("lomma", "2017-08"), ("nacka", "2017-10"), ("botkyrka", "2017-08"),
        ("exempel", "2017-01"), ("exempel", "2017-12")}
    assert all(r["status"] == "ok" for r in log["rapporter"])
    assert not (reports / ".bygge").exists()  # this run's staging is gone


def test_report_is_the_notebooks_own_export(batch):
    _, reports = batch
    folder = reports / "nacka" / "2017-10"
    nb = nbformat.read(str(folder / "rapport.ipynb"), as_version=4)
    assert nb.metadata["papermill"]["parameters"]["kommun"] == "nacka"  # executed once, with papermill
    html = (folder / "rapport.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="sv">' in html and "<main" in html
    assert html.count("<style") == 1  # the CSS once
    assert "<script" not in html and "require.js" not in html and "mermaid" not in html.lower()
    assert "economy.economy_table(data)" not in html and "import " not in html  # no input cells
    assert "För analytiker" not in html  # cells tagged analys stay out of the nämnd's report
    assert not re.search(r"/(work|tmp|home|root)/", html) and "Traceback" not in html and ".bygge" not in html
    analys = (folder / "analys.html").read_text(encoding="utf-8")
    assert "För analytiker" in analys and "Alla kontroller" in analys
    for name in ("ekonomi_per_verksamhet.xlsx", "ekonomi_per_verksamhet.csv", "kvalitet.xlsx", "meningar.md"):
        assert (folder / "tabeller" / name).exists(), name


def test_published_files_are_readable_by_colleagues(batch):
    _, reports = batch
    for path in (reports / "lomma").rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o044 == 0o044, (path, oct(mode))


def test_index_groups_periods_under_their_municipality(batch):
    _, reports = batch
    html = (reports / "index.html").read_text(encoding="utf-8")
    assert "Södertälje kommun" in html and "Exempelkommun (syntetisk)" in html
    assert html.index("januari–december 2017") < html.index("januari 2017")  # exempel: newest period first
    assert "Fel</strong> är publicerade siffror" in html and ".csv" in html and "Analysversion" in html


def test_a_failing_report_is_isolated_and_the_good_one_kept(batch, tmp_path):
    _, reports = batch
    good = (reports / "lomma" / "2017-08" / "rapport.html").read_bytes()
    broken = tmp_path / "nb"
    broken.mkdir()
    nb = nbformat.read(str(ROOT / "notebooks" / "01_rapport.ipynb"), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('avsiktligt fel')"))
    nbformat.write(nb, str(broken / "01_rapport.ipynb"))
    code = run_batch(kommun="lomma", workers=1, reports=reports, notebook_dir=broken, quiet=True)
    assert code == 1
    assert (reports / "lomma" / "2017-08" / "rapport.html").read_bytes() == good
    assert (reports / "misslyckade" / "lomma" / "2017-08" / "rapport.ipynb").exists()


def test_parameters_are_checked_before_anything_runs(tmp_path, capsys):
    with pytest.raises(Exception, match="Perioden 2016-01 finns inte"):
        plan(kommun="nacka", period="2016-01", reports=tmp_path)
    assert main(["kör", "--alla", "--kommun", "nacka"]) == 1
    assert "antingen --alla eller --kommun" in capsys.readouterr().err
    assert main(["kör", "--kommun", "nacka", "--arbetare", "0"]) == 1
    assert "--arbetare ska vara 1–64" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_cli_lista_shows_every_period(capsys):
    assert main(["lista"]) == 0
    out = capsys.readouterr().out
    assert "exempel" in out and "2017-12" in out and "2017-01" in out and "nacka" in out


def test_two_runs_at_once_both_finish(processed, tmp_path):
    """Two `omsorg kör` started together (two processes, as two controllers would): both finish."""
    import os
    import subprocess
    import sys

    reports = tmp_path / "reports"
    env = dict(os.environ, OMSORG_REPORTS=str(reports))
    procs = [subprocess.Popen([sys.executable, "-m", "helpers.batch.cli", "kör", "--kommun", k, "--arbetare", "1"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for k in ("nacka", "lomma", "nacka")]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outs
    assert (reports / "nacka" / "2017-10" / "rapport.html").exists()
    assert (reports / "lomma" / "2017-08" / "rapport.html").exists()
    assert not (reports / ".bygge").exists()
