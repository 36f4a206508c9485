"""How the figures of one economy row follow from each other (normalised signs: costs negative, a
positive deviation better than budget).

A published figure is used as published. A figure the municipality did not publish is derived from
the others and says how: ``beraknad`` (exact arithmetic on published figures, e.g. outcome =
budget + published deviation) or ``uppskattad`` (an estimate, e.g. a period budget spread evenly
over the year). Nothing here reads data; it is the rule both the checks and the report use."""
from __future__ import annotations

from dataclasses import dataclass

from .formats import absent

PUBLICERAD, BERAKNAD, UPPSKATTAD = "publicerad", "beraknad", "uppskattad"


@dataclass(frozen=True)
class Figure:
    value: float
    how: str = PUBLICERAD  # publicerad | beraknad | uppskattad

    @property
    def estimated(self) -> bool:
        return self.how == UPPSKATTAD


def prorated_budget(full_year: float, month: int, profile: list[float] | None = None) -> float:
    """A period budget from a full-year budget: linear (month/12), or by a seasonal profile of 12 weights."""
    if profile is None:
        return full_year * month / 12
    if len(profile) != 12 or sum(profile) <= 0:
        raise ValueError("En säsongsprofil ska ha 12 positiva vikter.")
    return full_year * sum(profile[:month]) / sum(profile)


def derive_row(values: dict[str, float | None], month: int) -> dict[str, Figure]:
    """The measures of one row: budget_period, utfall_period, avvikelse_period, helarsbudget, prognos,
    prognosavvikelse (and utfall_fg_ar), each published or derived.

    ``values`` holds the published (or resolved) figures by measure name; missing ones are None/NaN.
    """
    out: dict[str, Figure] = {k: Figure(float(v)) for k, v in values.items() if not absent(v)}

    def pair(budget: str, outcome: str, deviation: str, budget_from_year: bool) -> None:
        b, o, d = out.get(budget), out.get(outcome), out.get(deviation)
        if b is None and o is not None and d is not None:
            b = out[budget] = Figure(o.value - d.value, BERAKNAD)
        elif b is None and budget_from_year and "helarsbudget" in out:
            b = out[budget] = Figure(prorated_budget(out["helarsbudget"].value, month), UPPSKATTAD)
        if o is None and b is not None and d is not None:
            how = UPPSKATTAD if b.estimated else BERAKNAD
            out[outcome] = Figure(b.value + d.value, how)
        elif d is None and b is not None and o is not None:
            how = UPPSKATTAD if (b.estimated or o.estimated) else BERAKNAD
            out[deviation] = Figure(o.value - b.value, how)

    pair("budget_period", "utfall_period", "avvikelse_period", budget_from_year=True)
    pair("helarsbudget", "prognos", "prognosavvikelse", budget_from_year=False)
    return out
