"""Plays back the hand-made Kolada answers in tests/fixtures/kolada/ (see its README) with respx:
no network. Each request is looked up by path and query parameters in index.json; anything else
gets 404. ``calls`` lists every URL asked, in order."""
from __future__ import annotations

import json
from pathlib import Path

import httpx

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "kolada"


def _key(path: str, params: dict) -> str:
    return path + "?" + "&".join(f"{k}={v}" for k, v in sorted(params.items()))


class Playback:
    def __init__(self, overrides: dict[str, list[httpx.Response]] | None = None):
        index = json.loads((FIXTURES / "index.json").read_text(encoding="utf-8"))
        self.answers = {_key(s["path"], s["params"]): (FIXTURES / s["fil"]).read_bytes() for s in index["svar"]}
        self.overrides = {k: list(v) for k, v in (overrides or {}).items()}  # path → responses served first
        self.calls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(str(request.url))
        path = request.url.path
        if self.overrides.get(path):
            return self.overrides[path].pop(0)
        body = self.answers.get(_key(path, dict(request.url.params)))
        if body is None:
            return httpx.Response(404, json={"detail": "Not Found"})
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})


METADATA = """id = "testkolada"
namn = "Lomma kommun"
kommunkod = "1262"
namnder = ["Socialnämnden"]
period = "2017-08"
kostnadstecken = "minus"

[kolada]
omraden = ["aldreomsorg", "lss"]
"""
YEARS = [2021, 2022, 2023, 2024, 2025]


def make_raw(tmp: Path) -> Path:
    """A data/raw with one test municipality (Lomma's kommunkod, no tables) that covers äldreomsorg and LSS."""
    raw = Path(tmp) / "raw"
    (raw / "testkolada").mkdir(parents=True)
    (raw / "testkolada" / "metadata.toml").write_text(METADATA, encoding="utf-8")
    return raw


def fetch_into(raw: Path, now, playback: Playback | None = None, sleeps: list | None = None) -> Path:
    """Run ``fetch_and_store`` for the test municipality against the played-back answers."""
    import respx

    from helpers.ingest.kolada import KoladaClient, fetch_and_store
    from helpers.ingest.metadata import load_metadata

    playback = playback or Playback()
    sleeps = [] if sleeps is None else sleeps
    with respx.mock(assert_all_called=False) as mock:
        mock.route(host="api.kolada.se").mock(side_effect=playback)
        meta = load_metadata("testkolada", raw)
        return fetch_and_store(meta, YEARS, client=KoladaClient(sleep=sleeps.append), now=now)
