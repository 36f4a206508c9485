"""A report period: the year and the last month it covers (2017-08 = januari–augusti 2017).

A ledger with a fiscal year that does not start in January (brutet räkenskapsår) gives the period a
start: ``Period(2009, 12).with_fiscal_start(2009, 7).span`` is 'juli–december 2009'. The start is
not part of equality or order: the folder month names the period.

One frozen type instead of copies of the period phrase, the riktpunkt and the "is this month
after the period" rule."""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field, replace

from .errors import ParameterError
from .vocabulary import month_name, month_span

_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR = 1990


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int
    start: tuple[int, int] | None = field(default=None, compare=False)  # (year, month) of the fiscal year

    @classmethod
    def parse(cls, text: object, *, not_after: _dt.date | None = None) -> Period:
        """'2017-08' → Period(2017, 8). Swedish ParameterError for anything else, including a period
        after the current month (a month that has not happened cannot be reported)."""
        m = _PATTERN.match(str(text).strip()) if isinstance(text, str) else None
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ParameterError(
                f"Ogiltig period '{text}': förväntade formatet ÅÅÅÅ-MM, t.ex. 2017-08."
            )
        p = cls(int(m.group(1)), int(m.group(2)))
        if p.year < FIRST_YEAR:
            raise ParameterError(f"Ogiltig period '{text}': året {p.year} är orimligt tidigt.")
        today = not_after or _dt.date.today()
        if (p.year, p.month) > (today.year, today.month):
            raise ParameterError(
                f"Perioden {p} ligger efter innevarande månad ({today.year}-{today.month:02d}); "
                "en period som inte har inträffat kan inte rapporteras."
            )
        return p

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    def with_fiscal_start(self, year: int, month: int) -> Period:
        """The same period in a fiscal year that starts in ``month`` of ``year`` (on or before the period)."""
        if (year, month) > (self.year, self.month) or (self.year * 12 + self.month) - (year * 12 + month) >= 24:
            raise ParameterError(f"Räkenskapsåret kan inte börja {year}-{month:02d} för perioden {self}.")
        return replace(self, start=None if (year, month) == (self.year, 1) else (year, month))

    @property
    def span(self) -> str:
        """'januari–augusti 2017' (the months the period covers); 'juli–december 2009' or
        'juli 2009–mars 2010' in a fiscal year that starts in July."""
        if self.start is None:
            return f"{month_span(1, self.month)} {self.year}"
        y, m = self.start
        if y == self.year:
            return f"{month_span(m, self.month)} {self.year}"
        return f"{month_name(m)} {y}–{month_name(self.month)} {self.year}"

    @property
    def month_name(self) -> str:
        return month_name(self.month)

    @property
    def elapsed(self) -> int:
        """How many months of the (fiscal) year the period covers: 8 for 2017-08, 6 for July–December."""
        if self.start is None:
            return self.month
        return (self.year * 12 + self.month) - (self.start[0] * 12 + self.start[1]) + 1

    @property
    def riktpunkt(self) -> float:
        """The share of the year elapsed, in percent (66,7 after August; 50 after December from July)."""
        return 100 * self.elapsed / 12

    def is_after(self, year, month):
        """True for a month after this period (not data for a report on this period). Works on numbers
        and, element by element, on pandas Series of years and months."""
        return (year > self.year) | ((year == self.year) & (month > self.month))

    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def months(self) -> range:
        """The months of the period in its year: 1..month."""
        return range(1, self.month + 1)
