"""A table that renders itself and hands over its DataFrame.

``Table`` keeps the numbers as numbers (``.frame``) and what each column means (``Col``: text, an
amount in a unit, a percentage, a volume, a year). In a notebook the table shows itself
(``_repr_html_``); the analyst can take ``table.frame`` further. The exports (xlsx, CSV) live in
``render.exports`` and use the same column meanings."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ..core.formats import missing, number, percent
from ..core.units import unit
from .html import render

TEXT, BELOPP, PROCENT, VOLYM, TAL, AR = "text", "belopp", "procent", "volym", "tal", "ar"


@dataclass(frozen=True)
class Col:
    kind: str = TEXT           # text | belopp | procent | volym | tal | ar
    enhet: str = ""            # for belopp and volym: tkr, mkr, timmar …
    decimals: int | None = None

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT

    @property
    def digits(self) -> int:
        if self.decimals is not None:
            return self.decimals
        if self.kind == PROCENT:
            return 1
        if self.kind in (BELOPP, VOLYM) and self.enhet:
            return unit(self.enhet).decimals
        return 0

    def show(self, value) -> str:
        """One cell as a reader sees it (Swedish format, real minus sign)."""
        if self.kind == TEXT:
            return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
        if missing(value):
            return ""
        if self.kind == AR:
            return str(int(value))
        if self.kind == PROCENT:
            return percent(value, self.digits)
        return number(value, self.shown_digits(value))

    def shown_digits(self, value) -> int:
        """The decimals one value is shown with: ``digits``, or for a plain number without set decimals
        none for a whole number and one otherwise (374 and 374,2)."""
        if self.kind == TAL and self.decimals is None:
            return 0 if float(value).is_integer() else 1
        return self.digits


MARK_TEXT = {
    "ersatt": "Publicerad summa ersatt av det som beläggen stöder; se noten.",
    "uppskattad": "Uppskattning; se noten.",
    "beraknad": "Beräknad ur andra publicerade siffror; se noten.",
    "fel": "Kontrollen visar att den publicerade siffran är fel; se Kvalitetskontroller.",
}
MARK_SIGN = {"ersatt": "*", "uppskattad": "≈", "beraknad": "†", "fel": "!"}


@dataclass
class Table:
    name: str                        # file stem for exports, a–z0–9_
    caption: str                     # what the table shows (with unit)
    frame: pd.DataFrame              # numbers stay numbers; the first column labels the rows
    columns: dict[str, Col] = field(default_factory=dict)
    bold: list[bool] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    marks: dict[tuple[int, str], str] = field(default_factory=dict)  # (row position, column) → ersatt/uppskattad/…

    def col(self, name: str) -> Col:
        return self.columns.get(name, Col(TEXT))

    @property
    def empty(self) -> bool:
        return self.frame.empty

    @property
    def anchor(self) -> str:
        return "tabell-" + re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")

    def html(self) -> str:
        cols = list(self.frame.columns)
        headers = [dict(text=breakable(str(c)), num=self.col(c).numeric) for c in cols]
        rows = []
        for i, values in enumerate(self.frame.itertuples(index=False)):
            cells = []
            for c, v in zip(cols, values):
                mark = self.marks.get((i, c))
                cells.append(dict(text=self.col(c).show(v), num=self.col(c).numeric, header=str(c),
                                  mark=MARK_SIGN.get(mark, "") if mark else "", mark_title=MARK_TEXT.get(mark, "")))
            rows.append(dict(cells=cells, bold=bool(self.bold[i]) if i < len(self.bold) else False))
        return render("table.html.j2", caption=self.caption, headers=headers, rows=rows,
                      notes=list(dict.fromkeys(self.notes)),   # each note once
                      anchor=self.anchor, wide=len(cols) > 7)

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        return f"Table({self.name!r}, {self.caption!r}, {len(self.frame)} rader)"


_COMPOUND_PART = re.compile(r"(?<=[a-zåäö])(budget|avvikelse|prognos|kostnad|utfall)", re.IGNORECASE)


def breakable(heading: str) -> str:
    """A column heading that may break where a Swedish compound does ('Helårs|budget', 'Prognos|avvikelse'):
    a soft hyphen there, so a narrow column (A4, a phone) breaks at a part of the word, never mid-part."""
    return _COMPOUND_PART.sub("\u00ad\\1", heading)
