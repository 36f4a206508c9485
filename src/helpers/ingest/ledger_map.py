"""Which verksamhet an amount in the ledger belongs to: the [sie] mapping of metadata.toml and its
CSV (by default sie_objekt.csv).

A verksamhet is defined by the objects in one dimension (``dimension`` in [sie]) and, optionally, by
the objects in a second one (``dimension2``: a combination such as ansvar × verksamhet). In the CSV's
``objekt`` (and ``objekt2``) column a cell is one code (``410``), several (``410, 411``), a range of
numeric codes (``1200-1299``) or a prefix (``12*``); an empty ``objekt2`` means any object. A
verksamhet may take several rows. An object list in the ledger (``{1 "Nord" 6 "P12"}``) belongs to the
verksamhet whose codes match its objects in the mapped dimensions, whatever other dimensions it has."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.errors import Problem
from .metadata import KommunMeta
from .parse import FileFormatError, read_table

__all__ = ["CodeSpec", "Mapping", "MappingRow", "load_mapping"]

_RANGE = re.compile(r"^(\d+)\s*-\s*(\d+)$")


@dataclass(frozen=True)
class CodeSpec:
    """One cell of the mapping: codes, numeric ranges and prefixes; ``any`` for an empty cell."""

    codes: frozenset[str] = frozenset()
    ranges: tuple[tuple[int, int], ...] = ()
    prefixes: tuple[str, ...] = ()
    any: bool = False

    @classmethod
    def parse(cls, text: str, allow_any: bool) -> CodeSpec:
        """'410, 411' / '1200-1299' / '12*' / '' → a spec; ValueError with a Swedish message."""
        text = text.strip()
        if not text:
            if allow_any:
                return cls(any=True)
            raise ValueError("objektet saknas")
        codes, ranges, prefixes = set(), [], []
        for item in (p.strip() for p in text.split(",")):
            if not item:
                continue
            m = _RANGE.match(item)
            if m:
                lo, hi = int(m.group(1)), int(m.group(2))
                if lo > hi:
                    raise ValueError(f"intervallet '{item}' börjar efter att det slutar")
                ranges.append((lo, hi))
            elif item.endswith("*"):
                if not item[:-1] or "*" in item[:-1]:
                    raise ValueError(f"'{item}': ett prefix skrivs som början av koden följd av *, t.ex. 12*")
                prefixes.append(item[:-1])
            else:
                codes.add(item)
        return cls(frozenset(codes), tuple(ranges), tuple(prefixes))

    def matches(self, code: str | None) -> bool:
        if self.any:
            return True
        if code is None:
            return False
        if code in self.codes:
            return True
        if self.ranges and code.isdigit():
            n = int(code)
            if any(lo <= n <= hi for lo, hi in self.ranges):
                return True
        return any(code.startswith(p) for p in self.prefixes)


@dataclass(frozen=True)
class MappingRow:
    line: int
    verksamhet: str
    omrade: str
    first: CodeSpec
    second: CodeSpec
    text: str


@dataclass
class Mapping:
    """The mapping of one municipality: the dimensions and the rows, in file order."""

    dimension: int
    dimension2: int | None
    rows: list[MappingRow]
    file: str

    @property
    def verksamheter(self) -> list[tuple[str, str]]:
        """(verksamhet, område) in file order, each once."""
        return list(dict.fromkeys((r.verksamhet, r.omrade) for r in self.rows))

    def key(self, objects: tuple[tuple[int, str], ...]) -> tuple[str | None, str | None]:
        """The object list's codes in the mapped dimension(s) (None where it has none)."""
        first = second = None
        for dim, obj in objects:
            if dim == self.dimension and first is None:
                first = obj
            elif self.dimension2 is not None and dim == self.dimension2 and second is None:
                second = obj
        return first, second

    def match(self, key: tuple[str | None, str | None]) -> list[MappingRow]:
        """Every mapping row the codes match (more than one verksamhet is a mapping error)."""
        first, second = key
        if first is None:
            return []
        return [r for r in self.rows if r.first.matches(first)
                and (self.dimension2 is None or r.second.matches(second))]


def load_mapping(meta: KommunMeta) -> tuple[Mapping | None, list[Problem]]:
    """The [sie] mapping with its CSV; problems (Swedish, with file and line) for cells that cannot be read."""
    if meta.sie is None:
        return None, []
    m = meta.sie
    fname = f"{meta.id}/{m.objekt}"
    try:
        raw = read_table(meta.path / m.objekt, fname)
    except (FileFormatError, OSError) as exc:
        return None, [Problem(fname, None, None, None, str(exc))]
    problems = list(raw.problems)
    idx = {h: j for j, h in enumerate(raw.header)}
    for col in ("objekt", "verksamhet"):
        if col not in idx:
            problems.append(Problem(fname, 1, col, None, "kolumnen saknas; filen ska ha objekt;verksamhet;overordnad"
                                    + (";objekt2 (dimension2 är angiven)" if m.dimension2 else "")))
    if m.dimension2 is not None and "objekt2" not in idx:
        problems.append(Problem(fname, 1, "objekt2", None, f"[sie] anger dimension2 = {m.dimension2}; filen behöver en "
                                "kolumn objekt2 med objekten i den dimensionen (tom = alla)"))
    if m.dimension2 is None and "objekt2" in idx:
        problems.append(Problem(fname, 1, "objekt2", None, "kolumnen objekt2 används bara när [sie] anger dimension2"))
    if any(p.allvarlig for p in problems):
        return None, problems
    rows = []
    for line, row in raw.rows:
        cells = {c: str(row[j]).strip() for c, j in idx.items() if j < len(row) and row[j] is not None}
        name = cells.get("verksamhet", "")
        if not name:
            problems.append(Problem(fname, line, "verksamhet", None, "verksamhetens namn saknas"))
            continue
        specs = []
        for col, allow_any in (("objekt", False), ("objekt2", True)):
            try:
                specs.append(CodeSpec.parse(cells.get(col, ""), allow_any))
            except ValueError as exc:
                problems.append(Problem(fname, line, col, cells.get(col, ""), f"{exc}; skriv en kod (410), flera "
                                        "(410, 411), ett intervall (1200-1299) eller ett prefix (12*)"))
                specs.append(None)
        if None in specs:
            continue
        rows.append(MappingRow(line, name, cells.get("overordnad", ""), specs[0], specs[1],
                               ";".join(cells.get(c, "") for c in ("objekt", "objekt2") if c in cells)))
    return Mapping(m.dimension, m.dimension2, rows, fname), problems
