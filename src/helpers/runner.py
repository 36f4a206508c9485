"""Batch execution of the parameterised notebooks: papermill per (kommun, period, notebook),
in parallel processes or on Dask, each (kommun, period) built in a staging folder and moved into
place only when all its notebooks succeeded."""
from __future__ import annotations

import os
import shutil
import sys
import time
import traceback
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .errors import ParameterError
from .metadata import available_periods, list_kommuner, load_metadata, parse_period, validate_kommun_id


@dataclass(frozen=True)
class Task:
    kommun: str
    period: str
    notebook: str  # file name in notebooks/
    staging: str   # folder the outputs go to


@dataclass
class Result:
    task: Task
    ok: bool
    seconds: float
    error: str = ""
    executed: str = ""


@dataclass
class Plan:
    tasks: list[Task] = field(default_factory=list)
    groups: dict[tuple[str, str], Path] = field(default_factory=dict)


def batch_notebooks(selection: list[str] | None = None, folder: Path | None = None) -> list[str]:
    """The report notebooks (NN_*.ipynb, NN ≥ 01) in order, optionally filtered by prefix or name."""
    folder = folder or paths.notebooks_dir()
    names = sorted(p.name for p in folder.glob("[0-9][0-9]_*.ipynb") if not p.name.startswith("00_"))
    if selection:
        chosen = [n for n in names if any(n == s or n.startswith(s) or n.startswith(f"{s}_") for s in selection)]
        unknown = [s for s in selection if not any(n == s or n.startswith(s) for n in names)]
        if unknown:
            raise ParameterError(f"Okänd notebook: {', '.join(unknown)}. Finns: {', '.join(names)}.")
        return chosen
    return names


def plan(kommun: str | None, period: str | None, alla: bool, notebooks: list[str] | None,
         reports: Path | None = None, notebook_dir: Path | None = None) -> Plan:
    """Validate every parameter before anything executes and list the tasks."""
    reports = reports or paths.reports_dir()
    if alla:
        pairs = [(k, p) for k in list_kommuner() for p in available_periods(load_metadata(k))]
    else:
        kommuner = [kommun] if isinstance(kommun, str) else list(kommun or [])
        if not kommuner:
            raise ParameterError("Ange --kommun (och gärna --period), eller --alla.")
        if period is not None:
            parse_period(period)
        pairs = []
        for k in kommuner:
            validate_kommun_id(k)
            meta = load_metadata(k)
            periods = available_periods(meta)
            if period is not None and period not in periods:
                periods = periods + volume_periods(k)
            if period is not None and period not in periods:
                raise ParameterError(
                    f"Perioden {period} finns inte i datan för {meta.namn}. Rapportperiod: {meta.period}"
                    + (f"; volymer finns för {periods[1]}–{periods[-1]}." if len(periods) > 1 else ".")
                )
            pairs += [(k, p) for p in ([period] if period else periods)]
    names = batch_notebooks(notebooks, notebook_dir)
    out = Plan()
    run_id = uuid.uuid4().hex[:8]
    for k, p in pairs:
        staging = reports / ".bygge" / f"{k}-{p}-{run_id}"
        out.groups[(k, p)] = staging
        out.tasks += [Task(k, p, n, str(staging)) for n in names]
    return out


def volume_periods(kommun: str) -> list[str]:
    """Months with volume data: a volume report can be run for any of them (e.g. 2016-12)."""
    from .context import volume_months
    from .load import read_processed

    try:
        tidy = read_processed()
    except FileNotFoundError:
        return []
    return volume_months(tidy[tidy["kommun"] == kommun])


def kernel_name() -> str:
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    return "omsorgsanalys" if "omsorgsanalys" in specs else "python3"


def execute(task: Task, notebook_dir: str | None = None) -> Result:
    """Run one notebook with papermill and export its HTML (no code). Never raises."""
    import papermill as pm

    from .export import notebook_to_html

    start = time.perf_counter()
    staging = Path(task.staging)
    staging.mkdir(parents=True, exist_ok=True)
    src = Path(notebook_dir or paths.notebooks_dir()) / task.notebook
    out_nb = staging / task.notebook
    try:
        pm.execute_notebook(
            str(src), str(out_nb), parameters={"kommun": task.kommun, "period": task.period, "utdata": str(staging.resolve())},
            kernel_name=kernel_name(), progress_bar=False, log_output=False, cwd=str(src.parent),
        )
        notebook_to_html(out_nb, staging / (out_nb.stem + ".html"))
        return Result(task, True, time.perf_counter() - start, executed=str(out_nb))
    except Exception as exc:  # isolate: the batch goes on
        msg = getattr(exc, "ename", type(exc).__name__)
        evalue = getattr(exc, "evalue", str(exc))
        return Result(task, False, time.perf_counter() - start, error=f"{msg}: {evalue}".strip()[:500],
                      executed=str(out_nb))


def _finalise(plan_: Plan, results: list[Result], reports: Path) -> list[tuple[str, str, str]]:
    """Move each fully successful group into reports/<kommun>/<period>/; keep failures aside."""
    failed_groups = []
    by_group: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        by_group.setdefault((r.task.kommun, r.task.period), []).append(r)
    for (k, p), staging in plan_.groups.items():
        rs = by_group.get((k, p), [])
        if rs and all(r.ok for r in rs):
            target = reports / k / p
            target.parent.mkdir(parents=True, exist_ok=True)
            old = None
            if target.exists():
                # Keep what this run did not produce (e.g. other notebooks' outputs when only
                # some notebooks were chosen), then swap the folders.
                for item in target.iterdir():
                    if not (staging / item.name).exists():
                        (shutil.copytree if item.is_dir() else shutil.copy2)(item, staging / item.name)
                old = target.with_name(f".{p}.gammal-{uuid.uuid4().hex[:6]}")
                target.rename(old)
            staging.rename(target)
            if old:
                shutil.rmtree(old, ignore_errors=True)
        else:
            failed = reports / "misslyckade" / k / p
            if failed.exists():
                shutil.rmtree(failed)
            failed.parent.mkdir(parents=True, exist_ok=True)
            if staging.exists():
                staging.rename(failed)
            for r in rs:
                if not r.ok:
                    failed_groups.append((f"{k} {p} {r.task.notebook}", r.error, str(failed / r.task.notebook)))
    shutil.rmtree(reports / ".bygge", ignore_errors=True)
    return failed_groups


def _write_log(results: list[Result], reports: Path, total: float, workers: int, dask) -> None:
    """reports/korlogg.json: one entry per task (the batch's log)."""
    import json

    entries = [{"kommun": r.task.kommun, "period": r.task.period, "notebook": r.task.notebook,
                "sekunder": round(r.seconds, 3), "status": "ok" if r.ok else "misslyckades", "fel": r.error}
               for r in results]
    doc = {"totalt_sekunder": round(total, 3), "arbetare": workers, "dask": dask or "", "uppgifter": entries}
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "korlogg.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")


def run_batch(kommun=None, period=None, alla=False, notebooks=None, workers=None, dask=None,
              reports: Path | None = None, notebook_dir: Path | None = None, quiet: bool = False) -> int:
    """The `omsorg kör` command. Returns the exit code."""
    from tqdm import tqdm

    reports = Path(reports or paths.reports_dir())
    p = plan(kommun, period, alla, notebooks, reports, notebook_dir)
    workers = max(1, int(workers or os.cpu_count() or 1))
    nb_dir = str(notebook_dir) if notebook_dir else None
    results: list[Result] = []
    bar = tqdm(total=len(p.tasks), desc="Kör notebookar", unit="st", file=sys.stderr, disable=quiet)

    def log(r: Result) -> None:
        status = "ok" if r.ok else "MISSLYCKADES"
        line = f"{r.task.kommun:<11} {r.task.period} {r.task.notebook:<26} {r.seconds:6.1f} s  {status}"
        (bar.write(line) if not quiet else None)
        results.append(r)
        bar.update(1)

    t0 = time.perf_counter()
    if dask:
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None) if dask == "lokal" else None
        client = Client(cluster) if cluster else Client(dask)
        try:
            futures = client.map(execute, p.tasks, notebook_dir=nb_dir, pure=False)
            from distributed import as_completed as dask_completed

            for f in dask_completed(futures):
                log(f.result())
        finally:
            client.close()
            if cluster:
                cluster.close()
    elif workers == 1:
        for t in p.tasks:
            log(execute(t, nb_dir))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futs = [pool.submit(execute, t, nb_dir) for t in p.tasks]
            for f in as_completed(futs):
                log(f.result())
    bar.close()
    failed = _finalise(p, results, reports)
    _write_log(results, reports, time.perf_counter() - t0, workers, dask)
    try:
        from .report import write_index

        write_index(reports)
    except Exception:  # the index is a convenience; never hide the batch result behind it
        if not quiet:
            traceback.print_exc()
    total = time.perf_counter() - t0
    if not quiet:
        print(f"{len(results) - len(failed)} av {len(results)} notebookar klara på {total:.1f} s "
              f"({workers} arbetare{', Dask' if dask else ''}).")
    if failed:
        print("\nMisslyckades (tidigare publicerade rapporter för dessa är orörda):", file=sys.stderr)
        for what, err, where in failed:
            print(f"  - {what}: {err}\n    Körd notebook med felet: {where}", file=sys.stderr)
        return 1
    return 0
