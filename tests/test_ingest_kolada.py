"""The Kolada client and the stored fetch, end to end against hand-made answers played back with
respx (tests/fixtures/kolada/README.md): no network. The expected values are read off the fixture
files by hand (see the README's table)."""
import datetime as dt
import json
import math

import httpx
import pytest
import respx
from kolada_playback import FIXTURES, YEARS, Playback, fetch_into, make_raw

from helpers.core.errors import DataValidationError
from helpers.ingest import kolada as K
from helpers.ingest.metadata import load_metadata

JUNE = dt.datetime(2026, 6, 15, 8, 0, tzinfo=dt.UTC)
ALD_DATA = ("/v3/data/kpi/N20900,N20011/municipality/1262,0000,1230,1231,1233,1261,1263,1214,1264"
            "/year/2021,2022,2023,2024,2025")


def _value(values, kpi, kod, year):
    row = values[(values["kpi"] == kpi) & (values["kommunkod"] == kod) & (values["ar"] == year)]
    return None if row.empty else row["varde"].iat[0]


def test_fetch_follows_pages_and_stores_answers_as_received(tmp_path):
    raw = make_raw(tmp_path)
    pb = Playback()
    folder = fetch_into(raw, JUNE, pb)
    assert folder == raw / "testkolada" / "kolada" / "2026-06-15"
    # path URLs, the municipality and the country with the group's members, and page 2 by next_url
    assert pb.calls[6] == "https://api.kolada.se/v3" + ALD_DATA.removeprefix("/v3")
    assert pb.calls[7] == "https://api.kolada.se/v3" + ALD_DATA.removeprefix("/v3") + "?page=2&per_page=11"
    assert len(pb.calls) == 9
    manifest = json.loads((folder / "hamtning.json").read_text(encoding="utf-8"))
    assert manifest["hamtad"] == "2026-06-15" and manifest["kommunkod"] == "1262"
    assert manifest["grupper"]["aldreomsorg"]["title"] == "Liknande kommuner äldreomsorg, Lomma, 2024"  # newest year
    assert [m["id"] for m in manifest["grupper"]["lss"]["members"]] == ["1230", "1231", "1233", "1261", "1263"]
    stored = {f["fil"]: f for f in manifest["svar"]}
    page2 = next(f for f in stored.values() if f["url"].endswith("page=2&per_page=11"))
    assert (folder / page2["fil"]).read_bytes() == (FIXTURES / "data_aldreomsorg_sida2.json").read_bytes()
    assert not [p for p in (raw / "testkolada" / "kolada").iterdir() if p.name.startswith(".")]  # no leftovers


def test_stored_fetch_uses_total_drops_deleted_and_keeps_missing(tmp_path):
    raw = make_raw(tmp_path)
    fetch_into(raw, JUNE)
    f = K.load_stored_fetch(raw / "testkolada")
    v = f.values
    assert _value(v, "N20900", "1262", 2025) == 4.2          # T, not K (15.2) or M (−8.8), whatever the order
    assert _value(v, "N20900", "1231", 2025) == 3.1
    assert _value(v, "N20900", "1264", 2024) is None         # the deleted row (50.0) is gone
    assert math.isnan(_value(v, "N20900", "1264", 2025))     # no value from Kolada: missing, not zero
    assert _value(v, "N20011", "0000", 2025) == 28000.0      # the country is 0000
    assert len(v) == 28                                      # 11 + (10 − 1 deleted) + 8 rows, one per T
    assert f.kommun_titel == "Lomma" and f.names["1214"] == "Svalöv" and f.names["1263"] == "Svedala"
    assert f.groups["aldreomsorg"].members[-1] == ("1264", "Skurup")
    assert f.kpi_title("N28018") == "Nettokostnadsavvikelse LSS, (%)"


def test_preliminary_year_by_fetch_date(tmp_path):
    raw = make_raw(tmp_path)
    assert K.load_stored_fetch(raw / "testkolada") is None
    fetch_into(raw, JUNE)
    assert K.load_stored_fetch(raw / "testkolada").preliminary_years == (2025,)
    # final from about September the year after: counted as final from 1 October
    assert K.preliminary_years([2024, 2025], dt.date(2026, 9, 30)) == [2025]
    assert K.preliminary_years([2024, 2025], dt.date(2026, 10, 1)) == []
    assert K.preliminary_years([2024, 2025], dt.date(2025, 9, 1)) == [2024, 2025]


def test_a_new_fetch_never_overwrites_an_old_one(tmp_path):
    raw = make_raw(tmp_path)
    first = fetch_into(raw, JUNE)
    before = {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()}
    second = fetch_into(raw, JUNE + dt.timedelta(hours=2))
    assert second.name == "2026-06-15-2" and first.name == "2026-06-15"
    assert {p.relative_to(first): p.read_bytes() for p in first.rglob("*") if p.is_file()} == before
    third = fetch_into(raw, dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
    f = K.load_stored_fetch(raw / "testkolada")
    assert f.folder == third and f.preliminary_years == ()   # the newest fetch is read; 2025 is final by then


def test_ids_are_sent_in_chunks_of_25():
    codes = [f"{1000 + i:04d}" for i in range(30)]
    pb = Playback()
    with respx.mock(assert_all_called=False) as mock:
        mock.route(host="api.kolada.se").mock(side_effect=lambda r: (pb(r), httpx.Response(200, json={
            "count": 0, "values": []}))[1])
        answers = K.KoladaClient(sleep=lambda s: None).data(["N20900"], codes, [2024])
    assert len(answers) == 2
    assert pb.calls[0].endswith("/municipality/" + ",".join(codes[:25]) + "/year/2024")
    assert pb.calls[1].endswith("/municipality/" + ",".join(codes[25:]) + "/year/2024")
    assert K.tidy_values(answers).empty


def test_422_says_what_was_asked_and_nothing_is_stored(tmp_path):
    raw = make_raw(tmp_path)
    pb = Playback({ALD_DATA: [httpx.Response(422, json={"detail": "too many"})]})
    with pytest.raises(K.KoladaError) as err:
        fetch_into(raw, JUNE, pb)
    text = str(err.value)
    assert "422" in text and "för många id:n" in text and "högst 25" in text
    assert "N20900, N20011" in text and "åren 2021–2025" in text and "Inget har sparats" in text
    assert K.stored_fetch_folders(raw / "testkolada") == []
    assert not (raw / "testkolada" / "kolada").exists() or not list((raw / "testkolada" / "kolada").iterdir())


def test_429_then_success_waits_and_goes_on(tmp_path):
    raw = make_raw(tmp_path)
    pb = Playback({ALD_DATA: [httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(503)]})
    sleeps = []
    folder = fetch_into(raw, JUNE, pb, sleeps)
    assert sleeps == [7.0, 4.0]      # Retry-After when given, otherwise 2 s × 2^attempt (second attempt: 4 s)
    assert pb.calls.count("https://api.kolada.se" + ALD_DATA) == 3
    assert _value(K.read_stored_fetch(folder).values, "N20900", "1262", 2025) == 4.2


def test_server_errors_give_up_after_the_retries_in_swedish():
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route(host="api.kolada.se").mock(return_value=httpx.Response(500))
        sleeps = []
        with pytest.raises(K.KoladaError, match=r"fel hos Kolada \(500\).*5 försök"):
            K.KoladaClient(sleep=sleeps.append, retries=4).municipality("1262")
    assert route.call_count == 5 and sleeps == [2.0, 4.0, 8.0, 16.0]


def test_an_empty_result_is_stored_and_gives_an_empty_frame(tmp_path):
    raw = make_raw(tmp_path)
    empty = httpx.Response(200, json={"count": 0, "values": []})
    lss = "/v3/data/kpi/N28018,N28016/municipality/1262,0000,1230,1231,1233,1261,1263/year/2021,2022,2023,2024,2025"
    pb = Playback({ALD_DATA: [empty], lss: [httpx.Response(200, json={"count": 0, "values": []})]})
    folder = fetch_into(raw, JUNE, pb)
    f = K.read_stored_fetch(folder)
    assert f.values.empty and list(f.values.columns) == K.VALUE_COLUMNS
    assert f.preliminary_years == ()     # no values, so no year to call preliminary


def test_damaged_stored_fetch_names_the_file(tmp_path):
    raw = make_raw(tmp_path)
    folder = fetch_into(raw, JUNE)
    (folder / "hamtning.json").write_text("{inte json", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"testkolada/kolada/2026-06-15/hamtning.json.*hämta på nytt"):
        K.load_stored_fetch(raw / "testkolada")


def test_areas_come_from_metadata_or_are_inferred(tmp_path):
    raw = make_raw(tmp_path)
    assert K.kolada_areas(load_metadata("testkolada", raw)) == ["aldreomsorg", "lss"]
    # Lomma's tables are LSS, HVO (hälsa, vård och omsorg) and IFO: all three areas
    assert K.kolada_areas(load_metadata("lomma")) == ["aldreomsorg", "lss", "ifo"]
    text = (raw / "testkolada" / "metadata.toml").read_text(encoding="utf-8")
    (raw / "testkolada" / "metadata.toml").write_text(text.replace('"lss"]', '"skola"]'), encoding="utf-8")
    with pytest.raises(DataValidationError, match="omraden"):
        load_metadata("testkolada", raw)


def test_newest_group_matches_the_whole_name():
    groups = [{"id": "A", "title": "Liknande kommuner LSS, Lommaby, 2025"},
              {"id": "B", "title": "Liknande kommuner LSS, Lomma, 2023"},
              {"id": "C", "title": "Liknande kommuner LSS, Lomma, 2024"}]
    assert K.newest_group(groups, "Liknande kommuner LSS, Lomma")["id"] == "C"
    assert K.newest_group(groups, "Liknande kommuner IFO, Lomma") is None


def test_default_years_are_the_last_five_before_this_year():
    assert K.default_years(dt.date(2026, 12, 5)) == [2021, 2022, 2023, 2024, 2025]
    assert YEARS == K.default_years(dt.date(2026, 1, 1))
