"""Browser fixtures: Debian's Chromium driven by Playwright (no browser download), the real app on a free port."""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.server import running_app

# A slow CI machine may take a few seconds for a rerun that saves and renders; 5 s (the default) is tight.
expect.set_options(timeout=15_000)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialing out, which this closed network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or not shutil.which(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is missing at {CHROMIUM}: CI must install Debian's chromium (make test does).")
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install chromium); CI never skips this.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def app_url(db_url, tmp_path):
    with running_app({"DATABASE_URL": db_url, "CONTENT_DATA_DIR": str(tmp_path / "data")}) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()
