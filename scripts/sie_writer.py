"""Writes SIE files in PC8/CP437 (``#FLAGGA 0``, ``#FORMAT PC8``): for the example municipality's
generator (scripts/exempel.py) and for the tests' round trips. Not part of the product: the workspace
only reads SIE (package ``sie4``)."""
from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from sie4 import SieAccount, SieDimension, SieObject, SieVoucher

__all__ = ["write_sie"]

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _q(text: object) -> str:
    """A quoted field: inner quotes escaped, control characters (forbidden in SIE) become spaces."""
    return '"' + _CONTROL.sub(" ", str(text)).replace("\t", " ").replace('"', '\\"') + '"'


def _fmt_amount(value: float) -> str:
    text = f"{float(value):.2f}"
    return "0.00" if text == "-0.00" else text


def _fmt_quantity(value: float) -> str:
    text = f"{float(value):.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _fmt_objects(objects: Iterable[tuple[int, str]]) -> str:
    return "{" + " ".join(f"{int(d)} {_q(o)}" for d, o in objects) + "}"


def _fmt_period(period: str) -> str:
    return str(period).replace("-", "")


def write_sie(path: str | os.PathLike, *, program: str, fnamn: str, orgnr: str,
              fiscal_years: Mapping[int, tuple[str, str]],
              accounts: Mapping[str, SieAccount | str] | Iterable[SieAccount],
              dimensions: Mapping[int, SieDimension | str] | Iterable[SieDimension],
              objects: Mapping[tuple[int, str], SieObject | str] | Iterable[SieObject],
              psaldo: Iterable[tuple], pbudget: Iterable[tuple], vouchers: Iterable[SieVoucher] = (),
              sie_type: int = 3, generated: str | dt.date | None = None,
              ib: Iterable[tuple] = (), ub: Iterable[tuple] = (), res: Iterable[tuple] = (),
              oib: Iterable[tuple] = (), oub: Iterable[tuple] = (), kptyp: str = "",
              program_version: str = "1.0", omfattn: str | None = None) -> Path:
    """Write a SIE file in PC8/CP437 (``#FLAGGA 0``, ``#FORMAT PC8``), atomically.

    ``accounts``/``dimensions``/``objects`` may be mappings or iterables of the dataclasses (a mapping
    value may also be just the name). ``psaldo``/``pbudget`` rows are (year_index, period, account,
    objects, amount[, quantity[, line]]) with period "YYYY-MM" or "YYYYMM"; ``ib``/``ub``/``res`` rows
    (year_index, account, amount[, quantity]); ``oib``/``oub`` rows (year_index, account, objects, amount
    [, quantity]). #OMFATTN (required for types 2 and 3) defaults to the end of the last period of year 0.
    Raises ``ValueError`` for a text that cannot be written in CP437."""
    if sie_type not in (1, 2, 3, 4):
        raise ValueError(f"sie_type ska vara 1, 2, 3 eller 4, inte {sie_type!r}")
    if generated is None:
        generated = dt.date.today()
    if isinstance(generated, dt.date):
        generated = generated.strftime("%Y%m%d")
    psaldo, pbudget = list(psaldo), list(pbudget)

    out = ["#FLAGGA 0", f"#PROGRAM {_q(program)} {_q(program_version)}", "#FORMAT PC8",
           f"#GEN {generated}", f"#SIETYP {sie_type}", f"#FNAMN {_q(fnamn)}"]
    if orgnr:
        out.append(f"#ORGNR {_q(orgnr)}")
    for year in sorted(fiscal_years, reverse=True):
        start, end = fiscal_years[year]
        out.append(f"#RAR {year} {start} {end}")
    current = [_fmt_period(r[1]) for r in psaldo if r[0] == 0]
    if omfattn is None and current:
        y, m = int(max(current)[:4]), int(max(current)[4:])
        first_of_next = dt.date(y + (m == 12), m % 12 + 1, 1)
        omfattn = (first_of_next - dt.timedelta(days=1)).strftime("%Y%m%d")
    if omfattn:
        out.append(f"#OMFATTN {omfattn}")
    if kptyp:
        out.append(f"#KPTYP {kptyp}")

    accs = [SieAccount(str(k), v) if isinstance(v, str) else v for k, v in accounts.items()] \
        if isinstance(accounts, Mapping) else list(accounts)
    for a in accs:
        out.append(f"#KONTO {a.number} {_q(a.name)}")
    for a in accs:
        if a.type:
            out.append(f"#KTYP {a.number} {a.type}")
    for a in accs:
        if a.unit:
            out.append(f"#ENHET {a.number} {_q(a.unit)}")

    dims = [SieDimension(int(k), v) if isinstance(v, str) else v for k, v in dimensions.items()] \
        if isinstance(dimensions, Mapping) else list(dimensions)
    for d in sorted(dims, key=lambda d: (d.parent is not None, d.number)):
        if d.parent is None:
            out.append(f"#DIM {d.number} {_q(d.name)}")
        else:
            out.append(f"#UNDERDIM {d.number} {_q(d.name)} {d.parent}")
    objs = [SieObject(int(k[0]), str(k[1]), v) if isinstance(v, str) else v for k, v in objects.items()] \
        if isinstance(objects, Mapping) else list(objects)
    for o in objs:
        out.append(f"#OBJEKT {o.dimension} {_q(o.number)} {_q(o.name)}")

    def qty(row, i):
        return f" {_fmt_quantity(row[i])}" if len(row) > i and row[i] is not None else ""

    for label, rows in (("#IB", ib), ("#UB", ub)):
        for r in rows:
            out.append(f"{label} {r[0]} {r[1]} {_fmt_amount(r[2])}{qty(r, 3)}")
    for label, rows in (("#OIB", oib), ("#OUB", oub)):
        for r in rows:
            out.append(f"{label} {r[0]} {r[1]} {_fmt_objects(r[2])} {_fmt_amount(r[3])}{qty(r, 4)}")
    for r in res:
        out.append(f"#RES {r[0]} {r[1]} {_fmt_amount(r[2])}{qty(r, 3)}")
    for label, rows in (("#PSALDO", psaldo), ("#PBUDGET", pbudget)):
        for r in rows:
            out.append(f"{label} {r[0]} {_fmt_period(r[1])} {r[2]} {_fmt_objects(r[3])} "
                       f"{_fmt_amount(r[4])}{qty(r, 5)}")
    for v in vouchers:
        out.append(f"#VER {_q(v.series)} {_q(v.number)} {v.date} {_q(v.text)}")
        out.append("{")
        for t in v.transactions:
            line = f"   #TRANS {t.account} {_fmt_objects(t.objects)} {_fmt_amount(t.amount)}"
            if t.date or t.text or t.quantity is not None:
                line += f" {t.date or _q('')} {_q(t.text)}"
                if t.quantity is not None:
                    line += f" {_fmt_quantity(t.quantity)}"
            out.append(line)
        out.append("}")

    text = "\r\n".join(out) + "\r\n"
    try:
        data = text.encode("cp437")
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start:exc.end]
        context = exc.object[max(0, exc.start - 30):exc.end + 30].strip()
        raise ValueError(f"tecknet {bad!r} kan inte skrivas i PC8/CP437 (SIE-standardens teckenuppsättning): "
                         f"…{context}…") from None
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return target
