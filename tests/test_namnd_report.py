"""The nämnd's report as a politician gets it (issue 18): every rapport.html of a full batch prints on at
most six A4 pages, nothing is wider than the page or the screen, no heading is left at the foot of a
page, and the text holds none of the words, codes, file names, formulas or unexplained symbols a
politician does not use (the banned list below). The summary has at most eight points and 150 words."""
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

MAX_PAGES = 6
A4_CONTENT_PX = 688

# What never stands in the nämnd's report: (pattern, why). They belong in analys.html.
BANNED = [
    (r"\b[\w-]+\.(?:txt|csv|xlsx|se|toml|parquet|ipynb|json)\b", "filnamn"),
    (r"\(kommunens text, rad \d+\)|\brad \d+\b|\braden \d+\b", "radnummer i källan"),
    (r"analysnotebook|notebook|arbetsytans summa|arbetsytan", "interna ord"),
    (r"Rak uppräkning =|×|\b\d+ ?/ ?\d+ × 12|ändrad volym|styckkostnad ×", "formler"),
    (r"(?:^|[\s(])\d{2,4} (?=[A-ZÅÄÖ][a-zåäö])", "koder framför verksamhetens namn (t.ex. '71 Centralt')"),
    (r"[a-zåäö],[A-ZÅÄÖa-zåäö]", "komma utan mellanslag (rå etikett)"),
    (r"\w- (?!och\b|eller\b|samt\b)[a-zåäö]", "avstavning kvar från PDF:en"),
    (r"visas när|visas i december|tabeller/kvalitet\.xlsx", "platshållare för det som inte visas"),
    (r"(?:^|\. )Antal personer:", "en volym som inte säger vad den räknar"),
]
SYMBOLS = {"≈": "Uppskattad (≈)", "*": "Ersatt (*)", "†": "Beräknad (†)"}


class _Text(HTMLParser):
    """Visible text of a page, block by block (the alt text of images included)."""

    def __init__(self):
        super().__init__()
        self.blocks, self._skip = [""], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        if tag in ("p", "li", "td", "th", "caption", "h1", "h2", "h3", "h4", "figcaption", "div", "tr"):
            self.blocks.append("")
        if tag == "img":
            self.blocks.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.blocks[-1] += data


def visible_blocks(html: str) -> list[str]:
    p = _Text()
    p.feed(html)
    return [" ".join(b.split()) for b in p.blocks if b.strip()]


def reports_of(batch) -> list[Path]:
    _, reports = batch
    found = sorted(reports.glob("*/*/rapport.html"))
    assert len(found) >= 16, found
    return found


def test_no_banned_words_in_any_nämnd_report(batch):
    problems = []
    for path in reports_of(batch):
        blocks = visible_blocks(path.read_text(encoding="utf-8"))
        text = "\n".join(blocks)
        for pattern, why in BANNED:
            for m in re.finditer(pattern, text, flags=re.M):
                line = text[max(0, m.start() - 40): m.end() + 40].replace("\n", " ")
                problems.append(f"{path.parent.parent.name} {path.parent.name}: {why}: …{line}…")
        for symbol, explained in SYMBOLS.items():
            used = any(symbol in b for b in blocks if not b.startswith(explained))
            if used and explained not in text and not any(b.startswith(f"{symbol} ") for b in blocks):
                problems.append(f"{path.parent.parent.name} {path.parent.name}: symbolen {symbol} förklaras inte")
    assert problems == [], "\n".join(problems[:40])


def test_the_banned_list_catches_what_it_should():
    """The list itself, on the phrases issue 18 quotes (a list that catches nothing proves nothing)."""
    bad = ["Källa 000_9a859a4574b8859d.txt", "(kommunens text, rad 31)", "se analysnotebooken",
           "Nämnden är arbetsytans summa", "Rak uppräkning = periodens utfall / 8 × 12", "71 Centralt +19,8 mkr",
           "Personlig assistans,SFB 51", "Summa verksamhets- områden LSS", "Prognosens utveckling visas när det finns",
           "Antal personer: 47,2"]
    for phrase in bad:
        assert any(re.search(p, phrase, flags=re.M) for p, _ in BANNED), phrase
    fine = ["Hälso- och sjukvård", "Personlig assistans, SFB 51", "Centralt +19,8 mkr", "januari–augusti 2017",
            "Hemtjänst: 21 268 timmar, en minskning med 29,1 procent."]
    for phrase in fine:
        assert not any(re.search(p, phrase, flags=re.M) for p, _ in BANNED), phrase


def test_the_summary_has_at_most_eight_points_and_150_words(batch):
    for path in reports_of(batch):
        html = path.read_text(encoding="utf-8")
        m = re.search(r'<ul class="[^"]*sammanfattning[^"]*">(.*?)</ul>', html, flags=re.S) or \
            re.search(r'class="[^"]*sammanfattning[^"]*"[^>]*>(.*?)</(?:ul|div)>', html, flags=re.S)
        assert m, f"{path}: ingen sammanfattning"
        points = re.findall(r"<li[^>]*>(.*?)</li>", m.group(1), flags=re.S)
        words = sum(len(re.sub(r"<[^>]+>", " ", p).split()) for p in points)
        assert 1 <= len(points) <= 8 and words <= 150, (path, len(points), words)


@pytest.mark.browser
@pytest.mark.slow
def test_every_nämnd_report_prints_on_at_most_six_a4_pages_and_fits_every_screen(batch, chromium, tmp_path):
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"], headless=True)
        try:
            for path in reports_of(batch):
                name = f"{path.parent.parent.name} {path.parent.name}"
                for width in (1280, 390):
                    context = browser.new_context(viewport={"width": width, "height": 900}, offline=True)
                    page = context.new_page()
                    page.goto(path.as_uri(), wait_until="load")
                    scroll = page.evaluate("document.documentElement.scrollWidth")
                    if scroll > width:
                        problems.append(f"{name}: {scroll} px bred vid {width} px")
                    context.close()
                # the A4 page's printable width: 210 mm less the stylesheet's 2 × 14 mm margins = 182 mm = 688 px
                context = browser.new_context(viewport={"width": A4_CONTENT_PX, "height": 1123}, offline=True)
                page = context.new_page()
                page.goto(path.as_uri(), wait_until="load")
                page.emulate_media(media="print")
                wide = page.evaluate("""() => Array.from(document.querySelectorAll('main *'))
                    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                    .map(e => e.tagName + ' ' + (e.textContent || '').slice(0, 30))""")
                if wide:
                    problems.append(f"{name}: bredare än A4-sidan: {wide[:3]}")
                # a chart prints at its own size (width attribute = inches × 96), so its text prints at the
                # points it was set in (≥ 8 pt, tests/test_present_charts.py); a shrunk image would not
                shrunk = page.evaluate("""() => Array.from(document.querySelectorAll('main img'))
                    .filter(i => i.getAttribute('width') && i.getBoundingClientRect().width < 0.99 * parseFloat(i.getAttribute('width')))
                    .map(i => i.alt.slice(0, 40))""")
                if shrunk:
                    problems.append(f"{name}: diagram förminskade i utskrift (texten blir under 8 pt): {shrunk[:3]}")
                headings = [h.strip() for h in page.locator("h1, h2, h3, h4").all_inner_texts() if h.strip()]
                pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
                context.close()
                reader = PdfReader(io.BytesIO(pdf))
                if len(reader.pages) > MAX_PAGES:
                    problems.append(f"{name}: {len(reader.pages)} A4-sidor (högst {MAX_PAGES})")
                for number, pdf_page in enumerate(reader.pages, start=1):
                    lines = [x.strip() for x in (pdf_page.extract_text() or "").splitlines() if x.strip()]
                    if lines and lines[-1] in headings:
                        problems.append(f"{name}: rubriken '{lines[-1]}' står ensam längst ned på sidan {number}")
        finally:
            browser.close()
    assert problems == [], "\n".join(problems)
