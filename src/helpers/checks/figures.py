"""The figures of one row of the nämnd's economy table, looked up by measure (budget_period,
utfall_period, …) in normalised signs, and the row that carries the nämnd's total."""
from __future__ import annotations

import math

import pandas as pd

from ..core.hierarchy import Row
from ..core.vocabulary import MEASURES
from .finding import Cell


def measure_of(matt: str, slag: str, omfattning: str, ar: int, year: int) -> str | None:
    """The measure name of a published figure ('netto', 'budget', 'period', 2017) → 'budget_period'."""
    for name, (m, s, o, off) in MEASURES.items():
        if m == matt and s == (slag or "") and o == omfattning and ar == year + off:
            return name
    return None


class EcoRows:
    """The economy frame's rows grouped once by (tabell, rad): ``row_cells`` for every row of a large
    table without filtering the whole frame per row. Yields the same rows as ``DataFrame.iterrows``
    (values converted once for the whole frame)."""

    def __init__(self, eco: pd.DataFrame):
        self._values = eco.values
        self._columns = eco.columns
        self._index = eco.index
        self._positions = eco.groupby(["tabell", "rad"], sort=False).indices if len(eco) else {}

    def rows(self, tabell: str, line: int):
        """The tidy rows of one table row, in frame order, as ``(label, row)`` like ``iterrows``."""
        for i in self._positions.get((tabell, line), ()):
            yield self._index[i], pd.Series(self._values[i], index=self._columns, name=self._index[i])


def _rows_of(eco: pd.DataFrame | EcoRows, tabell: str, line: int):
    if isinstance(eco, EcoRows):
        return eco.rows(tabell, line)
    return eco[(eco["tabell"] == tabell) & (eco["rad"] == line)].iterrows()


def row_cells(eco: pd.DataFrame | EcoRows, tabell: str, line: int, year: int) -> dict[str, pd.Series]:
    """measure → the tidy row of the published figure (with ``belopp``), for one table row. Pass an
    ``EcoRows`` when looking up many rows."""
    out: dict[str, pd.Series] = {}
    for _, r in _rows_of(eco, tabell, line):
        name = measure_of(str(r["matt"]), str(r["slag"]), str(r["omfattning"]), int(r["ar"]), year)
        if name and name not in out:
            out[name] = r
    return out


def row_values(eco: pd.DataFrame | EcoRows, tabell: str, line: int, year: int,
               overrides: dict[Cell, float] | None = None) -> dict[str, float]:
    """measure → normalised value for one row; ``overrides`` replaces published figures (raw sign)."""
    out = {}
    for name, r in row_cells(eco, tabell, line, year).items():
        cell = Cell(str(r["tabell"]), int(r["rad"]), str(r["kolumn"]))
        value = float(r["belopp"])
        if overrides and cell in overrides:
            raw = overrides[cell]
            value = raw * (float(r["belopp"]) / float(r["varde"]) if float(r["varde"]) else 1.0)
        out[name] = value
    return out


def grand_total_rows(rows: dict[str, list[Row]], main_tables: list[str]) -> list[tuple[str, int]]:
    """(table, line) of the rows that carry the nämnd's total: a main table's top-level summa row, or
    else its top-level post rows."""
    out = []
    for t in main_tables:
        table_rows = rows.get(t, [])
        total = [r for r in table_rows if r.radtyp == "summa" and r.summerar == "" and r.parent == ""]
        top = [(t, r.line) for r in table_rows if r.parent == "" and r.radtyp == "post"]
        if total:
            out.append((t, total[-1].line))
        elif top:
            out += top
        else:
            out += [(t, r.line) for r in table_rows if r.radtyp == "post"]
    return out


def add(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    keys = set(a) | set(b)
    return {k: a.get(k, math.nan) + b.get(k, math.nan) for k in keys}
