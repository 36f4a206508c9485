"""Whether the data contradict a published table's declared money unit: warnings (not errors) that
`omsorg kontrollera` prints, so an mkr table declared as tkr does not pass silently.

- decimals in a tkr table: amounts in tkr are written in whole thousands; a table whose amounts mostly
  carry decimals (−98,3; 14,2) is almost certainly in mkr;
- magnitudes a thousand times the text's: the municipality's text gives a figure of the same row,
  measure and year, and the table's value is a thousandth (or a thousand times) of it in the declared
  units, and never equal to it."""
from __future__ import annotations

import pandas as pd

from ..core.errors import Problem
from ..core.formats import number
from ..core.units import unit
from ..core.vocabulary import ECONOMY_DATASETS

# A tkr table is suspicious when at least this share of its (at least MIN_AMOUNTS) non-zero amounts has decimals.
DECIMAL_SHARE = 0.5
MIN_AMOUNTS = 3
# A text figure and a table figure "agree" within this relative difference (their own rounding is smaller).
AGREE = 0.05
BIGGER = {"kr": "tkr", "tkr": "mkr"}    # the unit a table is in when its values are a thousandth of the text's
SMALLER = {"mkr": "tkr", "tkr": "kr"}


def _money(enhet: str) -> float | None:
    try:
        u = unit(enhet)
    except ValueError:
        return None
    return u.to_tkr if u.is_money else None


def unit_warnings(tidy: pd.DataFrame, meta) -> list[Problem]:
    """Warnings for the published tables of one municipality whose declared money unit the data contradict."""
    if tidy.empty:
        return []
    out: list[Problem] = []
    text = tidy[(tidy["dataset"] == "text") & tidy["enhet"].map(lambda e: _money(str(e)) is not None)]
    for t in meta.tabell:
        if t.dataset not in ECONOMY_DATASETS or _money(t.enhet) is None:
            continue
        rows = tidy[(tidy["tabell"] == t.id) & (tidy["enhet"] == t.enhet)]
        if rows.empty:
            continue
        out += decimal_warnings(rows, t)
        out += magnitude_warnings(rows, text, t)
    return out


def decimal_warnings(rows: pd.DataFrame, t) -> list[Problem]:
    """Amounts with decimals in a table declared in tkr."""
    if t.enhet != "tkr":
        return []
    amounts = rows[rows["varde"] != 0]
    with_decimals = amounts[amounts["decimaler"] > 0]
    if len(amounts) < MIN_AMOUNTS or len(with_decimals) < DECIMAL_SHARE * len(amounts):
        return []
    first = with_decimals.sort_values("rad", kind="stable").iloc[0]  # the first amount in the file
    return [Problem(t.fil, int(first["rad"]), str(first["kolumn"]), number(first["varde"], int(first["decimaler"])),
                    f"tabellen '{t.id}' är angiven i tkr (enhet = \"tkr\" i metadata.toml), men {len(with_decimals)} av "
                    f"{len(amounts)} belopp har decimaler; belopp i tkr skrivs i hela tusental. Är tabellen i mkr? "
                    "Ändra i så fall enhet till \"mkr\", annars blir 14,2 mkr i rapporten 14 tkr.", allvarlig=False)]


def magnitude_warnings(rows: pd.DataFrame, text: pd.DataFrame, t) -> list[Problem]:
    """The table's values a thousandth or a thousand times the text's figures for the same row and measure."""
    if text.empty:
        return []
    keys = ["verksamhet", "matt", "slag", "omfattning", "ar"]
    pairs = text.merge(rows, on=keys, suffixes=("_text", ""))
    pairs = pairs[(pairs["varde"] != 0) & (pairs["varde_text"] != 0)]
    if pairs.empty:
        return []
    table_tkr = pairs["varde"] * _money(t.enhet)
    text_tkr = pairs["varde_text"] * pairs["enhet_text"].map(lambda e: _money(str(e)))
    ratio = (text_tkr / table_tkr).abs()   # the unit, not the sign convention
    same = int(((ratio - 1).abs() <= AGREE).sum())
    for factor, guess in ((1000.0, BIGGER.get(t.enhet)), (0.001, SMALLER.get(t.enhet))):
        hit = pairs[((ratio / factor) - 1).abs() <= AGREE]
        if len(hit) and len(hit) > same:
            x = hit.iloc[0]
            shown_text = f"{number(x['varde_text'], int(x['decimaler_text']))} {x['enhet_text']}"
            shown = f"{number(x['varde'], int(x['decimaler']))} {t.enhet}"
            what = "en tusendel av" if factor == 1000.0 else "tusen gånger"
            return [Problem(t.fil, int(x["rad"]), str(x["kolumn"]), number(x["varde"], int(x["decimaler"])),
                            f"tabellen '{t.id}' är angiven i {t.enhet}, men dess värden är {what} kommunens siffror för "
                            f"samma rad och mått ({len(hit)} av {len(pairs)} jämförda, t.ex. '{x['verksamhet'] or 'nämnden'}': "
                            f"texten {shown_text}, tabellen {shown}). "
                            + (f"Är tabellen i {guess}? " if guess else "")
                            + "Kontrollera enhet i metadata.toml.", allvarlig=False)]
    return []
