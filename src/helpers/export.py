"""Executed notebook → HTML without code, prompts or stderr (for the nämnd)."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat


def clean_for_readers(nb):
    """Drop stderr streams and warnings from outputs; readers see results, not logs."""
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        cell["outputs"] = [
            o for o in cell.get("outputs", [])
            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
        ]
    return nb


def notebook_to_html(src: Path, dest: Path) -> Path:
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(src), as_version=4)
    nb = clean_for_readers(nb)
    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb)
    body = body.replace("<html>", '<html lang="sv">', 1)
    # The lab template links require.js and MathJax from a CDN; the reports fetch nothing.
    body = re.sub(r'<script[^>]+src="https?://[^"]*"[^>]*>\s*</script>', "", body)
    body = re.sub(r'<script type="text/x-mathjax-config">.*?</script>', "", body, flags=re.S)
    Path(dest).write_text(body, encoding="utf-8")
    return Path(dest)
