"""Synthetic scale run: N municipalities × 4 years × 12 months × 30 volume series through the
helpers' loading and validation, volume checks and same-period aggregation. Prints JSON with the
time of each step and the peak memory of this process."""
from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

MONTHS = ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]


def write_raw(root: Path, n_kommuner: int, n_series: int = 30, years=(2014, 2015, 2016, 2017)) -> int:
    rng = np.random.default_rng(290)
    values = 0
    for k in range(n_kommuner):
        kid = f"k{k:03d}"
        folder = root / kid
        folder.mkdir(parents=True)
        lines = ["serie;rad;regi;slag;ar;enhet;" + ";".join(MONTHS) + ";Ack aug"]
        for s in range(n_series):
            level = rng.uniform(50, 20000)
            unit = "timmar" if s % 2 == 0 else "beslut"
            for y in years:
                months = np.round(level * (1 + 0.05 * rng.standard_normal(12))).astype(int)
                cells = [f"{v:,}".replace(",", " ") for v in months]
                lines.append(f"Serie {s};Utfall {y};;utfall;{y};{unit};" + ";".join(cells) + f";{months[:8].sum()}")
                values += 13
        (folder / "volymer.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (folder / "metadata.toml").write_text(
            f'id = "{kid}"\nnamn = "Kommun {k}"\nkommunkod = "{k:04d}"\nnamnder = ["Socialnämnden"]\n'
            'period = "2017-08"\nrapporttyp = "Syntetisk"\nrapportdatum = "2017-08-31"\nkostnadstecken = "minus"\n\n'
            '[[tabell]]\nid = "volymer"\nfil = "volymer.csv"\ndataset = "volymer"\nkalla = "syntetisk"\n'
            'rubrik = "syntetisk"\nenhet = "timmar"\n[tabell.kolumner]\n"Ack aug" = { matt = "ack", till_manad = 8 }\n',
            encoding="utf-8")
    return values


def main(n: int) -> dict:
    from helpers.load import load_all
    from helpers.volumes import same_period_table, series_frame, volume_findings

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t = time.perf_counter()
        cells = write_raw(root, n)
        t_write = time.perf_counter() - t
        t = time.perf_counter()
        tidy, _ = load_all(root)
        t_load = time.perf_counter() - t
    t = time.perf_counter()
    n_findings = 0
    for _, part in tidy.groupby("kommun"):
        n_findings += len(volume_findings(part))
    t_checks = time.perf_counter() - t
    t = time.perf_counter()
    rows = 0
    for _, part in tidy.groupby("kommun"):
        rows += len(same_period_table(series_frame(part), 2017, 8))
    t_agg = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"kommuner": n, "serier_per_kommun": 30, "ar": 4, "varden": cells, "tidy_rader": len(tidy),
            "skriva_csv_s": round(t_write, 2), "lasa_och_validera_s": round(t_load, 2),
            "kontroller_s": round(t_checks, 2), "fynd": n_findings, "aggregering_s": round(t_agg, 2),
            "jamforelserader": rows, "topp_minne_mb": round(peak_mb, 1)}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]) if len(sys.argv) > 1 else 290), ensure_ascii=False))
