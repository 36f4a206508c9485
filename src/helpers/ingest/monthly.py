"""A month folder (data/raw/<kommun>/ÅÅÅÅ-MM/): the ledger's SIE export, the controller's forecast
and the case system's volumes for that month → tidy records."""
from __future__ import annotations

from pathlib import Path

from ..core.errors import Problem
from .metadata import KommunMeta
from .read import TableRead


def read_period_folder(meta: KommunMeta, folder: Path) -> TableRead:
    files = sorted(p.name for p in folder.iterdir() if p.is_file())
    if not files:
        return TableRead([], [], [])
    return TableRead([], [], [Problem(f"{meta.id}/{folder.name}", None, None, ", ".join(files),
                                      "månadsmappar kan inte läsas ännu")])
