"""A figure as a municipality's sentence states it: the value, its sign, unit and precision are read
from the quote itself with plain re, never with the project's own parser (the oracle must not share
code with what it checks).

"positivt resultat på 14,7 mkr" → +14,7 mkr ± 0,05; "1 563 tkr" → 1 563 tkr ± 0,5; "ca −2,5 mkr"
→ −2,5 mkr ± 0,1 ("ca" widens the rounding to a whole unit of the last digit); "nollresultat",
"i balans", "följer budget" → 0 mkr ± 0,05 (a zero in words, in a text that speaks in mkr with one
decimal). A number without a sign is a surplus unless the sentence says underskott or negativ."""
from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = r"[+\-−]?\s?(?:\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:,\d+)?(?![\d,])"
# One or more numbers ("300 respektive 250") followed by their unit.
_WITH_UNIT = re.compile(rf"(?<![\d,])(?P<numbers>{_NUMBER}(?:\s+respektive\s+{_NUMBER})*)\s*"
                        r"(?P<unit>mnkr|mkr|miljoner|tkr|kr)\b")
_BARE = re.compile(rf"(?<![\d,]){_NUMBER}")
_ONE = re.compile(r"(?P<sign>[+\-−])?\s?(?P<whole>\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:,(?P<dec>\d+))?")
UNITS = {"mnkr": "mkr", "mkr": "mkr", "miljoner": "mkr", "tkr": "tkr", "kr": "kr"}
ZERO_WORDS = ("nollresultat", "i balans", "följer budget")
NEGATIVE_WORDS = ("underskott", "negativ")
APPROX = re.compile(r"\b(ca|cirka)\b", re.IGNORECASE)
TKR = {"mkr": 1000.0, "tkr": 1.0, "kr": 0.001}


@dataclass(frozen=True)
class Figure:
    """One figure of a quote, in the unit the quote writes (None: the quote names no unit)."""

    value: float
    unit: str | None
    decimals: int
    approx: bool
    signed: bool  # the sign is stated: a +/− or a word (underskott, negativ, positiv, överskott)
    in_words: bool = False

    @property
    def tolerance(self) -> float:
        """Half a unit of the last digit written; "ca" a whole unit."""
        unit = 10.0 ** -self.decimals
        return unit if self.approx else 0.5 * unit

    def in_tkr(self, unit: str | None = None) -> tuple[float, float]:
        """(value, tolerance) in tkr; `unit` for a quote that names none."""
        scale = TKR[self.unit or unit]
        return self.value * scale, self.tolerance * scale


def figures(quote: str) -> list[Figure]:
    """Every figure the quote states, in reading order; [] when it states none."""
    low = quote.lower()
    negative = any(w in low for w in NEGATIVE_WORDS)
    worded = negative or any(w in low for w in ("positiv", "överskott"))
    approx = bool(APPROX.search(quote))
    found = [(m["numbers"], UNITS[m["unit"]]) for m in _WITH_UNIT.finditer(quote)]
    if not found:
        if any(w in low for w in ZERO_WORDS):
            return [Figure(0.0, "mkr", 1, approx, True, in_words=True)]
        bare = _BARE.findall(quote)
        found = [(bare[-1], None)] if bare else []
    out = []
    for numbers, unit in found:
        for m in _ONE.finditer(numbers):
            value = float(m["whole"].replace(" ", "").replace("\u00a0", "") + "." + (m["dec"] or "0"))
            minus = m["sign"] in ("-", "−") or negative
            out.append(Figure(-value if minus else value, unit, len(m["dec"] or ""), approx,
                              signed=worded or m["sign"] is not None))
    return out


def figure(quote: str) -> Figure:
    """The one figure a quote states (a quote with two is an error here: use `figures`)."""
    found = figures(quote)
    if len(found) != 1:
        raise ValueError(f"citatet anger {len(found)} tal, inte ett: {quote!r}")
    return found[0]
