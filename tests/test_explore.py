"""The exploration functions behind notebook 00 (selection → table and figure)."""
from pathlib import Path

import openpyxl
import papermill as pm
import pytest

from helpers import explore

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ws(built):
    return explore.Workspace.load()


def test_choices(ws):
    assert ws.kommuner() == ["botkyrka", "lomma", "nacka", "sodertalje"]
    assert ws.economy_tables("lomma")[:3] == ["drift_lss", "drift_hvo", "drift_ifo"]
    assert ("pa_lss", "Personlig assistans enligt LSS", "") in ws.series("sodertalje")
    assert all(k[2] == "extern" for k in ws.series("sodertalje", "extern"))
    assert ws.years("sodertalje") == [2014, 2015, 2016, 2017]
    assert ws.series("lomma") == []


def test_economy_table_tkr_and_mkr(ws):
    sel = ws.default("nacka")
    t = explore.selection_table(ws, sel).set_index("Verksamhet")
    assert t.loc["Barn och unga", "Utfall perioden"] == -88552
    m = explore.selection_table(ws, explore.with_changes(sel, enhet="mkr")).set_index("Verksamhet")
    assert m.loc["Barn och unga", "Utfall perioden"] == pytest.approx(-88.552)
    assert m.loc["Barn och unga", "Avvikelse, %"] == pytest.approx(t.loc["Barn och unga", "Avvikelse, %"])


def test_economy_figure_plots_the_chosen_measure(ws):
    sel = explore.with_changes(ws.default("botkyrka"), matt="Prognosavvikelse")
    fig, alt = explore.selection_figure(ws, sel)
    widths = sorted(b.get_width() for b in fig.axes[0].patches)
    assert widths[0] == -10781 and widths[-1] == 19792  # 786 Personlig assistans, 71 Centralt
    assert "Botkyrka" in alt or "verksamhet" in alt


def test_volume_table_years_and_comparison(ws):
    sel = explore.Selection(kommun="sodertalje", vy="Volymer", serie=("pa_lss", "Personlig assistans enligt LSS", ""), ar=(2016, 2017))
    t = explore.selection_table(ws, sel)
    assert list(t.columns) == ["Månad", "2016", "2017"]
    assert t.set_index("Månad").loc["januari", "2017"] == 8025
    nacka = ws.series("nacka")[0]
    both = explore.with_changes(sel, jamfor="nacka", jamfor_serie=nacka)
    t2 = explore.selection_table(ws, both)
    assert "2017 sodertalje" in t2.columns and "2017 nacka" in t2.columns
    fig, alt = explore.selection_figure(ws, both)
    assert len(fig.axes) == 2 and "Nacka" in alt


def test_export_writes_numeric_xlsx(ws, tmp_path):
    path = explore.export_selection(ws, ws.default("lomma"), tmp_path)
    wb = openpyxl.load_workbook(path)
    rows = list(wb.active.iter_rows(min_row=3, values_only=True))
    lss = [r for r in rows if r[0] == "LSS"][0]
    assert lss[2] == -31299  # Utfall perioden, a number


def test_widget_notebook_runs_headless(built, tmp_path):
    out = tmp_path / "00.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / "00_utforska.ipynb"), str(out), parameters={"kommun": "botkyrka"},
                        kernel_name="python3", progress_bar=False, cwd=str(ROOT / "notebooks"))
    text = out.read_text(encoding="utf-8")
    assert '"output_type": "error"' not in text
    assert "application/vnd.jupyter.widget-view+json" in text
