"""A ``ReportData`` for the unit tests of present/ and analysis/report_data.py, from hand-typed frames.

Two ways in:

- ``derived``: hand-typed tidy records (tests/tidy_rows.py) → ``run_checks`` → ``derive``, exactly as
  ``omsorg bygg`` does for one (kommun, period), so every frame has the shape the build stores;
- ``hand``: a ``ReportData`` from frames typed directly (``row``/``table`` for the reconciled table);
  every frame not given is the empty frame the build stores when there is nothing.

The municipality is the real pydantic ``KommunMeta`` (tidy_rows.meta), never a stand-in."""
from __future__ import annotations

import math

import pandas as pd
from tidy_rows import KOMMUN, economy, meta, structure, tidy

from helpers.analysis import forecast as fc
from helpers.analysis import volume_price as vp
from helpers.analysis import volumes as vo
from helpers.analysis.report_data import FRAMES, ReportData, derive
from helpers.checks.run import (
    ReportEvidence,
    causes_frame,
    checks_frame,
    evidence_doc,
    evidence_from_doc,
    run_checks,
)
from helpers.core.period import Period
from helpers.core.vocabulary import MEASURES
from helpers.ingest.schema import structure_frame
from helpers.present.narrative import Narrative

AUGUST = Period(2017, 8)
NAN = math.nan
DRIFT = dict(id="drift", fil="drift.csv", dataset="ekonomi", enhet="tkr", avsnitt="2.1 Ekonomi",
             rubrik="Driftredovisning", kalla="Delårsrapport augusti 2017")

# The Summa row's printed budget −150 does not equal its rows (−100 − 50 − 20 = −170); the Summa row's own
# deviation 7 = −163 − (−170) supports the rows, so the report uses −170 (tests/test_checks_run.py).
REPLACED = [
    (2, "A", "", "post", "", {"Budget": -100, "Utfall": -90, "Avvikelse": 10, "Helårsbudget": -150}),
    (3, "B", "", "post", "", {"Budget": -50, "Utfall": -55, "Avvikelse": -5, "Helårsbudget": -75}),
    (4, "C", "", "post", "", {"Budget": -20, "Utfall": -18, "Avvikelse": 2, "Helårsbudget": -30}),
    (5, "Summa", "", "summa", "", {"Budget": -150, "Utfall": -163, "Avvikelse": 7, "Helårsbudget": -255}),
]
# Only the full-year budget is published: the period budget is helårsbudget × 8/12 (an estimate).
ESTIMATED = [
    (2, "A", "", "post", "", {"Utfall": -700, "Helårsbudget": -1200}),
    (3, "B", "", "post", "", {"Utfall": -500, "Helårsbudget": -900}),
    (4, "Summa", "", "summa", "", {"Utfall": -1200, "Helårsbudget": -2100}),
]


def forecast_lines(a: float, b: float) -> list[tuple]:
    """A month's forecast: A and B with helårsbudget −1 200 each, forecasts a and b, and their Summa."""
    return [(2, "A", "", "post", "", {"Helårsbudget": -1200, "Prognos": a, "Prognosavvikelse": a + 1200}),
            (3, "B", "", "post", "", {"Helårsbudget": -1200, "Prognos": b, "Prognosavvikelse": b + 1200}),
            (4, "Summa", "", "summa", "", {"Helårsbudget": -2400, "Prognos": a + b,
                                           "Prognosavvikelse": a + b + 2400})]


def derived(lines, period: Period = AUGUST, tables: list[dict] | None = None, records: list[dict] = (),
            earlier: dict[str, pd.DataFrame] | None = None, **meta_kw) -> ReportData:
    """One report as the build derives it. ``lines``: tidy_rows.economy lines of the table 'drift', or
    {tabell: lines} for several economy tables; ``records``: further tidy records (volumes)."""
    return derived_with_doc(lines, period, tables, records, earlier, **meta_kw)[0]


def derived_with_doc(lines, period: Period = AUGUST, tables: list[dict] | None = None, records: list[dict] = (),
                     earlier: dict[str, pd.DataFrame] | None = None, **meta_kw) -> tuple[ReportData, dict]:
    """``derived`` and the evidence document the build stores in belagg.json."""
    by_table = lines if isinstance(lines, dict) else ({"drift": lines} if lines else {})
    m = meta(tables if tables is not None else [DRIFT], **meta_kw)
    recs = [r for t, ls in by_table.items() for r in economy(ls, tabell=t, period=str(period))]
    data = tidy(recs + list(records))
    parts = [structure(ls, t) for t, ls in by_table.items()]
    struct = pd.concat(parts, ignore_index=True) if parts else structure_frame([])
    q = run_checks(data, struct, m, period)
    doc = evidence_doc(q)
    report = derive(KOMMUN, period, m, data, struct, evidence_from_doc(doc), checks_frame([q]), causes_frame([q]),
                    earlier)
    return report, doc


def row(verksamhet: str, radtyp: str = "post", *, tabell: str = "drift", rad: int = 2, overordnad: str = "",
        summerar: str = "", kommentar: str = "", hur: dict[str, str] | None = None, fel: tuple[str, ...] = (),
        **values: float) -> dict:
    """One row of the reconciled table (analysis/reconcile.py): every measure with ``<m>_hur``,
    ``<m>_publicerad`` and ``<m>_fel``. A measure given is 'publicerad' unless ``hur`` says otherwise;
    one not given is blank. The ratio columns are blank unless given (avvikelse_procent=…)."""
    hur = hur or {}
    rec: dict = dict(tabell=tabell, rad=rad, verksamhet=verksamhet, overordnad=overordnad, radtyp=radtyp,
                     summerar=summerar, kommentar=kommentar)
    for m in MEASURES:
        rec[m] = float(values.pop(m, NAN))
        rec[f"{m}_hur"] = hur.get(m, "publicerad" if not math.isnan(rec[m]) else "")
        rec[f"{m}_publicerad"] = NAN
        rec[f"{m}_fel"] = m in fel
    for ratio in ("avvikelse_procent", "andel_av_helarsbudget", "riktpunkt"):
        rec[ratio] = float(values.pop(ratio, NAN))
    if values:
        raise TypeError(f"unknown columns: {sorted(values)}")
    return rec


def table(*rows: dict) -> pd.DataFrame:
    """The reconciled table of the given ``row``s, in order."""
    return pd.DataFrame(list(rows))


def evidence(budget_tkr: float | None = None, headings: dict[str, str] | None = None) -> ReportEvidence:
    """Evidence with nothing resolved, relabelled or wrong."""
    return ReportEvidence({}, [], [], set(), budget_tkr, headings or {})


def hand(table: pd.DataFrame | None = None, period: Period = AUGUST, tables: list[dict] | None = None,
         ev: ReportEvidence | None = None, meta_kw: dict | None = None, **frames: pd.DataFrame) -> ReportData:
    """A ReportData from frames typed by hand; every frame not given is empty, as the build stores it."""
    t = table if table is not None else pd.DataFrame()
    empty = dict(table=t, detail=t, details=pd.DataFrame(), forecast=pd.DataFrame(),
                 history=fc.forecast_history({}), accuracy=pd.DataFrame(),
                 series=pd.DataFrame(columns=vo.SERIES_COLUMNS), same_period=vo.same_period_table(
                     pd.DataFrame(columns=vo.SERIES_COLUMNS), period),
                 annual=pd.DataFrame(), volume_price=pd.DataFrame(columns=vp.COLUMNS),
                 cost_per_unit=pd.DataFrame(columns=["verksamhet", "serie", "enhet", "manad", "kostnad_tkr", "volym",
                                                     "kr_per_enhet"]),
                 checks=checks_frame([]), causes=causes_frame([]))
    empty = {name: empty.get(name, pd.DataFrame()) for name in FRAMES}  # a frame added later: empty
    unknown = set(frames) - set(empty)
    if unknown:
        raise TypeError(f"unknown frames: {sorted(unknown)}")
    empty.update(frames)
    m = meta(tables if tables is not None else [DRIFT], **(meta_kw or {}))
    return ReportData(KOMMUN, period, m, ev or evidence(), **empty)


def message_text(item) -> str:
    """The one sentence of a section that has nothing to show (present.blocks.message)."""
    assert isinstance(item, Narrative) and len(item.sentences) == 1, item
    return item.sentences[0].text
