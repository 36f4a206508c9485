"""What can be wrong with a SIE file, as data: one ``SieProblem`` per finding, and ``summarise`` for
one line per kind (count, the first three line numbers, what to do).

Messages are in Swedish: the people who read them keep Swedish books. ``severity`` is ``"fel"`` when
a record (or the whole file) could not be read as the standard says, so its content is lost or in
doubt, and ``"varning"`` when the record was read but deviates from the standard or from the file's
own declarations. Whether a problem matters is for the caller to decide: a broken #PBUDGET for the
previous year does not matter to someone who reads this year's #PSALDO.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["ERROR", "WARNING", "SieProblem", "SieReadError", "Summary", "summarise"]

ERROR = "fel"
WARNING = "varning"


@dataclass(frozen=True)
class SieProblem:
    """One finding in one SIE file.

    ``kind`` is a stable identifier (``"odeklarerat_konto"``, ``"obalanserad_verifikation"`` …) used to
    group repeated findings; ``record`` the record label (``"#PSALDO"``) and ``text`` the line itself
    (clipped); ``year`` and ``period`` ("YYYY-MM") are set when the record says which year and month it
    is about, so that a caller can tell whether the figures it uses are affected. ``count`` is how many
    lines the finding stands for (an undeclared account is reported once, at its first line)."""

    severity: str
    kind: str
    line: int | None
    record: str | None
    message_sv: str
    hint_sv: str = ""
    text: str | None = None
    year: int | None = None
    period: str | None = None
    file: str = ""
    count: int = 1

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.line is not None:
            where.append(f"rad {self.line}")
        if self.record:
            where.append(self.record)
        head = ", ".join(where)
        hint = f" {self.hint_sv}" if self.hint_sv else ""
        return f"{head}: {self.message_sv}{hint}" if head else f"{self.message_sv}{hint}"


@dataclass(frozen=True)
class Summary:
    """All findings of one kind in one file: how many, where the first three are, the first message."""

    severity: str
    kind: str
    record: str | None
    count: int
    lines: tuple[int, ...]
    first: SieProblem

    @property
    def message_sv(self) -> str:
        """'konto 4010 är inte deklarerat med #KONTO (57 rader av samma slag, t.ex. rad 12, 40 och 77)'."""
        text = self.first.message_sv
        if self.count > 1:
            shown = _join([str(n) for n in self.lines])
            where = f", t.ex. rad {shown}" if shown else ""
            text += f" ({self.count} rader av samma slag{where})"
        return text

    @property
    def hint_sv(self) -> str:
        return self.first.hint_sv

    def __str__(self) -> str:
        hint = f" {self.hint_sv}" if self.hint_sv else ""
        where = f"{self.record}: " if self.record else ""
        return f"{where}{self.message_sv}{hint}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]


def summarise(problems: Iterable[SieProblem], shown: int = 3) -> list[Summary]:
    """One ``Summary`` per (severity, kind, record), errors first, in the order the kinds first occur."""
    groups: dict[tuple, list[SieProblem]] = {}
    for p in problems:
        groups.setdefault((p.severity, p.kind, p.record), []).append(p)
    out = []
    for (severity, kind, record), items in groups.items():
        lines = tuple(sorted({p.line for p in items if p.line is not None})[:shown])
        first = min(items, key=lambda p: (p.line is None, p.line or 0))
        out.append(Summary(severity, kind, record, sum(p.count for p in items), lines, first))
    out.sort(key=lambda s: (s.severity != ERROR,))
    return out


class SieReadError(OSError):
    """The file could not be opened or read at all (missing, a folder, no permission)."""

    def __init__(self, message_sv: str, file: str = ""):
        self.message_sv = message_sv
        self.file = file
        super().__init__(f"{file}: {message_sv}" if file else message_sv)
