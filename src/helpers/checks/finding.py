"""What a check is and how it is judged.

A ``Check`` recomputes one published figure (its ``cell``) from others (``inputs``) and judges the
difference: within the rounding of the inputs it is ``avrundning``, beyond it ``fel``; where a
figure it needs is missing it is ``ej_kontrollerbar``, never a comparison with 0. ``varning`` marks
what looks wrong but is not provably so.

Tolerance: a published figure and the n rounded figures it is recomputed from each carry half a
unit of their last digit, so they may differ by at most (n + 1) × half a unit; a mean by half a unit
of the mean plus half a unit of its months; a figure the source gives as "ca 3000" carries half a
unit of its last significant digit (±500)."""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

EPS = 1e-9


@dataclass(frozen=True, order=True)
class Cell:
    """One published figure: the table, the line in its file, and the column heading (or month)."""
    tabell: str
    rad: int
    kolumn: str


def last_digit(decimals: int) -> float:
    """One unit of the last digit: 1 for whole numbers, 0,1 for one decimal."""
    return 10.0 ** (-int(decimals))


def half_unit(decimals: int, approx: bool = False, value: float | None = None) -> float:
    """The rounding uncertainty of one published figure."""
    if approx:
        return approx_tolerance(value if value is not None else 0.0, decimals)
    return 0.5 * last_digit(decimals)


def approx_tolerance(value: float, decimals: int = 0) -> float:
    """'ca 3000' → 500, 'ca 1 100' → 50, 'ca 2,5' → 0,05: half a unit of the last significant digit."""
    if decimals > 0:
        return 0.5 * last_digit(decimals)
    v = abs(int(round(value)))
    if v == 0:
        return 0.5
    zeros = 0
    while v % 10 == 0:
        v //= 10
        zeros += 1
    return 0.5 * 10 ** zeros


def tolerance(n_rounded: int, decimals: int = 0) -> float:
    """n rounded figures, each half a unit of the last digit: n × ½ unit. A published figure checked
    against k rounded inputs has n = k + 1 (the published figure is rounded too)."""
    return n_rounded * 0.5 * last_digit(decimals)


def ratio_tolerance(num: float, den: float, decimals: int, num_half: float = 0.5, den_half: float = 0.5,
                    scale: float = 1.0) -> float:
    """A published ratio r = scale × num / den of two rounded figures: its own rounding plus the effect
    of the inputs' rounding (first-order error propagation: |∂r/∂num|·δnum + |∂r/∂den|·δden)."""
    return 0.5 * last_digit(decimals) + abs(scale / den) * num_half + abs(scale * num / den ** 2) * den_half


def assess(published: float, computed: float, tol: float) -> str:
    diff = abs(published - computed)
    if diff <= EPS:
        return "ok"
    if diff <= tol + EPS:
        return "avrundning"
    return "fel"


@dataclass(frozen=True)
class Check:
    """One published figure compared with what it should be. Swedish texts are for readers."""
    kommun: str
    period: str
    dataset: str
    tabell: str
    rad_text: str          # the row as published (a series adds its row label)
    kolumn: str            # the column heading as published (or the month)
    kind: str              # summa, avvikelse, netto, relation, andel, avstamning, text, ack, medel, regi,
    #                        dubblett, avvikande, saknas, nyckeltal, tecken, framtid, identisk, brott
    publicerat: float | None
    beraknat: float | None
    tolerans: float | None
    enhet: str
    bedomning: str
    beskrivning: str       # what was compared, one plain sentence
    cell: Cell | None = None
    inputs: tuple[Cell, ...] = field(default=(), compare=False)
    ungefar: bool = False  # an input or the figure was given as "ca"
    # A linear check: publicerat = scale × (the cell's published value) and beraknat = Σ coef × value
    # over ``terms`` (cell, coef, value). Lets the evidence ask "would it hold if this cell were x?".
    terms: tuple[tuple[Cell, float, float], ...] = field(default=(), compare=False)
    scale: float = field(default=1.0, compare=False)
    missing: tuple[Cell, ...] = field(default=(), compare=False)  # blank cells the check needed

    @property
    def differens(self) -> float | None:
        if self.publicerat is None or self.beraknat is None:
            return None
        return round(self.publicerat - self.beraknat, 6)

    @property
    def failed(self) -> bool:
        return self.bedomning == "fel"

    @property
    def cells(self) -> tuple[Cell, ...]:
        return ((self.cell,) if self.cell else ()) + self.inputs

    def holds_with(self, overrides: dict[Cell, float]) -> bool | None:
        """Whether the check would pass if some published figures had other values (None: not linear)."""
        if not self.terms or self.publicerat is None or self.tolerans is None or self.cell is None:
            return None
        pub = self.scale * overrides[self.cell] if self.cell in overrides else self.publicerat
        computed = sum(coef * overrides.get(c, v) for c, coef, v in self.terms)
        return abs(pub - computed) <= self.tolerans + EPS

    @property
    def id(self) -> str:
        key = f"{self.kommun}|{self.period}|{self.tabell}|{self.kind}|{self.rad_text}|{self.kolumn}|{self.cell}"
        return hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def compare(*, kommun: str, period: str, dataset: str, tabell: str, rad_text: str, kolumn: str, kind: str,
            published: float, computed: float, tol: float, enhet: str, beskrivning: str,
            cell: Cell | None = None, inputs: tuple[Cell, ...] = (), missing_inputs: int = 0,
            ungefar: bool = False, terms: tuple = (), scale: float = 1.0, missing: tuple[Cell, ...] = ()) -> Check:
    """Judge a recomputed figure. With missing inputs a mismatch is ``ej_kontrollerbar``, not ``fel``."""
    missing_inputs = max(missing_inputs, len(missing))
    published = float(published)
    computed = round(float(computed), 6)
    verdict = assess(published, computed, tol)
    if verdict == "fel" and missing_inputs:
        verdict = "ej_kontrollerbar"
        beskrivning += (f" {missing_inputs} av de ingående raderna saknar värde, så skillnaden kan bero på dem;"
                        " siffran kan varken bekräftas eller underkännas.")
    elif verdict == "avrundning" and ungefar:
        beskrivning += " Skillnaden ryms i osäkerheten i ett ca-belopp."
    return Check(kommun, period, dataset, tabell, rad_text, kolumn, kind, published, computed, round(tol, 6), enhet,
                 verdict, beskrivning, cell, tuple(inputs), ungefar, tuple(terms), scale,
                 tuple(missing) if verdict == "ej_kontrollerbar" else ())


def observation(*, kommun: str, period: str, dataset: str, tabell: str, rad_text: str, kolumn: str, kind: str,
                bedomning: str, enhet: str, beskrivning: str, published: float | None = None,
                reference: float | None = None, cell: Cell | None = None, inputs: tuple[Cell, ...] = (),
                missing: tuple[Cell, ...] = ()) -> Check:
    """A check that is not a recomputation (a warning, a missing value, a repeated label)."""
    pub = None if published is None or (isinstance(published, float) and math.isnan(published)) else float(published)
    ref = None if reference is None or (isinstance(reference, float) and math.isnan(reference)) else float(reference)
    return Check(kommun, period, dataset, tabell, rad_text, kolumn, kind, pub, ref, None, enhet, bedomning,
                 beskrivning, cell, tuple(inputs), missing=tuple(missing))
