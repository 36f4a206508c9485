"""A real check of the widget notebook: JupyterLab headless on localhost, the notebook opened in
Debian's Chromium through Playwright, all cells run, a selector changed, and the chart and the table
change. A screenshot is saved in the test's temporary folder."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(processed, tmp_path):
    port, token = free_port(), "omsorgstest"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"), JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"))
    # Render every cell (no virtual scrolling), so the widgets exist in the page once run.
    settings = tmp_path / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}', encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={token}", f"--notebook-dir={ROOT / 'notebooks'}",
         "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--ServerApp.disable_check_xsrf=True", "--allow-root", "--LabApp.extension_manager=readonly",
         f"--LabApp.user_settings_dir={tmp_path / 'settings'}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except Exception:
            time.sleep(0.5)
    else:
        proc.terminate()
        pytest.fail("JupyterLab startade inte")
    yield base, token
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.mark.lab
@pytest.mark.browser
def test_widget_notebook_in_jupyterlab(chromium, lab, tmp_path):
    from playwright.sync_api import sync_playwright

    base, token = lab
    # Work on a copy so the committed notebook keeps no outputs.
    import nbformat

    from helpers.batch.kernels import kernel_name

    copy = ROOT / "notebooks" / "_test_utforska.ipynb"
    nb = nbformat.read(str(ROOT / "notebooks" / "00_utforska.ipynb"), as_version=4)
    nb.metadata["kernelspec"]["name"] = kernel_name()  # the project's kernel, or python3 before `make`
    nbformat.write(nb, str(copy))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/lab/tree/{copy.name}?token={token}", wait_until="domcontentloaded")
            page.wait_for_selector(".jp-Notebook", timeout=60000)
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", state="attached", timeout=60000)
            page.wait_for_timeout(1500)  # the kernel is up
            for attempt in range(3):  # a click can land before the kernel is connected: retry
                page.get_by_role("menuitem", name="Run", exact=True).click(timeout=10000)
                page.get_by_role("menuitem", name="Run All Cells", exact=True).click(timeout=10000)
                try:
                    page.wait_for_selector(".widget-dropdown select", state="attached", timeout=40000)
                    break
                except Exception:
                    if attempt == 2:
                        page.screenshot(path=str(tmp_path / "jupyterlab_fel.png"))
                        raise
            page.locator(".widget-dropdown select").first.scroll_into_view_if_needed()
            chart = page.locator(".jp-OutputArea-output figure.diagram img").first
            chart.wait_for(timeout=60000)
            table = page.locator("table.omsorg").first
            before_img, before_table = chart.get_attribute("src"), table.inner_text()
            assert "Gemensamma kostnader LSS" in before_table  # Södertälje, the default
            page.locator(".widget-dropdown", has_text="Kommun").locator("select").select_option("nacka")
            page.wait_for_function(
                "([t]) => { const x = document.querySelector('table.omsorg'); return x && x.innerText !== t; }",
                arg=[before_table], timeout=60000)
            after_img = page.locator(".jp-OutputArea-output figure.diagram img").first.get_attribute("src")
            after_table = page.locator("table.omsorg").first.inner_text()
            assert after_img != before_img
            assert "Barn och unga" in after_table and after_table != before_table
            page.screenshot(path=str(tmp_path / "jupyterlab.png"))
            browser.close()
    finally:
        copy.unlink(missing_ok=True)
        shutil.rmtree(ROOT / "notebooks" / ".ipynb_checkpoints", ignore_errors=True)
