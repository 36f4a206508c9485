"""The oracle facts of fakta.toml and the figure each one's quote states (see citat.py)."""
from __future__ import annotations

import math
import tomllib
from pathlib import Path

from .citat import Figure, figures

FAKTA: list[dict] = tomllib.loads((Path(__file__).parent / "fakta.toml").read_text(encoding="utf-8"))["fakta"]
MEASURES = ("avvikelse_period", "prognosavvikelse")
# The facts about a result or forecast deviation of named rows of the report's main table.
COMPARABLE = [f for f in FAKTA if f["matt"] in MEASURES and f.get("rader_i_tabellen")]


def fact_id(f: dict) -> str:
    return f"{f['kommun']}-{f['rad']}-{f['matt']}-{f['varde']}"


def disagrees(fact: dict) -> bool:
    """A documented disagreement between the text and the tables (README.md in this folder)."""
    return "OENIGHET" in fact.get("kommentar", "")


def quoted(fact: dict) -> list[Figure]:
    """The figures of the fact's quote that are its value: same unit, same number (and the sign, unless
    the fact says the sign comes from the surrounding sentence)."""
    unit = fact.get("enhet_i_citatet", fact["enhet"])
    from_context = fact.get("tecken") == "sammanhanget"
    out = []
    for fig in figures(fact["citat"]):
        value = -fig.value if from_context else fig.value
        if (fig.unit or fact["enhet"]) == unit and math.isclose(value, fact["varde"], abs_tol=1e-12):
            out.append(fig)
    return out


def expected_tkr(fact: dict) -> tuple[float, float]:
    """(value, tolerance) in tkr, both read from the quote."""
    (fig,) = quoted(fact)
    value, tol = fig.in_tkr(fact["enhet"])
    return (-value if fact.get("tecken") == "sammanhanget" else value), tol
