"""A report period: the year and the last month it covers (2017-08 = januari–augusti 2017).

One frozen type instead of copies of the period phrase, the riktpunkt and the "is this month
after the period" rule."""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from .errors import ParameterError
from .vocabulary import month_name, month_span

_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR = 1990


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

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

    @property
    def span(self) -> str:
        """'januari–augusti 2017' (the months the period covers)."""
        return f"{month_span(1, self.month)} {self.year}"

    @property
    def month_name(self) -> str:
        return month_name(self.month)

    @property
    def riktpunkt(self) -> float:
        """The share of the year elapsed, in percent (66,7 after August)."""
        return 100 * self.month / 12

    def is_after(self, year, month):
        """True for a month after this period (not data for a report on this period). Works on numbers
        and, element by element, on pandas Series of years and months."""
        return (year > self.year) | ((year == self.year) & (month > self.month))

    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def months(self) -> range:
        """The months of the period in its year: 1..month."""
        return range(1, self.month + 1)
