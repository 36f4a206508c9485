"""Splitting one SIE line into its label and fields (SIE 4B, 5.7 and 8.21), and reading typed fields.

A field is a run of characters up to a space or tab, or a quoted string (``\\"`` inside is a quote);
an object list ``{1 "510" 6 "P1"}`` is one token of its own (``ObjList``). The common case is
handled by one regular expression; anything unusual falls back to a character-by-character reader
that says exactly what is wrong (``LineError`` with a Swedish detail)."""
from __future__ import annotations

import datetime as dt
import re

__all__ = [
    "LineError",
    "ObjList",
    "split_label",
    "tokenize",
    "tokenize_lenient",
]


class LineError(ValueError):
    """A malformed field; the message is the Swedish detail."""


class ObjList(tuple):
    """The raw items of one ``{...}`` object list (a token kind of its own)."""

    __slots__ = ()


_LABEL = re.compile(r"^(#[^ \t]*)(.*)$", re.DOTALL)
# One token of the common case: a quoted field, an unquoted field, or a brace.
_FAST = re.compile(r'[ \t]*(?:"((?:\\"|\\(?!")|[^"\\])*)"|(\{)|(\})|((?:\\"|\\(?!")|[^ \t{}"\\])+))')
_AMOUNT = re.compile(r"^-?\d+(?:\.\d+)?$")
_INTEGER = re.compile(r"^-?\d+$")
_DATE = re.compile(r"^\d{8}$")
_PERIOD = re.compile(r"^\d{6}$")
_VALID_DATES: dict[str, bool] = {}


def split_label(line: str) -> tuple[str, str]:
    """'#TRANS 7010 {} 5.00' → ('#TRANS', ' 7010 {} 5.00'); the label upper-cased."""
    m = _LABEL.match(line)
    return m.group(1).upper(), m.group(2)


def tokenize(rest: str) -> list:
    """The fields after the label: strings and ``ObjList``s. Raises ``LineError``."""
    if not rest:
        return []
    tokens: list = []
    items: list[str] | None = None
    pos, n = 0, len(rest)
    match = _FAST.match
    while pos < n:
        m = match(rest, pos)
        if m is None:
            if rest[pos:].strip(" \t") == "":
                break
            return _slow(rest)
        pos = m.end()
        quoted, opening, closing, plain = m.groups()
        if opening:
            if items is not None:
                return _slow(rest)
            items = []
        elif closing:
            if items is None:
                return _slow(rest)
            tokens.append(ObjList(items))
            items = None
        else:
            value = quoted if quoted is not None else plain
            if '\\"' in value:
                value = value.replace('\\"', '"')
            if items is None:
                tokens.append(value)
            else:
                items.append(value)
        if pos < n and quoted is None and plain is not None and rest[pos] == '"':
            return _slow(rest)
    if items is not None:
        return _slow(rest)
    return tokens


def tokenize_lenient(rest: str) -> list:
    """Like ``tokenize``, but a quoted field that never ends runs to the end of the line (some
    programs write a transaction text without its closing quote; the amount before it is sound)."""
    return _slow(rest, lenient=True)


def _slow(rest: str, lenient: bool = False) -> list:
    """The exact reader of 5.7/8.21, one character at a time, for lines the fast path does not take."""
    tokens: list = []
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
                    raise LineError("objektlistan saknar avslutande '}'")
                if rest[i] == "}":
                    i += 1
                    break
                if rest[i] == "{":
                    raise LineError("objektlistor kan inte nästlas")
                item, i = _field(rest, i, stops=" \t{}", lenient=lenient)
                items.append(item)
            tokens.append(ObjList(items))
        elif c == "}":
            raise LineError("'}' utan föregående '{' i posten")
        else:
            item, i = _field(rest, i, stops=" \t{", lenient=lenient)
            tokens.append(item)
    return tokens


def _field(text: str, i: int, stops: str, lenient: bool = False) -> tuple[str, int]:
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
        if lenient:
            return "".join(out).rstrip(), n
        raise LineError("citattecknet avslutas inte (ett fält börjar med \" men slutar inte med \")")
    while i < n and text[i] not in stops:
        if text[i] == "\\" and i + 1 < n and text[i + 1] == '"':
            out.append('"')
            i += 2
            continue
        out.append(text[i])
        i += 1
    return "".join(out), i


# --------------------------------------------------------------------------------------------------
# Typed fields
# --------------------------------------------------------------------------------------------------

def get(tokens: list, i: int, what: str) -> str:
    if i >= len(tokens):
        raise LineError(f"{what} saknas")
    tok = tokens[i]
    if isinstance(tok, ObjList):
        raise LineError(f"{what} får inte vara en objektlista {{…}}")
    return tok


def opt(tokens: list, i: int, what: str) -> str | None:
    """An optional trailing field; missing or "" gives None."""
    if i >= len(tokens):
        return None
    tok = get(tokens, i, what)
    return tok if tok != "" else None


def integer(tokens: list, i: int, what: str) -> int:
    tok = get(tokens, i, what)
    if not _INTEGER.match(tok):
        raise LineError(f"{what} '{tok}' är inget heltal")
    return int(tok)


def year_index(tokens: list, i: int) -> int:
    value = integer(tokens, i, "årsnr")
    if value > 0:
        raise LineError(f"årsnr '{value}' ska vara 0 (innevarande år), -1 (föregående år), -2 …")
    return value


def number(tok: str, what: str) -> float:
    if not _AMOUNT.match(tok):
        raise LineError(f"{what} '{tok}' är inget belopp (punkt som decimaltecken, t.ex. -1234.50)")
    return float(tok)


def amount(tokens: list, i: int, what: str = "beloppet") -> float:
    return number(get(tokens, i, what), what)


def opt_amount(tokens: list, i: int, what: str = "kvantiteten") -> float | None:
    tok = opt(tokens, i, what)
    return None if tok is None else number(tok, what)


def check_date(tok: str, what: str) -> str:
    ok = _VALID_DATES.get(tok)
    if ok is None:
        ok = False
        if _DATE.match(tok):
            try:
                dt.date(int(tok[:4]), int(tok[4:6]), int(tok[6:]))
                ok = True
            except ValueError:
                ok = False
        if len(_VALID_DATES) < 100_000:
            _VALID_DATES[tok] = ok
    if ok:
        return tok
    raise LineError(f"{what} '{tok}' är inget giltigt datum ÅÅÅÅMMDD")


def date(tokens: list, i: int, what: str) -> str:
    return check_date(get(tokens, i, what), what)


def opt_date(tokens: list, i: int, what: str) -> str | None:
    tok = opt(tokens, i, what)
    return None if tok is None else check_date(tok, what)


def period(tokens: list, i: int) -> str:
    tok = get(tokens, i, "perioden")
    if not _PERIOD.match(tok) or not 1 <= int(tok[4:]) <= 12:
        raise LineError(f"perioden '{tok}' är ingen giltig period ÅÅÅÅMM")
    return f"{tok[:4]}-{tok[4:]}"


def account(tokens: list, i: int) -> str:
    tok = get(tokens, i, "kontonumret")
    if tok == "":
        raise LineError("kontonumret är tomt")
    return tok


def objects(tokens: list, i: int) -> tuple[tuple[int, str], ...]:
    if i >= len(tokens) or not isinstance(tokens[i], ObjList):
        raise LineError("objektlistan {…} saknas (skriv {} när posten inte avser något objekt)")
    items = tokens[i]
    if not items:
        return ()
    if len(items) % 2:
        raise LineError("objektlistan ska innehålla par av dimensionsnummer och objektnummer")
    pairs = []
    for k in range(0, len(items), 2):
        dim, obj = items[k], items[k + 1]
        if not dim.isdigit() or int(dim) < 1:
            raise LineError(f"dimensionsnumret '{dim}' i objektlistan är inget positivt heltal")
        pairs.append((int(dim), obj))
    return tuple(pairs)
