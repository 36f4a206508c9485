"""The closed vocabulary of units. Every table, column and row names one of these; nothing else
is accepted. A unit knows what kind of figure it is (money, percent, volume, key figure), how many
decimals a reader expects, how money converts to tkr, and how monthly volumes add up over a year
(hours are summed, places and decisions are averaged)."""
from __future__ import annotations

from dataclasses import dataclass

BELOPP, PROCENT, VOLYM, KVOT = "belopp", "procent", "volym", "kvot"


@dataclass(frozen=True)
class Unit:
    id: str                      # as written in metadata and shown to readers: "tkr", "timmar"
    kind: str                    # belopp | procent | volym | kvot
    decimals: int = 0            # what a reader expects when nothing else is known
    to_tkr: float | None = None  # money only: 1 mkr = 1000 tkr
    over_year: str | None = None  # volumes: "summa" (flows such as hours) or "medel" (stocks)
    singular: str = ""           # "timme" for "timmar" ("1 timme")
    axis: str = ""               # axis label, e.g. "Timmar"

    @property
    def is_money(self) -> bool:
        return self.kind == BELOPP

    @property
    def sums_over_year(self) -> bool:
        return self.over_year == "summa"

    def word(self, value: float) -> str:
        """The unit word that agrees with the value: '1 timme', '2 timmar'."""
        return self.singular if (self.singular and abs(round(float(value), 6)) == 1) else self.id

    def __str__(self) -> str:
        return self.id


def _volume(id_: str, singular: str, over_year: str, decimals: int = 0) -> Unit:
    return Unit(id_, VOLYM, decimals, None, over_year, singular, id_.capitalize())


_VOLUMES = [
    _volume("timmar", "timme", "summa"),
    _volume("dygn", "dygn", "summa"),
    _volume("platser", "plats", "medel"),
    _volume("årsplatser", "årsplats", "medel"),
    _volume("helårsplatser", "helårsplats", "medel"),
    _volume("beslut", "beslut", "medel"),
    _volume("brukare", "brukare", "medel"),
    _volume("personer", "person", "medel"),
    _volume("hushåll", "hushåll", "medel"),
    _volume("placeringar", "placering", "medel"),
    _volume("årsarbetare", "årsarbetare", "medel", 1),
    _volume("anställda", "anställd", "medel"),
]
_PER = {"timme", "dygn", "plats", "årsplats", "helårsplats", "brukare", "person", "beslut", "hushåll",
        "placering", "invånare"}

UNITS: dict[str, Unit] = {u.id: u for u in [
    Unit("kr", BELOPP, 0, 0.001, axis="Kronor"),
    Unit("tkr", BELOPP, 0, 1.0, axis="Tusen kronor (tkr)"),
    Unit("mkr", BELOPP, 1, 1000.0, axis="Miljoner kronor (mkr)"),
    Unit("procent", PROCENT, 1, axis="Procent"),
    *_VOLUMES,
]}
for _num in ("kr", "tkr", "timmar"):
    for _den in sorted(_PER):
        UNITS[f"{_num}/{_den}"] = Unit(f"{_num}/{_den}", KVOT, 0 if _num != "tkr" else 1,
                                       axis=f"{_num.capitalize()} per {_den}")

# Spellings we recognise but do not accept, and what to write instead.
_SUGGEST = {"mnkr": "mkr", "msek": "mkr", "tsek": "tkr", "tkr.": "tkr", "kronor": "kr", "sek": "kr",
            "%": "procent", "procentenheter": "procent", "tim": "timmar", "timmar.": "timmar",
            "h": "timmar", "st": "antal i en enhet som platser, beslut eller brukare", "antal":
            "en enhet som platser, beslut, brukare eller personer"}


def unit_problem(text: object) -> str | None:
    """None if ``text`` is a known unit, otherwise a Swedish sentence saying what to write."""
    s = str(text) if text is not None else ""
    if s in UNITS:
        return None
    allowed = "tkr, mkr, kr, procent, timmar, dygn, platser, årsplatser, helårsplatser, beslut, brukare, personer …"
    if not s.strip():
        return f"enheten saknas; ange en av {allowed}"
    low = s.strip().lower()
    if low in UNITS:
        return f"skriv enheten som '{low}' (små bokstäver)"
    if low in _SUGGEST:
        return f"okänd enhet; skriv '{_SUGGEST[low]}'"
    return f"okänd enhet; ange en av {allowed} eller en kvot som kr/timme"


def unit(text: object) -> Unit:
    """The Unit for a validated unit name (KeyError-free: raises ValueError with a Swedish message)."""
    problem = unit_problem(text)
    if problem:
        raise ValueError(f"'{text}': {problem}")
    return UNITS[str(text)]


def convert_money(value: float, source: str, target: str) -> float:
    """An amount from one money unit to another, exactly (14,7 mkr → 14 700 tkr)."""
    s, t = unit(source), unit(target)
    if not (s.is_money and t.is_money):
        raise ValueError(f"'{source}' och '{target}' är inte båda belopp")
    return value * s.to_tkr / t.to_tkr
