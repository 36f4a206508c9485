"""A report for one (kommun, period), as a notebook or a script opens it.

``open_report`` validates the parameters (Swedish errors), finds the current build and reads the
report's data as the build computed it (``analysis.report_data.ReportData``): nothing is recomputed
and no other period is read. The sections are plain functions in ``helpers.present`` (summary,
economy, forecast, volumes, quality, sources), each taking that data; ``tables`` lists every table
of the report and ``export`` writes them with the sentences for a tjänsteskrivelse."""
from __future__ import annotations

import json
from pathlib import Path

from ..analysis.report_data import EVIDENCE_FILE, ReportData
from ..core.errors import OmsorgError, ParameterError
from ..ingest.metadata import validate_parameters
from ..ingest.store import current_version, write_text
from ..present import economy, forecast, quality, summary, volumes
from ..present.tables import Table
from ..render.exports import export_table, export_workbook


def report_key(kommun: str, period) -> str:
    return f"{kommun}/{period}"


def built_reports(processed: Path | None = None) -> tuple[Path, dict]:
    """The current build and its evidence document, keyed by ``report_key``. Swedish OmsorgError
    when nothing is built."""
    version = current_version(processed)
    try:
        return version, json.loads((version / EVIDENCE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OmsorgError(f"Den byggda datan i {version} är skadad ({type(exc).__name__}). Kör 'omsorg bygg' igen.") \
            from None


def not_built_message(namn: str, period) -> str:
    return f"{namn} {period} finns i data/raw men är inte byggd ännu. Kör 'omsorg bygg' (eller make report) först."


def open_report(kommun: str, period, *, processed: Path | None = None, raw: Path | None = None) -> ReportData:
    """The data of one report: ``open_report("nacka", "2017-10")``."""
    meta, p = validate_parameters(kommun, period, raw)
    version, built = built_reports(processed)
    if report_key(kommun, p) not in built:
        raise ParameterError(not_built_message(meta.namn, p))
    return ReportData.read(version, kommun, p, meta)


def tables(data: ReportData) -> list[Table]:
    """Every table of the report, for export."""
    out = [economy.economy_table(data)] + economy.detail_tables(data).tables
    for t in (economy.riktpunkt_table(data), forecast.forecast_check_table(data), economy.volume_price_table(data)):
        if isinstance(t, Table):
            out.append(t)
    if not data.history.empty:
        out.append(forecast.history_table(data))
    for part in (forecast.accuracy_section(data), economy.cost_per_unit_section(data)):
        out += [t for t in getattr(part, "tables", ()) if isinstance(t, Table)]
    if not data.series.empty:
        out.append(volumes.volume_table(data))
    out += volumes.annual_volumes(data).tables
    out += [quality.findings_table(data), quality.checks_table(data)]
    return out


def export(data: ReportData, folder: str | Path) -> None:
    """Every table as xlsx, CSV and HTML, all of them in one workbook (<kommun>_<period>_tabeller.xlsx),
    and the sentences as Markdown, into ``folder``/tabeller."""
    target = Path(folder) / "tabeller"
    every = tables(data)
    for t in every:
        export_table(target, t)
    export_workbook(target, every, data.kommun, data.period, title=data.title)  # one workbook, a sheet per table
    write_text(target / "meningar.md", summary.sentences(data).markdown())
