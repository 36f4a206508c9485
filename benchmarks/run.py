"""`make bench`: everything measured in one run on this machine, written to benchmarks/results.json.

- The floor per report: the same helpers producing the same outputs without a notebook (the
  notebook's cell expressions evaluated in plain Python: every table, chart and sentence rendered,
  every export written). The notebook path: papermill on a warm kernel plus the two HTML exports.
  Interleaved in three rounds; the ratio is per report.
- The floor notebook (pandas + matplotlib, one chart, no seaborn) through the same engine and export.
- The whole batch with 1 and 2 worker processes and on a local Dask cluster.
- Scale: bygg with 50 000 and 100 000 economy rows (linear?), 1 M volume rows (peak memory), and
  290 synthetic municipalities with whole reports for a sample, projected to 290 × 12 on 32 cores.
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

import scale  # noqa: E402  (benchmarks/scale.py, beside this file)

from helpers.app.context import ReportContext  # noqa: E402
from helpers.batch import kernels  # noqa: E402
from helpers.batch.build import build  # noqa: E402
from helpers.batch.runner import Task, execute, run_batch  # noqa: E402
from helpers.core import paths  # noqa: E402

REPORTS = [("sodertalje", "2017-08"), ("lomma", "2017-08"), ("nacka", "2017-10"), ("botkyrka", "2017-08"),
           ("exempel", "2017-08"), ("exempel", "2017-12")]
ROUNDS = 5


def cell_calls(notebook: Path) -> list[str]:
    """The `ctx.<part>()` calls of the report notebook, in order (the cells the notebook shows)."""
    nb = nbformat.read(str(notebook), as_version=4)
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code" or set(cell.metadata.get("tags", [])) & {"parameters", "export"}:
            continue
        tree = ast.parse(cell.source)
        last = tree.body[-1] if tree.body else None
        if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call) and \
                isinstance(last.value.func, ast.Attribute) and getattr(last.value.func.value, "id", "") == "ctx":
            out.append(last.value.func.attr)
    return out


def plain_report(kommun: str, period: str, out: Path, calls: list[str]) -> int:
    """The floor: the report's parts rendered and its exports written, in plain Python."""
    ctx = ReportContext(kommun, period)
    html = "".join(getattr(ctx, name)()._repr_html_() for name in calls)
    ctx.exportera(out)
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
            "total_kvot": round(total_n / total_f, 3), "mal_kvot": 1.5}


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
    raw = tmp / "vol"
    for i in range(300):
        scale.write_kommun(raw, i, groups=1, per_group=2, series=72)
    out["volymer_1M"] = build_subprocess(raw, tmp / "vol-p")
    shutil.rmtree(raw, ignore_errors=True)
    # 290 synthetic municipalities: build, then whole reports for a sample.
    raw290 = tmp / "k290"
    for i in range(290):
        scale.write_kommun(raw290, i)
    processed = tmp / "k290-p"
    out["k290_bygg"] = build_subprocess(raw290, processed)
    sample = [f"k{i:04d}" for i in range(0, 290, 29)]
    env = {"OMSORG_RAW": str(raw290), "OMSORG_PROCESSED": str(processed)}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        kernels.current().acquire()
        calls = cell_calls(ROOT / "notebooks" / "01_rapport.ipynb")
        # A worker's first report on a new kernel also pays for imports the warm-up does not do; a
        # kernel serves RECYCLE_AFTER reports, so that cost is spread over them below.
        first = timed(notebook_report, sample[0], "2017-08", _fresh(tmp / "s-forsta"))
        floor, nb = [], []
        for k in sample:  # interleaved, like the per-report comparison
            floor.append(timed(plain_report, k, "2017-08", _fresh(tmp / f"s-golv-{k}"), calls))
            nb.append(timed(notebook_report, k, "2017-08", _fresh(tmp / f"s-nb-{k}")))
        kernels.shutdown_current()
    finally:
        for k, v in old.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    steady = statistics.median(nb)
    per = steady + max(0.0, first - steady) / kernels.RECYCLE_AFTER
    reports = 290 * 12
    minutes = reports * per / 32 / 60
    out["k290_rapporter"] = {"urval": len(sample), "golv_s": round(statistics.median(floor), 3),
                             "notebook_s": round(steady, 3), "forsta_rapporten_s": round(first, 3),
                             "per_rapport_s": round(per, 3), "kvot": round(steady / statistics.median(floor), 3),
                             "notebook_min_max_s": [round(min(nb), 3), round(max(nb), 3)],
                             "rapporter_290x12": reports, "karnsekunder": round(reports * per),
                             "minuter_32_karnor": round(minutes, 1), "mal_minuter": 5}
    return out


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
        results.update(batches(tmp))
        results["skala"] = scale_runs(tmp)
    (HERE / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    pr = results["per_rapport"]
    k = results["skala"]["k290_rapporter"]
    print(f"Golvnotebook: {results['golvnotebook_s']} s. Per rapport: notebook/golv högst {pr['max_kvot']} "
          f"(totalt {pr['total_kvot']}; mål ≤ 1,5).")
    print(f"Batch: 1 arbetare {min(results['batch_1_arbetare_s'])} s, 2 arbetare {min(results['batch_2_arbetare_s'])} s, "
          f"uppsnabbning {results['speedup_2_workers']} (mål ≥ 1,8); Dask lokal {results['batch_dask_lokal_2_s']} s.")
    s = results["skala"]
    print(f"Bygg 100 000 ekonomirader: {s['ekonomi_98k']['sekunder']} s (mål < 60 s); linjaritet {s['ekonomi_linjaritet']}. "
          f"1 M volymrader: topp {s['volymer_1M']['topp_minne_mb']} MB (mål < 2 000 MB).")
    print(f"290 × 12 rapporter: {k['per_rapport_s']} s per rapport (median {k['notebook_s']} s, golvet {k['golv_s']} s) → "
          f"{k['minuter_32_karnor']} minuter på 32 kärnor (mål < 5).")
    print(f"Allt i {HERE / 'results.json'}.")


if __name__ == "__main__":
    paths.project_root()
    main()
