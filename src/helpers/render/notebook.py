"""The executed notebook → HTML through the project's own nbconvert template.

``rapport.html`` (for the nämnd) leaves out the cells tagged ``analys`` (only for analysts); both it
and ``analys.html`` leave out the parameter cells, the export cell, every input, prompt, stderr
stream and traceback. Nothing in the page loads anything from elsewhere."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import TagRemovePreprocessor

from ..ingest.store import write_text
from ..present.html import TEMPLATES, css

ALWAYS_REMOVED = {"parameters", "injected-parameters", "export"}
ANALYST_ONLY = "analys"


class OmsorgExporter(HTMLExporter):
    """nbconvert's HTML exporter without its final pass over the page: that pass re-parses the whole
    page to add alt text to images that lack it and focus to lab-template cells, and the project's
    template already writes alt text on every image and has no lab cells."""

    def from_notebook_node(self, nb, resources=None, **kw):
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        self.register_filter("highlight_code", self.filters.get("highlight_code",
                                                                 Highlight2HTML(pygments_lexer=lexer, parent=self)))
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata,
                                                                        parent=self, resources=resources))
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


@lru_cache(maxsize=2)
def _exporter(for_namnd: bool) -> HTMLExporter:
    """One exporter per kind of page and process (loading the template costs more than using it)."""
    exporter = OmsorgExporter(template_name="omsorg", extra_template_basedirs=[str(TEMPLATES / "nbconvert")])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.exclude_anchor_links = True  # anchors would also turn å, ä, ö in headings into &#nnn; references
    remove = set(ALWAYS_REMOVED) | ({ANALYST_ONLY} if for_namnd else set())
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=remove, enabled=True), enabled=True)
    return exporter


def notebook_html(nb: nbformat.NotebookNode, *, title: str, footer: str, for_namnd: bool) -> str:
    resources = {"omsorg": {"title": title, "css": css(), "footer": footer, "show_text": not for_namnd}}
    body, _ = _exporter(for_namnd).from_notebook_node(nb, resources=resources)
    return body


def write_notebook_html(executed: Path | nbformat.NotebookNode, dest: Path, *, title: str, footer: str,
                        for_namnd: bool) -> Path:
    """``executed`` is the executed notebook, or the path to it."""
    nb = executed if isinstance(executed, nbformat.NotebookNode) else nbformat.read(str(executed), as_version=4)
    return write_text(dest, notebook_html(nb, title=title, footer=footer, for_namnd=for_namnd))
