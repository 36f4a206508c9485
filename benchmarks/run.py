"""`make bench`: everything measured in one run on this machine, written to benchmarks/results.json.

- The floor per report: the same helpers producing the same outputs without a notebook (the
  notebook's cell expressions evaluated in plain Python: every table, chart and sentence rendered,
  every export written). The notebook path: papermill on a warm kernel plus the two HTML exports.
  Interleaved in three rounds; the ratio is per report.
- The floor notebook (pandas + matplotlib, one chart, no seaborn) through the same engine and export.
- The whole batch with 1 and 2 worker processes and on a local Dask cluster.
- Scale: bygg with 50 000 and 100 000 economy rows in one municipality (linear?) and 1 M volume rows
  (peak memory).
- The monthly projection: municipalities shaped like the example (12 SIE months, forecasts, volumes
  2014–2017) built and reported here, projected to 290 × 12 on 32 cores, bygg included.
Timings are noisy: compare ratios within one run."""
from __future__ import annotations

import ast
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import charts as chart_profile  # noqa: E402  (benchmarks/charts.py: each chart against matplotlib's own cost)
import monthly  # noqa: E402  (benchmarks/monthly.py, beside this file)
import scale  # noqa: E402  (benchmarks/scale.py, beside this file)
import sie_scale  # noqa: E402  (benchmarks/sie_scale.py: the SIE reader at 1 M #TRANS lines)

from helpers.app.report import export, open_report  # noqa: E402
from helpers.batch import kernels  # noqa: E402
from helpers.batch.build import build  # noqa: E402
from helpers.batch.runner import Task, execute, run_batch  # noqa: E402
from helpers.core import paths  # noqa: E402
from helpers.present import economy, forecast, kolada, quality, sources, summary, volumes  # noqa: E402

SECTIONS = {m.__name__.rsplit(".", 1)[-1]: m for m in (economy, forecast, kolada, quality, sources, summary, volumes)}

REPORTS = [("sodertalje", "2017-08"), ("lomma", "2017-08"), ("nacka", "2017-10"), ("botkyrka", "2017-08"),
           ("exempel", "2017-08"), ("exempel", "2017-12")]
ROUNDS = 5


def cell_calls(notebook: Path) -> list[str]:
    """The expressions the report notebook's cells end with (the parts it shows), in order."""
    nb = nbformat.read(str(notebook), as_version=4)
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code" or set(cell.metadata.get("tags", [])) & {"parameters", "export"}:
            continue
        tree = ast.parse(cell.source)
        last = tree.body[-1] if tree.body else None
        if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
            out.append(ast.unparse(last.value))
    return out


def plain_report(kommun: str, period: str, out: Path, calls: list[str]) -> int:
    """The floor: the report's parts rendered and its exports written, in plain Python (the same
    expressions as the notebook's cells)."""
    data = open_report(kommun, period)
    names = {**SECTIONS, "data": data, "kommun": kommun}
    html = "".join(eval(call, names)._repr_html_() for call in calls)  # noqa: S307 – the project's own notebook
    export(data, out)
    (out / "rapport.html").write_text(html, encoding="utf-8")
    return len(html)


def notebook_report(kommun: str, period: str, out: Path) -> bool:
    result = execute(Task(kommun, period, str(out), f"{kommun} {period}"))
    # The kernel clears its namespace after a report while this process exports HTML; wait for that
    # too, so that the reset is counted here and never runs for free beside the next floor report.
    kernels.current().run("pass")
    return result.ok


def timed(fn, *args) -> float:
    gc.collect()  # neither side pays for the garbage of the one before
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def floor_notebook(tmp: Path) -> float:
    """A notebook that imports pandas and matplotlib and draws one chart, run and exported like a report."""
    folder = tmp / "golv"
    folder.mkdir()
    cells = [nbformat.v4.new_code_cell('kommun = "x"\nperiod = "2017-08"\nutdata = ""'),
             nbformat.v4.new_code_cell("import pandas as pd\nimport matplotlib.pyplot as plt\n"
                                       "fig, ax = plt.subplots()\nax.plot(pd.Series([1, 3, 2]))\nfig")]
    cells[0].metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": kernels.kernel_name(),
                                                                         "display_name": "k", "language": "python"}})
    nbformat.write(nb, str(folder / "golv.ipynb"))
    times = []
    for i in range(ROUNDS):
        task = Task("x", "2017-08", str(tmp / f"golv-{i}"), "golv", notebook="golv.ipynb")
        t = time.perf_counter()
        execute(task, str(folder))
        times.append(time.perf_counter() - t)
    return min(times)


def per_report(tmp: Path) -> dict:
    calls = cell_calls(ROOT / "notebooks" / "01_rapport.ipynb")
    floor: dict[str, list[float]] = {f"{k} {p}": [] for k, p in REPORTS}
    notebook: dict[str, list[float]] = {f"{k} {p}": [] for k, p in REPORTS}
    kernels.current().acquire()  # start the worker's kernel once, as a pool worker does
    for r in range(ROUNDS):
        for k, p in REPORTS:
            key = f"{k} {p}"
            floor[key].append(timed(plain_report, k, p, _fresh(tmp / f"golv-{r}-{k}-{p}"), calls))
            notebook[key].append(timed(notebook_report, k, p, _fresh(tmp / f"nb-{r}-{k}-{p}")))
    kernels.shutdown_current()
    rows = {}
    for key in floor:
        f, n = statistics.median(floor[key]), statistics.median(notebook[key])
        rows[key] = {"golv_s": round(f, 3), "notebook_s": round(n, 3), "kvot": round(n / f, 3)}
    total_f = sum(statistics.median(v) for v in floor.values())
    total_n = sum(statistics.median(v) for v in notebook.values())
    return {"rapporter": rows, "max_kvot": max(r["kvot"] for r in rows.values()),
            "total_kvot": round(total_n / total_f, 3), "mal_kvot": 1.3, "mal_total_kvot": 1.15}


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def batches(tmp: Path) -> dict:
    out = {}
    for label, workers, dask in (("1", 1, None), ("2", 2, None), ("1", 1, None), ("2", 2, None)):
        t = time.perf_counter()
        code = run_batch(alla=True, workers=workers, dask=dask, reports=tmp / f"batch-{label}", quiet=True)
        out.setdefault(f"batch_{label}_arbetare_s", []).append(round(time.perf_counter() - t, 2))
        assert code == 0
    t = time.perf_counter()
    run_batch(alla=True, workers=2, dask="lokal", reports=tmp / "batch-dask", quiet=True)
    out["batch_dask_lokal_2_s"] = round(time.perf_counter() - t, 2)
    one, two = min(out["batch_1_arbetare_s"]), min(out["batch_2_arbetare_s"])
    out["speedup_2_workers"] = round(one / two, 2)
    out["mal_speedup"] = 1.8
    return out


def build_subprocess(raw: Path, processed: Path) -> dict:
    run = subprocess.run([sys.executable, str(HERE / "scale.py"), "bygg", str(raw), str(processed)],
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout.strip().splitlines()[-1])


def scale_runs(tmp: Path) -> dict:
    out = {}
    for groups in (200, 400):  # 50 000 and 100 000 economy rows in one municipality
        raw = tmp / f"eko-{groups}"
        scale.write_kommun(raw, 1, groups=groups, per_group=40, series=0)
        out[f"ekonomi_{groups * 41 * 6 // 1000}k"] = build_subprocess(raw, tmp / f"eko-{groups}-p")
    a, b = out["ekonomi_49k"], out["ekonomi_98k"]
    out["ekonomi_linjaritet"] = round((b["sekunder"] / a["sekunder"]) / (b["tidy_rader"] / a["tidy_rader"]), 2)
    raw = tmp / "vol"  # one municipality, one volume table: 23 000 series × (3 × 12 + 8) months ≈ 1 012 000 values
    scale.write_kommun(raw, 1, groups=1, per_group=2, series=23_000)
    out["volymer_1M"] = build_subprocess(raw, tmp / "vol-p")
    shutil.rmtree(raw, ignore_errors=True)
    return out


MONTHLY_SAMPLE = 4    # example-shaped municipalities built in the benchmark (on this machine's 2 cores)


def monthly_projection(tmp: Path) -> dict:
    """290 municipalities × 12 months on 32 cores, from municipalities shaped like the example (12 SIE
    months, forecasts, volumes 2014–2017): bygg measured per municipality, each of a year's 12 reports
    measured in the notebook and as the plain floor (interleaved, medians)."""
    raw = tmp / "manad"
    ids = monthly.write_exempel_copies(raw, MONTHLY_SAMPLE)
    processed = tmp / "manad-p"
    t = time.perf_counter()
    r = build(raw=raw, processed=processed, workers=2)
    wall = time.perf_counter() - t
    assert not r.left_out, [k.error or k.problems for k in r.left_out]
    task_s = [k.seconds for k in r.kommuner]
    per_kommun = statistics.median(task_s)
    serial = max(0.0, wall - sum(task_s) / 2)   # what does not run in parallel: start, gathering, publishing
    env = {"OMSORG_RAW": str(raw), "OMSORG_PROCESSED": str(processed)}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    periods = [f"2017-{m:02d}" for m in range(1, 13)]
    try:
        kernels.current().acquire()
        calls = cell_calls(ROOT / "notebooks" / "01_rapport.ipynb")
        # A worker's first report on a new kernel also pays for imports the warm-up does not do; a
        # kernel serves RECYCLE_AFTER reports, so that cost is spread over them below.
        first = timed(notebook_report, ids[0], periods[-1], _fresh(tmp / "m-forsta"))
        floor, nb = {}, {}
        for _ in range(2):
            for p in periods:  # interleaved: floor and notebook see the same machine state
                floor.setdefault(p, []).append(timed(plain_report, ids[1], p, _fresh(tmp / f"m-golv-{p}"), calls))
                nb.setdefault(p, []).append(timed(notebook_report, ids[1], p, _fresh(tmp / f"m-nb-{p}")))
        kernels.shutdown_current()
    finally:
        for k, v in old.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    f_med = {p: statistics.median(v) for p, v in floor.items()}
    n_med = {p: statistics.median(v) for p, v in nb.items()}
    steady = statistics.median(n_med.values())
    per = steady + max(0.0, first - steady) / kernels.RECYCLE_AFTER
    reports = 290 * 12
    bygg_min = (290 * per_kommun / 32 + serial * 290 / len(ids)) / 60
    report_min = reports * per / 32 / 60
    return {"kommuner_byggda": len(ids), "bygg_vagg_s": round(wall, 2), "bygg_per_kommun_s": round(per_kommun, 2),
            "bygg_seriellt_s": round(serial, 2), "rapport_median_s": round(steady, 3),
            "forsta_rapporten_s": round(first, 3), "per_rapport_s": round(per, 3),
            "kvot_per_period": {p: round(n_med[p] / f_med[p], 3) for p in periods},
            "max_kvot": round(max(n_med[p] / f_med[p] for p in periods), 3),
            "total_kvot": round(sum(n_med.values()) / sum(f_med.values()), 3),
            "rapporter_290x12": reports, "bygg_minuter_32_karnor": round(bygg_min, 2),
            "rapporter_minuter_32_karnor": round(report_min, 2),
            "minuter_32_karnor": round(bygg_min + report_min, 1), "mal_minuter": 5}


def main() -> None:
    results: dict = {"maskin": {"karnor": os.cpu_count()}, "datum": time.strftime("%Y-%m-%d %H:%M")}
    with tempfile.TemporaryDirectory() as tmp_:
        tmp = Path(tmp_)
        processed = tmp / "processed"
        os.environ["OMSORG_PROCESSED"] = str(processed)
        t = time.perf_counter()
        build(processed=processed)
        results["bygg_s"] = round(time.perf_counter() - t, 2)
        results["golvnotebook_s"] = round(floor_notebook(tmp), 3)
        results["per_rapport"] = per_report(tmp)
        results["diagram"] = chart_profile.main()
        results.update(batches(tmp))
        results["skala"] = scale_runs(tmp)
        results["manadsprojektion"] = monthly_projection(tmp)
    results["sie"] = sie_scale.run(large=os.environ.get("OMSORG_SIE_STOR") == "1")
    (HERE / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    pr = results["per_rapport"]
    k = results["manadsprojektion"]
    print(f"Golvnotebook: {results['golvnotebook_s']} s. Per rapport: notebook/golv högst {pr['max_kvot']} "
          f"(totalt {pr['total_kvot']}; mål ≤ 1,3 och totalt ≤ 1,15).")
    print(f"Batch: 1 arbetare {min(results['batch_1_arbetare_s'])} s, 2 arbetare {min(results['batch_2_arbetare_s'])} s, "
          f"uppsnabbning {results['speedup_2_workers']} (mål ≥ 1,8); Dask lokal {results['batch_dask_lokal_2_s']} s.")
    s = results["skala"]
    print(f"Bygg 100 000 ekonomirader: {s['ekonomi_98k']['sekunder']} s (mål < 60 s); linjaritet {s['ekonomi_linjaritet']}. "
          f"1 M volymvärden i en tabell: {s['volymer_1M']['sekunder']} s, topp {s['volymer_1M']['topp_minne_mb']} MB "
          "(mål < 2 000 MB).")
    print(f"290 × 12 månadsrapporter (kommuner formade som exempel): bygg {k['bygg_per_kommun_s']} s per kommun, "
          f"{k['per_rapport_s']} s per rapport (notebook/golv högst {k['max_kvot']}, totalt {k['total_kvot']}) → "
          f"{k['minuter_32_karnor']} minuter på 32 kärnor med bygget (mål < 5).")
    for name, r in results["sie"].items():
        print(f"SIE {name} ({r['filstorlek_mb']} MB, {r['trans_rader']} #TRANS): läst på {r['sekunder']} s "
              f"(mål < 60 s för 1 M), topp {r['topp_minne_mb']} MB.")
    print(f"Allt i {HERE / 'results.json'}.")


if __name__ == "__main__":
    paths.project_root()
    main()
