"""Reader and writer for the Swedish SIE 4 accounting export format (SIE filformat, editions 4B/4C).

SIE files are tagged text files in IBM PC-8 (code page 437). Every record is one line starting with a
label (``#KONTO``, ``#PSALDO`` ...); fields are separated by spaces or tabs, may be quoted with ``"``
(an inner quote is written ``\\"``) and object lists are written ``{dim "obj" dim "obj"}``. A ``#VER``
record is followed by a ``{`` … ``}`` block of ``#TRANS`` lines on lines of their own.

``read_sie`` reads every record the analysis needs, checks the file against the standard and the
file's own declarations (#KONTO, #OBJEKT, #RAR) and collects every problem before raising one
``DataValidationError``; non-fatal findings end up in ``SieFile.warnings``. ``balances_frame`` and
``voucher_frame`` turn the result into tidy tables. ``write_sie`` writes a valid PC8 file (used by the
demo-data generator and by the tests' round trips).

Amounts keep the file's sign convention: debit positive, credit negative (revenue is negative).
"""
from __future__ import annotations

import datetime as dt
import math
import os
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from helpers.core.errors import DataValidationError, Problem

__all__ = [
    "SieAccount",
    "SieBalance",
    "SieDimension",
    "SieFile",
    "SieObject",
    "SieObjectBalance",
    "SiePeriodBalance",
    "SieTransaction",
    "SieVoucher",
    "balances_frame",
    "read_sie",
    "voucher_frame",
    "write_sie",
]


# --------------------------------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------------------------------

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
    """#TRANS inside a #VER block. ``date`` is None when the line gives no transdat (then the voucher
    date applies); ``objects`` is the object list as (dimension, object number) pairs."""

    account: str
    objects: tuple[tuple[int, str], ...]
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
    """#IB, #UB or #RES (a plain tuple: year_index, account, amount, quantity)."""

    year_index: int
    account: str
    amount: float
    quantity: float | None


class SieObjectBalance(NamedTuple):
    """#OIB or #OUB (a plain tuple: year_index, account, objects, amount, quantity)."""

    year_index: int
    account: str
    objects: tuple[tuple[int, str], ...]
    amount: float
    quantity: float | None


class SiePeriodBalance(NamedTuple):
    """#PSALDO or #PBUDGET; ``period`` is "YYYY-MM" and ``line`` the line in the file."""

    year_index: int
    period: str
    account: str
    objects: tuple[tuple[int, str], ...]
    amount: float
    quantity: float | None
    line: int


@dataclass
class SieFile:
    """Everything read from one SIE file. Dates are "YYYYMMDD" strings as in the file."""

    path: str
    flagga: int | None = None
    program: str = ""
    format: str = ""
    generated: str = ""
    sie_type: int | None = None
    fnamn: str = ""
    orgnr: str = ""
    fiscal_years: dict[int, tuple[str, str]] = field(default_factory=dict)
    kptyp: str = ""
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
    warnings: list[Problem] = field(default_factory=list)
    # Beyond the core model: the #PROGRAM version, the text encoding actually used, and how many
    # records of each known-but-unused kind (#ADRESS, #SRU, #RTRANS ...) were skipped.
    program_version: str = ""
    encoding: str = "cp437"
    ignored: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------
# Record shapes (for messages) and known labels
# --------------------------------------------------------------------------------------------------

_SHAPES = {
    "#FLAGGA": "#FLAGGA x (0 eller 1)",
    "#PROGRAM": "#PROGRAM programnamn version",
    "#FORMAT": "#FORMAT PC8",
    "#GEN": "#GEN datum [sign]",
    "#SIETYP": "#SIETYP typnr",
    "#FNAMN": "#FNAMN företagsnamn",
    "#ORGNR": "#ORGNR orgnr [förvnr] [verknr]",
    "#RAR": "#RAR årsnr start slut",
    "#KPTYP": "#KPTYP typ",
    "#KONTO": "#KONTO kontonr kontonamn",
    "#KTYP": "#KTYP kontonr kontotyp (T, S, K eller I)",
    "#ENHET": "#ENHET kontonr enhet",
    "#DIM": "#DIM dimensionsnr namn",
    "#UNDERDIM": "#UNDERDIM dimensionsnr namn superdimension",
    "#OBJEKT": "#OBJEKT dimensionsnr objektnr objektnamn",
    "#IB": "#IB årsnr konto saldo [kvantitet]",
    "#UB": "#UB årsnr konto saldo [kvantitet]",
    "#RES": "#RES årsnr konto saldo [kvantitet]",
    "#OIB": "#OIB årsnr konto {objekt} saldo [kvantitet]",
    "#OUB": "#OUB årsnr konto {objekt} saldo [kvantitet]",
    "#PSALDO": "#PSALDO årsnr period konto {objekt} saldo [kvantitet]",
    "#PBUDGET": "#PBUDGET årsnr period konto {objekt} saldo [kvantitet]",
    "#VER": "#VER serie vernr verdatum [vertext] [regdatum] [sign]",
    "#TRANS": "#TRANS kontonr {objektlista} belopp [transdat] [transtext] [kvantitet] [sign]",
    "#RTRANS": "#RTRANS kontonr {objektlista} belopp [transdat] [transtext] [kvantitet] [sign]",
    "#BTRANS": "#BTRANS kontonr {objektlista} belopp [transdat] [transtext] [kvantitet] [sign]",
    "#KSUMMA": "#KSUMMA [kontrollsumma]",
}
# Records of the standard that are recognised but not used (counted in SieFile.ignored).
_IGNORED = frozenset({
    "#ADRESS", "#BKOD", "#FNR", "#FTYP", "#OMFATTN", "#TAXAR", "#PROSA", "#SRU", "#VALUTA", "#KSUMMA",
})
_TRANS_LIKE = frozenset({"#TRANS", "#RTRANS", "#BTRANS"})
# Dimension numbers the standard reserves; they need not be declared with #DIM (spec 8.4, 8.17).
_RESERVED_DIMENSIONS = frozenset({1, 2, 6, 7, 8, 9, 10})
_MAX_SHOWN = 120
_BALANCE_TOLERANCE = 0.005

_AMOUNT = re.compile(r"^-?\d+(?:\.\d+)?$")
_INTEGER = re.compile(r"^-?\d+$")
_DATE = re.compile(r"^\d{8}$")
_PERIOD = re.compile(r"^\d{6}$")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_LABEL = re.compile(r"^(#[^ \t]*)(.*)$", re.DOTALL)


# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------

class _LineError(ValueError):
    """A malformed field; the message is the Swedish detail."""


class _ObjList(tuple):
    """The raw items of one ``{...}`` object list (a token kind of its own)."""


def _clip(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def _sv_amount(value: float) -> str:
    """150.0 -> '150,00' (Swedish decimal comma, as in the messages)."""
    text = f"{value:.2f}"
    if text in ("-0.00",):
        text = "0.00"
    return text.replace(".", ",")


def _iso(date: str) -> str:
    return f"{date[:4]}-{date[4:6]}-{date[6:]}"


def _tokenize(rest: str) -> list[str | _ObjList]:
    """Split the part of a line after the label into fields (spec 5.7) and object lists (8.21)."""
    tokens: list[str | _ObjList] = []
    i, n = 0, len(rest)
    while i < n:
        c = rest[i]
        if c in " \t":
            i += 1
        elif c == "{":
            items: list[str] = []
            i += 1
            while True:
                while i < n and rest[i] in " \t":
                    i += 1
                if i >= n:
                    raise _LineError("objektlistan saknar avslutande '}'")
                if rest[i] == "}":
                    i += 1
                    break
                if rest[i] == "{":
                    raise _LineError("objektlistor kan inte nästlas")
                item, i = _field(rest, i, stops=" \t{}")
                items.append(item)
            tokens.append(_ObjList(items))
        elif c == "}":
            raise _LineError("'}' utan föregående '{' i posten")
        else:
            item, i = _field(rest, i, stops=" \t{")
            tokens.append(item)
    return tokens


def _field(text: str, i: int, stops: str) -> tuple[str, int]:
    """One field starting at ``text[i]``: quoted (``\\"`` inside) or running to a separator."""
    out: list[str] = []
    n = len(text)
    if text[i] == '"':
        i += 1
        while i < n:
            c = text[i]
            if c == "\\" and i + 1 < n and text[i + 1] == '"':
                out.append('"')
                i += 2
            elif c == '"':
                return "".join(out), i + 1
            else:
                out.append(c)
                i += 1
        raise _LineError("citattecknet avslutas inte (ett fält börjar med \" men slutar inte med \")")
    while i < n and text[i] not in stops:
        if text[i] == "\\" and i + 1 < n and text[i + 1] == '"':
            out.append('"')
            i += 2
            continue
        out.append(text[i])
        i += 1
    return "".join(out), i


def _get(tokens: list, i: int, what: str) -> str:
    if i >= len(tokens):
        raise _LineError(f"{what} saknas")
    tok = tokens[i]
    if isinstance(tok, _ObjList):
        raise _LineError(f"{what} får inte vara en objektlista {{…}}")
    return tok


def _opt(tokens: list, i: int, what: str) -> str | None:
    """An optional trailing field; missing or "" gives None."""
    if i >= len(tokens):
        return None
    tok = _get(tokens, i, what)
    return tok if tok != "" else None


def _int(tokens: list, i: int, what: str) -> int:
    tok = _get(tokens, i, what)
    if not _INTEGER.match(tok):
        raise _LineError(f"{what} '{tok}' är inget heltal")
    return int(tok)


def _year_index(tokens: list, i: int) -> int:
    value = _int(tokens, i, "årsnr")
    if value > 0:
        raise _LineError(f"årsnr '{value}' ska vara 0 (innevarande år), -1 (föregående år), -2 …")
    return value


def _number(tok: str, what: str) -> float:
    if not _AMOUNT.match(tok):
        raise _LineError(f"{what} '{tok}' är inget belopp (punkt som decimaltecken, t.ex. -1234.50)")
    return float(tok)


def _amount(tokens: list, i: int, what: str = "beloppet") -> float:
    return _number(_get(tokens, i, what), what)


def _opt_amount(tokens: list, i: int, what: str = "kvantiteten") -> float | None:
    tok = _opt(tokens, i, what)
    return None if tok is None else _number(tok, what)


def _check_date(tok: str, what: str) -> str:
    if _DATE.match(tok):
        try:
            dt.date(int(tok[:4]), int(tok[4:6]), int(tok[6:]))
            return tok
        except ValueError:
            pass
    raise _LineError(f"{what} '{tok}' är inget giltigt datum ÅÅÅÅMMDD")


def _date(tokens: list, i: int, what: str) -> str:
    return _check_date(_get(tokens, i, what), what)


def _opt_date(tokens: list, i: int, what: str) -> str | None:
    tok = _opt(tokens, i, what)
    return None if tok is None else _check_date(tok, what)


def _period(tokens: list, i: int) -> str:
    tok = _get(tokens, i, "perioden")
    if not _PERIOD.match(tok) or not 1 <= int(tok[4:]) <= 12:
        raise _LineError(f"perioden '{tok}' är ingen giltig period ÅÅÅÅMM")
    return f"{tok[:4]}-{tok[4:]}"


def _account(tokens: list, i: int) -> str:
    tok = _get(tokens, i, "kontonumret")
    if tok == "":
        raise _LineError("kontonumret är tomt")
    return tok


def _objects(tokens: list, i: int) -> tuple[tuple[int, str], ...]:
    if i >= len(tokens) or not isinstance(tokens[i], _ObjList):
        raise _LineError("objektlistan {…} saknas (skriv {} när posten inte avser något objekt)")
    items = tokens[i]
    if len(items) % 2:
        raise _LineError("objektlistan ska innehålla par av dimensionsnummer och objektnummer")
    pairs = []
    for k in range(0, len(items), 2):
        dim, obj = items[k], items[k + 1]
        if not dim.isdigit() or int(dim) < 1:
            raise _LineError(f"dimensionsnumret '{dim}' i objektlistan är inget positivt heltal")
        pairs.append((int(dim), obj))
    return tuple(pairs)


# --------------------------------------------------------------------------------------------------
# Encoding
# --------------------------------------------------------------------------------------------------

# Swedish letters (å ä ö Å Ä Ö é ü) as bytes in CP437 and in Latin-1/Windows-1252.
_CP437_LETTERS = frozenset(b"\x86\x84\x94\x8f\x8e\x99\x82\x81")
_LATIN1_LETTERS = frozenset(b"\xe5\xe4\xf6\xc5\xc4\xd6\xe9\xfc")
_DECLARED_FORMAT = re.compile(rb"^[ \t]*#FORMAT[ \t]+\"?([^\s\"]*)", re.MULTILINE | re.IGNORECASE)
_ENCODING_NAMES = {"cp437": "PC8/CP437", "utf-8": "UTF-8", "cp1252": "Windows-1252/Latin-1",
                   "latin-1": "Latin-1"}


def _decode(data: bytes, fil: str) -> tuple[str, str, list[Problem]]:
    """Decode the file: CP437 as the standard requires, UTF-8 or Latin-1 (with a warning) when the
    bytes clearly are that instead (a CP437 file with å ä ö is never valid UTF-8)."""
    warnings: list[Problem] = []
    m = _DECLARED_FORMAT.search(data)
    declared = m.group(1).decode("ascii", "replace").upper() if m else None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        encoding = "utf-8"
    else:
        encoding = "cp437"
        if not data.isascii():
            try:
                data.decode("utf-8")
                encoding = "utf-8"
            except UnicodeDecodeError:
                high = data.translate(None, bytes(range(128)))      # just the non-ASCII bytes
                latin = sum(high.count(b) for b in _LATIN1_LETTERS)
                pc8 = sum(high.count(b) for b in _CP437_LETTERS)
                if latin > pc8:
                    encoding = "cp1252"
    if encoding == "cp1252":
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            encoding = "latin-1"
            text = data.decode("latin-1")
    else:
        text = data.decode(encoding)
    if declared is not None and declared != "PC8":
        warnings.append(Problem(fil, None, "#FORMAT", declared,
                                f"#FORMAT anger '{declared}', men SIE-standarden kräver PC8 (CP437); "
                                f"filen lästes som {_ENCODING_NAMES[encoding]}", allvarlig=False))
    if encoding != "cp437":
        warnings.append(Problem(fil, None, "#FORMAT", None,
                                "filen är inte kodad i PC8/CP437 som SIE-standarden kräver; den lästes "
                                f"som {_ENCODING_NAMES[encoding]} (kontrollera å, ä och ö)", allvarlig=False))
    return text, encoding, warnings


# --------------------------------------------------------------------------------------------------
# Reader
# --------------------------------------------------------------------------------------------------

@dataclass
class _OpenVoucher:
    line: int
    text: str
    header: tuple[str, str, str, str] | None   # series, number, date, text; None if #VER was malformed
    block_line: int | None = None              # the line of '{' once the block is open
    transactions: list[SieTransaction] = field(default_factory=list)
    broken: bool = False                        # a #TRANS line could not be read
    pending_rtrans: tuple[int, tuple] | None = None


class _Reader:
    def __init__(self, path: Path):
        self.path = path
        self.fil = path.name
        self.sie = SieFile(path=str(path))
        self.problems: list[Problem] = []
        self.account_refs: list[tuple[str, int, str, str]] = []          # account, line, label, text
        self.object_refs: list[tuple[int, str, int, str, str]] = []       # dim, obj, line, label, text
        self.year_refs: list[tuple[int, str | None, int, str, str]] = []  # year, period, line, label, text
        self.voucher_dates: list[tuple[str, int, str]] = []               # date, line, text
        self.ktyp: list[tuple[str, str, int, str]] = []
        self.enhet: list[tuple[str, str, int, str]] = []
        self.seen: dict[str, int] = {}                                    # first line of each label
        self.unknown: dict[str, list[int]] = {}
        self.extra_fields: dict[str, list[int]] = {}
        self.rar_lines: dict[int, int] = {}
        self.object_lines: dict[int, tuple[int, str]] = {}                # first #OBJEKT per dimension
        self.dimension_lines: dict[int, tuple[int, str]] = {}             # #DIM/#UNDERDIM per dimension
        self.period_keys: dict[tuple, int] = {}
        self.ksumma_open: int | None = None
        self.ksumma_value: tuple[int, str, str] | None = None
        self.crc_parts: list[bytes] | None = None

    # -- problems ------------------------------------------------------------------------------

    def error(self, line: int | None, label: str | None, text: str | None, message: str) -> None:
        self.problems.append(Problem(self.fil, line, label, None if text is None else _clip(text), message))

    def warn(self, line: int | None, label: str | None, text: str | None, message: str) -> None:
        self.sie.warnings.append(
            Problem(self.fil, line, label, None if text is None else _clip(text), message, allvarlig=False))

    def malformed(self, line: int, label: str, text: str, detail: str) -> None:
        self.error(line, label, text, f"felaktig {label}-post: {detail}; förväntade {_SHAPES[label]}")

    # -- main loop -----------------------------------------------------------------------------

    def run(self) -> SieFile:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            raise DataValidationError([Problem(self.fil, None, None, None, "filen finns inte")]) from None
        except OSError as exc:
            raise DataValidationError(
                [Problem(self.fil, None, None, None, f"filen kunde inte läsas ({exc.strerror})")]) from None
        text, encoding, enc_warnings = _decode(data, self.fil)
        self.sie.encoding = encoding
        self.sie.warnings.extend(enc_warnings)
        lines = text.split("\n")
        if not text.strip(" \t\r\n\x1a"):
            self.error(None, None, None, "filen är tom; förväntade en SIE-fil som börjar med #FLAGGA")
            raise DataValidationError(self.problems)

        voucher: _OpenVoucher | None = None     # a #VER waiting for or inside its block
        orphan_block: int | None = None         # line of a '{' that follows no #VER
        for lineno, raw in enumerate(lines, start=1):
            line = raw.strip(" \t\r\x1a")
            if not line:
                continue
            if voucher is not None and voucher.block_line is None and line != "{":
                self.error(voucher.line, "#VER", voucher.text,
                           "#VER ska följas av ett block med #TRANS-rader inom { } på egna rader")
                voucher = None
            if line == "{":
                if voucher is not None and voucher.block_line is None:
                    voucher.block_line = lineno
                elif voucher is not None or orphan_block is not None:
                    self.error(lineno, "{", line, "'{' inuti ett block som inte har avslutats med '}'")
                else:
                    self.error(lineno, "{", line, "'{' utan föregående #VER; block får bara följa på #VER")
                    orphan_block = lineno
                continue
            if line == "}":
                if voucher is not None:
                    self.close_voucher(voucher)
                    voucher = None
                elif orphan_block is not None:
                    orphan_block = None
                else:
                    self.error(lineno, "}", line, "'}' utan matchande '{'")
                continue
            if not line.startswith("#"):
                self.error(lineno, None, line, "raden är ingen SIE-post; förväntade en etikett som börjar med #")
                continue
            head = _LABEL.match(line)
            label, rest = head.group(1).upper(), head.group(2)
            try:
                tokens = _tokenize(rest)
            except _LineError as exc:
                self.error(lineno, label, line,
                           f"felaktig {label}-post: {exc}"
                           + (f"; förväntade {_SHAPES[label]}" if label in _SHAPES else ""))
                if voucher is not None and voucher.block_line is not None and label in _TRANS_LIKE:
                    voucher.broken = True
                continue
            if _CONTROL.search(line):
                self.error(lineno, label, line, "raden innehåller otillåtna kontrolltecken (ASCII 0–31, 127)")
                continue
            self.seen.setdefault(label, lineno)
            self.checksum(label, tokens, lineno, line)

            in_block = (voucher is not None and voucher.block_line is not None) or orphan_block is not None
            if in_block:
                if label in _TRANS_LIKE:
                    self.trans(voucher, label, tokens, lineno, line)
                    continue
                if label not in _SHAPES and label not in _IGNORED:
                    self.unknown.setdefault(label, []).append(lineno)
                    continue
                # Any other record means the block was never closed.
                start = voucher.block_line if voucher is not None else orphan_block
                self.error(start, "{", None, f"blocket som börjar på rad {start} saknar avslutande '}}'")
                if voucher is not None:
                    self.close_voucher(voucher)
                voucher, orphan_block = None, None
            if label in _TRANS_LIKE:
                self.error(lineno, label, line, f"{label} får bara förekomma inom {{ }}-blocket efter en #VER")
                continue
            if label == "#VER":
                voucher = self.ver(tokens, lineno, line)
                continue
            self.record(label, tokens, lineno, line)

        if voucher is not None:
            if voucher.block_line is None:
                self.error(voucher.line, "#VER", voucher.text,
                           "#VER ska följas av ett block med #TRANS-rader inom { } på egna rader")
            else:
                self.error(voucher.block_line, "{", None,
                           f"blocket som börjar på rad {voucher.block_line} saknar avslutande '}}'")
                self.close_voucher(voucher)
        if orphan_block is not None:
            self.error(orphan_block, "{", None, f"blocket som börjar på rad {orphan_block} saknar avslutande '}}'")

        self.finish()
        fatal = [p for p in self.problems if p.allvarlig]
        if fatal:
            raise DataValidationError(self.problems)
        return self.sie

    # -- records -------------------------------------------------------------------------------

    def record(self, label: str, tokens: list, lineno: int, line: str) -> None:
        if label in _IGNORED:
            self.sie.ignored[label] = self.sie.ignored.get(label, 0) + 1
            if label == "#KSUMMA":
                self.ksumma(tokens, lineno, line)
            return
        handler = getattr(self, "rec_" + label[1:].lower(), None) if label in _SHAPES else None
        if handler is None:
            self.unknown.setdefault(label, []).append(lineno)
            return
        try:
            used = handler(tokens, lineno, line)
        except _LineError as exc:
            self.malformed(lineno, label, line, str(exc))
            return
        if used is not None and len(tokens) > used:
            self.extra_fields.setdefault(label, []).append(lineno)

    def rec_flagga(self, t, lineno, line):
        value = _int(t, 0, "flaggan")
        if value not in (0, 1):
            raise _LineError(f"flaggan '{value}' ska vara 0 eller 1")
        self.sie.flagga = value
        return 1

    def rec_program(self, t, lineno, line):
        self.sie.program = _get(t, 0, "programnamnet")
        self.sie.program_version = _opt(t, 1, "versionen") or ""
        return 2

    def rec_format(self, t, lineno, line):
        self.sie.format = _get(t, 0, "teckenuppsättningen")
        return 1

    def rec_gen(self, t, lineno, line):
        self.sie.generated = _date(t, 0, "datumet")
        return 2

    def rec_sietyp(self, t, lineno, line):
        value = _int(t, 0, "typnumret")
        self.sie.sie_type = value
        if value not in (1, 2, 3, 4):
            self.error(lineno, "#SIETYP", line,
                       f"#SIETYP {value} är ingen giltig SIE-typ; förväntade 1, 2, 3 eller 4")
        elif value == 1:
            self.warn(lineno, "#SIETYP", line,
                      "SIE typ 1 innehåller bara årssaldon, inga periodsaldon (#PSALDO/#PBUDGET); "
                      "månadsuppföljning kräver typ 2 eller högre")
        return 1

    def rec_fnamn(self, t, lineno, line):
        self.sie.fnamn = _get(t, 0, "företagsnamnet")
        return 1

    def rec_orgnr(self, t, lineno, line):
        self.sie.orgnr = _get(t, 0, "organisationsnumret")
        return 3

    def rec_kptyp(self, t, lineno, line):
        self.sie.kptyp = _get(t, 0, "kontoplanstypen")
        return 1

    def rec_rar(self, t, lineno, line):
        year = _year_index(t, 0)
        start = _date(t, 1, "startdatumet")
        end = _date(t, 2, "slutdatumet")
        if start > end:
            raise _LineError(f"startdatumet {start} ligger efter slutdatumet {end}")
        if year in self.sie.fiscal_years:
            self.error(lineno, "#RAR", line,
                       f"årsnr {year} är redan angivet med #RAR på rad {self.rar_lines[year]}; "
                       "förväntade en #RAR per årsnr")
            return 3
        self.sie.fiscal_years[year] = (start, end)
        self.rar_lines[year] = lineno
        return 3

    def rec_konto(self, t, lineno, line):
        number = _account(t, 0)
        if not number.isdigit():
            raise _LineError(f"kontonumret '{number}' ska vara numeriskt")
        name = _get(t, 1, "kontonamnet")
        old = self.sie.accounts.get(number)
        if old is not None and old.name != name:
            self.warn(lineno, "#KONTO", line,
                      f"konto {number} är redan deklarerat med namnet '{old.name}'; det senare namnet används")
        self.sie.accounts[number] = SieAccount(number, name)
        return 2

    def rec_ktyp(self, t, lineno, line):
        number = _account(t, 0)
        kind = _get(t, 1, "kontotypen").upper()
        if kind not in ("T", "S", "K", "I"):
            raise _LineError(f"kontotypen '{kind}' ska vara T, S, K eller I")
        self.ktyp.append((number, kind, lineno, line))
        return 2

    def rec_enhet(self, t, lineno, line):
        self.enhet.append((_account(t, 0), _get(t, 1, "enheten"), lineno, line))
        return 2

    def _dimension_number(self, t, i, what="dimensionsnumret") -> int:
        value = _int(t, i, what)
        if value < 1:
            raise _LineError(f"{what} '{value}' ska vara ett positivt heltal")
        return value

    def rec_dim(self, t, lineno, line):
        number = self._dimension_number(t, 0)
        self._add_dimension(SieDimension(number, _get(t, 1, "namnet")), lineno, "#DIM", line)
        return 2

    def rec_underdim(self, t, lineno, line):
        number = self._dimension_number(t, 0)
        name = _get(t, 1, "namnet")
        parent = self._dimension_number(t, 2, "superdimensionen")
        self._add_dimension(SieDimension(number, name, parent), lineno, "#UNDERDIM", line)
        return 3

    def _add_dimension(self, dim: SieDimension, lineno: int, label: str, line: str) -> None:
        if dim.number in self.sie.dimensions:
            self.warn(lineno, label, line, f"dimension {dim.number} är redan deklarerad; den senare används")
        self.sie.dimensions[dim.number] = dim
        self.dimension_lines[dim.number] = (lineno, line)

    def rec_objekt(self, t, lineno, line):
        dim = self._dimension_number(t, 0)
        number = _get(t, 1, "objektnumret")
        name = _get(t, 2, "objektnamnet")
        key = (dim, number)
        if key in self.sie.objects:
            self.warn(lineno, "#OBJEKT", line,
                      f"objekt '{number}' i dimension {dim} är redan deklarerat; det senare namnet används")
        self.sie.objects[key] = SieObject(dim, number, name)
        self.object_lines.setdefault(dim, (lineno, line))
        return 3

    def _balance(self, t, lineno, line, label, target):
        year = _year_index(t, 0)
        account = _account(t, 1)
        amount = _amount(t, 2, "saldot")
        quantity = _opt_amount(t, 3)
        target.append(SieBalance(year, account, amount, quantity))
        self.account_refs.append((account, lineno, label, line))
        self.year_refs.append((year, None, lineno, label, line))
        return 4

    def rec_ib(self, t, lineno, line):
        return self._balance(t, lineno, line, "#IB", self.sie.ib)

    def rec_ub(self, t, lineno, line):
        return self._balance(t, lineno, line, "#UB", self.sie.ub)

    def rec_res(self, t, lineno, line):
        return self._balance(t, lineno, line, "#RES", self.sie.res)

    def _object_balance(self, t, lineno, line, label, target):
        year = _year_index(t, 0)
        account = _account(t, 1)
        objects = _objects(t, 2)
        amount = _amount(t, 3, "saldot")
        quantity = _opt_amount(t, 4)
        target.append(SieObjectBalance(year, account, objects, amount, quantity))
        self._refs(account, objects, lineno, label, line)
        self.year_refs.append((year, None, lineno, label, line))
        return 5

    def rec_oib(self, t, lineno, line):
        return self._object_balance(t, lineno, line, "#OIB", self.sie.oib)

    def rec_oub(self, t, lineno, line):
        return self._object_balance(t, lineno, line, "#OUB", self.sie.oub)

    def _period_balance(self, t, lineno, line, label, target):
        year = _year_index(t, 0)
        period = _period(t, 1)
        account = _account(t, 2)
        objects = _objects(t, 3)
        amount = _amount(t, 4, "saldot")
        quantity = _opt_amount(t, 5)
        if objects and self.sie.sie_type == 2:
            # Spec: a program reading type 2 ignores period records with a non-empty object list.
            self.warn(lineno, label, line,
                      f"SIE typ 2 ska inte ha objekt i {label}; posten ignoreras (totalen per konto används)")
            return 6
        key = (label, year, period, account, objects)
        if key in self.period_keys:
            self.warn(lineno, label, line,
                      f"samma årsnr, period, konto och objekt finns redan på rad {self.period_keys[key]}; "
                      "båda raderna läses in")
        self.period_keys.setdefault(key, lineno)
        target.append(SiePeriodBalance(year, period, account, objects, amount, quantity, lineno))
        self._refs(account, objects, lineno, label, line)
        self.year_refs.append((year, period, lineno, label, line))
        return 6

    def rec_psaldo(self, t, lineno, line):
        return self._period_balance(t, lineno, line, "#PSALDO", self.sie.psaldo)

    def rec_pbudget(self, t, lineno, line):
        return self._period_balance(t, lineno, line, "#PBUDGET", self.sie.pbudget)

    def _refs(self, account, objects, lineno, label, line):
        self.account_refs.append((account, lineno, label, line))
        for dim, obj in objects:
            self.object_refs.append((dim, obj, lineno, label, line))

    # -- vouchers ------------------------------------------------------------------------------

    def ver(self, t: list, lineno: int, line: str) -> _OpenVoucher:
        try:
            series = _get(t, 0, "serien")
            number = _get(t, 1, "verifikationsnumret")
            date = _date(t, 2, "verifikationsdatumet")
            text = _opt(t, 3, "verifikationstexten") or ""
            _opt_date(t, 4, "registreringsdatumet")
        except _LineError as exc:
            self.malformed(lineno, "#VER", line, str(exc))
            return _OpenVoucher(lineno, line, None)
        if len(t) > 6:
            self.extra_fields.setdefault("#VER", []).append(lineno)
        self.voucher_dates.append((date, lineno, line))
        return _OpenVoucher(lineno, line, (series, number, date, text))

    def trans(self, voucher: _OpenVoucher | None, label: str, t: list, lineno: int, line: str) -> None:
        try:
            account = _account(t, 0)
            objects = _objects(t, 1)
            amount = _amount(t, 2)
            date = _opt_date(t, 3, "transaktionsdatumet")
            text = _opt(t, 4, "transaktionstexten") or ""
            quantity = _opt_amount(t, 5)
        except _LineError as exc:
            self.malformed(lineno, label, line, str(exc))
            if voucher is not None:
                voucher.broken = True
            return
        if len(t) > 7:
            self.extra_fields.setdefault(label, []).append(lineno)
        self._refs(account, objects, lineno, label, line)
        if voucher is None:
            return
        row = SieTransaction(account, objects, amount, date, text, quantity)
        if voucher.pending_rtrans is not None:
            r_line, r_row = voucher.pending_rtrans
            voucher.pending_rtrans = None
            if label != "#TRANS" or (row.account, row.objects, row.amount) != r_row:
                self.warn(r_line, "#RTRANS", None,
                          "#RTRANS ska direkt följas av en likadan #TRANS-rad (SIE-standarden); "
                          "#RTRANS-raden ignoreras")
        if label == "#TRANS":
            voucher.transactions.append(row)
        else:
            # #RTRANS/#BTRANS (added/removed rows) are ignored as the spec allows; the #TRANS that must
            # follow an #RTRANS carries the row, so the voucher's balance is unaffected.
            self.sie.ignored[label] = self.sie.ignored.get(label, 0) + 1
            if label == "#RTRANS":
                voucher.pending_rtrans = (lineno, (row.account, row.objects, row.amount))

    def close_voucher(self, voucher: _OpenVoucher) -> None:
        if voucher.pending_rtrans is not None:
            self.warn(voucher.pending_rtrans[0], "#RTRANS", None,
                      "#RTRANS ska direkt följas av en likadan #TRANS-rad (SIE-standarden); #RTRANS-raden ignoreras")
        if voucher.header is None or voucher.broken:
            return
        series, number, date, text = voucher.header
        ident = " ".join(p for p in (series, number) if p) or "utan serie och nummer"
        total = math.fsum(tr.amount for tr in voucher.transactions)
        if abs(total) > _BALANCE_TOLERANCE:
            self.error(voucher.line, "#VER", voucher.text,
                       f"verifikationen {ident} balanserar inte: summan av #TRANS är {_sv_amount(total)} "
                       "(förväntade 0)")
            return
        if not voucher.transactions:
            self.warn(voucher.line, "#VER", voucher.text, f"verifikationen {ident} saknar #TRANS-rader")
        self.sie.vouchers.append(SieVoucher(series, number, date, text, tuple(voucher.transactions), voucher.line))

    # -- #KSUMMA (spec chapter 10) --------------------------------------------------------------

    def checksum(self, label: str, tokens: list, lineno: int, line: str) -> None:
        if self.crc_parts is None or label == "#KSUMMA":
            return
        parts = [label]
        for tok in tokens:
            parts.extend(tok if isinstance(tok, _ObjList) else [tok])
        try:
            self.crc_parts.append("".join(parts).encode("cp437"))
        except UnicodeEncodeError:
            self.crc_parts = None   # not a PC8 file; the sum cannot be recomputed

    def ksumma(self, tokens: list, lineno: int, line: str) -> None:
        if not tokens:
            if self.ksumma_open is None:
                self.ksumma_open = lineno
                self.crc_parts = [] if self.sie.encoding == "cp437" else None
            return
        value = tokens[0]
        if not isinstance(value, str) or not _INTEGER.match(value):
            self.malformed(lineno, "#KSUMMA", line, f"kontrollsumman '{value}' är inget heltal")
            return
        self.ksumma_value = (lineno, line, value)
        if self.ksumma_open is None:
            self.warn(lineno, "#KSUMMA", line, "avslutande #KSUMMA utan inledande #KSUMMA; summan kontrolleras inte")
            return
        if self.crc_parts is not None:
            crc = zlib.crc32(b"".join(self.crc_parts)) & 0xFFFFFFFF
            given = int(value)
            if given not in (crc, crc - (1 << 32)):
                self.warn(lineno, "#KSUMMA", line,
                          f"kontrollsumman i filen ({given}) stämmer inte med innehållet ({crc}); "
                          "filen kan ha ändrats eller skadats efter exporten")
        self.crc_parts = None

    # -- checks that need the whole file ---------------------------------------------------------

    def finish(self) -> None:
        sie = self.sie
        if "#SIETYP" not in self.seen:
            self.error(None, "#SIETYP", None, "#SIETYP saknas; förväntade en rad '#SIETYP typnr' med typ 1–4")
        for label in ("#FLAGGA", "#FORMAT", "#GEN", "#PROGRAM", "#FNAMN"):
            if label not in self.seen:
                self.warn(None, label, None, f"{label} saknas (obligatorisk post enligt SIE-standarden)")
        if self.ksumma_open is not None and self.ksumma_value is None:
            self.error(self.ksumma_open, "#KSUMMA", "#KSUMMA",
                       "filen inleds med #KSUMMA men den avslutande #KSUMMA med kontrollsumman saknas; "
                       "filen är troligen avkortad")

        for number, kind, lineno, line in self.ktyp:
            if number in sie.accounts:
                sie.accounts[number] = replace(sie.accounts[number], type=kind)
            else:
                self.account_refs.append((number, lineno, "#KTYP", line))
        for number, unit, lineno, line in self.enhet:
            if number in sie.accounts:
                sie.accounts[number] = replace(sie.accounts[number], unit=unit)
            else:
                self.account_refs.append((number, lineno, "#ENHET", line))

        for account, lineno, label, line in sorted(self.account_refs, key=lambda r: r[1]):
            if account not in sie.accounts:
                self.error(lineno, label, line, f"konto {account} är inte deklarerat med #KONTO")

        dims_with_objects = {dim for dim, _ in sie.objects}
        checked = set(sie.dimensions) | dims_with_objects
        unchecked_warned: set[int] = set()
        for dim, obj, lineno, label, line in self.object_refs:
            if dim in checked:
                if (dim, obj) not in sie.objects:
                    self.error(lineno, label, line,
                               f"objekt '{obj}' i dimension {dim} är inte deklarerat med #OBJEKT")
            elif dim not in unchecked_warned:
                unchecked_warned.add(dim)
                self.warn(lineno, label, line,
                          f"dimension {dim} är varken deklarerad med #DIM eller har några #OBJEKT; "
                          "objekten i den kan inte kontrolleras")
        for dim in sorted(dims_with_objects - set(sie.dimensions) - _RESERVED_DIMENSIONS):
            lineno, line = self.object_lines[dim]
            self.warn(lineno, "#OBJEKT", line, f"dimension {dim} är inte deklarerad med #DIM")
        for d in sie.dimensions.values():
            if d.parent is not None and d.parent not in sie.dimensions and d.parent not in _RESERVED_DIMENSIONS:
                lineno, line = self.dimension_lines[d.number]
                self.warn(lineno, "#UNDERDIM", line,
                          f"underdimension {d.number} pekar på dimension {d.parent} som inte är deklarerad med #DIM")

        for year, period, lineno, label, line in self.year_refs:
            if year not in sie.fiscal_years:
                self.error(lineno, label, line, f"årsnr {year} saknar #RAR (räkenskapsårets start och slut)")
            elif period is not None:
                start, end = sie.fiscal_years[year]
                ym = period.replace("-", "")
                if not start[:6] <= ym <= end[:6]:
                    self.error(lineno, label, line,
                               f"perioden {period} ligger utanför räkenskapsår {year} "
                               f"({_iso(start)}–{_iso(end)}) enligt #RAR")
        for date, lineno, line in self.voucher_dates:
            if 0 not in sie.fiscal_years:
                self.error(lineno, "#VER", line,
                           "årsnr 0 saknar #RAR; verifikationerna avser innevarande räkenskapsår (årsnr 0)")
            else:
                start, end = sie.fiscal_years[0]
                if not start <= date <= end:
                    self.error(lineno, "#VER", line,
                               f"verifikationsdatumet {_iso(date)} ligger utanför räkenskapsår 0 "
                               f"({_iso(start)}–{_iso(end)}) enligt #RAR")

        for label, where in self.unknown.items():
            more = f" ({len(where)} rader)" if len(where) > 1 else ""
            self.warn(where[0], label, None, f"okänd post {label} ignoreras{more}")
        for label, where in self.extra_fields.items():
            more = f" ({len(where)} rader)" if len(where) > 1 else ""
            self.warn(where[0], label, None,
                      f"{label} har fler fält än standarden anger; de extra fälten ignoreras{more} "
                      "(kontrollera att namn med mellanslag står inom citattecken)")
        self.problems.sort(key=lambda p: (p.rad is None, p.rad or 0))
        sie.warnings.sort(key=lambda p: (p.rad is not None, p.rad or 0))


def read_sie(path: str | os.PathLike) -> SieFile:
    """Read a SIE 1–4 file. Raises one ``DataValidationError`` listing every fatal problem (with file,
    line, record label and what was expected, in Swedish); non-fatal ones are in ``.warnings``."""
    return _Reader(Path(path)).run()


# --------------------------------------------------------------------------------------------------
# Tidy tables
# --------------------------------------------------------------------------------------------------

_BALANCE_COLUMNS = ["ar_index", "period", "konto", "kontonamn", "dimension", "objekt", "belopp", "kvantitet",
                    "objekt_lista"]


def _first_object(objects: tuple[tuple[int, str], ...]) -> tuple[str, str]:
    return (str(objects[0][0]), objects[0][1]) if objects else ("", "")


def balances_frame(sie: SieFile, kind: str = "psaldo") -> pd.DataFrame:
    """#PSALDO (``kind="psaldo"``) or #PBUDGET (``kind="pbudget"``) as one row per record.

    ``dimension``/``objekt`` describe the first object of the record's list ("" for account totals);
    ``objekt_lista`` holds the whole list. Amounts keep the file's signs."""
    if kind not in ("psaldo", "pbudget"):
        raise ValueError(f"kind ska vara 'psaldo' eller 'pbudget', inte {kind!r}")
    rows = getattr(sie, kind)
    names = {n: a.name for n, a in sie.accounts.items()}
    first = [_first_object(r.objects) for r in rows]
    return pd.DataFrame({
        "ar_index": pd.Series([r.year_index for r in rows], dtype="int64"),
        "period": pd.Series([r.period for r in rows], dtype="str"),
        "konto": pd.Series([r.account for r in rows], dtype="str"),
        "kontonamn": pd.Series([names.get(r.account, "") for r in rows], dtype="str"),
        "dimension": pd.Series([f[0] for f in first], dtype="str"),
        "objekt": pd.Series([f[1] for f in first], dtype="str"),
        "belopp": pd.Series([r.amount for r in rows], dtype="float64"),
        "kvantitet": pd.Series([math.nan if r.quantity is None else r.quantity for r in rows], dtype="float64"),
        "objekt_lista": pd.Series([r.objects for r in rows], dtype=object),
    }, columns=_BALANCE_COLUMNS)


def voucher_frame(sie: SieFile) -> pd.DataFrame:
    """Every #TRANS row with its voucher: serie, vernr, verdatum, vertext, rad (the #VER line), konto,
    kontonamn, dimension, objekt, objekt_lista, belopp, datum (transdat, else the voucher date), period
    ("YYYY-MM" of datum), transtext, kvantitet. Dates are pandas timestamps."""
    names = {n: a.name for n, a in sie.accounts.items()}
    recs = [(v, t) for v in sie.vouchers for t in v.transactions]
    first = [_first_object(t.objects) for _, t in recs]
    dates = [t.date or v.date for v, t in recs]
    return pd.DataFrame({
        "serie": pd.Series([v.series for v, _ in recs], dtype="str"),
        "vernr": pd.Series([v.number for v, _ in recs], dtype="str"),
        "verdatum": pd.to_datetime(pd.Series([v.date for v, _ in recs], dtype="str"), format="%Y%m%d"),
        "vertext": pd.Series([v.text for v, _ in recs], dtype="str"),
        "rad": pd.Series([v.line for v, _ in recs], dtype="int64"),
        "konto": pd.Series([t.account for _, t in recs], dtype="str"),
        "kontonamn": pd.Series([names.get(t.account, "") for _, t in recs], dtype="str"),
        "dimension": pd.Series([f[0] for f in first], dtype="str"),
        "objekt": pd.Series([f[1] for f in first], dtype="str"),
        "objekt_lista": pd.Series([t.objects for _, t in recs], dtype=object),
        "belopp": pd.Series([t.amount for _, t in recs], dtype="float64"),
        "datum": pd.to_datetime(pd.Series(dates, dtype="str"), format="%Y%m%d"),
        "period": pd.Series([f"{d[:4]}-{d[4:6]}" for d in dates], dtype="str"),
        "transtext": pd.Series([t.text for _, t in recs], dtype="str"),
        "kvantitet": pd.Series([math.nan if t.quantity is None else t.quantity for _, t in recs], dtype="float64"),
    })


# --------------------------------------------------------------------------------------------------
# Writer
# --------------------------------------------------------------------------------------------------

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
