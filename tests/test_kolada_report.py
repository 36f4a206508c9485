"""End to end: Lomma with a stored Kolada fetch (hand-made answers, tests/fixtures/kolada/) is built
and its report notebook run; the nämnd's report shows the comparison, worked out by hand in
tests/fixtures/kolada/README.md: äldreomsorg 2025 Lomma 4,2 %, median of the 6 members with a value
(−1,4; 3,1; −8,0; 0,6; −2,2; 1,0) = (−1,4 + 0,6)/2 = −0,4 %; LSS 2025 Lomma −3,5 %, median of 4
(2,0; −1,0; 5,5; 4,0) = +3,0 %. Without a fetch there is no section at all."""
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from kolada_playback import fetch_into, make_raw

from helpers.batch.build import build
from helpers.batch.runner import run_batch

ROOT = Path(__file__).resolve().parents[1]
JUNE = dt.datetime(2026, 6, 15, 8, 0, tzinfo=dt.UTC)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


@pytest.mark.slow
def test_a_stored_fetch_puts_the_comparison_in_the_report(tmp_path, monkeypatch):
    fetched = make_raw(tmp_path / "hamtning")
    fetch_into(fetched, JUNE)                     # stores data/raw/testkolada/kolada/2026-06-15/
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw" / "lomma", raw / "lomma")
    shutil.copytree(ROOT / "data" / "raw" / "nacka", raw / "nacka")
    shutil.copytree(fetched / "testkolada" / "kolada", raw / "lomma" / "kolada")  # Lomma's kommunkod, 1262
    processed, reports = tmp_path / "processed", tmp_path / "reports"
    for k, v in {"OMSORG_RAW": raw, "OMSORG_PROCESSED": processed, "OMSORG_REPORTS": reports}.items():
        monkeypatch.setenv(k, str(v))
    build(raw=raw, processed=processed)
    assert run_batch(alla=True, workers=1, reports=reports, quiet=True) == 0
    lomma = _text((reports / "lomma" / "2017-08" / "rapport.html").read_text(encoding="utf-8"))
    assert "Jämförelse med liknande kommuner" in lomma
    assert ("Äldreomsorg 2025 (preliminärt): Lomma hade en nettokostnad 4,2 % högre än vad kommunens struktur "
            "motiverar; medianen för 6 av 7 liknande kommuner var −0,4 % (från −8,0 % till +3,1 %).") in lomma
    assert "medianen för 4 av 5 liknande kommuner var +3,0 %" in lomma
    assert "hela tabellen" not in lomma           # the full table is for the analysis version
    analys = _text((reports / "lomma" / "2017-08" / "analys.html").read_text(encoding="utf-8"))
    assert "Jämförelse med liknande kommuner: hela tabellen" in analys
    nacka = _text((reports / "nacka" / "2017-10" / "rapport.html").read_text(encoding="utf-8"))
    assert "Jämförelse med liknande kommuner" not in nacka       # no fetch, no section: nothing invented
    nacka_analys = _text((reports / "nacka" / "2017-10" / "analys.html").read_text(encoding="utf-8"))
    assert "omsorg kolada hämta --kommun nacka" in nacka_analys


def test_exploration_picks_key_figures_and_municipalities_from_the_stored_fetches(tmp_path):
    from helpers.app.explore import KoladaExplorer

    empty = KoladaExplorer(raw=tmp_path / "tom")
    assert "ingen sparad hämtning" in empty.table()._repr_html_() and "omsorg kolada hämta" in empty.table()._repr_html_()
    raw = make_raw(tmp_path)
    fetch_into(raw, JUNE)
    ex = KoladaExplorer(raw=raw)
    ex.kpi.value = ("N20900",)
    ex.kommuner.value = ("1262",)
    frame = ex.table().frame
    # Lomma's own N20900 values in the hand-made answers: 2024 3,0 % and 2025 4,2 %.
    row = frame.iloc[0]
    assert row["2024"] == 3.0 and row["2025"] == 4.2
