"""The raw data is typed exactly as published: every row's figures stand together on one line of
its seed table, or (for figures given only in running text) each figure stands in the seed text."""
import csv
import re

import pytest

from helpers.ingest.metadata import list_kommuner, load_metadata
from helpers.ingest.read import ROW_COLUMNS, TEXT_COLUMNS


@pytest.mark.parametrize("kommun", ["sodertalje", "lomma", "nacka", "botkyrka"])
def test_every_figure_is_in_the_seed(seeds, kommun):
    assert kommun in list_kommuner()
    meta = load_metadata(kommun)
    problems, rows_checked = [], 0
    for t in meta.tabeller:
        text = (seeds / t.kalla).read_text(encoding="utf-8")
        lines = [{c.strip() for c in line.split("\t")} for line in text.splitlines()]
        fields = [c for line in text.splitlines() for c in line.split("\t")]
        with open(meta.path / t.fil, encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh, delimiter=";"))
        if t.dataset == "text":  # each statement quotes its line in the seed
            lines_ = text.splitlines()
            for n, row in enumerate(rows[1:], start=2):
                rec = dict(zip(TEXT_COLUMNS, row))
                line = lines_[int(rec["rad_i_kallan"]) - 1]
                if rec["citat"] not in line:
                    problems.append(f"{t.fil} rad {n}: citatet finns inte på rad {rec['rad_i_kallan']} i {t.kalla}")
            continue
        value_cols = [i for i, h in enumerate(rows[0]) if h and h not in ROW_COLUMNS]
        for n, row in enumerate(rows[1:], start=2):
            values = [re.sub(r"^ca ", "", row[i].strip()) for i in value_cols if i < len(row) and row[i].strip()]
            if not values:
                continue
            rows_checked += 1
            if any(all(v in cells for v in values) for cells in lines):
                continue  # the row as published in a table
            for v in values:  # a figure from running text: "… budgetavvikelse med 50 tkr", "+ 453 tkr"
                bare = v.lstrip("+-− ").strip()
                pattern = re.compile(rf"(?<!\d)(?<!\d ){re.escape(bare)}(?!\d| \d)")
                if not any(pattern.search(f) for f in fields):
                    problems.append(f"{t.fil} rad {n}: '{v}' finns inte i {t.kalla}")
    assert rows_checked > 10
    assert problems == []
