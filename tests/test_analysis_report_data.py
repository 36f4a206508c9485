"""analysis/report_data.py: what ``derive`` computes for one (kommun, period) from hand-typed tidy records,
the properties a report reads, and the round trip the build and a report make:
``ReportData.frames()`` → ``ingest.store.write_report_frames`` (+ belagg.json) → ``ReportData.read``."""
import json
from pathlib import Path

import pandas as pd
import pytest
from reportdata_factory import DRIFT, REPLACED, derived, derived_with_doc, forecast_lines, hand, row, table
from tidy_rows import KOMMUN, volume

from helpers.analysis.report_data import EVIDENCE_FILE, FRAMES, ReportData
from helpers.checks.finding import Cell
from helpers.core.errors import OmsorgError
from helpers.core.period import Period
from helpers.ingest.store import REPORT_FOLDER, publish, report_folder, write_report_frames

JULY, AUGUST, OCTOBER, DECEMBER = Period(2017, 7), Period(2017, 8), Period(2017, 10), Period(2017, 12)
TABLES = [DRIFT, dict(id="pa", fil="pa.csv", dataset="volymer", enhet="timmar")]
PA = (volume("pa", "Personlig assistans", 2016, {m: 1000 for m in range(1, 13)}, rad=2)
      + volume("pa", "Personlig assistans", 2017, {m: 900 for m in range(1, 10)}, rad=3))  # September is after


def store(tmp_path, data: ReportData, doc: dict) -> Path:
    """What the build does for one report: its frames and belagg.json into the build's folder, published
    as a version (with the manifest a report checks before it reads)."""
    work = tmp_path / "bygge"
    write_report_frames(report_folder(work, data.kommun, data.period), data.frames())
    (work / data.kommun / EVIDENCE_FILE).write_text(json.dumps({f"{data.kommun}/{data.period}": doc}),
                                                    encoding="utf-8")
    return publish({}, tmp_path / "processed", folders={REPORT_FOLDER: work})


def assert_same(back: ReportData, data: ReportData):
    for name in FRAMES:
        a, b = getattr(back, name), getattr(data, name)
        if b.shape == (0, 0):  # nothing at all ('no detail tables'): parquet keeps no type for no columns
            assert a.shape == (0, 0), name
            continue
        pd.testing.assert_frame_equal(a, b, obj=name)
    assert back.evidence == data.evidence
    assert (back.kommun, back.period, back.meta) == (data.kommun, data.period, data.meta)


def test_frames_are_the_stored_frames():
    data = derived(REPLACED)
    frames = data.frames()
    assert tuple(frames) == FRAMES
    assert all(frames[n] is getattr(data, n) for n in FRAMES)


def test_round_trip_through_the_build_folder(tmp_path):
    data, doc = derived_with_doc(REPLACED, tables=TABLES, records=PA)
    assert not data.series.empty and not data.checks.empty and not data.causes.empty
    version = store(tmp_path, data, doc)
    assert_same(ReportData.read(version, KOMMUN, AUGUST, data.meta), data)


def test_round_trip_of_a_december_report_with_history_and_accuracy(tmp_path):
    aug = derived(forecast_lines(-1250, -1200))
    year = [(2, "A", "", "post", "", {"Utfall": -1300, "Helårsbudget": -1200}),
            (3, "B", "", "post", "", {"Utfall": -1150, "Helårsbudget": -1200}),
            (4, "Summa", "", "summa", "", {"Utfall": -2450, "Helårsbudget": -2400})]
    data, doc = derived_with_doc(year, period=DECEMBER, earlier={str(AUGUST): aug.table})
    assert not data.history.empty and not data.accuracy.empty
    assert_same(ReportData.read(store(tmp_path, data, doc), KOMMUN, DECEMBER, data.meta), data)


def test_reading_a_report_that_was_not_built_is_a_swedish_error(tmp_path):
    data, doc = derived_with_doc(REPLACED)
    with pytest.raises(OmsorgError, match="Den byggda datan i .* är skadad .*Kör omsorg bygg igen"):
        ReportData.read(tmp_path, KOMMUN, AUGUST, data.meta)
    version = store(tmp_path, data, doc)
    # the evidence is there but not for this period
    with pytest.raises(OmsorgError, match="Den byggda datan för liten 2017-09 saknas eller är skadad"):
        ReportData.read(version, KOMMUN, Period(2017, 9), data.meta)
    # a frame is missing: refused against the manifest before anything is read
    (report_folder(version / REPORT_FOLDER, KOMMUN, AUGUST) / "series.parquet").unlink()
    with pytest.raises(OmsorgError, match="series.parquet stämmer inte med manifestet"):
        ReportData.read(version, KOMMUN, AUGUST, data.meta)


def test_properties_a_report_reads():
    data = derived(REPLACED, namnder=["Socialnämnden", "Äldrenämnden"])
    assert repr(data) == "ReportData('liten', '2017-08')"
    assert data.money == "tkr"
    assert data.namnd == "Socialnämnden, Äldrenämnden"
    assert data.title == "Liten kommun: uppföljning januari–augusti 2017"
    assert data.total["verksamhet"] == "Summa"
    assert data.computed_total_parts == []  # the municipality publishes its own total
    (r,) = data.shown_resolutions()
    # the printed −150 gives way to the rows' −100 − 50 − 20 = −170
    assert (r.cell, r.published, r.in_use) == (Cell("drift", 5, "Budget"), -150, -170)


def test_a_computed_total_names_its_parts():
    lss = [(2, "Assistans", "", "post", "", {"Budget": -100, "Utfall": -110, "Avvikelse": -10}),
           (3, "Summa LSS", "", "summa", "", {"Budget": -100, "Utfall": -110, "Avvikelse": -10})]
    ifo = [(2, "Placeringar", "", "post", "", {"Budget": -50, "Utfall": -45, "Avvikelse": 5}),
           (3, "Summa IFO", "", "summa", "", {"Budget": -50, "Utfall": -45, "Avvikelse": 5})]
    data = derived({"lss": lss, "ifo": ifo}, tables=[dict(DRIFT, id="lss", fil="lss.csv"),
                                                     dict(DRIFT, id="ifo", fil="ifo.csv")],
                   huvudtabeller=["lss", "ifo"])
    # −110 + −45 = −155
    assert (data.total["verksamhet"], data.total["utfall_period"], data.total["tabell"]) == ("Nämnden totalt", -155, "")
    assert data.computed_total_parts == ["Assistans", "Placeringar"]


def test_money_is_the_main_tables_unit():
    data = hand(table(row("A", utfall_period=-1.5)), tables=[dict(DRIFT, enhet="mkr")])
    assert data.money == "mkr"
    assert hand().total is None and hand().computed_total_parts == []


def test_derive_without_earlier_periods_has_no_history_and_no_accuracy():
    data = derived(forecast_lines(-1300, -1200))
    assert data.history.empty and data.accuracy.empty
    assert data.details.empty and data.detail is data.table  # no detail tables: the main table
    # utfall is not published here, so there is nothing to extrapolate: the forecast check is empty
    assert data.forecast.empty


def test_derive_builds_the_history_from_the_earlier_tables():
    july = derived(forecast_lines(-1250, -1200), period=JULY)
    data = derived(forecast_lines(-1300, -1200), earlier={str(JULY): july.table})
    h = data.history
    assert sorted(set(h["period"])) == ["2017-07", "2017-08"]
    a = h[h["verksamhet"] == "A"].set_index("period")
    # A: −1 250 in July, −1 300 in August → −50
    assert a.loc["2017-08", "forandring"] == -50 and a.loc["2017-08", "prognosavvikelse"] == -100
    assert data.accuracy.empty  # not December


def test_derive_accuracy_in_december():
    aug = derived(forecast_lines(-1250, -1200))
    okt = derived(forecast_lines(-1300, -1250), period=OCTOBER)
    year = [(2, "A", "", "post", "", {"Utfall": -1300, "Helårsbudget": -1200}),
            (3, "B", "", "post", "", {"Utfall": -1150, "Helårsbudget": -1200}),
            (4, "Summa", "", "summa", "", {"Utfall": -2450, "Helårsbudget": -2400})]
    data = derived(year, period=DECEMBER, earlier={str(AUGUST): aug.table, str(OCTOBER): okt.table})
    acc = data.accuracy.set_index(["period", "verksamhet"])
    # A: August −1 250 − (−1 300) = +50, October −1 300 − (−1 300) = 0; Summa: −2 450 − (−2 450) = 0 in August,
    # −2 550 − (−2 450) = −100 in October (4,08 % of 2 450)
    assert acc.loc[("2017-08", "A"), "miss"] == 50 and acc.loc[("2017-10", "A"), "miss"] == 0
    assert acc.loc[("2017-10", "Summa"), "miss"] == -100
    assert acc.loc[("2017-10", "Summa"), "miss_procent"] == pytest.approx(100 * 100 / 2450)
    assert set(acc.index.get_level_values("period")) == {"2017-08", "2017-10"}  # not December's own


def test_derive_drops_months_after_the_period_from_the_series():
    data = derived(REPLACED, tables=TABLES, records=PA)
    pa17 = data.series[data.series["ar"] == 2017]
    assert sorted(pa17["manad"]) == list(range(1, 9))  # September's 900 is after August
    # January–August: 8 × 900 = 7 200 against 8 × 1 000 = 8 000
    same = data.same_period.set_index("ar")
    assert (same.loc[2017, "varde"], same.loc[2016, "varde"]) == (7200, 8000)
