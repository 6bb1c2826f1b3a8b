"""Outputs in a real browser: the Copy buttons put each post's text on the clipboard and say "Copied"; a count
follows the text as the user pauses typing; the page reads well at 1280 and 390 pixels wide."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lib.generate import OUTPUT_FORMATS
from lib.output_text import markdown_html, newsletter_parts, newsletter_plain
from tests.e2e.helpers import idle
from tests.helpers import through

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def outputs(pipeline, app_url):
    """A session with every output, made as the app's local user on the app's database."""
    sid = through(pipeline, "outputs")
    pipeline.outputs(sid, OUTPUT_FORMATS)
    return sid, pipeline.sessions.get(sid).current_outputs


def opened(browser, app_url: str, sid, width: int) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{app_url}/outputs?session_id={sid}")
    idle(page)
    expect(page.get_by_role("tab", name="LinkedIn post")).to_be_visible()
    return page


def screenshot(page: Page, name: str) -> None:
    """The app scrolls inside its own pane, so a tall window shows the whole tab where a full-page shot would not."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": page.viewport_size["width"], "height": 2400})
    idle(page)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.screenshot(path=str(SHOTS / name))
    page.set_viewport_size({"width": page.viewport_size["width"], "height": 900})


def clipboard(page: Page) -> str:
    return page.evaluate("() => navigator.clipboard.readText()")


def copy(page: Page, label: str) -> None:
    """Click the visible Copy button with this label and wait until it says "Copied"."""
    button = page.get_by_role("button", name=label, exact=True).first.element_handle()
    button.click()
    page.wait_for_function("button => button.textContent.trim() === 'Copied'", arg=button)


def test_copy_puts_each_posts_plain_text_on_the_clipboard(browser, app_url, outputs):
    sid, current = outputs
    page = opened(browser, app_url, sid, 1280)
    screenshot(page, "outputs-1280.png")

    copy(page, "Copy")  # the LinkedIn post, the first tab
    assert clipboard(page) == current["linkedin_post"].content.strip()
    expect(page.get_by_role("button", name="Copy", exact=True).first).to_be_visible(timeout=5_000)  # back again

    page.get_by_role("tab", name="X/Twitter thread").click()
    screenshot(page, "outputs-1280-x-thread.png")
    copy(page, "Copy post 2")
    assert clipboard(page) == current["x_thread"].metadata["posts"][1]

    page.get_by_role("tab", name="Newsletter").click()
    screenshot(page, "outputs-1280-newsletter.png")
    newsletter = current["newsletter"].content
    expect(page.get_by_role("heading", name=newsletter.split("\n### ", 1)[1].splitlines()[0])).to_be_visible()
    copy(page, "Copy")
    assert clipboard(page) == newsletter_plain(newsletter) and "###" not in clipboard(page)
    copy(page, "Copy Markdown")
    assert clipboard(page) == newsletter.strip()
    copy(page, "Copy as HTML")
    body = markdown_html(newsletter_parts(newsletter).body)
    assert clipboard(page) == body
    rich = page.evaluate("""async () => {
        const [item] = await navigator.clipboard.read();
        return await (await item.getType("text/html")).text();
    }""")
    assert "<h3>" in rich and "###" not in rich
    for tab, name in (("Instagram caption", "instagram"), ("Blog SEO", "blog-seo")):
        page.get_by_role("tab", name=tab).click()
        screenshot(page, f"outputs-1280-{name}.png")

    page.goto(f"{app_url}/session?session_id={sid}")  # the session's page in History: the same preview and Copy
    idle(page)
    page.get_by_text("Instagram caption · 1 version").click()
    copy(page, "Copy")
    assert clipboard(page) == current["instagram_caption"].content.strip()
    screenshot(page, "outputs-1280-session-page.png")
    page.context.close()


def test_the_count_follows_the_text_as_the_user_pauses_typing(browser, app_url, outputs):
    sid, current = outputs
    page = opened(browser, app_url, sid, 1280)
    page.get_by_text("Edit", exact=True).first.click()
    idle(page)
    box = page.get_by_role("textbox", name="LinkedIn post text")
    box.click()
    box.press("Control+End")
    box.press_sequentially(" Plus ten.")  # no click elsewhere: the pause commits it
    total = len(current["linkedin_post"].content) + len(" Plus ten.")
    expect(page.get_by_text(f"{total:,} / 3,000 characters · counted when you pause typing")).to_be_visible()
    screenshot(page, "outputs-1280-editing.png")
    page.context.close()


def test_the_outputs_page_on_a_phone(browser, app_url, outputs):
    sid, current = outputs
    page = opened(browser, app_url, sid, 390)
    screenshot(page, "outputs-390.png")
    copy(page, "Copy")
    assert clipboard(page) == current["linkedin_post"].content.strip()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width}px)"
    page.context.close()
