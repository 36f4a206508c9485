"""The raw data is typed exactly as published: every row's figures stand together on one line of
its seed table, or (for figures given only in running text) each figure stands in the seed text.

The seed lines that hold the figures are kept in tests/oracle/kallrader.json, so the check runs
without ../shared/seeds as well. With the seeds, the same check runs on the whole seed text, every
kept line must be its seed's line word for word, and every line the check needs must be kept.
`python tests/test_seed_fidelity.py` (with the seeds) writes kallrader.json anew."""
import csv
import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers.core.paths import seeds_dir
from helpers.ingest.metadata import list_kommuner, load_metadata
from helpers.ingest.read import ROW_COLUMNS, TEXT_COLUMNS

KOMMUNER = ["sodertalje", "lomma", "nacka", "botkyrka"]
KALLRADER = Path(__file__).parent / "oracle" / "kallrader.json"
Lines = dict[int, str]  # line number (1-based) → the line


def seed_lines(folder: Path) -> Callable[[str], Lines]:
    return lambda kalla: dict(enumerate((folder / kalla).read_text(encoding="utf-8").splitlines(), start=1))


def kept_lines() -> Callable[[str], Lines]:
    kept = json.loads(KALLRADER.read_text(encoding="utf-8"))
    return lambda kalla: {int(n): line for n, line in kept.get(kalla, {}).items()}


def check(kommun: str, lines_of: Callable[[str], Lines]) -> tuple[list[str], int, dict[str, set[int]]]:
    """(problems, rows checked, the lines of each seed that hold the figures)."""
    meta = load_metadata(kommun)
    problems, rows_checked, used = [], 0, defaultdict(set)
    for t in meta.tabeller:
        lines = lines_of(t.kalla)
        cells = {k: [c.strip() for c in line.split("\t")] for k, line in lines.items()}
        with open(meta.path / t.fil, encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh, delimiter=";"))
        if t.dataset == "text":  # each statement quotes its line in the seed
            for n, row in enumerate(rows[1:], start=2):
                rec = dict(zip(TEXT_COLUMNS, row))
                k = int(rec["rad_i_kallan"])
                if rec["citat"] in lines.get(k, ""):
                    used[t.kalla].add(k)
                else:
                    problems.append(f"{t.fil} rad {n}: citatet finns inte på rad {k} i {t.kalla}")
            continue
        value_cols = [i for i, h in enumerate(rows[0]) if h and h not in ROW_COLUMNS]
        for n, row in enumerate(rows[1:], start=2):
            values = [re.sub(r"^ca ", "", row[i].strip()) for i in value_cols if i < len(row) and row[i].strip()]
            if not values:
                continue
            rows_checked += 1
            hit = next((k for k, c in cells.items() if all(v in c for v in values)), None)
            if hit is not None:  # the row as published in a table
                used[t.kalla].add(hit)
                continue
            for v in values:  # a figure from running text: "… budgetavvikelse med 50 tkr", "+ 453 tkr"
                bare = v.lstrip("+-− ").strip()
                pattern = re.compile(rf"(?<!\d)(?<!\d ){re.escape(bare)}(?!\d| \d)")
                hit = next((k for k, c in cells.items() if any(pattern.search(f) for f in c)), None)
                if hit is None:
                    problems.append(f"{t.fil} rad {n}: '{v}' finns inte i {t.kalla}")
                else:
                    used[t.kalla].add(hit)
    return problems, rows_checked, used


@pytest.mark.parametrize("kommun", KOMMUNER)
def test_every_figure_is_in_the_kept_seed_lines(kommun):
    assert kommun in list_kommuner()
    problems, rows_checked, _ = check(kommun, kept_lines())
    assert rows_checked > 10
    assert problems == []


@pytest.mark.parametrize("kommun", KOMMUNER)
def test_every_figure_is_in_the_seed(seeds, kommun):
    problems, rows_checked, used = check(kommun, seed_lines(seeds))
    assert rows_checked > 10
    assert problems == []
    kept = kept_lines()
    missing = {kalla: sorted(set(ks) - set(kept(kalla))) for kalla, ks in used.items()}
    assert {k: v for k, v in missing.items() if v} == {}, "kör python tests/test_seed_fidelity.py"


def test_the_kept_lines_are_the_seeds_own(seeds):
    kept = json.loads(KALLRADER.read_text(encoding="utf-8"))
    wrong = []
    for kalla, lines in kept.items():
        seed = seed_lines(seeds)(kalla)
        wrong += [f"{kalla} rad {n}" for n, line in lines.items() if seed.get(int(n)) != line]
    assert kept and wrong == []


def write_kept_lines(folder: Path) -> None:
    """kallrader.json from the seeds: the lines that hold every figure of the four municipalities."""
    used = defaultdict(set)
    for kommun in KOMMUNER:
        problems, _, lines = check(kommun, seed_lines(folder))
        if problems:
            sys.exit("\n".join(problems))
        for kalla, ks in lines.items():
            used[kalla] |= ks
    out = {kalla: {str(k): seed_lines(folder)(kalla)[k] for k in sorted(ks)} for kalla, ks in sorted(used.items())}
    KALLRADER.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{KALLRADER}: {sum(len(v) for v in out.values())} rader ur {len(out)} källtexter")


if __name__ == "__main__":
    write_kept_lines(seeds_dir())
