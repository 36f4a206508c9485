"""The records of a SIE file as plain, immutable Python values (no pandas).

Amounts keep the file's sign convention: debit positive, credit negative (income is negative).
Dates are "YYYYMMDD" strings and periods "YYYY-MM" strings, as in the file."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .problems import ERROR, WARNING, SieProblem

__all__ = [
    "ObjectList",
    "SieAccount",
    "SieBalance",
    "SieDimension",
    "SieFile",
    "SieObject",
    "SieObjectBalance",
    "SiePeriodBalance",
    "SieTransaction",
    "SieVoucher",
]

ObjectList = tuple[tuple[int, str], ...]
"""An object list ``{1 "510" 6 "P1"}`` as ((1, "510"), (6, "P1")); () for ``{}``."""


@dataclass(frozen=True)
class SieAccount:
    """#KONTO (with #KTYP type T/S/K/I and #ENHET unit when given)."""

    number: str
    name: str
    type: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class SieDimension:
    """#DIM, or #UNDERDIM with its superior dimension in ``parent``."""

    number: int
    name: str
    parent: int | None = None


@dataclass(frozen=True)
class SieObject:
    """#OBJEKT: one object (cost centre, project ...) within a dimension."""

    dimension: int
    number: str
    name: str


@dataclass(frozen=True)
class SieTransaction:
    """#TRANS inside a #VER block. ``date`` is None when the line gives no transdat (the voucher date
    applies)."""

    account: str
    objects: ObjectList
    amount: float
    date: str | None
    text: str
    quantity: float | None


@dataclass(frozen=True)
class SieVoucher:
    """#VER with its balanced #TRANS lines. ``line`` (the #VER line) is not part of equality."""

    series: str
    number: str
    date: str
    text: str
    transactions: tuple[SieTransaction, ...]
    line: int = field(default=0, compare=False)


class SieBalance(NamedTuple):
    """#IB, #UB or #RES."""

    year_index: int
    account: str
    amount: float
    quantity: float | None


class SieObjectBalance(NamedTuple):
    """#OIB or #OUB."""

    year_index: int
    account: str
    objects: ObjectList
    amount: float
    quantity: float | None


class SiePeriodBalance(NamedTuple):
    """#PSALDO or #PBUDGET; ``period`` is "YYYY-MM" and ``line`` the line in the file."""

    year_index: int
    period: str
    account: str
    objects: ObjectList
    amount: float
    quantity: float | None
    line: int


@dataclass
class SieFile:
    """Everything read from one SIE file.

    ``vouchers`` holds the vouchers when read with ``transactions="keep"``. With
    ``transactions="aggregate"`` it stays empty and ``trans_totals`` holds the sum of the #TRANS
    amounts per (account, object list, month of the voucher date). Either way ``voucher_count`` and
    ``transaction_count`` count what was read, and only balanced vouchers count."""

    path: str
    flagga: int | None = None
    program: str = ""
    program_version: str = ""
    format: str = ""
    generated: str = ""
    sie_type: int | None = None
    fnamn: str = ""
    orgnr: str = ""
    omfattn: str = ""
    fiscal_years: dict[int, tuple[str, str]] = field(default_factory=dict)
    kptyp: str = ""
    currency: str = ""
    address: tuple[str, str, str, str] = ("", "", "", "")   # #ADRESS: kontakt, utdelningsadress, postadress, tel
    company_id: str = ""                                    # #FNR
    company_type: str = ""                                  # #FTYP
    sni: str = ""                                           # #BKOD
    tax_year: int | None = None                             # #TAXAR
    prose: str = ""                                         # #PROSA
    sru: dict[str, str] = field(default_factory=dict)       # #SRU: konto → SRU-kod
    accounts: dict[str, SieAccount] = field(default_factory=dict)
    dimensions: dict[int, SieDimension] = field(default_factory=dict)
    objects: dict[tuple[int, str], SieObject] = field(default_factory=dict)
    ib: list[SieBalance] = field(default_factory=list)
    ub: list[SieBalance] = field(default_factory=list)
    res: list[SieBalance] = field(default_factory=list)
    oib: list[SieObjectBalance] = field(default_factory=list)
    oub: list[SieObjectBalance] = field(default_factory=list)
    psaldo: list[SiePeriodBalance] = field(default_factory=list)
    pbudget: list[SiePeriodBalance] = field(default_factory=list)
    vouchers: list[SieVoucher] = field(default_factory=list)
    trans_totals: dict[tuple[str, ObjectList, str], float] = field(default_factory=dict)
    voucher_count: int = 0
    transaction_count: int = 0
    problems: list[SieProblem] = field(default_factory=list)
    encoding: str = "cp437"
    ksumma: str = "saknas"          # "saknas", "ok", "fel" or "ej_kontrollerad"
    # How many records of each kind that carry no amounts were read (#ADRESS, #SRU, #OMFATTN, #RTRANS …).
    ignored: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[SieProblem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[SieProblem]:
        return [p for p in self.problems if p.severity == WARNING]

    def fiscal_months(self, year_index: int = 0) -> list[str]:
        """The months ("YYYY-MM") of a fiscal year according to #RAR, in order; [] without #RAR."""
        if year_index not in self.fiscal_years:
            return []
        start, end = self.fiscal_years[year_index]
        y, m = int(start[:4]), int(start[4:6])
        out = []
        while (y, m) <= (int(end[:4]), int(end[4:6])):
            out.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out
