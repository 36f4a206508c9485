"""`omsorg kolada hämta` with a mocked transport (the hand-made answers in tests/fixtures/kolada):
files land under a temporary data/raw (OMSORG_RAW), a second fetch never overwrites the first, and a
refused question gives a Swedish message and stores nothing."""
import datetime as dt

import httpx
import respx
from kolada_playback import FIXTURES, Playback, make_raw

from helpers.batch.cli import main

ARGS = ["kolada", "hämta", "--kommun", "testkolada", "--år", "2021", "2022", "2023", "2024", "2025"]


def _run(monkeypatch, raw, playback, args=ARGS):
    monkeypatch.setenv("OMSORG_RAW", str(raw))
    with respx.mock(assert_all_called=False) as mock:
        mock.route(host="api.kolada.se").mock(side_effect=playback)
        return main(args)


def test_hamta_stores_under_raw_and_never_overwrites(tmp_path, monkeypatch, capsys):
    raw = make_raw(tmp_path)
    assert _run(monkeypatch, raw, Playback()) == 0
    out = capsys.readouterr().out
    today = dt.datetime.now(dt.UTC).date().isoformat()
    first = raw / "testkolada" / "kolada" / today
    assert f"sparad i {first}" in out and "Liknande kommuner LSS, Lomma, 2024 (5 kommuner)" in out
    assert (first / "hamtning.json").is_file()
    answers = sorted((first / "svar").iterdir())
    assert len(answers) == 9
    assert answers[-1].read_bytes() == (FIXTURES / "data_lss.json").read_bytes()
    before = {p.name: p.read_bytes() for p in answers}

    assert _run(monkeypatch, raw, Playback(), ["kolada", "hamta", *ARGS[2:]]) == 0   # the alias without å
    second = raw / "testkolada" / "kolada" / f"{today}-2"
    assert second.is_dir()
    assert {p.name: p.read_bytes() for p in sorted((first / "svar").iterdir())} == before


def test_hamta_refused_question_is_swedish_and_stores_nothing(tmp_path, monkeypatch, capsys):
    raw = make_raw(tmp_path)
    pb = Playback({"/v3/municipality/1262": [httpx.Response(404, json={"detail": "Not Found"})]})
    assert _run(monkeypatch, raw, pb) == 1
    err = capsys.readouterr().err
    assert "Kolada svarade 404 när kommunen 1262 hämtades" in err and "Inget har sparats" in err
    assert "Traceback" not in err
    assert not (raw / "testkolada" / "kolada").exists() or not list((raw / "testkolada" / "kolada").iterdir())


def test_hamta_bad_year_and_unknown_kommun(tmp_path, monkeypatch, capsys):
    raw = make_raw(tmp_path)
    assert _run(monkeypatch, raw, Playback(), ["kolada", "hämta", "--kommun", "testkolada", "--år", "20x5"]) == 1
    assert "Ogiltigt år '20x5'" in capsys.readouterr().err
    assert _run(monkeypatch, raw, Playback(), ["kolada", "hämta", "--kommun", "finnsinte"]) == 1
    assert "Okänd kommun 'finnsinte'" in capsys.readouterr().err
