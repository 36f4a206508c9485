"""Swedish number formats: 1 563 tkr, 14,7 mkr, 6,8 %, a real minus sign (U+2212)."""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

MINUS = "\u2212"
NBSP = "\u00a0"


def round_half_up(value: float, decimals: int = 0) -> float:
    """Round half away from zero, as Swedish reports do (3,45 → 3,5; −2,5 → −3)."""
    q = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP))


def number(value: float | None, decimals: int = 0, sep: str = NBSP) -> str:
    """1563 → '1 563'; -16.1 → '−16,1'. Empty string for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    rounded = round_half_up(float(value), decimals)
    if rounded == 0:
        rounded = 0.0  # no "−0"
    text = f"{abs(rounded):,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", sep)
    return (MINUS if rounded < 0 else "") + text


def tkr(value: float | None, decimals: int = 0) -> str:
    s = number(value, decimals)
    return f"{s}{NBSP}tkr" if s else ""


def mkr(value_tkr: float | None, decimals: int = 1) -> str:
    """An amount in tkr shown in mkr with one decimal: 14 677 → '14,7 mkr'."""
    if value_tkr is None or (isinstance(value_tkr, float) and math.isnan(value_tkr)):
        return ""
    return f"{number(value_tkr / 1000, decimals)}{NBSP}mkr"


def percent(value: float | None, decimals: int = 1) -> str:
    s = number(value, decimals)
    return f"{s}{NBSP}%" if s else ""

