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
    level: int = 3                              # the heading element (h3; a nested section h4)

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
        items = []
        for i in self.items:
            if self.heading and isinstance(i, Section) and i.level <= self.level:
                i = Section(i.heading, i.items, self.level + 1)
            items.append(i._repr_html_())
        if not self.heading:
            return "\n".join(items)
        return render("block.html.j2", heading=self.heading, anchor=self.anchor, items=items, level=self.level)


def message(text: str) -> Narrative:
    """A plain sentence in place of a table or chart that has nothing to show."""
    return Narrative([Sentence("info", text)], as_list=False)


@dataclass
class Heading:
    """The report's title and the line under it."""
    title: str
    lines: list[str] = field(default_factory=list)

    def _repr_html_(self) -> str:
        return render("heading.html.j2", title=self.title, lines=self.lines)
