"""The executed notebook → HTML through the project's own nbconvert template.

``rapport.html`` (for the nämnd) leaves out the cells tagged ``analys`` (only for analysts); both it
and ``analys.html`` leave out the parameter cells, the export cell, every input, prompt, stderr
stream and traceback. Nothing in the page loads anything from elsewhere."""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from ..ingest.store import write_text
from ..present.html import TEMPLATES, css

ALWAYS_REMOVED = {"parameters", "injected-parameters", "export"}
ANALYST_ONLY = "analys"


def notebook_html(nb: nbformat.NotebookNode, *, title: str, footer: str, for_namnd: bool) -> str:
    exporter = HTMLExporter(template_name="omsorg", extra_template_basedirs=[str(TEMPLATES / "nbconvert")])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.anchor_link_text = ""
    remove = set(ALWAYS_REMOVED) | ({ANALYST_ONLY} if for_namnd else set())
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=remove, enabled=True), enabled=True)
    resources = {"omsorg": {"title": title, "css": css(), "footer": footer, "show_text": not for_namnd}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def write_notebook_html(executed: Path, dest: Path, *, title: str, footer: str, for_namnd: bool) -> Path:
    nb = nbformat.read(str(executed), as_version=4)
    return write_text(dest, notebook_html(nb, title=title, footer=footer, for_namnd=for_namnd))
