"""Pictures of the product for docs/: the nämnd's report at 1 280 and 390 px and printed on A4.

    .venv/bin/python scripts/docs_bilder.py [reports-mapp]

Reads reports/<kommun>/<period>/rapport.html (run `make report` first), writes docs/<kommun>-<period>-1280.png,
-390.png, -a4.pdf and one -a4-sida-N.png per printed page (pdftoppm from Debian's poppler-utils, when
installed). Uses the same headless Chromium as the tests."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
REPORTS = [("sodertalje", "2017-08"), ("exempel", "2017-12")]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def main(reports: Path) -> None:
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True)
        for kommun, period in REPORTS:
            page_path = reports / kommun / period / "rapport.html"
            stem = f"{kommun}-{period}"
            for width in (1280, 390):
                context = browser.new_context(viewport={"width": width, "height": 900 if width > 400 else 844},
                                              offline=True, device_scale_factor=1 if width > 400 else 2)
                page = context.new_page()
                page.goto(page_path.as_uri(), wait_until="load")
                page.screenshot(path=str(docs / f"{stem}-{width}.png"))
                context.close()
            context = browser.new_context(offline=True)
            page = context.new_page()
            page.goto(page_path.as_uri(), wait_until="load")
            page.emulate_media(media="print")
            pdf = docs / f"{stem}-a4.pdf"
            page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
            context.close()
            if shutil.which("pdftoppm"):
                for old in docs.glob(f"{stem}-a4-sida-*.png"):
                    old.unlink()
                subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(docs / f"{stem}-a4-sida")], check=True)
        browser.close()
    print(f"Bilderna är skrivna till {docs}.")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "reports")
