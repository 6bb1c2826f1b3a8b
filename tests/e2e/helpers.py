"""What the browser tests share: waiting for Streamlit's run to finish, clicks, screenshots, a started session."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Page, expect

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"

# Streamlit's own marks: the app root says whether a run is going (`notRunning` once it is over); the running man,
# the loading skeleton and stale (greyed) elements are on screen only while a run is going or pending.
RUN_OVER = ("() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState === 'notRunning'"
            " && !document.querySelector('[data-testid=\"stStatusWidget\"], [data-testid=\"stSkeleton\"],"
            " .stale-element, [data-stale=\"true\"]')")


def idle(page: Page) -> None:
    """Wait until Streamlit has finished the current run."""
    page.wait_for_function(RUN_OVER, timeout=60_000)


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot once the run is over, every image has loaded and the fonts are in."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_function(f"() => ({RUN_OVER})() && [...document.images].every(image => image.complete)",
                           timeout=60_000)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def click(page: Page, name: str) -> None:
    page.get_by_role("button", name=name).first.click()
    idle(page)


def session_id_of(page: Page) -> str:
    return parse_qs(urlparse(page.url).query)["session_id"][0]


def start_session(page: Page, app_url: str, notes: str) -> None:
    """Type notes on Create and extract themes; the page then offers them to pick from."""
    page.goto(f"{app_url}/create")
    idle(page)
    page.get_by_label("Brain dump").fill(notes)
    page.keyboard.press("Tab")
    idle(page)
    click(page, "Extract themes")
    expect(page.get_by_text("Pick the theme to develop")).to_be_visible(timeout=30_000)  # a job on the worker
