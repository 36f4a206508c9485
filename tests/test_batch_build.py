"""`omsorg bygg` does the work once, per municipality, on the same engine as `omsorg kör`; a bad
municipality is left out and the others are published; a report reads only its own period."""
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers.analysis.report_data import FRAMES, ReportData
from helpers.app.report import open_report
from helpers.batch import engine
from helpers.batch.build import build, build_kommun
from helpers.batch.cli import EXIT_PARTIAL, main
from helpers.core.errors import DataValidationError

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"


def _square(x: int, add: int = 0) -> int:
    return x * x + add


def test_engine_runs_every_item_inline_and_in_processes():
    for workers in (1, 2):
        got = []
        engine.run_tasks(_square, [1, 2, 3], got.append, workers=workers, add=1)
        assert sorted(got) == [2, 5, 10]   # 1+1, 4+1, 9+1


@pytest.fixture
def raw(tmp_path) -> Path:
    """lomma (one published period) and a second copy under another id."""
    out = tmp_path / "raw"
    shutil.copytree(RAW / "lomma", out / "lomma")
    return out


def test_a_municipality_with_invalid_input_is_left_out_and_the_others_published(raw, tmp_path, monkeypatch, capsys):
    shutil.copytree(RAW / "lomma", raw / "trasig")
    meta = raw / "trasig" / "metadata.toml"
    meta.write_text(meta.read_text(encoding="utf-8").replace('id = "lomma"', 'id = "trasig"'), encoding="utf-8")
    table = raw / "trasig" / "drift_lss.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(";")
    cells[-1] = "tolv"                        # a word where a number belongs
    lines[1] = ";".join(cells)
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    processed = tmp_path / "processed"
    r = build(raw=raw, processed=processed, workers=2)
    assert [k.kommun for k in r.kommuner if k.ok] == ["lomma"]
    assert [k.kommun for k in r.left_out] == ["trasig"]
    assert any("tolv" in str(p) for p in r.left_out[0].problems)
    built = json.loads((r.version / "belagg.json").read_text(encoding="utf-8"))
    assert list(built) == ["lomma/2017-08"]
    # The command says which municipality was left out, and exits with its own code.
    monkeypatch.setenv("OMSORG_RAW", str(raw))
    monkeypatch.setenv("OMSORG_PROCESSED", str(tmp_path / "processed2"))
    assert main(["bygg", "--arbetare", "1"]) == EXIT_PARTIAL
    err = capsys.readouterr().err
    assert "trasig" in err and "tolv" in err and "lomma" not in err


def test_nothing_is_published_when_every_municipality_fails(raw, tmp_path):
    (raw / "lomma" / "drift_lss.csv").write_text("verksamhet;Budget\nX;tolv\n", encoding="utf-8")
    processed = tmp_path / "processed"
    with pytest.raises(DataValidationError):
        build(raw=raw, processed=processed)
    assert not (processed / "AKTUELL").exists()
    assert not [p for p in (processed / "versioner").iterdir() if not p.name.startswith(".")]


def test_a_task_never_raises(tmp_path):
    r = build_kommun("finnsinte", raw=str(tmp_path))
    assert not r.ok and (r.error or r.problems)


def test_the_build_stores_every_frame_of_every_period_and_a_report_reads_only_its_own(raw, tmp_path):
    processed = tmp_path / "processed"
    r = build(raw=raw, processed=processed)
    folder = r.version / "rapporter" / "lomma" / "2017-08"
    assert sorted(p.stem for p in folder.glob("*.parquet")) == sorted(FRAMES)
    data = open_report("lomma", "2017-08", processed=processed, raw=raw)
    assert isinstance(data, ReportData)
    # Lomma's Driftredovisning LSS (drift_lss.csv): budget Jan–Aug −32 862, utfall −31 299 tkr, so the
    # deviation is −31 299 − (−32 862) = +1 563 tkr, the figure Lomma's text gives.
    lss = data.table[(data.table["verksamhet"] == "LSS") & (data.table["tabell"] == "drift_lss")].iloc[0]
    assert (lss["budget_period"], lss["utfall_period"], lss["avvikelse_period"]) == (-32862, -31299, 1563)
    # The report reads what the build stored: with the raw tables garbled, it still opens, unchanged.
    for table in (raw / "lomma").glob("*.csv"):
        table.write_text("inte en tabell\n", encoding="utf-8")
    again = open_report("lomma", "2017-08", processed=processed, raw=raw)
    pd.testing.assert_frame_equal(again.table, data.table)


def test_the_forecast_history_is_built_from_the_periods_own_tables(tmp_path):
    """exempel: each month's history row for a verksamhet is that month's own reconciled forecast."""
    raw = tmp_path / "raw"
    shutil.copytree(RAW / "exempel", raw / "exempel")
    processed = tmp_path / "processed"
    build(raw=raw, processed=processed, workers=2)
    march = open_report("exempel", "2017-03", processed=processed, raw=raw)
    may = open_report("exempel", "2017-05", processed=processed, raw=raw)
    h = may.history
    assert sorted(h["period"].unique()) == ["2017-01", "2017-02", "2017-03", "2017-04", "2017-05"]
    own = march.table.set_index("verksamhet")["prognos"].dropna()
    in_may = h[h["period"] == "2017-03"].set_index("verksamhet")["prognos"]
    pd.testing.assert_series_equal(in_may.reindex(own.index), own, check_names=False)
