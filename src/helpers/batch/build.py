"""`omsorg bygg`: validate every input, run every check, compute everything each report reads, and
publish data/processed as one unit.

Each municipality is one task on the same engine as `omsorg kör` (inline, processes or Dask). A task
loads and validates the municipality, checks every period and derives every report's frames
(``analysis.report_data``), walking the periods in order so the forecast history reuses the tables it
already computed. It writes that municipality's report files into the run's folder and returns its
tidy data, checks and findings. A municipality whose input is invalid is left out (and said); the
others are published. Nothing is published when every municipality failed. Readers only ever see a
complete version (see ``ingest.store.publish``)."""
from __future__ import annotations

import json
import os
import shutil
import time
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..analysis.kolada import stored_comparison
from ..analysis.report_data import EVIDENCE_FILE, LEDGER_KEY, derive, fiscal_period
from ..checks.run import causes_frame, checks_frame, evidence_doc, evidence_from_doc, run_checks
from ..core import paths
from ..core.errors import DataValidationError, OmsorgError, Problem, disk_error
from ..ingest.kolada import load_stored_fetch
from ..ingest.load import load_kommun
from ..ingest.metadata import list_kommuner
from ..ingest.select import for_period
from ..ingest.store import REPORT_FOLDER, VERSIONS, publish, report_folder, write_report_frames
from ..render.exports import csv_text
from .engine import run_tasks

FILES = ("omsorg.parquet", "struktur.parquet", "kontroller.parquet", "kvalitet.parquet", "kvalitet.csv",
         EVIDENCE_FILE)


@dataclass
class KommunBuild:
    """One municipality's part of a build, or why it was left out."""
    kommun: str
    seconds: float = 0.0
    tidy: pd.DataFrame | None = None
    structure: pd.DataFrame | None = None
    checks: pd.DataFrame | None = None
    causes: pd.DataFrame | None = None
    evidence: dict[str, dict] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)   # why it was left out (invalid input)
    error: str = ""                                         # why it was left out (anything else)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.error


@dataclass
class BuildResult:
    version: Path
    kommuner: list[KommunBuild]
    checks: pd.DataFrame
    causes: pd.DataFrame

    @property
    def left_out(self) -> list[KommunBuild]:
        return [k for k in self.kommuner if not k.ok]

    @property
    def warnings(self) -> list[Problem]:
        return [w for k in self.kommuner for w in k.warnings]


def build_kommun(kommun: str, raw: str | None = None, out: str | None = None) -> KommunBuild:
    """Load, check and derive one municipality; write its report files under ``out``. Never raises."""
    t0 = time.perf_counter()
    result = KommunBuild(kommun)
    try:
        loaded = load_kommun(kommun, Path(raw) if raw else None)
        meta = loaded.metas[kommun]
        result.warnings = loaded.warnings
        comparison = stored_comparison(load_stored_fetch(meta.path))
        checks, causes = [], []
        earlier: dict[int, dict[str, pd.DataFrame]] = {}
        for period in meta.periods():
            tidy, structure = for_period(loaded.tidy, loaded.structure, kommun, period)
            ledger = [x.to_dict() for x in loaded.sources.get((kommun, str(period)), [])]
            period = fiscal_period(period, ledger)
            q = run_checks(tidy, structure, meta, period)
            doc = evidence_doc(q) | {LEDGER_KEY: ledger}
            c, f = checks_frame([q]), causes_frame([q])
            year = period.start or (period.year, 1)   # the forecast history runs within one fiscal year
            data = derive(kommun, period, meta, tidy, structure, evidence_from_doc(doc), c, f,
                          earlier.get(year), comparison, tuple(ledger))
            earlier.setdefault(year, {})[str(period)] = data.table
            if out:
                write_report_frames(report_folder(Path(out), kommun, period), data.frames())
            result.evidence[f"{kommun}/{period}"] = doc
            checks.append(c)
            causes.append(f)
        if out:
            (Path(out) / kommun).mkdir(parents=True, exist_ok=True)
            (Path(out) / kommun / EVIDENCE_FILE).write_text(
                json.dumps(result.evidence, ensure_ascii=False), encoding="utf-8")
        result.tidy, result.structure = loaded.tidy, loaded.structure
        result.checks = pd.concat(checks, ignore_index=True) if checks else checks_frame([])
        result.causes = pd.concat(causes, ignore_index=True) if causes else causes_frame([])
    except DataValidationError as exc:
        result.problems = exc.problems
    except OmsorgError as exc:
        result.error = str(exc)
    except OSError as exc:
        result.error = str(disk_error(exc, exc.filename or out or "data/processed"))
    except Exception as exc:  # noqa: BLE001 – one municipality's fault must not stop the others
        result.error = f"Oväntat fel ({type(exc).__name__}: {exc})"
        if os.environ.get("OMSORG_DEBUG"):
            result.error += "\n" + traceback.format_exc()
    result.seconds = time.perf_counter() - t0
    return result


def build(raw: Path | None = None, processed: Path | None = None, *, kommuner: list[str] | None = None,
          workers: int = 1, dask: str | None = None) -> BuildResult:
    """Validate, check and derive every municipality, and publish those that succeeded.

    Raises DataValidationError (every problem of every municipality) when none succeeded; then
    nothing is written."""
    raw = Path(raw) if raw else paths.raw_dir()
    processed = Path(processed) if processed else paths.processed_dir()
    if not raw.is_dir():
        raise OmsorgError(f"Rådatamappen {raw} finns inte. Inget har byggts; kontrollera sökvägen (OMSORG_RAW).")
    kommuner = kommuner or list_kommuner(raw)
    if not kommuner:
        raise OmsorgError(f"Det finns inga kommuner i {raw}: varje kommun är en mapp med metadata.toml "
                          "(se data/raw/README.md). Inget har byggts.")
    work = processed / VERSIONS / f".{uuid.uuid4().hex[:10]}.kommuner.tmp"
    results: list[KommunBuild] = []
    try:
        try:
            work.mkdir(parents=True)
        except OSError as exc:
            raise disk_error(exc, work) from None
        run_tasks(build_kommun, kommuner, results.append, workers=workers, dask=dask, raw=str(raw), out=str(work))
        results.sort(key=lambda r: r.kommun)
        good = [r for r in results if r.ok]
        if not good:
            problems = [p for r in results for p in r.problems]
            if problems:
                raise DataValidationError(problems)
            if len(results) == 1:
                raise OmsorgError(results[0].error)
            raise OmsorgError("Ingen kommun kunde byggas; inget har publicerats:\n"
                              + "\n".join(f"  - {r.kommun}: {r.error}" for r in results))
        version = publish(_writers(good), processed, folders={REPORT_FOLDER: work})
    finally:
        shutil.rmtree(work, ignore_errors=True)
    checks = pd.concat([r.checks for r in good], ignore_index=True)
    causes = pd.concat([r.causes for r in good], ignore_index=True)
    return BuildResult(version, results, checks, causes)


def _writers(good: list[KommunBuild]) -> dict:
    checks = pd.concat([r.checks for r in good], ignore_index=True)
    causes = pd.concat([r.causes for r in good], ignore_index=True)
    evidence = {k: d for r in good for k, d in r.evidence.items()}
    tidy = pd.concat([r.tidy for r in good], ignore_index=True)
    tidy = tidy.sort_values(["kommun", "period", "tabell", "rad"], kind="stable").reset_index(drop=True)
    structure = pd.concat([r.structure for r in good], ignore_index=True)
    return {
        "omsorg.parquet": lambda p: tidy.to_parquet(p, index=False, row_group_size=50_000),
        "struktur.parquet": lambda p: structure.to_parquet(p, index=False),
        "kontroller.parquet": lambda p: checks.to_parquet(p, index=False),
        "kvalitet.parquet": lambda p: causes.to_parquet(p, index=False),
        "kvalitet.csv": lambda p: p.write_bytes(b"\xef\xbb\xbf" + csv_text(causes).encode("utf-8")),
        EVIDENCE_FILE: lambda p: p.write_text(json.dumps(evidence, ensure_ascii=False, indent=1), encoding="utf-8"),
    }

