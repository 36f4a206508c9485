"""What a reader sees in a rendered rapport.html, read with the standard library's html.parser: the
summary's sentences and each table by its caption, as text (no style, no script)."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.sentences: list[str] = []   # <li> of the summary (ul.meningar)
        self.tables: dict[str, list[list[str]]] = {}
        self._in_summary = False
        self._li: list[str] | None = None
        self._caption: list[str] | None = None
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._caption_text = ""
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag in ("style", "script"):
            self.hidden += 1
        elif tag == "ul" and "meningar" in classes:
            self._in_summary = True
        elif tag == "li" and self._in_summary:
            self._li = []
        elif tag == "table":
            self._rows = []
        elif tag == "caption" and self._rows is not None:
            self._caption = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.hidden -= 1
        elif tag == "ul" and self._in_summary:
            self._in_summary = False
        elif tag == "li" and self._li is not None:
            self.sentences.append(_clean("".join(self._li)))
            self._li = None
        elif tag == "caption" and self._caption is not None:
            self._caption_text = _clean("".join(self._caption))
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append(_clean("".join(self._cell)))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.tables[self._caption_text] = [r for r in self._rows if r]
            self._rows, self._caption_text = None, ""

    def handle_data(self, data):
        if self.hidden:
            return
        self.text.append(data)
        for part in (self._li, self._caption, self._cell):
            if part is not None:
                part.append(data)


def _clean(text: str) -> str:
    # as a reader sees it: a soft hyphen (a place a column heading may break) is not text
    return " ".join(text.replace("\u00a0", " ").replace("\u00ad", "").split())


class RenderedReport:
    """rapport.html as text: ``sentences`` of the summary, ``tables`` by caption, ``text`` of the page."""

    def __init__(self, path: Path) -> None:
        reader = _Reader()
        reader.feed(path.read_text(encoding="utf-8"))
        reader.close()
        self.sentences = reader.sentences
        self.tables = reader.tables
        self.text = _clean(" ".join(reader.text))

    def table(self, caption_start: str) -> tuple[str, list[list[str]]]:
        """The one table whose caption begins with ``caption_start``: (caption, rows, header row first)."""
        found = [(caption, rows) for caption, rows in self.tables.items() if caption.startswith(caption_start)]
        if len(found) != 1:
            raise AssertionError(f"{len(found)} tabeller med rubriken '{caption_start} …' i rapporten, inte en")
        return found[0]

    def sentence(self, start: str) -> str:
        """The one summary sentence that begins with ``start``."""
        found = [s for s in self.sentences if s.startswith(start)]
        if len(found) != 1:
            raise AssertionError(f"{len(found)} meningar som börjar '{start}' i sammanfattningen, inte en")
        return found[0]
