"""The row hierarchy of a published table: which rows belong to which group, and a group's total
recomputed from its rows (the way a reader adds up a column)."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Row:
    label: str      # as published
    parent: str     # the group the row belongs to ("" = top level)
    radtyp: str     # post | rubrik | summa
    summerar: str   # for a summa row: the group it totals ("" = the whole top level)
    line: int       # line in the source file


@dataclass(frozen=True)
class GroupSum:
    total: float          # sum of the children that have a value
    used: int             # number of published figures in the sum
    missing: int          # children (or their totals) without a value in this column
    lines: tuple[int, ...]  # source lines of the figures used
    missing_lines: tuple[int, ...] = ()  # source lines of the children without a value


def table_rows(structure: pd.DataFrame) -> dict[str, list[Row]]:
    """Rows per table in file order (rubrik rows included) from the structure frame."""
    out: dict[str, list[Row]] = {}
    part = structure.sort_values(["tabell", "rad"])
    for tabell, g in part.groupby("tabell", sort=False):
        out[str(tabell)] = [Row(r.verksamhet, r.overordnad, r.radtyp, r.summerar, int(r.rad))
                            for r in g.itertuples()]
    return out


class Tree:
    """A table's rows indexed by group, so that a group's total costs only its own children (a build
    stays linear in the number of rows)."""

    def __init__(self, rows: list[Row]):
        self.rows = rows
        self.children: dict[str, list[Row]] = {}
        for r in rows:
            self.children.setdefault(r.parent, []).append(r)
        self.summa_of = {r.summerar: r for r in rows if r.radtyp == "summa" and r.summerar}


def group_sum(rows: list[Row] | Tree, values: dict[int, float], group: str, exclude: int | None = None) -> GroupSum:
    """Recompute a group's total from its children.

    post and summa children count with their published value. A rubrik child counts with the
    published summa row that totals it (unless that row itself stands in this group), otherwise
    with its own recomputed children. A child without a value is counted as missing, never as 0.
    """
    tree = rows if isinstance(rows, Tree) else Tree(rows)
    summa_of = tree.summa_of
    total, used, missing, lines, gaps = 0.0, 0, 0, [], []
    for r in tree.children.get(group, []):
        if r.line == exclude:
            continue
        if r.radtyp == "summa" and r.summerar == group:
            continue  # the group's own total
        if r.radtyp == "rubrik":
            s_row = summa_of.get(r.label)
            if s_row is not None and s_row.parent == group:
                continue  # counted where it stands
            if s_row is not None and s_row.line in values:
                total += values[s_row.line]
                used += 1
                lines.append(s_row.line)
                continue
            sub = group_sum(tree, values, r.label)
            total += sub.total
            used += sub.used
            missing += sub.missing
            lines += sub.lines
            gaps += sub.missing_lines
        elif r.line in values:
            total += values[r.line]
            used += 1
            lines.append(r.line)
        else:
            missing += 1
            gaps.append(r.line)
    return GroupSum(total, used, missing, tuple(lines), tuple(gaps))


def find_cycle(rows: list[Row]) -> list[str] | None:
    """A chain of labels that leads back to itself through ``parent`` (A → B → A), or None."""
    parent_of: dict[str, str] = {}
    for r in rows:
        if r.parent and r.label not in parent_of:
            parent_of[r.label] = r.parent
    for start in parent_of:
        seen = [start]
        node = parent_of.get(start)
        while node:
            if node in seen:
                return seen[seen.index(node):] + [node]
            seen.append(node)
            node = parent_of.get(node)
    return None
