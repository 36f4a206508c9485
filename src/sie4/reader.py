"""Reading a SIE file (types 1, 2, 3, 4E and 4I, SIE 4B) as a stream.

``iter_records(path)`` yields one ``Record`` per line (label, fields, line number), reading the file
line by line. ``read(path)`` builds a ``SieFile`` from them and checks the file against the standard
and against its own declarations (#KONTO, #DIM, #OBJEKT, #RAR, #KSUMMA). Nothing is raised for the
content: every finding is a ``SieProblem`` in ``SieFile.problems`` and the caller decides what
matters. Only a file that cannot be opened raises ``SieReadError``.

``transactions`` decides what happens to the vouchers of a type 4 file:

- ``"keep"`` (default): every balanced voucher is kept in ``SieFile.vouchers``;
- ``"aggregate"``: the #TRANS amounts are summed per (account, object list, month of the voucher
  date) into ``SieFile.trans_totals``, so a file with millions of #TRANS lines needs memory only for
  the distinct combinations;
- a callable: called with each balanced ``SieVoucher`` (nothing is kept).

#RTRANS (a row added afterwards) must be followed by an identical #TRANS, which carries the posting:
the pair counts once. #BTRANS (a row removed afterwards) does not count. An unbalanced voucher is an
error and does not count either."""
from __future__ import annotations

import math
import os
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import tokens as T
from .encoding import ENCODING_NAMES, sniff
from .model import (
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
from .problems import ERROR, WARNING, SieProblem, SieReadError

__all__ = ["Record", "SHAPES", "iter_records", "read"]

SHAPES = {
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
# Records of the standard that are recognised but carry nothing this reader keeps (counted in .ignored).
IGNORED = frozenset({"#ADRESS", "#BKOD", "#FNR", "#FTYP", "#TAXAR", "#PROSA", "#SRU", "#KSUMMA"})
TRANS_LIKE = frozenset({"#TRANS", "#RTRANS", "#BTRANS"})
# Dimension numbers the standard reserves; they need not be declared with #DIM (spec 8.4, 8.17).
RESERVED_DIMENSIONS = frozenset({1, 2, 6, 7, 8, 9, 10})
MAX_SHOWN = 120
BALANCE_TOLERANCE = 0.005
MAX_PER_KIND = 200   # problems kept per kind; the rest are counted
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_MANDATORY = ("#FLAGGA", "#FORMAT", "#GEN", "#PROGRAM", "#FNAMN")


@dataclass(frozen=True)
class Record:
    """One non-empty line: ``label`` is the upper-cased record label ("#TRANS"), "{" or "}" for the
    braces of a voucher block, or "" for a line that is not a record. ``fields`` are the tokenized
    fields (strings and ``ObjList``s); ``error`` the Swedish detail when the line cannot be split."""

    line: int
    label: str
    fields: list
    text: str
    error: str | None = None
    note: str | None = None     # read, but only by a repair (a transaction text without its closing quote)


def _lines(path: Path, encoding: str) -> Iterator[tuple[int, str]]:
    with path.open("rb") as f:
        for lineno, raw in enumerate(f, start=1):
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            yield lineno, raw.decode(encoding, "replace")


def _record(lineno: int, raw: str) -> Record | None:
    """One line as a ``Record``; None for a blank line."""
    line = raw.strip(" \t\r\n\x1a")
    if not line:
        return None
    if line == "{" or line == "}":
        return Record(lineno, line, [], line)
    if line[0] != "#":
        return Record(lineno, "", [], line, "raden är ingen SIE-post; förväntade en etikett som börjar med #")
    label, rest = T.split_label(line)
    try:
        fields = T.tokenize(rest)
    except T.LineError as exc:
        if label in TRANS_LIKE and "citattecknet avslutas inte" in str(exc):
            try:
                fields = T.tokenize_lenient(rest)
            except T.LineError:
                fields = None
            if fields is not None and len(fields) >= 3 and isinstance(fields[1], T.ObjList):
                return Record(lineno, label, fields, line, None, str(exc))
        return Record(lineno, label, [], line, str(exc))
    return Record(lineno, label, fields, line)


def iter_records(path: str | os.PathLike, encoding: str | None = None) -> Iterator[Record]:
    """Every non-empty line of the file as a ``Record``, in order, read line by line. ``encoding`` is
    sniffed from the file when not given (see ``sie4.encoding.sniff``)."""
    path = Path(path)
    if encoding is None:
        encoding = sniff(path)[0]
    for lineno, raw in _lines(path, encoding):
        rec = _record(lineno, raw)
        if rec is not None:
            yield rec


# The common #TRANS line (numeric account, object list, amount, optional date, text and quantity; no control
# characters) in one match; every other line goes through the general tokenizer.
_TEXT = r'[^"\\\x00-\x1f\x7f]'
_FAST_TRANS = re.compile(
    r'[ \t]*#TRANS[ \t]+(\d+)[ \t]*\{((?:[ \t]*(?:"' + _TEXT + r'*"|[^ \t{}"\\\x00-\x1f\x7f]+))*)[ \t]*\}'
    r'[ \t]*(-?\d+(?:\.\d+)?)(?:[ \t]+(\d{8}|"")(?:[ \t]+"(' + _TEXT + r'*)"(?:[ \t]+(-?\d+(?:\.\d+)?))?)?)?'
    r'[ \t\r\n\x1a]*$')


def read(path: str | os.PathLike, *, transactions: str | Callable[[SieVoucher], object] = "keep") -> SieFile:
    """Read a SIE file of type 1–4. See the module docstring for ``transactions``."""
    if transactions not in ("keep", "aggregate") and not callable(transactions):
        raise ValueError(f"transactions ska vara 'keep', 'aggregate' eller en funktion, inte {transactions!r}")
    return _Reader(Path(path), transactions).run()


def _clip(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def _sv_amount(value: float) -> str:
    text = f"{value:.2f}"
    return ("0.00" if text == "-0.00" else text).replace(".", ",")


def _iso(date: str) -> str:
    return f"{date[:4]}-{date[4:6]}-{date[6:]}"


def _year_of(fields: list) -> int | None:
    """The årsnr of a record whose first field is one, if it can be read (for problems)."""
    if fields and isinstance(fields[0], str) and re.fullmatch(r"-?\d+", fields[0]):
        return int(fields[0])
    return None


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
    def __init__(self, path: Path, transactions):
        self.path = path
        self.fil = path.name
        self.mode = transactions
        self.sie = SieFile(path=str(path))
        self.kind_counts: dict[tuple[str, str | None], int] = {}
        # First use of each account / object / (label, year, period) / voucher date: line, label, text, count.
        self.account_refs: dict[str, list] = {}
        self.object_refs: dict[tuple[int, str], list] = {}
        self.year_refs: dict[tuple[str, int, str | None], list] = {}
        self.voucher_dates: dict[str, list] = {}
        self.ktyp: list[tuple[str, str, int, str]] = []
        self.enhet: list[tuple[str, str, int, str]] = []
        self.seen: dict[str, int] = {}
        self.unknown: dict[str, list[int]] = {}
        self.extra_fields: dict[str, list[int]] = {}
        self.rar_lines: dict[int, int] = {}
        self.object_lines: dict[int, tuple[int, str]] = {}
        self.dimension_lines: dict[int, tuple[int, str]] = {}
        self.period_keys: dict[tuple, int] = {}
        self.ksumma_open: int | None = None
        self.ksumma_value: tuple[int, str, str] | None = None
        self.crc: int | None = None
        self.objlists: dict[str, tuple] = {}                               # fast path: "{…}" text → objects
        self.trans_refs: dict[tuple, list] = {}                            # fast path: (account, objects) refs

    # -- problems ------------------------------------------------------------------------------

    def problem(self, severity: str, kind: str, line: int | None, label: str | None, text: str | None,
                message: str, hint: str = "", year: int | None = None, period: str | None = None,
                count: int = 1) -> None:
        key = (kind, label)
        n = self.kind_counts.get(key, 0) + 1
        self.kind_counts[key] = n
        if n > MAX_PER_KIND:
            return
        self.sie.problems.append(SieProblem(severity, kind, line, label, message, hint, _clip(text), year, period,
                                            self.fil, count))

    def error(self, kind, line, label, text, message, hint="", **kw) -> None:
        self.problem(ERROR, kind, line, label, text, message, hint, **kw)

    def warn(self, kind, line, label, text, message, hint="", **kw) -> None:
        self.problem(WARNING, kind, line, label, text, message, hint, **kw)

    def malformed(self, line: int, label: str, text: str, detail: str, fields: list | None = None) -> None:
        shape = f"; förväntade {SHAPES[label]}" if label in SHAPES else ""
        year = _year_of(fields or []) if label not in ("#VER", *TRANS_LIKE) else None
        self.error("felaktig_post", line, label, text, f"felaktig {label}-post: {detail}{shape}",
                   "Posten kunde inte läsas och räknas inte; rätta exporten eller raden.", year=year)

    # -- main loop -----------------------------------------------------------------------------

    def run(self) -> SieFile:
        if not self.path.exists():
            raise SieReadError("filen finns inte", self.fil)
        if self.path.is_dir():
            raise SieReadError("sökvägen är en mapp, inte en SIE-fil", self.fil)
        try:
            encoding, _bom, declared = sniff(self.path)
        except OSError as exc:
            raise SieReadError(f"filen kunde inte läsas ({exc.strerror})", self.fil) from None
        self.sie.encoding = encoding
        if declared is not None and declared != "PC8":
            self.warn("kodning", None, "#FORMAT", declared,
                      f"#FORMAT anger '{declared}', men SIE-standarden kräver PC8 (CP437); "
                      f"filen lästes som {ENCODING_NAMES[encoding]}")
        if encoding != "cp437":
            self.warn("kodning", None, "#FORMAT", None,
                      "filen är inte kodad i PC8/CP437 som SIE-standarden kräver; den lästes "
                      f"som {ENCODING_NAMES[encoding]} (kontrollera å, ä och ö)")

        voucher: _OpenVoucher | None = None
        orphan_block: int | None = None
        any_line = False
        fast = _FAST_TRANS.match
        for lineno, raw in _lines(self.path, encoding):
            if voucher is not None and voucher.block_line is not None and self.crc is None:
                m = fast(raw)
                if m is not None and self.fast_trans(voucher, m, lineno, raw):
                    any_line = True
                    continue
            rec = _record(lineno, raw)
            if rec is None:
                continue
            any_line = True
            lineno, label, line = rec.line, rec.label, rec.text
            if voucher is not None and voucher.block_line is None and label != "{":
                self.error("ver_utan_block", voucher.line, "#VER", voucher.text,
                           "#VER ska följas av ett block med #TRANS-rader inom { } på egna rader")
                voucher = None
            if label == "{":
                if voucher is not None and voucher.block_line is None:
                    voucher.block_line = lineno
                elif voucher is not None or orphan_block is not None:
                    self.error("nastlat_block", lineno, "{", line, "'{' inuti ett block som inte har avslutats med '}'")
                else:
                    self.error("block_utan_ver", lineno, "{", line,
                               "'{' utan föregående #VER; block får bara följa på #VER")
                    orphan_block = lineno
                continue
            if label == "}":
                if voucher is not None:
                    self.close_voucher(voucher)
                    voucher = None
                elif orphan_block is not None:
                    orphan_block = None
                else:
                    self.error("slut_utan_block", lineno, "}", line, "'}' utan matchande '{'")
                continue
            if label == "":
                self.error("ingen_post", lineno, None, line, rec.error)
                continue
            if rec.error is not None:
                self.malformed(lineno, label, line, rec.error)
                if voucher is not None and voucher.block_line is not None and label in TRANS_LIKE:
                    voucher.broken = True
                continue
            if _CONTROL.search(line):
                self.error("kontrolltecken", lineno, label, line,
                           "raden innehåller otillåtna kontrolltecken (ASCII 0–31, 127)")
                continue
            fields = rec.fields
            if rec.note is not None:
                self.warn("reparerad_rad", lineno, label, line,
                          f"{rec.note}; resten av raden lästes som text och beloppet räknas",
                          "Kontrollera texten i ekonomisystemet.")
            if label not in self.seen:
                self.seen[label] = lineno
            if self.crc is not None and label != "#KSUMMA":
                self.checksum(label, fields)

            in_block = (voucher is not None and voucher.block_line is not None) or orphan_block is not None
            if in_block:
                if label in TRANS_LIKE:
                    self.trans(voucher, label, fields, lineno, line)
                    continue
                if label not in SHAPES and label not in IGNORED:
                    self.unknown.setdefault(label, []).append(lineno)
                    continue
                start = voucher.block_line if voucher is not None else orphan_block
                self.error("block_utan_slut", start, "{", None, f"blocket som börjar på rad {start} saknar avslutande '}}'")
                if voucher is not None:
                    self.close_voucher(voucher)
                voucher, orphan_block = None, None
            if label in TRANS_LIKE:
                self.error("trans_utanfor_block", lineno, label, line,
                           f"{label} får bara förekomma inom {{ }}-blocket efter en #VER")
                continue
            if label == "#VER":
                voucher = self.ver(fields, lineno, line)
                continue
            self.record(label, fields, lineno, line)

        if not any_line:
            self.error("tom_fil", None, None, None, "filen är tom; förväntade en SIE-fil som börjar med #FLAGGA",
                       "Gör om exporten från ekonomisystemet.")
            return self.sie
        if voucher is not None:
            if voucher.block_line is None:
                self.error("ver_utan_block", voucher.line, "#VER", voucher.text,
                           "#VER ska följas av ett block med #TRANS-rader inom { } på egna rader")
            else:
                self.error("block_utan_slut", voucher.block_line, "{", None,
                           f"blocket som börjar på rad {voucher.block_line} saknar avslutande '}}'")
                self.close_voucher(voucher)
        if orphan_block is not None:
            self.error("block_utan_slut", orphan_block, "{", None,
                       f"blocket som börjar på rad {orphan_block} saknar avslutande '}}'")
        self.finish()
        return self.sie

    # -- records -------------------------------------------------------------------------------

    def record(self, label: str, fields: list, lineno: int, line: str) -> None:
        if label in IGNORED:
            self.sie.ignored[label] = self.sie.ignored.get(label, 0) + 1
            if label == "#KSUMMA":
                self.ksumma(fields, lineno, line)
                return
            try:
                getattr(self, "info_" + label[1:].lower())(fields)
            except T.LineError as exc:
                self.warn("felaktig_uppgift", lineno, label, line, f"{label}: {exc}; uppgiften läses inte")
            return
        handler = getattr(self, "rec_" + label[1:].lower(), None) if label in SHAPES or label in (
            "#OMFATTN", "#VALUTA") else None
        if handler is None:
            self.unknown.setdefault(label, []).append(lineno)
            return
        try:
            used = handler(fields, lineno, line)
        except T.LineError as exc:
            self.malformed(lineno, label, line, str(exc), fields)
            return
        if used is not None and len(fields) > used:
            self.extra_fields.setdefault(label, []).append(lineno)

    # Records that describe the company, not the books (kept, counted in .ignored).
    def info_adress(self, t):
        self.sie.address = tuple((T.opt(t, i, "adressfältet") or "") for i in range(4))

    def info_bkod(self, t):
        self.sie.sni = T.opt(t, 0, "SNI-koden") or ""

    def info_fnr(self, t):
        self.sie.company_id = T.opt(t, 0, "företagsidentiteten") or ""

    def info_ftyp(self, t):
        self.sie.company_type = T.opt(t, 0, "företagstypen") or ""

    def info_prosa(self, t):
        self.sie.prose = T.opt(t, 0, "texten") or ""

    def info_taxar(self, t):
        self.sie.tax_year = T.integer(t, 0, "taxeringsåret")

    def info_sru(self, t):
        self.sie.sru[T.account(t, 0)] = T.get(t, 1, "SRU-koden")

    def rec_flagga(self, t, lineno, line):
        value = T.integer(t, 0, "flaggan")
        if value not in (0, 1):
            raise T.LineError(f"flaggan '{value}' ska vara 0 eller 1")
        self.sie.flagga = value
        return 1

    def rec_program(self, t, lineno, line):
        self.sie.program = T.get(t, 0, "programnamnet")
        self.sie.program_version = T.opt(t, 1, "versionen") or ""
        return 2

    def rec_format(self, t, lineno, line):
        self.sie.format = T.get(t, 0, "teckenuppsättningen")
        return 1

    def rec_gen(self, t, lineno, line):
        self.sie.generated = T.date(t, 0, "datumet")
        return 2

    def rec_sietyp(self, t, lineno, line):
        text = T.get(t, 0, "typnumret")
        if text.upper() == "4I" or text.upper() == "4E":
            text = "4"
        if not re.fullmatch(r"-?\d+", text):
            raise T.LineError(f"typnumret '{text}' är inget heltal")
        value = int(text)
        self.sie.sie_type = value
        if value not in (1, 2, 3, 4):
            self.error("ogiltig_sietyp", lineno, "#SIETYP", line,
                       f"#SIETYP {value} är ingen giltig SIE-typ; förväntade 1, 2, 3 eller 4")
        elif value == 1:
            self.warn("sietyp_1", lineno, "#SIETYP", line,
                      "SIE typ 1 innehåller bara årssaldon, inga periodsaldon (#PSALDO/#PBUDGET); "
                      "månadsuppföljning kräver typ 2 eller högre")
        return 1

    def rec_fnamn(self, t, lineno, line):
        self.sie.fnamn = T.opt(t, 0, "företagsnamnet") or ""
        return 1

    def rec_orgnr(self, t, lineno, line):
        self.sie.orgnr = T.opt(t, 0, "organisationsnumret") or ""
        return 3

    def rec_kptyp(self, t, lineno, line):
        self.sie.kptyp = T.opt(t, 0, "kontoplanstypen") or ""
        return 1

    def rec_omfattn(self, t, lineno, line):
        self.sie.ignored["#OMFATTN"] = self.sie.ignored.get("#OMFATTN", 0) + 1
        self.sie.omfattn = T.date(t, 0, "datumet")
        return 1

    def rec_valuta(self, t, lineno, line):
        self.sie.ignored["#VALUTA"] = self.sie.ignored.get("#VALUTA", 0) + 1
        self.sie.currency = T.get(t, 0, "valutakoden")
        return 1

    def rec_rar(self, t, lineno, line):
        year = T.year_index(t, 0)
        start = T.date(t, 1, "startdatumet")
        end = T.date(t, 2, "slutdatumet")
        if start > end:
            raise T.LineError(f"startdatumet {start} ligger efter slutdatumet {end}")
        if year in self.sie.fiscal_years:
            self.error("dubbel_rar", lineno, "#RAR", line,
                       f"årsnr {year} är redan angivet med #RAR på rad {self.rar_lines[year]}; "
                       "förväntade en #RAR per årsnr", year=year)
            return 3
        self.sie.fiscal_years[year] = (start, end)
        self.rar_lines[year] = lineno
        return 3

    def rec_konto(self, t, lineno, line):
        number = T.account(t, 0)
        if not number.isdigit():
            raise T.LineError(f"kontonumret '{number}' ska vara numeriskt")
        name = T.get(t, 1, "kontonamnet")
        old = self.sie.accounts.get(number)
        if old is not None and old.name != name:
            self.warn("dubbelt_konto", lineno, "#KONTO", line,
                      f"konto {number} är redan deklarerat med namnet '{old.name}'; det senare namnet används")
        self.sie.accounts[number] = SieAccount(number, name)
        return 2

    def rec_ktyp(self, t, lineno, line):
        number = T.account(t, 0)
        kind = T.get(t, 1, "kontotypen").upper()
        if kind not in ("T", "S", "K", "I"):
            raise T.LineError(f"kontotypen '{kind}' ska vara T, S, K eller I")
        self.ktyp.append((number, kind, lineno, line))
        return 2

    def rec_enhet(self, t, lineno, line):
        self.enhet.append((T.account(t, 0), T.get(t, 1, "enheten"), lineno, line))
        return 2

    def _dimension_number(self, t, i, what="dimensionsnumret") -> int:
        value = T.integer(t, i, what)
        if value < 1:
            raise T.LineError(f"{what} '{value}' ska vara ett positivt heltal")
        return value

    def rec_dim(self, t, lineno, line):
        number = self._dimension_number(t, 0)
        self._add_dimension(SieDimension(number, T.get(t, 1, "namnet")), lineno, "#DIM", line)
        return 2

    def rec_underdim(self, t, lineno, line):
        number = self._dimension_number(t, 0)
        name = T.get(t, 1, "namnet")
        parent = self._dimension_number(t, 2, "superdimensionen")
        self._add_dimension(SieDimension(number, name, parent), lineno, "#UNDERDIM", line)
        return 3

    def _add_dimension(self, dim: SieDimension, lineno: int, label: str, line: str) -> None:
        if dim.number in self.sie.dimensions:
            self.warn("dubbel_dimension", lineno, label, line,
                      f"dimension {dim.number} är redan deklarerad; den senare används")
        self.sie.dimensions[dim.number] = dim
        self.dimension_lines[dim.number] = (lineno, line)

    def rec_objekt(self, t, lineno, line):
        dim = self._dimension_number(t, 0)
        number = T.get(t, 1, "objektnumret")
        name = T.get(t, 2, "objektnamnet")
        key = (dim, number)
        if key in self.sie.objects:
            self.warn("dubbelt_objekt", lineno, "#OBJEKT", line,
                      f"objekt '{number}' i dimension {dim} är redan deklarerat; det senare namnet används")
        self.sie.objects[key] = SieObject(dim, number, name)
        self.object_lines.setdefault(dim, (lineno, line))
        return 3

    def _ref_year(self, label, year, period, lineno, line) -> None:
        key = (label, year, period)
        ref = self.year_refs.get(key)
        if ref is None:
            self.year_refs[key] = [lineno, line, 1]
        else:
            ref[2] += 1

    def _ref_account(self, account, lineno, label, line) -> None:
        ref = self.account_refs.get(account)
        if ref is None:
            self.account_refs[account] = [lineno, label, line, 1]
        else:
            ref[3] += 1

    def _refs(self, account, objects, lineno, label, line) -> None:
        self._ref_account(account, lineno, label, line)
        for key in objects:
            ref = self.object_refs.get(key)
            if ref is None:
                self.object_refs[key] = [lineno, label, line, 1]
            else:
                ref[3] += 1

    def _balance(self, t, lineno, line, label, target):
        year = T.year_index(t, 0)
        account = T.account(t, 1)
        amount = T.amount(t, 2, "saldot")
        quantity = T.opt_amount(t, 3)
        target.append(SieBalance(year, account, amount, quantity))
        self._ref_account(account, lineno, label, line)
        self._ref_year(label, year, None, lineno, line)
        return 4

    def rec_ib(self, t, lineno, line):
        return self._balance(t, lineno, line, "#IB", self.sie.ib)

    def rec_ub(self, t, lineno, line):
        return self._balance(t, lineno, line, "#UB", self.sie.ub)

    def rec_res(self, t, lineno, line):
        return self._balance(t, lineno, line, "#RES", self.sie.res)

    def _object_balance(self, t, lineno, line, label, target):
        year = T.year_index(t, 0)
        account = T.account(t, 1)
        objects = T.objects(t, 2)
        amount = T.amount(t, 3, "saldot")
        quantity = T.opt_amount(t, 4)
        target.append(SieObjectBalance(year, account, objects, amount, quantity))
        self._refs(account, objects, lineno, label, line)
        self._ref_year(label, year, None, lineno, line)
        return 5

    def rec_oib(self, t, lineno, line):
        return self._object_balance(t, lineno, line, "#OIB", self.sie.oib)

    def rec_oub(self, t, lineno, line):
        return self._object_balance(t, lineno, line, "#OUB", self.sie.oub)

    def _period_balance(self, t, lineno, line, label, target):
        year = T.year_index(t, 0)
        period = T.period(t, 1)
        account = T.account(t, 2)
        objects = T.objects(t, 3)
        amount = T.amount(t, 4, "saldot")
        quantity = T.opt_amount(t, 5)
        if objects and self.sie.sie_type == 2:
            # Spec: a program reading type 2 ignores period records with a non-empty object list.
            self.warn("objekt_i_typ2", lineno, label, line,
                      f"SIE typ 2 ska inte ha objekt i {label}; posten ignoreras (totalen per konto används)",
                      year=year, period=period)
            return 6
        key = (label, year, period, account, objects)
        first = self.period_keys.get(key)
        if first is not None:
            self.warn("dubblett", lineno, label, line,
                      f"samma årsnr, period, konto och objekt finns redan på rad {first}; båda raderna läses in",
                      year=year, period=period)
        else:
            self.period_keys[key] = lineno
        target.append(SiePeriodBalance(year, period, account, objects, amount, quantity, lineno))
        self._refs(account, objects, lineno, label, line)
        self._ref_year(label, year, period, lineno, line)
        return 6

    def rec_psaldo(self, t, lineno, line):
        return self._period_balance(t, lineno, line, "#PSALDO", self.sie.psaldo)

    def rec_pbudget(self, t, lineno, line):
        return self._period_balance(t, lineno, line, "#PBUDGET", self.sie.pbudget)

    # -- vouchers ------------------------------------------------------------------------------

    def ver(self, t: list, lineno: int, line: str) -> _OpenVoucher:
        try:
            series = T.opt(t, 0, "serien") or ""
            number = T.opt(t, 1, "verifikationsnumret") or ""
            date = T.date(t, 2, "verifikationsdatumet")
            text = T.opt(t, 3, "verifikationstexten") or ""
            T.opt_date(t, 4, "registreringsdatumet")
        except T.LineError as exc:
            self.malformed(lineno, "#VER", line, str(exc))
            return _OpenVoucher(lineno, line, None)
        if len(t) > 6:
            self.extra_fields.setdefault("#VER", []).append(lineno)
        ref = self.voucher_dates.get(date)
        if ref is None:
            self.voucher_dates[date] = [lineno, line, 1]
        else:
            ref[2] += 1
        return _OpenVoucher(lineno, line, (series, number, date, text))

    def fast_trans(self, voucher: _OpenVoucher, m: re.Match, lineno: int, raw: str) -> bool:
        """A #TRANS line matched by ``_FAST_TRANS``; False when it needs the general path after all."""
        account, inner, amount, date, text, quantity = m.groups()
        objects = self.objlists.get(inner)
        if objects is None:
            try:
                objects = T.objects([T.ObjList(T.tokenize("{" + inner + "}")[0])], 0) if inner.strip() else ()
            except (T.LineError, IndexError):
                return False
            if len(self.objlists) < 200_000:
                self.objlists[inner] = objects
        if date is not None:
            if date == '""':
                date = None
            else:
                try:
                    T.check_date(date, "transaktionsdatumet")
                except T.LineError:
                    return False
        if "#TRANS" not in self.seen:
            self.seen["#TRANS"] = lineno
        key = (account, objects)
        ref = self.trans_refs.get(key)
        if ref is None:
            self.trans_refs[key] = [lineno, "#TRANS", raw.strip(" \t\r\n\x1a"), 1]
        else:
            ref[3] += 1
        row = SieTransaction(account, objects, float(amount), date, text or "",
                             None if quantity is None else float(quantity))
        if voucher.pending_rtrans is not None:
            self.add_trans(voucher, "#TRANS", row, lineno)
        else:
            voucher.transactions.append(row)
        return True

    def trans(self, voucher: _OpenVoucher | None, label: str, t: list, lineno: int, line: str) -> None:
        try:
            account = T.account(t, 0)
            objects = T.objects(t, 1)
            amount = T.amount(t, 2)
            date = T.opt_date(t, 3, "transaktionsdatumet") if len(t) > 3 else None
            text = (T.opt(t, 4, "transaktionstexten") or "") if len(t) > 4 else ""
            quantity = T.opt_amount(t, 5) if len(t) > 5 else None
        except T.LineError as exc:
            self.malformed(lineno, label, line, str(exc))
            if voucher is not None:
                voucher.broken = True
            return
        if len(t) > 7:
            self.extra_fields.setdefault(label, []).append(lineno)
        self._refs(account, objects, lineno, label, line)
        if voucher is None:
            return
        self.add_trans(voucher, label, SieTransaction(account, objects, amount, date, text, quantity), lineno)

    def add_trans(self, voucher: _OpenVoucher, label: str, row: SieTransaction, lineno: int) -> None:
        if voucher.pending_rtrans is not None:
            r_line, r_row = voucher.pending_rtrans
            voucher.pending_rtrans = None
            if label != "#TRANS" or (row.account, row.objects, row.amount) != r_row:
                self.warn("rtrans_utan_trans", r_line, "#RTRANS", None,
                          "#RTRANS ska direkt följas av en likadan #TRANS-rad (SIE-standarden); "
                          "#RTRANS-raden ignoreras")
        if label == "#TRANS":
            voucher.transactions.append(row)
        else:
            self.sie.ignored[label] = self.sie.ignored.get(label, 0) + 1
            if label == "#RTRANS":
                voucher.pending_rtrans = (lineno, (row.account, row.objects, row.amount))

    def close_voucher(self, voucher: _OpenVoucher) -> None:
        if voucher.pending_rtrans is not None:
            self.warn("rtrans_utan_trans", voucher.pending_rtrans[0], "#RTRANS", None,
                      "#RTRANS ska direkt följas av en likadan #TRANS-rad (SIE-standarden); #RTRANS-raden ignoreras")
        if voucher.header is None or voucher.broken:
            return
        series, number, date, text = voucher.header
        month = f"{date[:4]}-{date[4:6]}"
        ident = " ".join(p for p in (series, number) if p) or "utan serie och nummer"
        rows = voucher.transactions
        total = math.fsum(tr.amount for tr in rows)
        if abs(total) > BALANCE_TOLERANCE:
            self.error("obalanserad_verifikation", voucher.line, "#VER", voucher.text,
                       f"verifikationen {ident} balanserar inte: summan av #TRANS är {_sv_amount(total)} "
                       "(förväntade 0)", "Verifikationen räknas inte; gör om exporten.", year=0, period=month)
            return
        if not rows:
            self.warn("tom_verifikation", voucher.line, "#VER", voucher.text,
                      f"verifikationen {ident} saknar #TRANS-rader")
        self.sie.voucher_count += 1
        self.sie.transaction_count += len(rows)
        if self.mode == "keep":
            self.sie.vouchers.append(SieVoucher(series, number, date, text, tuple(rows), voucher.line))
        elif self.mode == "aggregate":
            totals = self.sie.trans_totals
            for tr in rows:
                key = (tr.account, tr.objects, month)
                totals[key] = totals.get(key, 0.0) + tr.amount
        else:
            self.mode(SieVoucher(series, number, date, text, tuple(rows), voucher.line))

    # -- #KSUMMA (spec chapter 10) --------------------------------------------------------------

    def checksum(self, label: str, fields: list) -> None:
        parts = [label]
        for tok in fields:
            if isinstance(tok, T.ObjList):
                parts.extend(tok)
            else:
                parts.append(tok)
        try:
            self.crc = zlib.crc32("".join(parts).encode("cp437"), self.crc)
        except UnicodeEncodeError:
            self.crc = None   # not a PC8 file; the sum cannot be recomputed
            self.sie.ksumma = "ej_kontrollerad"

    def ksumma(self, fields: list, lineno: int, line: str) -> None:
        if not fields:
            if self.ksumma_open is None:
                self.ksumma_open = lineno
                if self.sie.encoding == "cp437":
                    self.crc = 0
                else:
                    self.sie.ksumma = "ej_kontrollerad"
            return
        value = fields[0]
        if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value):
            self.malformed(lineno, "#KSUMMA", line, f"kontrollsumman '{value}' är inget heltal")
            return
        self.ksumma_value = (lineno, line, value)
        if self.ksumma_open is None:
            self.warn("ksumma_utan_start", lineno, "#KSUMMA", line,
                      "avslutande #KSUMMA utan inledande #KSUMMA; summan kontrolleras inte")
            self.sie.ksumma = "ej_kontrollerad"
            return
        if self.crc is not None:
            crc = self.crc & 0xFFFFFFFF
            given = int(value)
            if given in (crc, crc - (1 << 32)):
                self.sie.ksumma = "ok"
            else:
                self.sie.ksumma = "fel"
                self.warn("ksumma_fel", lineno, "#KSUMMA", line,
                          f"kontrollsumman i filen ({given}) stämmer inte med innehållet ({crc}); "
                          "filen kan ha ändrats eller skadats efter exporten")
        self.crc = None

    # -- checks that need the whole file ---------------------------------------------------------

    def finish(self) -> None:
        sie = self.sie
        if "#SIETYP" not in self.seen:
            self.error("saknad_sietyp", None, "#SIETYP", None,
                       "#SIETYP saknas; förväntade en rad '#SIETYP typnr' med typ 1–4")
        for label in _MANDATORY:
            if label not in self.seen:
                self.warn("saknad_post", None, label, None, f"{label} saknas (obligatorisk post enligt SIE-standarden)")
        if self.ksumma_open is not None and self.ksumma_value is None:
            self.error("ksumma_avkortad", self.ksumma_open, "#KSUMMA", "#KSUMMA",
                       "filen inleds med #KSUMMA men den avslutande #KSUMMA med kontrollsumman saknas; "
                       "filen är troligen avkortad", "Gör om exporten.")

        for (account, objects), (lineno, label, line, count) in self.trans_refs.items():
            self._ref_account(account, lineno, label, line)
            self.account_refs[account][3] += count - 1
            for key in objects:
                ref = self.object_refs.get(key)
                if ref is None:
                    self.object_refs[key] = [lineno, label, line, count]
                else:
                    if lineno < ref[0]:
                        ref[0], ref[1], ref[2] = lineno, label, line
                    ref[3] += count
        for number, kind, lineno, line in self.ktyp:
            if number in sie.accounts:
                sie.accounts[number] = replace(sie.accounts[number], type=kind)
            else:
                self._ref_account(number, lineno, "#KTYP", line)
        for number, unit, lineno, line in self.enhet:
            if number in sie.accounts:
                sie.accounts[number] = replace(sie.accounts[number], unit=unit)
            else:
                self._ref_account(number, lineno, "#ENHET", line)

        for account, (lineno, label, line, count) in sorted(self.account_refs.items(), key=lambda kv: kv[1][0]):
            if account not in sie.accounts:
                self.warn("odeklarerat_konto", lineno, label, line, f"konto {account} är inte deklarerat med #KONTO",
                          "Beloppen läses ändå; kontot saknar bara namn.", count=count)

        dims_with_objects = {dim for dim, _ in sie.objects}
        checked = set(sie.dimensions) | dims_with_objects
        unchecked_warned: set[int] = set()
        for (dim, obj), (lineno, label, line, count) in sorted(self.object_refs.items(), key=lambda kv: kv[1][0]):
            if dim in checked:
                if (dim, obj) not in sie.objects:
                    self.warn("odeklarerat_objekt", lineno, label, line,
                              f"objekt '{obj}' i dimension {dim} är inte deklarerat med #OBJEKT",
                              "Beloppen läses ändå; objektet saknar bara namn.", count=count)
            elif dim not in unchecked_warned:
                unchecked_warned.add(dim)
                self.warn("odeklarerad_dimension", lineno, label, line,
                          f"dimension {dim} är varken deklarerad med #DIM eller har några #OBJEKT; "
                          "objekten i den kan inte kontrolleras")
        for dim in sorted(dims_with_objects - set(sie.dimensions) - RESERVED_DIMENSIONS):
            lineno, line = self.object_lines[dim]
            self.warn("odeklarerad_dimension", lineno, "#OBJEKT", line, f"dimension {dim} är inte deklarerad med #DIM")
        for d in sie.dimensions.values():
            if d.parent is not None and d.parent not in sie.dimensions and d.parent not in RESERVED_DIMENSIONS:
                lineno, line = self.dimension_lines[d.number]
                self.warn("odeklarerad_dimension", lineno, "#UNDERDIM", line,
                          f"underdimension {d.number} pekar på dimension {d.parent} som inte är deklarerad med #DIM")

        for (label, year, period), (lineno, line, count) in sorted(self.year_refs.items(), key=lambda kv: kv[1][0]):
            if year not in sie.fiscal_years:
                self.error("ar_utan_rar", lineno, label, line, f"årsnr {year} saknar #RAR (räkenskapsårets start och slut)",
                           "Årets poster kan inte placeras i tiden.", year=year, period=period, count=count)
            elif period is not None:
                start, end = sie.fiscal_years[year]
                if not start[:6] <= period.replace("-", "") <= end[:6]:
                    self.warn("period_utanfor_rar", lineno, label, line,
                              f"perioden {period} ligger utanför räkenskapsår {year} "
                              f"({_iso(start)}–{_iso(end)}) enligt #RAR",
                              "Posten hör inte till räkenskapsåret och räknas inte där.",
                              year=year, period=period, count=count)
        for date, (lineno, line, count) in sorted(self.voucher_dates.items(), key=lambda kv: kv[1][0]):
            month = f"{date[:4]}-{date[4:6]}"
            if 0 not in sie.fiscal_years:
                self.error("ar_utan_rar", lineno, "#VER", line,
                           "årsnr 0 saknar #RAR; verifikationerna avser innevarande räkenskapsår (årsnr 0)",
                           year=0, period=month, count=count)
            else:
                start, end = sie.fiscal_years[0]
                if not start <= date <= end:
                    self.warn("verdatum_utanfor_rar", lineno, "#VER", line,
                              f"verifikationsdatumet {_iso(date)} ligger utanför räkenskapsår 0 "
                              f"({_iso(start)}–{_iso(end)}) enligt #RAR", year=0, period=month, count=count)

        for label, where in self.unknown.items():
            more = f" ({len(where)} rader)" if len(where) > 1 else ""
            self.warn("okand_post", where[0], label, None, f"okänd post {label} ignoreras{more}")
        for label, where in self.extra_fields.items():
            more = f" ({len(where)} rader)" if len(where) > 1 else ""
            self.warn("extra_falt", where[0], label, None,
                      f"{label} har fler fält än standarden anger; de extra fälten ignoreras{more} "
                      "(kontrollera att namn med mellanslag står inom citattecken)")
        for (kind, label), n in self.kind_counts.items():
            if n > MAX_PER_KIND:
                severity = next(p.severity for p in sie.problems if p.kind == kind and p.record == label)
                self.sie.problems.append(SieProblem(
                    severity, kind, None, label, f"och {n - MAX_PER_KIND} rader till av samma slag", "", None,
                    None, None, self.fil, n - MAX_PER_KIND))
        sie.problems.sort(key=lambda p: (p.severity != ERROR, p.line is None, p.line or 0))
