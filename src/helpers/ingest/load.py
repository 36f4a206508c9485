"""Every input of a municipality → one validated tidy frame, its row structure and its metadata.

Published tables belong to the period in metadata.toml; each month folder (ÅÅÅÅ-MM/) adds the
ledger, the forecast and the volumes of that month. All problems of all files are raised together.
A municipality with bad input fails on its own: ``load_all(isolate=True)`` loads the others and
lists the one left out with its problems."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..core import paths
from ..core.errors import DataValidationError, OmsorgError, Problem
from ..core.period import Period
from .ledger import LedgerSource
from .metadata import KommunMeta, list_kommuner, load_metadata, metadata_warnings, period_folders
from .monthly import read_period_folder
from .plausibility import unit_warnings
from .read import read_published_table
from .schema import structure_frame, tidy_frame, validate_tidy


@dataclass
class Loaded:
    """Validated input: values, row structure, metadata per municipality, and warnings."""
    tidy: pd.DataFrame
    structure: pd.DataFrame
    metas: dict[str, KommunMeta] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    # How each month's SIE file was read, per (kommun, period "ÅÅÅÅ-MM"): for Källor and the datalogg.
    sources: dict[tuple[str, str], list[LedgerSource]] = field(default_factory=dict)
    # Municipalities left out (load_all(isolate=True)): kommun → its problems (fatal ones first).
    failed: dict[str, list[Problem]] = field(default_factory=dict)


def load_kommun(kommun: str, raw: Path | None = None) -> Loaded:
    """One municipality, validated. Raises DataValidationError listing every problem."""
    meta = load_metadata(kommun, raw)
    records: list[dict] = []
    structure: list[dict] = []
    problems: list[Problem] = []
    sources: dict[tuple[str, str], list[LedgerSource]] = {}
    if meta.period:
        published = Period.parse(meta.period)
        for table in meta.tabell:
            r = read_published_table(meta, table, published)
            records += r.records
            structure += r.structure
            problems += r.problems
    for folder in period_folders(meta.path):
        r = read_period_folder(meta, folder)
        if r.sources:
            sources[(kommun, folder.name)] = list(r.sources)
        records += r.records
        structure += r.structure
        problems += r.problems
    problems = list(dict.fromkeys(problems))  # the mapping's problems are found once per month folder
    fatal = [p for p in problems if p.allvarlig]
    if fatal:
        raise DataValidationError(fatal)
    tidy = validate_tidy(tidy_frame(records))
    warnings = metadata_warnings(meta) + [p for p in problems if not p.allvarlig] + unit_warnings(tidy, meta)
    return Loaded(tidy, structure_frame(structure), {kommun: meta}, warnings, sources)


def load_all(raw: Path | None = None, kommuner: list[str] | None = None, *, isolate: bool = False) -> Loaded:
    """Every municipality. By default all problems of all municipalities in one error; with
    ``isolate`` a municipality with problems is left out (``Loaded.failed``) and the others are
    loaded, and only when none can be loaded is the error raised."""
    raw = Path(raw) if raw else paths.raw_dir()
    parts: list[Loaded] = []
    problems: list[Problem] = []
    kommuner = kommuner or list_kommuner(raw)
    if not raw.is_dir():
        raise OmsorgError(f"Rådatamappen {raw} finns inte. Inget har byggts; kontrollera sökvägen (OMSORG_RAW).")
    if not kommuner:
        raise OmsorgError(f"Det finns inga kommuner i {raw}: varje kommun är en mapp med metadata.toml "
                          "(se data/raw/README.md). Inget har byggts.")
    failed: dict[str, list[Problem]] = {}
    for k in kommuner:
        try:
            parts.append(load_kommun(k, raw))
        except DataValidationError as exc:
            problems += exc.problems
            failed[k] = exc.problems
    if problems and (not isolate or not parts):
        raise DataValidationError(problems)
    return Loaded(
        pd.concat([p.tidy for p in parts], ignore_index=True),
        pd.concat([p.structure for p in parts], ignore_index=True),
        {k: m for p in parts for k, m in p.metas.items()},
        [w for p in parts for w in p.warnings],
        {key: s for p in parts for key, s in p.sources.items()},
        failed,
    )
