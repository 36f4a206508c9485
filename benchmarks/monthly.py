"""Municipalities shaped like the example for the honest 290 × 12 projection: each is a copy of
data/raw/exempel (12 monthly folders with the ledger's SIE export, forecasts and volumes 2014–2017)
under its own id and name. The content is the example's, so every report costs what an example
report costs; nothing is shared between municipalities at build or report time."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

EXEMPEL = Path(__file__).resolve().parent.parent / "data" / "raw" / "exempel"


def write_exempel_copies(raw: Path, n: int) -> list[str]:
    """``n`` example-shaped municipalities m000 … under ``raw``; returns their ids."""
    ids = []
    for i in range(n):
        kid = f"m{i:03d}"
        folder = raw / kid
        shutil.copytree(EXEMPEL, folder)
        meta = folder / "metadata.toml"
        text = meta.read_text(encoding="utf-8")
        text = re.sub(r'^id = "exempel"', f'id = "{kid}"', text, count=1, flags=re.M)
        text = re.sub(r'^namn = ".*"', f'namn = "Månadskommun {i} (syntetisk)"', text, count=1, flags=re.M)
        meta.write_text(text, encoding="utf-8")
        ids.append(kid)
    return ids
