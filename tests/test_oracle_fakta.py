"""The oracle facts (tests/oracle/fakta.toml, 249 statements picked by hand from the municipalities'
own running text) against the report's figures, and against the seeds when they are present.

1. Every fact's value is the figure its quote states, read from the quote itself (tests/oracle/citat.py:
   value, sign, unit, decimals and "ca"), not from the number typed beside it.
2. Every fact about a result or forecast deviation of rows in the main table (or of the nämnd) agrees
   with the figure the report uses, within half a unit of the quote's last digit ("ca": a whole unit);
   every row it names must be in the table. The facts marked OENIGHET, where the text and the tables
   really disagree, must still disagree (the report does not quietly adopt the text's figure).
3. Every quote stands on its line in ../shared/seeds/ (skipped without the seeds; required in CI).

1 and 2 need nothing outside the repository: the quotes are in fakta.toml."""
import math

import pytest
from oracle.citat import figures
from oracle.fakta import COMPARABLE, FAKTA, disagrees, expected_tkr, quoted
from oracle.fakta import fact_id as _id


def test_every_value_is_the_figure_its_quote_states():
    wrong = []
    for f in FAKTA:
        found, matching = figures(f["citat"]), quoted(f)
        if not found:
            wrong.append(f"{_id(f)}: inget tal i citatet {f['citat']!r}")
        elif len(matching) != 1:
            wrong.append(f"{_id(f)}: citatet {f['citat']!r} anger {[(x.value, x.unit) for x in found]}, "
                         f"inte {f['varde']} {f['enhet']}")
        elif matching[0].approx != f["ungefar"]:
            wrong.append(f"{_id(f)}: ungefar = {f['ungefar']}, men citatet {'säger' if matching[0].approx else 'säger inte'} ca")
        elif f.get("tecken") == "sammanhanget" and (matching[0].signed or f["varde"] >= 0):
            wrong.append(f"{_id(f)}: tecken = \"sammanhanget\" gäller bara ett underskott som citatet inte anger")
        elif "enhet_i_citatet" in f and "TRYCKFEL" not in f.get("kommentar", ""):
            wrong.append(f"{_id(f)}: enhet_i_citatet utan förklarat TRYCKFEL")
    assert wrong == []


def test_the_tolerance_comes_from_the_quotes_decimals():
    # The quote's own precision, not the float typed beside it: "7,0 mnkr" is ± 0,05 mkr, not ± 0,5.
    hvo = next(f for f in COMPARABLE if f["citat"] == "uppvisar efter augusti månad ett positivt resultat på 7,0 mnkr")
    assert expected_tkr(hvo) == (7000.0, 50.0)
    ifo = next(f for f in COMPARABLE if f["citat"].endswith("negativ budgetavvikelse med 6 050 tkr"))
    assert expected_tkr(ifo) == (-6050.0, 0.5)
    pa = next(f for f in COMPARABLE if "ca -2,5 mkr" in f["citat"])
    assert expected_tkr(pa) == (-2500.0, 100.0)


@pytest.mark.parametrize("fact", COMPARABLE, ids=[_id(f) for f in COMPARABLE])
def test_fact_agrees_with_the_figure_in_use(contexts, fact):
    ctx = contexts[fact["kommun"]]
    table = ctx.table
    assert ctx.money in ("tkr", "mkr")
    to_tkr = 1000.0 if ctx.money == "mkr" else 1.0
    expected, tol = expected_tkr(fact)
    for label in fact["rader_i_tabellen"]:
        rows = table[table["verksamhet"] == label]
        assert len(rows) == 1, (f"raden {label!r} ({fact['kommun']}, rad {fact['rad']}: {fact['citat']!r}) finns "
                                f"{len(rows)} gånger i rapportens tabell, inte en; raderna är {list(table['verksamhet'])}")
        value = float(rows[fact["matt"]].iloc[0]) * to_tkr
        assert not math.isnan(value), f"{label}: {fact['matt']} saknas i rapporten"
        close = abs(value - expected) <= tol + 1e-9
        if disagrees(fact):
            assert not close, f"{label}: texten och tabellen ska skilja sig här ({fact['kommentar'][:80]} …)"
        else:
            assert close, (f"{label}: rapporten {value:.0f} tkr, texten {expected:.0f} ± {tol:g} tkr "
                           f"(rad {fact['rad']}: {fact['citat']!r})")


def test_every_fact_is_quoted_from_its_line(seeds):
    wrong = []
    for f in FAKTA:
        lines = (seeds / f["fil"]).read_text(encoding="utf-8").splitlines()
        if not (0 < f["rad"] <= len(lines)) or f["citat"] not in lines[f["rad"] - 1]:
            wrong.append(_id(f))
    assert wrong == []


def test_the_comparison_covers_all_four_municipalities():
    assert len(FAKTA) == 249
    assert {f["kommun"] for f in COMPARABLE} == {"sodertalje", "lomma", "nacka", "botkyrka"}
    assert len(COMPARABLE) >= 100
    assert sum(disagrees(f) for f in COMPARABLE) == 3
