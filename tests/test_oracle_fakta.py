"""The oracle facts (tests/oracle/fakta.toml, 249 statements picked by hand from the municipalities'
own running text) against the seeds and against the report's figures in use.

1. Every fact is quoted from its line in ../shared/seeds/ (the facts are faithful to the sources).
2. Every fact about a result or forecast deviation of a row in the main table (or of the nämnd)
   agrees with the figure the report uses, within half a unit of the text's last digit ("ca" a unit
   wider) – except the facts marked OENIGHET, where the text and the tables really disagree: those
   must still disagree (the report does not quietly adopt the text's figure)."""
import math
import tomllib
from pathlib import Path

import pytest

FAKTA = tomllib.loads((Path(__file__).parent / "oracle" / "fakta.toml").read_text(encoding="utf-8"))["fakta"]
MEASURES = ("avvikelse_period", "prognosavvikelse")
COMPARABLE = [f for f in FAKTA if f["matt"] in MEASURES and f.get("rader_i_tabellen")]


def _id(f: dict) -> str:
    return f"{f['kommun']}-{f['rad']}-{f['matt']}-{f['varde']}"


def test_every_fact_is_quoted_from_its_line(seeds):
    wrong = []
    for f in FAKTA:
        lines = (seeds / f["fil"]).read_text(encoding="utf-8").splitlines()
        if not (0 < f["rad"] <= len(lines)) or f["citat"] not in lines[f["rad"] - 1]:
            wrong.append(_id(f))
    assert wrong == []
    assert len(FAKTA) == 249


def _decimals(value: float) -> int:
    text = repr(float(value))
    return 0 if text.endswith(".0") else len(text.split(".")[1])


def _tolerance(f: dict) -> float:
    half = 0.5 * 10.0 ** -_decimals(f["varde"])
    return (10 * half if f["ungefar"] else half) + 1e-9


@pytest.mark.parametrize("fact", COMPARABLE, ids=[_id(f) for f in COMPARABLE])
def test_fact_agrees_with_the_figure_in_use(contexts, fact):
    ctx = contexts[fact["kommun"]]
    table = ctx.table
    rows = table[table["verksamhet"].isin(fact["rader_i_tabellen"])]
    assert not rows.empty, f"ingen av raderna {fact['rader_i_tabellen']} finns i rapportens tabell"
    scale = 1000.0 if (fact["enhet"] == "mkr" and ctx.money == "tkr") else 1.0
    disagrees = "OENIGHET" in fact.get("kommentar", "")
    for label, value in zip(rows["verksamhet"], rows[fact["matt"]]):
        assert not math.isnan(value), f"{label}: {fact['matt']} saknas i rapporten"
        close = abs(value / scale - fact["varde"]) <= _tolerance(fact)
        if disagrees:
            assert not close, f"{label}: texten och tabellen ska skilja sig här ({fact['kommentar'][:80]} …)"
        else:
            assert close, (f"{label}: rapporten {value / scale:.3f} {fact['enhet']}, texten {fact['varde']} "
                           f"(rad {fact['rad']}: {fact['citat']!r})")


def test_the_comparison_covers_all_four_municipalities():
    assert {f["kommun"] for f in COMPARABLE} == {"sodertalje", "lomma", "nacka", "botkyrka"}
    assert len(COMPARABLE) >= 100
    assert sum("OENIGHET" in f.get("kommentar", "") for f in COMPARABLE) >= 3
