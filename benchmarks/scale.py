"""Synthetic municipalities for scale runs: write data/raw folders of any size, build them, and run
whole reports (charts and HTML) for a sample. Each function returns plain numbers; run.py calls them
(some in a subprocess, to measure peak memory) and writes results.json."""
from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

from helpers.batch.build import build

MONTHS = ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]
ECONOMY_COLUMNS = ["Budget perioden", "Utfall perioden", "Avvikelse perioden", "Helårsbudget", "Prognos helår",
                   "Prognosavvikelse"]
META_COLUMNS = """\
"Budget perioden" = { matt = "netto", slag = "budget", omfattning = "period", ar = 2017 }
"Utfall perioden" = { matt = "netto", slag = "utfall", omfattning = "period", ar = 2017 }
"Avvikelse perioden" = { matt = "avvikelse", omfattning = "period", ar = 2017 }
"Helårsbudget" = { matt = "netto", slag = "budget", omfattning = "helar", ar = 2017 }
"Prognos helår" = { matt = "netto", slag = "prognos", omfattning = "helar", ar = 2017 }
"Prognosavvikelse" = { matt = "avvikelse", omfattning = "helar", ar = 2017 }
"""


def _num(v: int) -> str:
    return f"{v:,}".replace(",", " ").replace("-", "\u2212")


def economy_lines(rng, groups: int, per_group: int) -> list[str]:
    """A grouped economy table: rubrik rows, posts, a summa per group and a total; consistent figures."""
    lines = ["verksamhet;overordnad;radtyp;summerar;" + ";".join(ECONOMY_COLUMNS)]
    totals = np.zeros(6, dtype=np.int64)
    for g in range(groups):
        name = f"Område {g + 1}"
        lines.append(f"{name};;rubrik;;" + ";" * 5)
        gsum = np.zeros(6, dtype=np.int64)
        for p in range(per_group):
            year = -int(rng.uniform(5_000, 200_000))
            period = year * 8 // 12
            outcome = period + int(rng.normal(0, abs(period) * 0.03))
            forecast = year + int(rng.normal(0, abs(year) * 0.03))
            v = np.array([period, outcome, outcome - period, year, forecast, forecast - year])
            gsum += v
            lines.append(f"Verksamhet {g + 1}.{p + 1};{name};post;;" + ";".join(_num(int(x)) for x in v))
        lines.append(f"Summa {name};;summa;{name};" + ";".join(_num(int(x)) for x in gsum))
        totals += gsum
    lines.append("Nämnden totalt;;summa;;" + ";".join(_num(int(x)) for x in totals))
    return lines


def volume_lines(rng, series: int, years=(2014, 2015, 2016, 2017)) -> list[str]:
    lines = ["serie;rad;regi;slag;ar;enhet;" + ";".join(MONTHS) + ";Ack aug"]
    for s in range(series):
        level = rng.uniform(50, 20_000)
        unit = "timmar" if s % 2 == 0 else "beslut"
        for y in years:
            months = np.round(level * (1 + 0.05 * rng.standard_normal(12))).astype(int)
            shown = months[:8] if y == years[-1] else months
            cells = [_num(int(v)) for v in shown] + [""] * (12 - len(shown))
            lines.append(f"Serie {s + 1};Utfall {y};;utfall;{y};{unit};" + ";".join(cells) + f";{_num(int(months[:8].sum()))}")
    return lines


def write_kommun(root: Path, index: int, groups: int = 4, per_group: int = 6, series: int = 8, seed: int = 290) -> None:
    rng = np.random.default_rng(seed + index)
    kid = f"k{index:04d}"
    folder = root / kid
    folder.mkdir(parents=True)
    (folder / "ekonomi.csv").write_text("\n".join(economy_lines(rng, groups, per_group)) + "\n", encoding="utf-8")
    tables = ('[[tabell]]\nid = "ekonomi"\nfil = "ekonomi.csv"\ndataset = "ekonomi"\nkalla = "syntetisk"\n'
              f'rubrik = "syntetisk"\nenhet = "tkr"\n\n[tabell.kolumner]\n{META_COLUMNS}')
    if series:
        (folder / "volymer.csv").write_text("\n".join(volume_lines(rng, series)) + "\n", encoding="utf-8")
        tables += ('\n[[tabell]]\nid = "volymer"\nfil = "volymer.csv"\ndataset = "volymer"\nkalla = "syntetisk"\n'
                   'rubrik = "syntetisk"\nenhet = "timmar"\n\n[tabell.kolumner]\n'
                   '"Ack aug" = { matt = "ack", till_manad = 8 }\n')
    (folder / "metadata.toml").write_text(
        f'id = "{kid}"\nnamn = "Syntetisk kommun {index}"\nkommunkod = "{index % 10000:04d}"\n'
        'namnder = ["Socialnämnden"]\nkostnadstecken = "minus"\nperiod = "2017-08"\nrapporttyp = "Syntetisk"\n'
        f'huvudtabeller = ["ekonomi"]\n\n{tables}', encoding="utf-8")


def build_once(raw: Path, processed: Path) -> dict:
    t = time.perf_counter()
    r = build(raw=raw, processed=processed)
    seconds = time.perf_counter() - t
    return {"sekunder": round(seconds, 2), "tidy_rader": sum(len(k.tidy) for k in r.kommuner if k.ok),
            "kontroller": len(r.checks), "utelamnade": [k.kommun for k in r.left_out],
            "topp_minne_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main(argv: list[str]) -> None:
    """`python scale.py bygg <raw> <processed>`: build in this process and print JSON (for peak memory)."""
    if argv[:1] == ["bygg"]:
        print(json.dumps(build_once(Path(argv[1]), Path(argv[2]))))


if __name__ == "__main__":
    main(sys.argv[1:])
