"""reports/index.html for a nämnd secretary, on a small reports/ tree built here (no report is run): the
real municipalities by name, the synthetic example apart and labelled, newest period first, the three
links, and the error counts of the build each report was run on. In Chromium (when installed) the page
needs no sideways scrolling on a 390 px phone and axe-core finds nothing."""
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from helpers.ingest.store import publish
from helpers.render.index import BUILD_FILE, index_entries, swedish_order, write_build_record, write_index

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
# What the shipped metadata.toml files say (data/raw/<kommun>/metadata.toml)
NAMES = {"botkyrka": "Botkyrka kommun", "lomma": "Lomma kommun", "nacka": "Nacka kommun",
         "sodertalje": "Södertälje kommun", "exempel": "Exempelkommun (syntetisk)"}
GONE_VERSION = "20200101-000000-borta0"


def _causes(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    """kvalitet.parquet: ``n`` causes with assessment ``bedomning`` for (kommun, period)."""
    out = [(k, p, b) for k, p, b, n in rows for _ in range(n)]
    return pd.DataFrame(out, columns=["kommun", "period", "bedomning"]).assign(mening="x")


def _report(reports: Path, kommun: str, period: str, version: str | None, workbook: bool = True) -> Path:
    folder = reports / kommun / period
    (folder / "tabeller").mkdir(parents=True)
    for name in ("rapport.html", "analys.html", "rapport.ipynb"):
        (folder / name).write_text("<p>x</p>", encoding="utf-8")
    (folder / "tabeller" / "meningar.md").write_text("x", encoding="utf-8")
    for name in ("ekonomi_per_verksamhet.xlsx", "ekonomi_per_verksamhet.csv", "kvalitet.xlsx", "kvalitet.csv",
                 "volymer_per_manad_hemtjanst_utforda_timmar_i_intern_och_extern_regi_per_brukare.xlsx"):
        (folder / "tabeller" / name).write_bytes(b"x")
    if workbook:
        (folder / "tabeller" / f"{kommun}_{period}_tabeller.xlsx").write_bytes(b"x")
    if version is not None:
        write_build_record(folder, version)
    return folder


@pytest.fixture
def tree(tmp_path):
    """Two builds (the older one with other counts) and reports run on either, on a vanished build, or
    before the runner recorded its build."""
    processed = tmp_path / "processed"
    old = publish({"kvalitet.parquet": lambda p: _causes([
        ("nacka", "2017-10", "fel", 2), ("nacka", "2017-10", "varning", 1), ("nacka", "2017-10", "ok", 4),
        ("sodertalje", "2017-08", "fel", 9)]).to_parquet(p)}, processed=processed).name
    new = publish({"kvalitet.parquet": lambda p: _causes([
        ("nacka", "2017-10", "fel", 5), ("sodertalje", "2017-08", "fel", 3), ("sodertalje", "2017-08", "varning", 4),
        ("exempel", "2017-12", "varning", 1), ("exempel", "2017-02", "fel", 1)]).to_parquet(p)},
        processed=processed).name
    reports = tmp_path / "reports"
    _report(reports, "nacka", "2017-10", old)
    _report(reports, "sodertalje", "2017-08", new)
    _report(reports, "botkyrka", "2017-08", GONE_VERSION)
    _report(reports, "lomma", "2017-08", None, workbook=False)
    for period in ("2017-01", "2017-12", "2017-02"):
        _report(reports, "exempel", period, new)
    (reports / "misslyckade" / "nacka" / "2017-10").mkdir(parents=True)
    return reports, processed


def _page(tree) -> str:
    reports, processed = tree
    return write_index(reports, processed=processed, raw=RAW).read_text(encoding="utf-8")


def _rows(page: str, kommun: str) -> list[str]:
    start = page.index(f'id="k-{kommun}"')
    section = page[start:page.index("</section>", start)]
    return re.findall(r"<tr>\n(.*?)</tr>", section, flags=re.S)


def test_real_municipalities_by_name_then_the_synthetic_example(tree):
    reports, processed = tree
    groups = index_entries(reports, processed, RAW)
    assert [g["kommun"] for g in groups] == ["botkyrka", "lomma", "nacka", "sodertalje", "exempel"]
    assert [g["syntetisk"] for g in groups] == [False] * 4 + [True]
    page = _page(tree)
    at = {k: page.index(f'<h2 id="k-{k}">' if k != "exempel" else f'<h3 id="k-{k}">') for k in NAMES}
    assert at["botkyrka"] < at["lomma"] < at["nacka"] < at["sodertalje"] < page.index('id="exempel"') < at["exempel"]
    apart = page[page.index('<section aria-labelledby="exempel"'):]
    assert "syntetiska" in apart and "inte riktiga kommuner" in apart
    assert NAMES["exempel"] + ' <span class="syntetisk">syntetisk</span>' in apart
    real = page[:page.index('<section aria-labelledby="exempel"')]
    assert 'class="syntetisk">syntetisk</span></h2>' not in real


def test_names_sort_in_swedish_alphabetical_order():
    names = ["Örebro", "Åre", "Zinkgruvan", "Älvdalen", "ale", "Ödeshög", "Boden"]
    assert sorted(names, key=swedish_order) == ["ale", "Boden", "Zinkgruvan", "Åre", "Älvdalen", "Ödeshög", "Örebro"]


def test_newest_period_first(tree):
    page = _page(tree)
    rows = _rows(page, "exempel")
    assert [re.search(r'data-rubrik="Period">([^<]*)<', r).group(1) for r in rows] == [
        "januari–december 2017", "januari–februari 2017", "januari 2017"]


def test_three_links_a_secretary_understands(tree):
    page = _page(tree)
    (row,) = _rows(page, "nacka")
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', row)
    assert links == [("nacka/2017-10/rapport.html", "Nämndrapport"), ("nacka/2017-10/analys.html", "Analysversion"),
                     ("nacka/2017-10/tabeller/nacka_2017-10_tabeller.xlsx", "Tabeller (Excel)")]
    assert "Notebook" not in page and "körlogg" not in page and "Meningar" not in page and "meningar.md" not in page
    assert "rapport.ipynb" not in page
    # the workbook is not listed again among the single tables
    assert row.count("nacka_2017-10_tabeller.xlsx") == 1 and "ekonomi per verksamhet:" in row
    (lomma,) = _rows(page, "lomma")
    assert "Tabeller (Excel)" not in lomma and "Nämndrapport" in lomma   # no workbook, no link to one


def test_counts_come_from_the_build_each_report_ran_on(tree):
    page = _page(tree)
    (nacka,) = _rows(page, "nacka")        # ran on the older build: 2 fel, 1 varning (the newer has 5 fel)
    assert re.search(r'data-rubrik="Fel" class="num">2<', nacka)
    assert re.search(r'data-rubrik="Varningar" class="num">1<', nacka)
    (sodertalje,) = _rows(page, "sodertalje")      # ran on the newer build: 3 fel, 4 varningar (the older had 9)
    assert re.search(r'data-rubrik="Fel" class="num">3<', sodertalje)
    assert re.search(r'data-rubrik="Varningar" class="num">4<', sodertalje)
    exempel = _rows(page, "exempel")
    assert re.search(r'data-rubrik="Fel" class="num">0<', exempel[0])      # 2017-12: one warning, no error
    assert re.search(r'data-rubrik="Varningar" class="num">1<', exempel[0])


def test_a_vanished_or_unrecorded_build_is_said_not_counted(tree):
    page = _page(tree)
    (botkyrka,) = _rows(page, "botkyrka")
    assert "finns inte längre kvar" in botkyrka and 'data-rubrik="Fel" class="num"' not in botkyrka
    (lomma,) = _rows(page, "lomma")
    assert "det sparades inte vilket bygge" in lomma and 'data-rubrik="Fel" class="num"' not in lomma


def test_a_build_changed_during_the_run_is_said_not_counted(tree):
    reports, processed = tree
    write_build_record(reports / "nacka" / "2017-10", "")
    (nacka,) = _rows(_page(tree), "nacka")
    assert "medan rapporten kördes" in nacka and 'class="num"' not in nacka


def test_the_build_record_names_the_version(tmp_path):
    path = write_build_record(tmp_path, "20261205-021650-b63aa7")
    assert path.name == BUILD_FILE == "bygge.json"
    assert json.loads(path.read_text(encoding="utf-8")) == {"version": "20261205-021650-b63aa7"}


@pytest.mark.browser
def test_index_fits_a_phone_and_passes_axe(tree, chromium):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    _page(tree)
    reports, _ = tree
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"], headless=True)
        try:
            for width in (390, 1280):
                page = browser.new_context(viewport={"width": width, "height": 900}, offline=True).new_page()
                page.goto((reports / "index.html").as_uri(), wait_until="load")
                page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                # every link lies within the viewport, none cut at the right edge
                right = page.evaluate("Math.max(...Array.from(document.querySelectorAll('a'))"
                                      ".filter(a => a.offsetParent).map(a => a.getBoundingClientRect().right))")
                assert right <= width
                assert page.get_by_role("link", name="Tabeller (Excel)").first.is_visible()
                result = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["best-practice", "wcag2a",
                                                                                         "wcag2aa"]}})
                assert [v["id"] for v in result.response["violations"]] == []
        finally:
            browser.close()


@pytest.mark.slow
def test_a_run_records_its_build_in_each_report_and_writes_its_workbook(batch, processed):
    _, reports = batch
    folders = [f for k in NAMES for f in (reports / k).iterdir() if re.fullmatch(r"\d{4}-\d{2}", f.name)]
    assert folders
    for folder in folders:
        assert json.loads((folder / BUILD_FILE).read_text(encoding="utf-8")) == {"version": processed.version.name}
        assert (folder / "tabeller" / f"{folder.parent.name}_{folder.name}_tabeller.xlsx").is_file(), folder
    page = (reports / "index.html").read_text(encoding="utf-8")
    assert "okänt:" not in page and page.count(">Tabeller (Excel)</a>") == len(folders)
