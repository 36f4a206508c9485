"""One notebook run: validated parameters and the municipality's validated data."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .errors import ParameterError
from .load import read_processed
from .metadata import KommunMeta, available_periods, load_metadata, parse_period, validate_kommun_id


@dataclass
class Run:
    kommun: str
    period: str
    meta: KommunMeta
    tidy: pd.DataFrame        # this municipality's values
    structure: pd.DataFrame   # this municipality's rows (incl. rubrik rows)
    cache: dict = field(default_factory=dict, repr=False)  # derived tables, computed once per run

    def cached(self, key, compute):
        """Compute a derived table once per run (the data of a run never changes)."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    @property
    def year(self) -> int:
        return parse_period(self.period)[0]

    @property
    def month(self) -> int:
        return parse_period(self.period)[1]

    @property
    def is_report_period(self) -> bool:
        return self.period == self.meta.period

    def findings(self) -> pd.DataFrame:
        from .build import read_findings

        def load():
            f = read_findings()
            return f[f["kommun"] == self.kommun].reset_index(drop=True)

        return self.cached("findings", load).copy()


def volume_months(tidy: pd.DataFrame) -> list[str]:
    m = tidy[(tidy["dataset"] == "volymer") & (tidy["matt"] == "manadsvarde") & (tidy["slag"] == "utfall")]
    return sorted({f"{int(a)}-{int(b):02d}" for a, b in zip(m["ar"], m["manad"])})


def open_run(kommun: str, period: str, allow_volume_months: bool = False) -> Run:
    """Validate the notebook parameters and load the data. Swedish errors for bad parameters."""
    validate_kommun_id(kommun)
    parse_period(period)
    meta = load_metadata(kommun)
    tidy = read_processed()
    tidy = tidy[tidy["kommun"] == kommun].reset_index(drop=True)
    structure = read_processed(what="struktur")
    structure = structure[structure["kommun"] == kommun].reset_index(drop=True)
    allowed = set(available_periods(meta))
    if allow_volume_months:
        allowed |= set(volume_months(tidy))
    if period not in allowed:
        raise ParameterError(
            f"Perioden {period} finns inte i datan för {meta.namn}. Rapportperiod: {meta.period}."
        )
    return Run(kommun, period, meta, tidy, structure)
