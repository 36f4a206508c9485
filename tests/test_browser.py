"""Each rapport.html as readers open it: headless Chromium with the network off; no console errors,
nothing fetched from elsewhere, every image loaded; axe-core finds no landmark or region problems;
a 390 px phone needs no sideways scrolling; printed on A4 it has no blank pages and no heading
stranded at the foot of a page. Screenshots and PDFs go to the test's temporary folder."""
import io
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND"]
REPORTS = [("sodertalje", "2017-08"), ("lomma", "2017-08"), ("nacka", "2017-10"), ("botkyrka", "2017-08"),
           ("exempel", "2017-12")]


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
        yield b
        b.close()


def open_page(browser, path: Path, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900}, offline=True)
    page = context.new_page()
    errors, outside = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", lambda route: (outside.append(route.request.url), route.abort())
               if not route.request.url.startswith(("file:", "data:")) else route.continue_())
    page.goto(path.as_uri(), wait_until="load")
    return context, page, errors, outside


@pytest.mark.parametrize("kommun,period", REPORTS)
def test_report_in_a_real_browser(browser, batch, tmp_path, kommun, period):
    _, reports = batch
    path = reports / kommun / period / "rapport.html"
    context, page, errors, outside = open_page(browser, path, 1200)
    try:
        assert errors == [] and outside == []
        assert page.evaluate("document.documentElement.lang") == "sv"
        assert page.evaluate("Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).length") == 0
        assert page.evaluate("Array.from(document.images).filter(i => !i.alt).length") == 0
        assert page.locator("main").count() == 1 and page.locator("h1").count() == 1
        assert page.get_by_role("heading", name="Sammanfattning").is_visible()
        table = page.locator("table.omsorg", has=page.locator("caption", has_text="Budget och utfall per verksamhet"))
        assert table.first.is_visible()
        page.screenshot(path=str(tmp_path / f"{kommun}.png"), full_page=False)
        from axe_playwright_python.sync_playwright import Axe

        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["best-practice", "wcag2a", "wcag2aa"]}})
        violations = {v["id"] for v in result.response["violations"]}
        assert violations == set(), violations   # axe-core: no violation at all (issue 18)
    finally:
        context.close()


@pytest.mark.parametrize("kommun,period", REPORTS)
def test_report_reads_on_a_phone(browser, batch, tmp_path, kommun, period):
    _, reports = batch
    context, page, _, _ = open_page(browser, reports / kommun / period / "rapport.html", 390)
    try:
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= 390, f"{kommun}: sidan är {overflow} px bred på en 390 px telefon"
        page.screenshot(path=str(tmp_path / f"{kommun}_mobil.png"), full_page=False)
    finally:
        context.close()


@pytest.mark.parametrize("kommun,period", REPORTS)
def test_report_prints_on_a4(browser, batch, tmp_path, kommun, period):
    from pypdf import PdfReader

    _, reports = batch
    context, page, _, _ = open_page(browser, reports / kommun / period / "rapport.html", 1200)
    try:
        headings = [h.strip() for h in page.locator("h2, h3").all_inner_texts() if h.strip()]
        page.emulate_media(media="print")
        pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        (tmp_path / f"{kommun}.pdf").write_bytes(pdf)
    finally:
        context.close()
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    for number, pdf_page in enumerate(reader.pages, start=1):
        lines = [line.strip() for line in (pdf_page.extract_text() or "").splitlines() if line.strip()]
        assert lines, f"{kommun}: sidan {number} är tom"
        assert lines[-1] not in headings, f"{kommun}: rubriken '{lines[-1]}' står ensam längst ned på sidan {number}"
