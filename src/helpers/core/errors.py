"""The error types a user can meet, with Swedish messages.

``DataValidationError`` carries every problem found in the input at once (file, row, column, value
and what was expected); ``ParameterError`` is a bad command or notebook parameter. Neither is ever
raised after a partial write.
"""
from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, described for a controller (Swedish)."""

    fil: str
    rad: int | None
    kolumn: str | None
    varde: str | None
    forvantat: str
    allvarlig: bool = True  # False: a warning that does not stop the build

    def __str__(self) -> str:
        parts = [f"fil {self.fil}"]
        if self.rad is not None:
            parts.append(f"rad {self.rad}")
        if self.kolumn is not None:
            parts.append(f"kolumn '{self.kolumn}'")
        where = ", ".join(parts)
        value = "" if self.varde is None else f"värdet '{self.varde}': "
        return f"{where}: {value}{self.forvantat}"


class DataValidationError(Exception):
    """Raised once with every problem found, never after a partial write."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self.message())

    def message(self) -> str:
        n = len(self.problems)
        head = f"Indata innehåller {n} fel:" if n != 1 else "Indata innehåller 1 fel:"
        return "\n".join([head] + [f"  - {p}" for p in self.problems])


class ParameterError(ValueError):
    """An invalid parameter (kommun, period, command option), with a Swedish message."""


class OmsorgError(RuntimeError):
    """Any other failure a user can act on (a locked folder, a full disk), with a Swedish message."""


def disk_error(exc: OSError, where: Path | str) -> OmsorgError:
    """An operating-system error while reading or writing ``where``, in Swedish, with what to do."""
    where = Path(where)
    if exc.errno == errno.ENOSPC:
        return OmsorgError(f"Disken är full; kunde inte skriva {where}. Inget har ändrats – frigör utrymme och försök igen.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OmsorgError(f"Behörighet saknas att skriva i {where.parent}. Inget har ändrats – kontrollera mappens "
                           "rättigheter eller kör som en användare som får skriva där.")
    if exc.errno == errno.ENOENT:
        return OmsorgError(f"{where} finns inte. Kontrollera sökvägen.")
    return OmsorgError(f"Kunde inte läsa eller skriva {where} (felkod {exc.errno}). Inget har ändrats.")
