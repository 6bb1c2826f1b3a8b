"""The app follows the OS light/dark setting."""

from playwright.sync_api import expect

from tests.e2e.helpers import idle, shot


def background(browser, app_url: str, scheme: str, name: str) -> tuple[int, ...]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{app_url}/history")
    idle(page)
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    shot(page, name)
    color = page.locator("[data-testid=stApp]").evaluate("e => getComputedStyle(e).backgroundColor")
    context.close()
    return tuple(int(c) for c in color[color.index("(") + 1:color.index(")")].split(",")[:3])


def test_the_app_follows_the_os_colour_scheme(browser, app_url):
    light = background(browser, app_url, "light", "theme-light-history")
    dark = background(browser, app_url, "dark", "theme-dark-history")
    assert sum(light) > 600 and sum(dark) < 150, (light, dark)
