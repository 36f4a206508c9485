"""Monthly follow-up: the ledger's SIE export, the forecast file and the case system's volumes read
into the same model; many periods per municipality; the Excel template."""
import csv
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from sie_writer import write_sie
from template_fill import fill_figures

from helpers.app.report import open_report
from helpers.batch.build import build
from helpers.batch.template import write_template
from helpers.ingest.load import load_kommun
from helpers.ingest.metadata import load_metadata
from helpers.present import forecast
from helpers.present import summary as summary_sec

ROOT = Path(__file__).resolve().parents[1]


def lomma_published(area: str, column: str) -> float:
    """A figure from Lomma's Driftredovisning as typed in data/raw (published, independent of the ledger)."""
    df = pd.read_csv(ROOT / "data" / "raw" / "lomma" / f"drift_{area.lower()}.csv", sep=";", dtype=str)
    cell = df.loc[df["verksamhet"] == area, column].iat[0]
    return float(cell.replace(" ", "").replace("\u2212", "-"))


def test_every_period_is_listed():
    meta = load_metadata("exempel")
    assert [str(p) for p in meta.periods()] == [f"2017-{m:02d}" for m in range(1, 13)]


@pytest.mark.parametrize("area", ["LSS", "HVO", "IFO"])
def test_exempel_january_to_august_equals_lommas_published_figures(processed, area):
    ctx = open_report("exempel", "2017-08")
    row = ctx.table[ctx.table["verksamhet"] == f"Summa {area}"].iloc[0]
    assert round(row["utfall_period"]) == lomma_published(area, "UTFALL Utfall")
    assert round(row["budget_period"]) == lomma_published(area, "UTFALL Budget")
    assert round(row["helarsbudget"]) == lomma_published(area, "PROGNOS Budget")
    assert round(row["prognos"]) == lomma_published(area, "PROGNOS Prognos")
    assert row["avvikelse_period_hur"] == "beraknad" and row["utfall_period_hur"] == "beraknad"


def test_forecast_history_and_comments(processed):
    ctx = open_report("exempel", "2017-10")
    h = ctx.history
    assert sorted(set(h["period"])) == [f"2017-{m:02d}" for m in range(1, 11)]
    total = h[h["verksamhet"] == "Nämnden totalt"].set_index("period")
    aug = total.loc["2017-08", "prognosavvikelse"]
    assert aug == pytest.approx(500 + 9000 - 6050)  # Lomma's forecast deviations: LSS, HVO, IFO
    table = forecast.history_table(ctx)
    assert {"Prognos oktober", "Prognos september", "Kommentar"} <= set(table.frame.columns)
    assert table.frame["Kommentar"].astype(bool).sum() >= 10
    check = forecast.forecast_check_table(ctx)
    assert "Controllerns kommentar" in check.frame.columns


def test_december_shows_forecast_accuracy(processed):
    ctx = open_report("exempel", "2017-12")
    a = ctx.accuracy
    own = a[a["verksamhet"] == "Nämnden totalt"]
    assert len(own) == 11  # January–November forecasts against the year's outcome
    outcome = ctx.total["utfall_period"]
    assert (own["utfall_helar"] == outcome).all()
    texts = forecast.accuracy_section(ctx).items[0].texts()
    assert any(t.startswith("Prognosen i oktober missade årets utfall med") for t in texts)
    assert open_report("exempel", "2017-08").accuracy.empty  # not before the year is over


def test_cost_per_hour_month_by_month(processed):
    c = open_report("exempel", "2017-08").cost_per_unit
    assert set(c["manad"]) == set(range(1, 9)) - {6}  # June's extern hours are missing: no figure, no zero
    assert (c["kr_per_enhet"] > 0).all()


def _mini(tmp_path) -> Path:
    """A copy of exempel with two months, for writing into."""
    raw = tmp_path / "raw"
    shutil.copytree(ROOT / "data" / "raw" / "exempel", raw / "exempel",
                    ignore=shutil.ignore_patterns("2017-0[3-9]", "2017-1*"))
    return raw


def test_unplaced_object_and_account_are_kept_and_reported(tmp_path):
    raw = _mini(tmp_path)
    path = raw / "exempel" / "2017-02" / "huvudbok.se"
    write_sie(path, program="Test", fnamn="Exempelkommun", orgnr="212000-0000",
              fiscal_years={0: ("20170101", "20171231")},
              accounts={"7010": "Köp av verksamhet", "9100": "Okänd klass"},
              dimensions={1: "Verksamhet"}, objects={(1, "410"): "Personlig assistans", (1, "999"): "Nytt objekt"},
              psaldo=[(0, "2017-01", "7010", ((1, "410"),), 1000000.0, None),
                      (0, "2017-01", "7010", ((1, "999"),), 250000.0, None),
                      (0, "2017-02", "9100", ((1, "410"),), 50000.0, None)],
              pbudget=[(0, "2017-01", "7010", ((1, "410"),), 900000.0, None)], sie_type=3)
    (raw / "exempel" / "2017-02" / "prognos.csv").unlink()
    loaded = load_kommun("exempel", raw)
    warnings = [str(w) for w in loaded.warnings]
    assert any("objektet finns i huvudboken men inte i sie_objekt.csv" in w for w in warnings)
    assert any("kontot placeras inte av mappningen" in w and "9100" in w for w in warnings)
    t = loaded.tidy
    feb = t[(t["period"] == "2017-02") & (t["kolumn"] == "Utfall perioden")]
    names = set(feb["verksamhet"])
    assert "Ej placerat: objekt 999" in names and "Ej placerat: konto 9100" in names
    assert feb[feb["verksamhet"] == "Ej placerat: objekt 999"]["varde"].iat[0] == pytest.approx(-250.0)


def test_forecast_for_a_verksamhet_that_does_not_exist(tmp_path):
    from helpers.core.errors import DataValidationError

    raw = _mini(tmp_path)
    p = raw / "exempel" / "2017-02" / "prognos.csv"
    p.write_text(p.read_text(encoding="utf-8") + "Hemtjänsten;-1 000;\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="verksamheten finns inte i månadens ekonomi"):
        load_kommun("exempel", raw)


def test_template_filled_in_gives_a_report(tmp_path):
    raw = _mini(tmp_path)
    template = write_template("exempel", "2017-02", tmp_path / "mall.xlsx")
    wb = load_workbook(template)
    assert {"Instruktioner", "Ekonomi", "Prognos", "Volymer"} <= set(wb.sheetnames)
    assert wb["Volymer"].data_validations.dataValidation  # validation rules are there
    eco, vol = wb["Ekonomi"], wb["Volymer"]
    assert str(eco["A2"].value).startswith("EXEMPEL")  # the example row the reader skips
    fill_figures(wb, "Enligt plan.")
    vol.append(["2017-02", "Hemtjänst", "intern", 400, 9000, None, None, None])
    month = raw / "exempel" / "2017-03"
    month.mkdir()
    wb.save(month / "mall.xlsx")
    processed = tmp_path / "processed"
    build(raw=raw, processed=processed)
    ctx = open_report("exempel", "2017-03", processed=processed, raw=raw)
    n = len(ctx.table[ctx.table["radtyp"] == "post"])
    assert n == 15
    assert ctx.total["utfall_period"] == pytest.approx(-1900 * n)
    assert ctx.total["prognosavvikelse"] == pytest.approx(200 * n)
    assert "Enligt plan." in set(ctx.table["kommentar"])


def _forecast_sum(month: str) -> float:
    """The controller's full-year forecast for the nämnd, summed straight from the month's prognos.csv."""
    path = Path(__file__).resolve().parents[1] / "data" / "raw" / "exempel" / month / "prognos.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    return sum(float(r["helarsprognos"]) for r in rows)


def test_summary_says_how_the_forecast_moved(processed):
    # The full-year budget does not change, so the deviation moves exactly as the summed forecast does;
    # August's deviation is Lomma's published 500 + 9 000 − 6 050 = 3 450 tkr.
    moved = _forecast_sum("2017-09") - _forecast_sum("2017-08")
    sept = 3450 + moved

    def mkr(v: float, plus: bool = False) -> str:
        text = f"{abs(v) / 1000:.1f}".replace(".", ",") + "\u00a0mkr"
        return (("+" if v > 0 else "\u2212") if plus else "") + text
    word = "ökat" if moved > 0 else "minskat"
    expected = (f"Prognosavvikelsen för Socialnämnden har {word} med {mkr(moved)} sedan augusti: "
                f"från {mkr(3450, True)} till {mkr(sept, True)}.")
    texts = [s.text for s in summary_sec.sentences(open_report("exempel", "2017-09")).sentences]
    assert expected in texts, texts
