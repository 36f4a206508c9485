"""Writes the validated data to data/processed/ — everything validated first, then written atomically."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from . import paths
from .load import load_all


def atomic_write(path: Path, write) -> None:
    """Write via a temporary file in the same folder and rename into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build(raw: Path | None = None, processed: Path | None = None) -> dict[str, Path]:
    """Validate all raw data and write omsorg.parquet and kvalitet.csv. Nothing is written on error."""
    from .quality import all_findings, write_findings

    processed = Path(processed) if processed else paths.processed_dir()
    tidy, structure = load_all(raw)  # raises DataValidationError before anything is written
    findings = all_findings(tidy, structure)
    out = {"data": processed / "omsorg.parquet", "struktur": processed / "struktur.parquet",
           "kvalitet": processed / "kvalitet.csv"}
    atomic_write(out["data"], lambda p: tidy.to_parquet(p, index=False))
    atomic_write(out["struktur"], lambda p: structure.to_parquet(p, index=False))
    write_findings(findings, out["kvalitet"])
    return out


def read_findings(processed: Path | None = None) -> pd.DataFrame:
    path = (Path(processed) if processed else paths.processed_dir()) / "kvalitet.csv"
    return pd.read_csv(path, sep=";", dtype={"kommun": str}, keep_default_na=False)
