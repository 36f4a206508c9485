"""checks/evidence.py: which figure the report uses when a published total and its rows disagree, and
the municipality's text against the figures in use. Small tables in tkr, report period 2017-08."""
from tidy_rows import eco, economy, meta, rec, rows_of

from helpers.checks.economy import economy_checks
from helpers.checks.evidence import RADERNA, Resolution, corrections_from, resolve, text_checks
from helpers.checks.finding import Cell
from helpers.core.vocabulary import MEASURES

SUMMA_BUDGET = Cell("drift", 5, "Budget")


def text_row(measure, value, verksamhet="", rad=2, **kw):
    """One statement of the municipality's text, as ingest/read.py records it."""
    matt, slag, omf, offset = MEASURES[measure]
    return rec(tabell="text", fil="text.csv", dataset="text", rad=rad, kolumn="text", verksamhet=verksamhet,
               storhet=measure, radetikett=str(10 + rad), slag=slag, matt=matt, omfattning=omf, ar=2017 + offset,
               varde=value, kommentar=f"citat {rad}", **kw)


def decide(lines, text=(), m=None, extra=(), headings=None):
    """Run the economy checks and the evidence on one small table (plus ``extra`` records of other tables)."""
    m = m or meta()
    e = eco(economy(lines) + list(extra))
    rows = rows_of(lines)
    for t in {r["tabell"] for r in extra}:
        rows.update(rows_of([(r["rad"], r["verksamhet"], "", "post", "", {}) for r in extra if r["tabell"] == t], t))
    checks = economy_checks(e, rows, m)
    t = eco(list(text))
    ev = resolve(checks, e, t, rows, m, 2017, 8, headings)
    return checks, ev, e, t, rows, m


NACKA_SHAPE = [
    (2, "A", "", "post", "", {"Budget": -100, "Utfall": -90, "Avvikelse": 10}),
    (3, "B", "", "post", "", {"Budget": -50, "Utfall": -55, "Avvikelse": -5}),
    (4, "C", "", "post", "", {"Budget": -20, "Utfall": -18, "Avvikelse": 2}),
    # the rows give budget −100 − 50 − 20 = −170; the printed total −150 leaves a row out
    (5, "Summa", "", "summa", "", {"Budget": -150, "Utfall": -163, "Avvikelse": 7}),
]


def test_the_rows_are_used_when_the_totals_own_deviation_agrees_with_them():
    _, ev, *_ = decide(NACKA_SHAPE)
    (res,) = ev.resolutions.values()
    # the Summa row's deviation 7 = −163 − (−170) with the rows; with the printed −150 it would be −13
    assert (res.cell, res.published, res.rows, res.basis, res.in_use) == (SUMMA_BUDGET, -150, -170, RADERNA, -170)
    assert res.for_rows == ("radens avvikelse",) and res.for_published == ()
    assert res.replaced


def test_with_no_evidence_either_way_the_rows_are_used():
    lines = [(2, "A", "", "post", "", {"Budget": -100}), (3, "B", "", "post", "", {"Budget": -50}),
             (5, "Summa", "", "summa", "", {"Budget": -160})]
    _, ev, *_ = decide(lines)
    (res,) = ev.resolutions.values()
    assert (res.rows, res.in_use, res.basis) == (-150, -150, "raderna")  # −100 + −50
    assert "eftersom inget annat i rapporten stöder den publicerade summan" in res.sentence()


def reconciled_meta():
    return meta([dict(id="drift", fil="drift.csv", dataset="ekonomi", enhet="tkr",
                      avstamning=[dict(tabell="oversikt", verksamhet="Socialnämnden")]),
                 dict(id="oversikt", fil="oversikt.csv", dataset="ekonomi", enhet="tkr")])


def oversikt(budget):
    return economy([(2, "Socialnämnden", "", "post", "", {"Budget": budget})], tabell="oversikt")


def test_another_table_with_the_same_total_keeps_the_published_figure():
    lines = [(2, "A", "", "post", "", {"Budget": -100}), (3, "B", "", "post", "", {"Budget": -50}),
             (5, "Summa", "", "summa", "", {"Budget": -160})]
    _, ev, *_ = decide(lines, m=reconciled_meta(), extra=oversikt(-160), headings={"oversikt": "”Översikt”"})
    (res,) = ev.resolutions.values()
    # the overview prints −160 like the total; the rows give −150
    assert (res.basis, res.in_use) == ("publicerad", -160)
    assert [e.replace("\u00a0", " ") for e in res.for_published] == ["tabellen ”Översikt” (−160 tkr)"]
    assert not res.replaced


def test_conflicting_evidence_keeps_the_published_figure_and_says_so():
    # the overview prints the total's −150, the Summa row's own deviation fits the rows' −170
    _, ev, *_ = decide(NACKA_SHAPE, m=reconciled_meta(), extra=oversikt(-150))
    (res,) = ev.resolutions.values()
    assert res.basis == "publicerad" and res.in_use == -150
    assert res.for_rows == ("radens avvikelse",) and len(res.for_published) == 1
    assert "beläggen går isär" in res.sentence()


def test_an_inner_total_is_decided_first_and_the_outer_failure_is_its_consequence():
    lines = [(2, "Summa G", "", "summa", "G", {"Budget": -35}),  # a −10 + b −20 = −30: printed wrong
             (3, "a", "G", "post", "", {"Budget": -10}), (4, "b", "G", "post", "", {"Budget": -20}),
             (5, "Övrigt", "", "post", "", {"Budget": -5}),
             (6, "Summa", "", "summa", "", {"Budget": -35})]    # = −30 + −5, right with the inner total in use
    checks, ev, *_ = decide(lines)
    assert {c.rad_text for c in checks if c.kind == "summa" and c.failed} == {"Summa G", "Summa"}
    assert list(ev.resolutions) == [Cell("drift", 2, "Budget")]  # only the inner total is replaced
    assert ev.resolutions[Cell("drift", 2, "Budget")].in_use == -30


def test_a_total_that_fails_because_of_a_wrong_row_is_explained_not_replaced():
    lines = [(2, "A", "", "post", "", {"Budget": -100, "Utfall": -90, "Avvikelse": 10}),
             (3, "B", "", "post", "", {"Budget": -50, "Utfall": -55, "Avvikelse": 5}),  # −55 − (−50) = −5, not 5
             (5, "Summa", "", "summa", "", {"Budget": -150, "Utfall": -145, "Avvikelse": 5})]
    checks, ev, *_ = decide(lines)
    # the Avvikelse total 5 fails against 10 + 5 = 15 but holds with B's corrected −5: 10 − 5 = 5
    assert ev.resolutions == {}
    assert ev.explained == {Cell("drift", 5, "Avvikelse"): (Cell("drift", 3, "Avvikelse"),)}
    assert ev.corrections == {Cell("drift", 3, "Avvikelse"): -5}
    assert ev.overrides() == {Cell("drift", 3, "Avvikelse"): -5}
    assert corrections_from(checks) == {Cell("drift", 3, "Avvikelse"): -5}


BOTKYRKA_SHAPE = [
    (2, "A", "", "post", "", {"Utfall": -600, "Helårsbudget": -900}),
    (3, "B", "", "post", "", {"Utfall": -100, "Helårsbudget": -150}),
    (5, "Summa", "", "summa", "", {"Utfall": -690, "Helårsbudget": -1050}),  # rows: −700 and −1 050
]


def test_the_municipalitys_text_can_support_the_published_total():
    # no period budget: −1 050 × 8/12 = −700 (estimated). Text "+10 tkr" for the nämnd: −690 − (−700) = +10
    # with the printed total, −700 − (−700) = 0 with the rows
    text = [text_row("avvikelse_period", 10)]
    _, ev, e, t, rows, m = decide(BOTKYRKA_SHAPE, text=text)
    (res,) = ev.resolutions.values()
    assert (res.basis, res.in_use) == ("publicerad", -690)
    assert [x.replace("\u00a0", " ") for x in res.for_published] == ["kommunens text (+10 tkr)"]
    (c,) = text_checks(t, e, rows, m, 2017, 8, ev)
    assert (c.kind, c.rad_text, c.publicerat, c.beraknat, c.bedomning) == ("text", "nämnden totalt", 10, 10, "ok")


def test_text_checks_against_the_figures_in_use():
    text = [text_row("avvikelse_period", -5, "A", rad=2),         # A: −600 − (−900 × 8/12 = −600) = 0, not −5
            text_row("helarsbudget", 1.0, "B", rad=3, enhet="mkr", decimaler=1),  # 1,0 mkr = 1 000 tkr vs −150
            text_row("helarsbudget", -0.15, "B", rad=4, enhet="mkr", decimaler=2),  # −0,15 mkr = −150 tkr
            text_row("prognos", -100, "B", rad=5),                # no forecast column at all
            text_row("avvikelse_period", 0, "Okänd", rad=6)]      # no such row
    _, ev, e, t, rows, m = decide(BOTKYRKA_SHAPE, text=text)
    checks = {c.cell.rad: c for c in text_checks(t, e, rows, m, 2017, 8, ev)}
    # 5 off > the text's 0,5 + two table figures' 2 × 0,5 = 1,5; the period budget is an estimate
    assert checks[2].bedomning == "fel" and checks[2].tolerans == 1.5 and "uppskattning" in checks[2].beskrivning
    # the text in mkr is compared in the table's tkr: 1,0 mkr = +1 000 tkr against −150 tkr, 1 150 off
    assert checks[3].bedomning == "fel" and (checks[3].publicerat, checks[3].beraknat) == (1000, -150)
    # −0,15 mkr = −150 tkr; tolerance 0,005 mkr = 5 tkr (the text's rounding) + 2 × 0,5 tkr = 6 tkr
    assert checks[4].bedomning == "ok" and checks[4].tolerans == 6
    assert checks[5].bedomning == "ej_kontrollerbar" and checks[6].bedomning == "ej_kontrollerbar"


def test_resolution_texts():
    r = Resolution(SUMMA_BUDGET, "drift", "Summa", "Budget", "tkr", published=-150.0, rows=-170.0, basis="raderna",
                   for_rows=("radens avvikelse",))
    plain = r.sentence().replace("\u00a0", " ")
    assert plain == ("Publicerad summa −150 tkr; raderna ger −170 tkr. Rapporten använder radernas summa, "
                     "eftersom radens avvikelse stämmer med den.")
    assert r.caveat().replace("\u00a0", " ") == ("Den publicerade summan på raden 'Summa' (Budget) skiljer sig 20 tkr "
                                                 "från raderna; rapporten använder radernas summa, som radens "
                                                 "avvikelse stöder.")
    kept = Resolution(SUMMA_BUDGET, "drift", "Summa", "Budget", "mkr", published=-3.5, rows=-3.6, basis="publicerad",
                      for_published=("kommunens text (3,5 mkr)",))
    assert kept.in_use == -3.5 and not kept.replaced
    assert "kan inte förklaras ur tabellerna" in kept.sentence()
    assert "−3,5 mkr" in kept.sentence().replace("\u00a0", " ")  # mkr keeps its decimal
    assert "skiljer sig 0,1 mkr" in kept.caveat().replace("\u00a0", " ")
