"""Published beats estimated (issue 17.2): Södertälje publishes the period's net cost per verksamhet
("Nettokostnader per verksamhetsområde", Nettokostnad aug 2017) beside a table of results only. The report
uses those published figures, and the period budget follows exactly (net cost − result), instead of an
estimate from the full-year budget × 8/12."""
import pytest


def _row(ctx, label):
    rows = ctx.table[ctx.table["verksamhet"] == label]
    assert len(rows) == 1, label
    return rows.iloc[0]


@pytest.mark.parametrize("label,utfall,resultat", [
    ("Gemensamma kostnader SoL", 4193, 206),       # seed 1.2: 4 193; 1.1: resultat 206
    ("Ordinärt boende", 21185, 5882),              # seed 1.2: 21 185; 1.1: resultat 5 882
    ("Bostad med särskild service", 245224, -715),  # 1.2 names it "Bostad med särskild service LSS"
    ("Nämnden totalt", 471427, 14677),
])
def test_sodertalje_uses_the_published_net_cost(contexts, label, utfall, resultat):
    r = _row(contexts["sodertalje"], label)
    assert r["utfall_period"] == -utfall and r["utfall_period_hur"] == "publicerad"
    # budget = utfall − avvikelse, e.g. −4 193 − 206 = −4 399 tkr (and 6 406 × 8/12 = 4 270,7 was the estimate)
    assert r["budget_period"] == -utfall - resultat and r["budget_period_hur"] == "beraknad"


def test_an_area_total_is_the_sum_of_its_published_rows(contexts):
    # LSS: 25 115 + 57 019 + 9 992 + 14 031 + 245 224 + 71 916 = 423 297 tkr
    r = _row(contexts["sodertalje"], "Summa verksamhets- områden LSS")
    assert r["utfall_period"] == -423297 and r["utfall_period_hur"] == "beraknad"


def test_no_estimate_where_the_municipality_published_the_figure(contexts):
    for kommun, ctx in contexts.items():
        t = ctx.table
        assert not (t["utfall_period_hur"] == "uppskattad").any() or kommun == "botkyrka", kommun
