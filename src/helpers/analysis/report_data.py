"""Everything a report on one (kommun, period) reads, computed once by the build.

``derive`` runs when ``omsorg bygg`` builds a municipality (``batch.build.build_kommun`` walks the
periods in order) and computes, for each period, the reconciled table, the forecast check, the forecast history (from
the tables of the earlier periods it already computed: nothing is computed twice), the forecast
accuracy, the volume series and comparisons, volume and price and the monthly cost per unit.
``ReportData`` holds one period's result; the build stores it (``frames``) and a report reads it back
(``ReportData.read``) without touching raw data or another period.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..checks.run import ReportEvidence, evidence_from_doc
from ..core.errors import OmsorgError
from ..core.hierarchy import table_rows
from ..core.period import Period
from ..core.signs import normalise_sign
from ..core.vocabulary import ECONOMY_DATASETS
from ..ingest.store import REPORT_FOLDER, read_report_frames, verify
from . import forecast as fc
from . import reconcile as rc
from . import volume_price as vp
from . import volumes as vo

EVIDENCE_FILE = "belagg.json"   # per municipality: the checks' evidence of each of its reports
LEDGER_KEY = "huvudbok"          # … and, per report, how each ledger file (SIE) was read (ingest.ledger)
# The frames of a report, as the build stores them (one parquet file each per kommun and period).
FRAMES = ("table", "detail", "details", "forecast", "history", "accuracy", "series", "same_period", "annual",
          "volume_price", "cost_per_unit", "checks", "causes", "comparison")


@dataclass(frozen=True)
class ReportData:
    """One (kommun, period) as the build computed it. Every frame is ready to show; nothing here
    reads a file or another period."""
    kommun: str
    period: Period
    meta: object                      # ingest.metadata.KommunMeta
    evidence: ReportEvidence
    table: pd.DataFrame = field(repr=False)          # the nämnd's economy, one figure in use per cell
    detail: pd.DataFrame = field(repr=False)         # the detail tables together, or the main table
    details: pd.DataFrame = field(repr=False)        # each detail table on its own (column 'tabell')
    forecast: pd.DataFrame = field(repr=False)       # official forecast beside run-rate and seasonal
    history: pd.DataFrame = field(repr=False)        # the forecast of every period of the year so far
    accuracy: pd.DataFrame = field(repr=False)       # December: how far each month's forecast missed
    series: pd.DataFrame = field(repr=False)         # monthly volume series (months after the period dropped)
    same_period: pd.DataFrame = field(repr=False)    # the same months every year
    annual: pd.DataFrame = field(repr=False)         # published annual volumes
    volume_price: pd.DataFrame = field(repr=False)
    cost_per_unit: pd.DataFrame = field(repr=False)
    checks: pd.DataFrame = field(repr=False)         # every check of this report
    causes: pd.DataFrame = field(repr=False)         # findings, one row per cause
    comparison: pd.DataFrame = field(repr=False)     # Kolada: similar municipalities (no columns: no stored fetch)
    ledger: tuple = ()                               # how each ledger file was read (LedgerSource.to_dict)

    def __repr__(self) -> str:
        return f"ReportData({self.kommun!r}, '{self.period}')"

    @property
    def money(self) -> str:
        return self.meta.money_unit

    @property
    def namnd(self) -> str:
        return ", ".join(self.meta.namnder)

    @property
    def title(self) -> str:
        return f"{self.meta.namn}: uppföljning {self.period.span}"

    @property
    def total(self) -> pd.Series | None:
        return rc.total_row(self.table) if not self.table.empty else None

    @property
    def computed_total_parts(self) -> list[str]:
        """The rows the nämnd's total is summed from when the municipality publishes no total (else [])."""
        tot = self.total
        if tot is None or tot["tabell"] != "":
            return []
        t = self.table
        return list(t[(t["overordnad"] == "") & (t["tabell"] != "") & (t["radtyp"] != "rubrik")]["verksamhet"])

    def shown_resolutions(self) -> list:
        """Resolutions of figures the economy table shows (decided by the build)."""
        return [self.evidence.resolutions[c] for c in self.evidence.shown if c in self.evidence.resolutions]

    def frames(self) -> dict[str, pd.DataFrame]:
        """The frames the build stores for this report (one parquet file each)."""
        return {name: getattr(self, name) for name in FRAMES}

    @classmethod
    def read(cls, version: Path, kommun: str, period: Period, meta) -> ReportData:
        """One report as the build stored it: this (kommun, period) only, no raw data."""
        evidence = f"{REPORT_FOLDER}/{kommun}/{EVIDENCE_FILE}"
        verify(version, [evidence])
        try:
            docs = json.loads((version / evidence).read_text(encoding="utf-8"))
            doc = docs[f"{kommun}/{period}"]
        except (OSError, ValueError, KeyError) as exc:
            raise OmsorgError(f"Den byggda datan för {kommun} {period} saknas eller är skadad ({type(exc).__name__}). "
                              "Kör 'omsorg bygg' igen.") from None
        frames = read_report_frames(version, kommun, period, FRAMES)
        ledger = tuple(doc.get(LEDGER_KEY, ()))
        return cls(kommun, fiscal_period(period, ledger), meta, evidence_from_doc(doc), **frames, ledger=ledger)


def fiscal_period(period: Period, ledger) -> Period:
    """The period in the ledger's fiscal year ('juli–december 2009' when the year starts in July)."""
    starts = sorted({str(x.get("period_fran", ""))[:7] for x in ledger if x.get("period_fran")})
    if not starts or starts[0].endswith("-01"):
        return period
    return period.with_fiscal_start(int(starts[0][:4]), int(starts[0][5:7]))


def derive(kommun: str, period: Period, meta, tidy: pd.DataFrame, structure: pd.DataFrame, evidence: ReportEvidence,
           checks: pd.DataFrame, causes: pd.DataFrame, earlier: dict[str, pd.DataFrame] | None = None,
           comparison: pd.DataFrame | None = None, ledger: tuple = ()) -> ReportData:
    """Every frame of one report. ``tidy``/``structure`` hold this period's data only (ingest.select);
    ``earlier`` maps earlier periods of the same year to their reconciled tables (for the history);
    ``comparison`` is the stored Kolada comparison of the municipality (analysis.kolada)."""
    rows = table_rows(structure)
    eco = normalise_sign(tidy[tidy["dataset"].isin(ECONOMY_DATASETS)])
    ev = evidence
    published_elsewhere = rc.supplements(eco, rows, meta, period.year)
    table = rc.reconciled_table(eco, rows, meta.main_tables, period, ev.resolutions, ev.wrong_cells,
                                supplement=published_elsewhere)
    if meta.detaljtabeller:
        detail = rc.reconciled_table(eco, rows, list(meta.detaljtabeller), period, ev.resolutions, ev.wrong_cells,
                                     add_total=False)
        details = pd.concat([rc.reconciled_table(eco, rows, [tid], period, ev.resolutions, ev.wrong_cells,
                                                 add_total=False).assign(detaljtabell=tid)
                             for tid in meta.detaljtabeller], ignore_index=True)
    else:
        detail, details = table, pd.DataFrame()
    series = vo.series_frame(tidy, period, ev.relabels, ev.ignored_rows)
    same_period = vo.same_period_table(series, period)
    parts = [vp.from_key_figures(tidy, period.year)]
    if not table.empty:
        parts.append(vp.from_links(table, series, meta.koppling, period, meta.money_unit))
    parts = [p for p in parts if len(p)]
    volume_price = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=vp.COLUMNS)
    if table.empty:
        forecast = table
    else:
        seasonal = vp.seasonal_forecasts(table, series, meta.koppling, period)
        forecast = fc.forecast_check(table, period.month, seasonal)
    tables = dict(earlier or {})
    tables[str(period)] = table
    history = fc.forecast_history(tables) if len(tables) >= 2 else fc.forecast_history({})
    accuracy = pd.DataFrame()
    if period.month == 12 and not history.empty:
        t = table[table["radtyp"] != "rubrik"]
        outcome = dict(zip(t["verksamhet"], t["utfall_period"]))
        accuracy = fc.forecast_accuracy(history[history["period"] < str(period)], outcome)
    cost = vp.monthly_cost_per_unit(eco, series, meta.koppling, period)
    return ReportData(kommun, period, meta, ev, table, detail, details, forecast, history, accuracy, series,
                      same_period, vo.annual_table(tidy), volume_price, cost, checks, causes,
                      comparison if comparison is not None else pd.DataFrame(), ledger)
