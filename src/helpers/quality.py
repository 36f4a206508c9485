"""The tolerance rule and the findings file data/processed/kvalitet.csv.

A figure recomputed from n published rounded figures may differ from the published one by at most
n × half a unit of the last digit: within that it is rounding (``avrundning``), beyond it an error
(``fel``). A mean of rounded figures may be off by at most half a unit. ``varning`` marks values
that are suspicious but not provably wrong.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

FINDING_COLUMNS = [
    "kommun", "dataset", "tabell", "rad", "matt", "publicerat", "beraknat", "differens",
    "tolerans", "bedomning", "kommentar",
]
BEDOMNING = ("ok", "avrundning", "fel", "varning")
EPS = 1e-9

# Plain-language explanations of the assessments, for the nämnd.
FORKLARING = {
    "ok": "Siffran stämmer exakt med det vi räknat fram.",
    "avrundning": "Siffran skiljer sig bara så lite som avrundning av de ingående talen kan förklara.",
    "fel": "Siffran går inte ihop med de tal den bygger på, inte ens med hänsyn till avrundning.",
    "varning": "Värdet avviker kraftigt från seriens övriga värden och bör kontrolleras.",
}


def unit(decimals: int) -> float:
    return 10.0 ** (-int(decimals))


def tolerance(n_inputs: int, decimals: int = 0) -> float:
    """n × half a unit of the last digit."""
    return n_inputs * 0.5 * unit(decimals)


def assess(published: float, computed: float, tol: float) -> str:
    diff = abs(published - computed)
    if diff <= EPS:
        return "ok"
    if diff <= tol + EPS:
        return "avrundning"
    return "fel"


@dataclass
class Finding:
    kommun: str
    dataset: str
    tabell: str
    rad: str
    matt: str
    publicerat: float | None
    beraknat: float | None
    differens: float | None
    tolerans: float | None
    bedomning: str
    kommentar: str


def compare(kommun: str, dataset: str, tabell: str, rad: str, matt: str, published: float,
            computed: float, tol: float, kommentar: str) -> Finding:
    computed = round(float(computed), 6)
    published = float(published)
    diff = round(published - computed, 6)
    return Finding(kommun, dataset, tabell, rad, matt, published, computed, diff, round(tol, 6),
                   assess(published, computed, tol), kommentar)


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    if not findings:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    return pd.DataFrame([asdict(f) for f in findings], columns=FINDING_COLUMNS)


def all_findings(tidy: pd.DataFrame, structure: pd.DataFrame) -> pd.DataFrame:
    """Every economy and volume finding for every municipality in the tidy data."""
    from .economy import economy_findings
    from .volumes import volume_findings

    frames = []
    for _, part in tidy.groupby("kommun", sort=True):
        frames.append(findings_frame(economy_findings(part, structure)))
        frames.append(findings_frame(volume_findings(part)))
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else findings_frame([])


def _plain(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return ""
    v = float(v)
    if v.is_integer():
        return str(int(v))
    return f"{v:.6f}".rstrip("0").rstrip(".")


def write_findings(findings: pd.DataFrame, path: Path) -> None:
    """UTF-8, ';', plain numbers (-595990, 370.25), written atomically."""
    from .build import atomic_write

    out = findings.copy()
    for c in ("publicerat", "beraknat", "differens", "tolerans"):
        out[c] = out[c].map(_plain)
    atomic_write(Path(path), lambda p: out.to_csv(p, sep=";", index=False, encoding="utf-8"))
