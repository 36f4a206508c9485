"""A group of rich objects under one heading (a volume series with its charts and table), and a
short message where a section has nothing to show. Both render themselves in a notebook."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .html import render
from .narrative import Narrative, Sentence


@dataclass
class Section:
    heading: str
    items: list = field(default_factory=list)   # Table, Chart, Narrative or Section

    @property
    def anchor(self) -> str:
        return "avsnitt-" + re.sub(r"[^a-z0-9]+", "-", self.heading.lower()).strip("-")

    @property
    def tables(self) -> list:
        """Every Table in the section (for an analyst: ``section.tables[0].frame``)."""
        out = []
        for item in self.items:
            if isinstance(item, Section):
                out += item.tables
            elif hasattr(item, "frame"):
                out.append(item)
        return out

    def _repr_html_(self) -> str:
        if not self.items:
            return ""
        return render("block.html.j2", heading=self.heading, anchor=self.anchor,
                      items=[i._repr_html_() for i in self.items])


def message(text: str) -> Narrative:
    """A plain sentence in place of a table or chart that has nothing to show."""
    return Narrative([Sentence("info", text)], as_list=False)
