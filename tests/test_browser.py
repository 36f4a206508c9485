"""Each rapport.html opened in a real browser (Debian's Chromium, headless, no network): no console
errors, every image loaded, the summary and the economy table visible; a screenshot is saved next
to the report for a person to look at."""
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND"]


def report_pages(batch_reports: Path) -> list[Path]:
    shipped = sorted((ROOT / "reports").glob("*/*/rapport.html"))  # after `make report`
    return shipped or sorted(batch_reports.glob("*/*/rapport.html"))


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian-paketet chromium är inte installerat (.ci/run installerar det)")
def test_reports_in_headless_chromium(batch):
    from playwright.sync_api import sync_playwright

    _, reports = batch
    pages = report_pages(reports)
    from helpers.metadata import load_metadata

    pages = [p for p in pages if p.parent.name == load_metadata(p.parent.parent.name).period]
    assert len(pages) == 4
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            for path in pages:
                context = browser.new_context(viewport={"width": 1200, "height": 900}, offline=True)
                page = context.new_page()
                errors, outside = [], []
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.route("**/*", lambda route: (outside.append(route.request.url), route.abort())
                           if not route.request.url.startswith(("file:", "data:")) else route.continue_())
                page.goto(path.as_uri(), wait_until="load")
                assert errors == [], (path, errors)
                assert outside == [], (path, outside)
                broken = page.evaluate("Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).length")
                assert broken == 0, path
                assert page.evaluate("document.images.length") >= 1, path
                assert page.locator("#sammanfattning").is_visible(), path
                table = page.locator("table.omsorg", has=page.locator("caption", has_text="Budget och utfall per verksamhet"))
                assert table.first.is_visible(), path
                assert page.evaluate("document.documentElement.lang") == "sv"
                page.screenshot(path=str(path.with_name("rapport.png")), full_page=False)
                context.close()
        finally:
            browser.close()
