"""The report's comparison section from a fixture-backed stored fetch. The sentences are asserted
against figures worked out by hand from the hand-made answers (tests/fixtures/kolada/README.md):
äldreomsorg 2025 Lomma 4,2 %, members −1,4; 3,1; −8,0; 0,6; −2,2; 1,0 (Skurup has no value) → median
(−1,4 + 0,6)/2 = −0,4 %, lowest −8,0 %, highest +3,1 %; LSS 2025 Lomma −3,5 %, members 2,0; −1,0; 5,5;
4,0 (Kävlinge has no value) → median (2,0 + 4,0)/2 = +3,0 %, lowest −1,0 %, highest +5,5 %."""
import datetime as dt

import httpx
import pandas as pd
import pytest
from kolada_playback import Playback, fetch_into, make_raw

from helpers.analysis.kolada import comparison_from_fetch, stored_comparison
from helpers.ingest.kolada import load_stored_fetch
from helpers.present import kolada as P
from helpers.present.charts import Chart
from helpers.present.narrative import Narrative

JUNE = dt.datetime(2026, 6, 15, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def fetched(tmp_path):
    raw = make_raw(tmp_path)
    fetch_into(raw, JUNE)
    return load_stored_fetch(raw / "testkolada")


def test_sentences_against_hand_worked_figures(fetched):
    section = P.report_section(stored_comparison(fetched))
    narrative = [i for i in section.items if isinstance(i, Narrative)]
    charts = [i for i in section.items if isinstance(i, Chart)]
    assert len(narrative) == 1 and len(charts) == 1
    assert narrative[0].texts() == [
        "Äldreomsorg 2025 (preliminärt): Lomma hade en nettokostnad 4,2\u00a0% högre än vad kommunens struktur "
        "motiverar; medianen för 6 av 7 liknande kommuner var \u22120,4\u00a0% (från \u22128,0\u00a0% till "
        "+3,1\u00a0%).",
        "LSS 2025 (preliminärt): Lomma hade en nettokostnad 3,5\u00a0% lägre än vad kommunens struktur motiverar; "
        "medianen för 4 av 5 liknande kommuner var +3,0\u00a0% (från \u22121,0\u00a0% till +5,5\u00a0%).",
    ]
    assert len(narrative[0].sentences) <= 3
    # 4,2 − (−0,4) = +4,6 above the median in äldreomsorg; −3,5 − 3,0 = −6,5 below in LSS
    assert charts[0].title == "Lomma ligger över medianen för liknande kommuner i äldreomsorg och under den i LSS " \
                              "(senaste året)"


def test_sources_computed_figures_do_not_name_kolada(fetched):
    section = P.report_section(stored_comparison(fetched))
    chart = next(i for i in section.items if isinstance(i, Chart))
    assert chart.notes[0] == ("Kommunens, de liknande kommunernas och rikets värden: Källa: Kolada (hämtade 15 juni "
                              "2026).")
    assert "arbetsytans beräkning" in chart.notes[1] and "Kolada" not in chart.notes[1]
    assert "Värdena för 2025 är preliminära" in chart.notes[3]
    for s in next(i for i in section.items if isinstance(i, Narrative)).texts():
        assert "Kolada" not in s      # the sentences carry medians: no source named there


def test_full_table_for_the_analyst(fetched):
    frame = comparison_from_fetch(fetched)
    t = P.kolada_table(frame, "Lomma", fetched.fetched, fetched.preliminary_years)
    rows = t.frame.set_index(["Nyckeltal", "År"])
    r = rows.loc[("N20900 Nettokostnadsavvikelse äldreomsorg, (%)", 2024)]
    # 2024: members −1,0; 2,0; −7,0; 1,0; −2,0; 0,0 (Skurup's 50,0 deleted) → median −0,5, difference 3,0 + 0,5
    assert (r["Kommunen"], r["Median liknande kommuner"], r["Lägst"], r["Högst"]) == (3.0, -0.5, -7.0, 2.0)
    assert (r["Antal med värde"], r["Skillnad mot medianen"], r["Status"]) == (6, 3.5, "")
    r = rows.loc[("N20011 Nettokostnad äldre och funktionsnedsättning (SoL, LSS, SFB), kr/inv", 2025)]
    assert (r["Kommunen"], r["Median liknande kommuner"], r["Riket"], r["Status"]) == (30000.0, 29000.0, 28000.0,
                                                                                      "preliminärt")
    assert "arbetsytans beräkning" in t.caption and "Källa: Kolada" in t.caption
    html = P.analysis_section(stored_comparison(fetched), "testkolada")._repr_html_()
    assert 'data-rubrik="Median liknande kommuner" class="num">\u22120,5</td>' in html
    assert 'data-rubrik="Lägst" class="num">\u22127,0</td>' in html       # percent with one decimal
    assert 'data-rubrik="Median liknande kommuner" class="num">29\u00a0000</td>' in html   # whole kronor


def test_no_fetch_no_section_and_the_analyst_is_told_how_to_fetch():
    assert P.report_section(pd.DataFrame())._repr_html_() == ""
    html = P.analysis_section(pd.DataFrame(), "testkolada")._repr_html_()
    assert "omsorg kolada hämta --kommun testkolada" in html


def test_empty_fetch_gives_no_section(tmp_path):
    raw = make_raw(tmp_path)
    empty = {"count": 0, "values": []}
    data = [p for p in ("/v3/data/kpi/N20900,N20011/municipality/1262,0000,1230,1231,1233,1261,1263,1214,1264"
                        "/year/2021,2022,2023,2024,2025",
                        "/v3/data/kpi/N28018,N28016/municipality/1262,0000,1230,1231,1233,1261,1263"
                        "/year/2021,2022,2023,2024,2025")]
    fetch_into(raw, JUNE, Playback({p: [httpx.Response(200, json=empty)] for p in data}))
    f = load_stored_fetch(raw / "testkolada")
    assert P.report_section(stored_comparison(f))._repr_html_() == ""
    assert "innehåller inga värden" in P.analysis_section(stored_comparison(f), "testkolada")._repr_html_()


def test_final_values_are_not_called_preliminary(tmp_path):
    raw = make_raw(tmp_path)
    fetch_into(raw, dt.datetime(2026, 10, 5, tzinfo=dt.UTC))
    f = load_stored_fetch(raw / "testkolada")
    section = P.report_section(stored_comparison(f))
    texts = next(i for i in section.items if isinstance(i, Narrative)).texts()
    assert texts[0].startswith("Äldreomsorg 2025: Lomma") and "preliminär" not in " ".join(texts)
    chart = next(i for i in section.items if isinstance(i, Chart))
    assert not any("preliminära" in n for n in chart.notes)


def test_exploration_table_from_stored_fetches(fetched):
    t = P.kolada_selection_table([fetched], ["N20900"], ["1262", "1233"])
    rows = t.frame.set_index("Kommun")
    assert list(t.frame.columns) == ["Nyckeltal", "Kommun", "2024", "2025"]
    assert rows.loc["Lomma", "2025"] == 4.2 and rows.loc["Vellinge", "2024"] == -7.0
    assert "Källa: Kolada (hämtade 15 juni 2026)" in t.caption


def test_sentence_without_group_values_and_at_the_reference_level():
    import pandas as pd

    from helpers.analysis.kolada import comparison

    values = pd.DataFrame({"kpi": ["N30001", "N28018", "N28018"], "kommunkod": ["0001", "0001", "0002"],
                           "ar": [2024, 2024, 2024], "varde": [0.04, -2.0, float("nan")], "status": "", "antal": 1})
    frame = comparison(values, "0001", {"ifo": [], "lss": ["0002"]}, {"N30001": "ifo", "N28018": "lss"},
                       kpi_units={"N30001": "procent", "N28018": "procent"})
    texts = [s.text for s in P.sentences(frame, "Aby")]
    assert texts == [
        "LSS 2024: Aby hade en nettokostnad 2,0\u00a0% lägre än vad kommunens struktur motiverar; de liknande "
        "kommunerna har inget värde för året att jämföra med.",
        "Individ- och familjeomsorg 2024: Aby hade en nettokostnad i nivå med vad kommunens struktur motiverar; "
        "det finns ingen grupp liknande kommuner att jämföra med.",
    ]
