"""SIE at scale: a type 4 file with 1 000 000 #TRANS lines read by ``sie4.read(..., transactions="aggregate")``,
timed and with its peak memory, in a fresh process each (so that the peak is the reader's own).

    .venv/bin/python benchmarks/sie_scale.py            # 1 M #TRANS lines
    .venv/bin/python benchmarks/sie_scale.py --stor      # also the 1,5 GB file (OMSORG_SIE_STOR=1 does the same)

The files are written to a temporary folder and removed afterwards. Called by benchmarks/run.py
(results.json key "sie")."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ONE_MILLION = 1_000_000
LARGE_BYTES = 1_500_000_000
ROWS_PER_VOUCHER = 4          # three cost rows with objects and the balancing bank row
ACCOUNTS = ["4010", "5010", "5610", "6110", "7010", "3410"]
OBJECTS = [f"{n}" for n in range(100, 160)]
PROJECTS = [f"P{n}" for n in range(1, 9)]


def write_file(path: Path, trans_lines: int | None = None, size: int | None = None) -> tuple[int, int]:
    """A valid SIE 4 file with balanced vouchers over a calendar year: (#TRANS lines, bytes)."""
    rng = random.Random(2024)
    head = ["#FLAGGA 0", '#PROGRAM "Omsorgsanalys benchmark" 1.0', "#FORMAT PC8", "#GEN 20250101", "#SIETYP 4",
            '#FNAMN "Benchkommun"', "#RAR 0 20240101 20241231", '#KONTO 1930 "Bank"',
            *[f'#KONTO {a} "Konto {a}"' for a in ACCOUNTS], '#DIM 1 "Ansvar"', '#DIM 6 "Projekt"',
            *[f'#OBJEKT 1 "{o}" "Ansvar {o}"' for o in OBJECTS], *[f'#OBJEKT 6 "{p}" "Projekt {p}"' for p in PROJECTS]]
    n = 0
    with path.open("w", encoding="cp437", newline="\r\n") as f:
        f.write("\n".join(head) + "\n")
        voucher = 0
        while (trans_lines is None or n < trans_lines) and (size is None or f.tell() < size):
            voucher += 1
            day = 1 + voucher % 365
            date = time.strftime("%Y%m%d", time.gmtime(1704067200 + (day - 1) * 86400))
            rows, total = [], 0
            for _ in range(ROWS_PER_VOUCHER - 1):
                amount = rng.randrange(100, 5_000_000)
                total += amount
                rows.append(f'   #TRANS {rng.choice(ACCOUNTS)} {{1 "{rng.choice(OBJECTS)}" 6 "{rng.choice(PROJECTS)}"}} '
                            f"{amount // 100}.{amount % 100:02d}")
            rows.append(f"   #TRANS 1930 {{}} -{total // 100}.{total % 100:02d}")
            f.write(f'#VER A {voucher} {date} "Verifikation {voucher}"\n{{\n' + "\n".join(rows) + "\n}\n")
            n += ROWS_PER_VOUCHER
    return n, path.stat().st_size


MEASURE = """
import json, resource, sys, time
import sie4
t = time.perf_counter()
f = sie4.read(sys.argv[1], transactions="aggregate")
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"sekunder": round(seconds, 2), "topp_minne_mb": round(peak / 2**20, 1),
                  "verifikationer": f.voucher_count, "trans_rader": f.transaction_count,
                  "fel": len(f.errors), "kombinationer": len(f.trans_totals)}))
"""


def measure(path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", MEASURE, str(path)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def run(large: bool = False) -> dict:
    results = {}
    with tempfile.TemporaryDirectory(prefix="sie_scale_") as tmp:
        cases = [("1M_trans", dict(trans_lines=ONE_MILLION))]
        if large:
            cases.append(("1_5GB", dict(size=LARGE_BYTES)))
        for name, spec in cases:
            path = Path(tmp) / f"{name}.se"
            t = time.perf_counter()
            lines, size = write_file(path, **spec)
            written = time.perf_counter() - t
            r = measure(path)
            assert r["trans_rader"] == lines and r["fel"] == 0, r
            results[name] = {"filstorlek_mb": round(size / 2**20, 1), "skrivtid_s": round(written, 1), **r,
                             "rader_per_sekund": round(lines / r["sekunder"])}
            path.unlink()
    return results


def main() -> int:
    large = "--stor" in sys.argv or os.environ.get("OMSORG_SIE_STOR") == "1"
    print(json.dumps(run(large), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
