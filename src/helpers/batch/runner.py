"""`omsorg kör`: execute the report notebook once per (kommun, period) with papermill, on warm
kernels, in parallel processes or on Dask, and publish each report only when it succeeded.

Every run has its own staging folder (reports/.bygge/<run>/) and removes only that. A report is
moved into reports/<kommun>/<period>/ under a lock for that report, so two runs at once never
destroy each other's output; index.html and korlogg.json are written atomically. A failed report
keeps the previously published one and leaves its executed notebook in reports/misslyckade/."""
from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import json
import os
import shutil
import signal
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import papermill as pm

from ..app.report import built_reports, not_built_message, report_key
from ..core import paths
from ..core.errors import OmsorgError, ParameterError, disk_error
from ..core.period import Period
from ..ingest.metadata import list_kommuner, load_metadata, validate_parameters
from ..ingest.store import current_version, folder_lock, write_text
from ..render.index import write_build_record, write_index
from ..render.notebook import write_notebook_html
from . import kernels
from .engine import run_tasks

NOTEBOOK = "01_rapport.ipynb"
MAX_WORKERS = 64


@dataclass(frozen=True)
class Task:
    kommun: str
    period: str
    staging: str          # this report's folder in this run's staging area
    title: str
    notebook: str = NOTEBOOK


@dataclass
class Result:
    task: Task
    ok: bool
    seconds: float
    error: str = ""


@dataclass
class Plan:
    run_id: str
    staging_root: Path
    tasks: list[Task] = field(default_factory=list)
    not_built: list[Task] = field(default_factory=list)   # with --alla: reports the build left out


def validate_workers(workers) -> int:
    try:
        n = int(workers)
    except (TypeError, ValueError):
        raise ParameterError(f"--arbetare ska vara ett heltal 1–{MAX_WORKERS}, inte '{workers}'.") from None
    if not 1 <= n <= MAX_WORKERS:
        raise ParameterError(f"--arbetare ska vara 1–{MAX_WORKERS}, inte {n}.")
    return n


def plan(kommun=None, period=None, alla=False, reports: Path | None = None, raw: Path | None = None,
         processed: Path | None = None) -> Plan:
    """Validate every parameter, and that every report asked for is built, before anything executes;
    list the reports to run."""
    reports = Path(reports or paths.reports_dir())
    if alla and kommun:
        raise ParameterError("Ange antingen --alla eller --kommun, inte båda.")
    if alla:
        kommuner = list_kommuner(raw)
    else:
        kommuner = [kommun] if isinstance(kommun, str) else list(kommun or [])
        if not kommuner:
            raise ParameterError("Ange --kommun (och gärna --period), eller --alla.")
    wanted = Period.parse(period) if period else None
    run_id = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    out = Plan(run_id, reports / ".bygge" / run_id)
    for k in kommuner:
        if wanted is not None:
            meta, p = validate_parameters(k, wanted, raw)
            periods = [p]
        else:
            meta = load_metadata(k, raw)
            periods = meta.periods()
        for p in periods:
            out.tasks.append(Task(k, str(p), str(out.staging_root / k / str(p)), f"{meta.namn}: uppföljning {p.span}"))
    if not out.tasks:
        raise ParameterError("Det finns inga rapporter att köra: inga kommuner i data/raw.")
    _, built = built_reports(processed)
    missing = [t for t in out.tasks if report_key(t.kommun, t.period) not in built]
    if missing and alla and len(missing) < len(out.tasks):
        out.not_built = missing
        out.tasks = [t for t in out.tasks if t not in missing]
    elif missing:
        first = missing[0]
        more = f" (och {len(missing) - 1} till)" if len(missing) > 1 else ""
        raise ParameterError(not_built_message(load_metadata(first.kommun, raw).namn, first.period) + more)
    return out


# Errors the report's own code raises carry a Swedish message meant for the user as it stands.
USER_ERRORS = ("ParameterError", "DataValidationError", "OmsorgError")


def _failure(ename: str, evalue: str) -> str:
    if ename in USER_ERRORS:
        return evalue[:400]
    return f"fel i notebooken ({ename}: {evalue})"[:400]


def execute(task: Task, notebook_dir: str | None = None) -> Result:
    """Execute one report notebook on the warm kernel and export its HTML. Never raises."""
    start = time.perf_counter()
    staging = Path(task.staging)
    src = Path(notebook_dir or paths.notebooks_dir()) / task.notebook
    executed = staging / "rapport.ipynb"
    try:
        staging.mkdir(parents=True, exist_ok=True)
        version = current_version().name  # the build open_report reads in the notebook
        nb = pm.execute_notebook(str(src), str(executed), engine_name=kernels.ENGINE,
                                 kernel_name=kernels.kernel_name(),
                                 parameters={"kommun": task.kommun, "period": task.period, "utdata": str(staging)},
                                 progress_bar=False, log_output=False, report_mode=False)
        footer = f"Omsorgsanalys · {task.title} · skapad {_dt.date.today().isoformat()}."
        write_notebook_html(nb, staging / "rapport.html", title=task.title, footer=footer, for_namnd=True)
        write_notebook_html(nb, staging / "analys.html", title=f"{task.title} (analys)", footer=footer,
                            for_namnd=False)
        # the index counts errors from this build; "" when a new build was published during the run
        write_build_record(staging, version if current_version().name == version else "")
        return Result(task, True, time.perf_counter() - start)
    except pm.PapermillExecutionError as exc:
        return Result(task, False, time.perf_counter() - start, _failure(exc.ename, exc.evalue))
    except Exception as exc:  # isolate: the batch goes on, the error is reported in Swedish below
        return Result(task, False, time.perf_counter() - start, _failure(type(exc).__name__, str(exc)))


def _worker_init() -> None:
    """Pool workers end with their parent and leave Ctrl-C to it."""
    kernels.die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _publish(result: Result, reports: Path) -> str | None:
    """Move one finished report into place (under the report's lock). Returns a failure path or None."""
    t = result.task
    staging = Path(t.staging)
    with folder_lock(reports, name=f".las-{t.kommun}-{t.period}", what=f"en annan körning av {t.kommun} {t.period}"):
        if result.ok:
            target = reports / t.kommun / t.period
            target.parent.mkdir(parents=True, exist_ok=True)
            old = None
            if target.exists():
                old = target.with_name(f".{t.period}.gammal-{uuid.uuid4().hex[:6]}")
                target.rename(old)
            staging.rename(target)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
            shutil.rmtree(reports / "misslyckade" / t.kommun / t.period, ignore_errors=True)
            return None
        return _keep_failed(t, reports)


def _keep_failed(t: Task, reports: Path) -> str:
    """Move a failed report's staging folder to reports/misslyckade/ and say where its executed
    notebook is."""
    staging = Path(t.staging)
    failed = reports / "misslyckade" / t.kommun / t.period
    shutil.rmtree(failed, ignore_errors=True)
    failed.parent.mkdir(parents=True, exist_ok=True)
    if staging.exists():
        staging.rename(failed)
    notebook = failed / "rapport.ipynb"
    return str(notebook) if notebook.exists() else "ingen (felet kom innan notebooken hann köras)"


def _write_log(results: list[Result], reports: Path, seconds: float, workers: int, dask: str | None) -> None:
    entries = [{**{k: v for k, v in asdict(r.task).items() if k in ("kommun", "period")},
                "sekunder": round(r.seconds, 3), "status": "ok" if r.ok else "misslyckades", "fel": r.error}
               for r in results]
    doc = {"skapad": _dt.datetime.now().isoformat(timespec="seconds"), "totalt_sekunder": round(seconds, 3),
           "arbetare": workers, "dask": dask or "", "rapporter": entries}
    write_text(reports / "korlogg.json", json.dumps(doc, indent=1, ensure_ascii=False))


def run_batch(kommun=None, period=None, alla=False, workers=None, dask: str | None = None,
              reports: Path | None = None, notebook_dir: Path | None = None, quiet: bool = False) -> int:
    """The `omsorg kör` command. Returns the exit code."""
    reports = Path(reports or paths.reports_dir())
    workers = validate_workers(workers if workers is not None else min(os.cpu_count() or 1, MAX_WORKERS))
    p = plan(kommun, period, alla, reports)
    nb_dir = str(notebook_dir) if notebook_dir else None
    try:
        p.staging_root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OmsorgError(f"Kan inte skriva i {reports} ({exc.strerror}). Inget har ändrats.") from None
    results: list[Result] = []
    failures: list[tuple[Result, str]] = []
    t0 = time.perf_counter()

    def done(r: Result) -> None:
        results.append(r)
        try:
            where = _publish(r, reports)
        except OSError as exc:
            r.ok, r.error = False, f"kunde inte flytta rapporten på plats: {disk_error(exc, exc.filename or reports)}"
            try:
                where = _keep_failed(r.task, reports)
            except OSError:
                where = "ingen (den kunde inte heller sparas i misslyckade/)"
        if where:
            failures.append((r, where))
        if not quiet:
            status = "klar" if r.ok else "MISSLYCKADES"
            print(f"  {r.task.kommun:<12} {r.task.period}  {r.seconds:5.1f} s  {status}", flush=True)

    if not quiet:
        print(f"Kör {len(p.tasks)} rapporter med {workers} arbetare{' på Dask' if dask else ''} …", flush=True)
    try:
        run_tasks(execute, p.tasks, done, workers=workers, dask=dask, initializer=_worker_init,
                  finish_inline=kernels.shutdown_current, notebook_dir=nb_dir)
    finally:
        shutil.rmtree(p.staging_root, ignore_errors=True)
        with contextlib.suppress(OSError):
            p.staging_root.parent.rmdir()  # only if no other run is using it
    seconds = time.perf_counter() - t0
    ok = sum(r.ok for r in results)
    if failures:
        print("\nMisslyckades (tidigare publicerade rapporter för dessa är orörda):", file=sys.stderr)
        for r, where in failures:
            print(f"  - {r.task.kommun} {r.task.period}: {r.error}\n    Körd notebook med felet: {where}",
                  file=sys.stderr)
    # The reports are published by now: a log or index that cannot be written must not hide that.
    not_written = []
    for what, write in (("körloggen", lambda: _write_log(results, reports, seconds, workers, dask)),
                        ("index", lambda: write_index(reports))):
        try:
            write()
        except (OmsorgError, OSError) as exc:
            not_written.append(f"{what} kunde inte skrivas ({_cause(exc)})")
    if not_written:
        print(f"\n{'; '.join(not_written)}; rapporterna ovan är publicerade ({ok} av {len(results)} klara). "
              "Frigör utrymme eller rätta behörigheten och kör igen för att få en aktuell körlogg och index.",
              file=sys.stderr)
    elif not quiet:
        print(f"{ok} av {len(results)} rapporter klara på {seconds:.1f} s. Öppna {reports / 'index.html'}.")
    if p.not_built:
        left = ", ".join(sorted({t.kommun for t in p.not_built}))
        print(f"\nInte körda: {len(p.not_built)} rapporter för {left} finns inte i den byggda datan (bygget "
              "lämnade ut kommunen; se 'omsorg bygg'). Rätta rådatan och kör 'omsorg bygg' igen.", file=sys.stderr)
    return 1 if failures or p.not_built or not_written else 0


def _cause(exc: Exception) -> str:
    """Why a write failed, without the "Inget har ändrats" of ``disk_error`` (reports were published)."""
    if isinstance(exc, OSError):
        return "disken är full" if exc.errno == errno.ENOSPC else (exc.strerror or type(exc).__name__)
    return str(exc).split(" Inget har ändrats")[0].rstrip(" .–")
