"""`omsorg bygg`: validate every input, run every check, and publish data/processed as one unit.

Nothing is written when the input is invalid; readers only ever see a complete set (see
``ingest.store.publish``)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..checks.run import Quality, causes_frame, checks_frame, evidence_doc, run_checks
from ..ingest.load import Loaded, load_all
from ..ingest.select import for_period
from ..ingest.store import publish
from ..render.exports import csv_text

FILES = ("omsorg.parquet", "struktur.parquet", "kontroller.parquet", "kvalitet.parquet", "kvalitet.csv",
         "belagg.json")


@dataclass
class BuildResult:
    version: Path
    loaded: Loaded
    qualities: list[Quality]
    checks: pd.DataFrame
    causes: pd.DataFrame


def check_all(loaded: Loaded) -> list[Quality]:
    """Every check for every (kommun, period), from the loaded data (nothing re-read)."""
    out = []
    for kommun, meta in sorted(loaded.metas.items()):
        for period in meta.periods():
            tidy, structure = for_period(loaded.tidy, loaded.structure, kommun, period)
            out.append(run_checks(tidy, structure, meta, period))
    return out


def build(raw: Path | None = None, processed: Path | None = None) -> BuildResult:
    """Validate all raw data, run the checks and publish. Raises DataValidationError before any write."""
    loaded = load_all(raw)
    qualities = check_all(loaded)
    checks = checks_frame(qualities)
    causes = causes_frame(qualities)
    evidence = {f"{q.kommun}/{q.period}": evidence_doc(q) for q in qualities}
    tidy = loaded.tidy.sort_values(["kommun", "period", "tabell", "rad"], kind="stable").reset_index(drop=True)
    writers = {
        "omsorg.parquet": lambda p: tidy.to_parquet(p, index=False, row_group_size=50_000),
        "struktur.parquet": lambda p: loaded.structure.to_parquet(p, index=False),
        "kontroller.parquet": lambda p: checks.to_parquet(p, index=False),
        "kvalitet.parquet": lambda p: causes.to_parquet(p, index=False),
        "kvalitet.csv": lambda p: p.write_bytes(b"\xef\xbb\xbf" + csv_text(causes).encode("utf-8")),
        "belagg.json": lambda p: p.write_text(json.dumps(evidence, ensure_ascii=False, indent=1), encoding="utf-8"),
    }
    version = publish(writers, processed)
    return BuildResult(version, loaded, qualities, checks, causes)
