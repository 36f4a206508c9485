"""sie4 – a streaming reader for SIE, the Swedish accounting export format (types 1–4, SIE 4B).

    import sie4
    f = sie4.read("huvudbok.se")                            # vouchers kept
    f = sie4.read("stor.se", transactions="aggregate")      # #TRANS summed per account, objects, month
    for rec in sie4.iter_records("huvudbok.se"): ...        # one line at a time
    for s in sie4.summarise(f.problems): print(s)           # one line per kind of problem

Pure Python, no dependencies. See README.md in this folder for the records read and the rules."""
from .model import (
    ObjectList,
    SieAccount,
    SieBalance,
    SieDimension,
    SieFile,
    SieObject,
    SieObjectBalance,
    SiePeriodBalance,
    SieTransaction,
    SieVoucher,
)
from .problems import ERROR, WARNING, SieProblem, SieReadError, Summary, summarise
from .reader import Record, iter_records, read

__all__ = [
    "ERROR",
    "WARNING",
    "ObjectList",
    "Record",
    "SieAccount",
    "SieBalance",
    "SieDimension",
    "SieFile",
    "SieObject",
    "SieObjectBalance",
    "SiePeriodBalance",
    "SieProblem",
    "SieReadError",
    "SieTransaction",
    "SieVoucher",
    "Summary",
    "iter_records",
    "read",
    "summarise",
]
