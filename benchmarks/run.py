"""`make bench`: where the time goes, measured as ratios in one run on this machine."""
from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

import nbformat
from helpers.export import notebook_to_html
from helpers.runner import kernel_name, run_batch

HERE = Path(__file__).parent


def floor_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    p = nbformat.v4.new_code_cell('kommun = "lomma"\nperiod = "2017-08"\nutdata = ""')
    p.metadata["tags"] = ["parameters"]
    nb.cells = [p, nbformat.v4.new_code_cell(
        "import pandas as pd, matplotlib.pyplot as plt, seaborn as sns\n"
        "fig, ax = plt.subplots(); ax.plot([1, 2, 3]); plt.show()")]
    nb.metadata["kernelspec"] = {"name": kernel_name(), "display_name": "k", "language": "python"}
    nbformat.write(nb, path)


def subprocess_seconds(code: str) -> float:
    import subprocess
    import sys

    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - t


def breakdown(work: Path) -> dict:
    """Where a notebook's time goes: kernel start, imports, data loading, charts, export."""
    import papermill as pm
    from helpers.context import open_run

    from helpers import report

    empty = work / "tom.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("pass")]
    nb.metadata["kernelspec"] = {"name": kernel_name(), "display_name": "k", "language": "python"}
    nbformat.write(nb, empty)
    kernel = min(timed(lambda: pm.execute_notebook(str(empty), str(work / "tom_ut.ipynb"), kernel_name=kernel_name(),
                                                   progress_bar=False)) for _ in range(2))
    python = min(subprocess_seconds("pass") for _ in range(3))
    floor_imports = min(subprocess_seconds("import pandas, matplotlib.pyplot, seaborn") for _ in range(3)) - python
    helper_imports = min(subprocess_seconds("import helpers.sections, helpers.report") for _ in range(3)) - python
    load = min(timed(lambda: open_run("sodertalje", "2017-08")) for _ in range(3))
    run = open_run("sodertalje", "2017-08")
    report_s = timed(lambda: report.build_report(run))
    run = open_run("sodertalje", "2017-08")
    from helpers import sections
    charts_s = timed(lambda: sections.volume_sections(run))
    executed = next((work / "r1").glob("sodertalje/*/03_namndrapport.ipynb"))
    export = min(timed(lambda: notebook_to_html(executed, work / "x.html")) for _ in range(3))
    return {"karnstart_s": round(kernel, 2), "import_golv_s": round(floor_imports, 2),
            "import_helpers_s": round(helper_imports, 2), "datainlasning_s": round(load, 3),
            "sodertalje_rapport_s": round(report_s, 2), "sodertalje_volymdiagram_s": round(charts_s, 2),
            "html_export_s": round(export, 2)}


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    import papermill as pm

    work = Path(tempfile.mkdtemp(prefix="omsorg-bench-"))
    floor_nb = work / "00_golv.ipynb"
    floor_notebook(floor_nb)

    def run_floor():
        pm.execute_notebook(str(floor_nb), str(work / "out.ipynb"), kernel_name=kernel_name(), progress_bar=False)
        notebook_to_html(work / "out.ipynb", work / "out.html")

    run_floor()  # warm caches
    floor = min(timed(run_floor) for _ in range(3))
    per_task = {}
    t1 = timed(lambda: run_batch(alla=True, workers=1, reports=work / "r1", quiet=True))
    t2 = timed(lambda: run_batch(alla=True, workers=2, reports=work / "r2", quiet=True))
    td = timed(lambda: run_batch(alla=True, workers=2, dask="lokal", reports=work / "r3", quiet=True))
    log = json.loads((work / "r1" / "korlogg.json").read_text(encoding="utf-8"))
    for e in log["uppgifter"]:  # execution and export, measured the same way as the floor
        per_task[f"{e['kommun']} {e['period']} {Path(e['notebook']).stem}"] = e["sekunder"]
    worst = max(v for v in per_task.values() if v)
    parts = breakdown(work)
    import subprocess
    import sys

    scale = json.loads(subprocess.run([sys.executable, str(HERE / "scale.py"), "290"], check=True,
                                      capture_output=True, text=True).stdout)
    results = {
        "golv_sekunder": round(floor, 2),
        "notebook_sekunder": {k: round(v, 2) for k, v in per_task.items() if v},
        "max_ratio_to_floor": round(worst / floor, 2),
        "batch_1_arbetare_s": round(t1, 2), "batch_2_arbetare_s": round(t2, 2), "batch_dask_lokal_2_s": round(td, 2),
        "speedup_2_workers": round(t1 / t2, 2), "speedup_dask_2_workers": round(t1 / td, 2),
        "mal": {"max_ratio_to_floor": 1.25, "speedup_2_workers": 1.8},
        "var_tiden_gar": parts,
        "skalkorning": scale,
    }
    (HERE / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(results, indent=2, ensure_ascii=False))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
