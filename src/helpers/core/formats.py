"""Swedish number formats: 1 563 tkr, 14,7 mkr, 6,8 %, a real minus sign (U+2212), and the unit.

An amount keeps its unit and its decimals: an mkr figure is shown in mkr with its decimals, never
rounded to 0 tkr."""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from .units import unit

MINUS = "\u2212"
NBSP = "\u00a0"


def join_words(items) -> str:
    """'A', 'A och B', 'A, B och C' (each item once, in order)."""
    items = tuple(dict.fromkeys(str(i) for i in items))
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " och " + items[-1]


def absent(value) -> bool:
    """No value at all: None or NaN. (A text is a value here; ``missing`` asks for a number.)"""
    return value is None or (isinstance(value, float) and math.isnan(value))


def missing(value) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value)) or math.isinf(float(value))
    except (TypeError, ValueError):
        return True


def round_half_up(value: float, decimals: int = 0) -> float:
    """Round half away from zero, as Swedish reports do (3,45 → 3,5; −2,5 → −3)."""
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP))


def number(value: float | None, decimals: int = 0, sep: str = NBSP, plus: bool = False) -> str:
    """1563 → '1 563'; -16.1 → '−16,1'. Empty string for a missing value. ``plus`` writes '+' for > 0."""
    if missing(value):
        return ""
    rounded = round_half_up(float(value), decimals)
    if rounded == 0:
        rounded = 0.0  # no "−0"
    text = f"{abs(rounded):,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", sep)
    sign = MINUS if rounded < 0 else ("+" if plus and rounded > 0 else "")
    return sign + text


def with_unit(value: float | None, enhet: str, decimals: int | None = None, plus: bool = False) -> str:
    """'1 563 tkr', '14,7 mkr', '6,8 %', '61 636 timmar' (decimals default to the unit's)."""
    if missing(value):
        return ""
    u = unit(enhet)
    d = u.decimals if decimals is None else decimals
    s = number(value, d, plus=plus)
    if u.id == "procent":
        return f"{s}{NBSP}%"
    return f"{s}{NBSP}{u.word(round_half_up(float(value), d))}"


def percent(value: float | None, decimals: int = 1, plus: bool = False) -> str:
    return with_unit(value, "procent", decimals, plus)


def amount(value: float | None, enhet: str = "tkr", decimals: int | None = None, plus: bool = False) -> str:
    """An amount as a reader wants it in running text: 1 mkr or more in mkr with one decimal,
    otherwise tkr; an mkr amount stays in mkr with at least one decimal (0,4 mkr, never 0 tkr)."""
    if missing(value):
        return ""
    u = unit(enhet)
    if not u.is_money:
        return with_unit(value, enhet, decimals, plus)
    tkr = float(value) * u.to_tkr
    if u.id == "mkr":
        return with_unit(value, "mkr", max(1, decimals or 1), plus)
    if abs(tkr) >= 1000:
        return with_unit(tkr / 1000, "mkr", 1, plus)
    if u.id == "kr" and abs(tkr) < 1:
        return with_unit(value, "kr", 0, plus)
    return with_unit(tkr, "tkr", 0, plus)


def amounts(values: list[float], enhet: str = "tkr", plus: bool = False) -> list[str]:
    """Several amounts for one sentence, in one unit: mkr with one decimal for all of them when any
    is 1 mkr or more, otherwise as ``amount`` (so '+1,0 mkr till +0,8 mkr', never '1,0 mkr till 780 tkr')."""
    u = unit(enhet)
    if not u.is_money or u.id == "mkr" or not any(abs(float(v) * u.to_tkr) >= 1000 for v in values if not missing(v)):
        return [amount(v, enhet, plus=plus) for v in values]
    return ["" if missing(v) else with_unit(float(v) * u.to_tkr / 1000, "mkr", 1, plus) for v in values]


def shown_as_zero(value: float | None, enhet: str = "tkr") -> bool:
    """True when ``amount`` would print the value as zero ('0 tkr', '0,0 mkr')."""
    if missing(value):
        return True
    text = amount(value, enhet)
    digits = [c for c in text if c.isdigit()]
    return all(c == "0" for c in digits)
