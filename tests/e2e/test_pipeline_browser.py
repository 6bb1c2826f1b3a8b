"""The whole pipeline in a real browser: every step survives a reload, the link opens the session anywhere."""

import re

from playwright.sync_api import Page, expect

from lib.auth import ensure_local_user
from lib.session import Sessions
from tests.e2e.helpers import click, idle, session_id_of, shot, start_session
from tests.helpers import BRAIN_DUMP


def reload_and_see(page: Page, text: str) -> None:
    url = page.url
    page.reload()
    idle(page)
    assert page.url == url
    expect(page.get_by_text(text, exact=False).first).to_be_visible()


def test_walk_the_pipeline_reload_every_step_and_open_the_link_fresh(page: Page, browser, app_url, db):
    start_session(page, app_url, BRAIN_DUMP)
    sid = session_id_of(page)
    shot(page, "1-create-themes")
    reload_and_see(page, "Pick the theme to develop")
    assert Sessions(db, ensure_local_user(db).id).get(sid).brain_dump.raw_content == BRAIN_DUMP

    click(page, "Use this theme → Research")
    page.wait_for_url(re.compile(r"/research\?session_id="))
    # one click per step: moving on started the research; the page shows it running, then the result
    expect(page.get_by_text("Key insights").first).to_be_visible(timeout=30_000)
    expect(page.locator("[data-testid=stCheckbox] p").first).to_be_visible()
    shot(page, "2-research")
    reload_and_see(page, "Key insights")
    assert session_id_of(page) == sid

    click(page, "Keep selection → Outline")
    page.wait_for_url(re.compile(r"/outline\?session_id="))
    expect(page.get_by_role("button", name="Use this outline → Draft")).to_be_visible(timeout=30_000)
    shot(page, "3-outline")
    reload_and_see(page, "Call to action")

    click(page, "Use this outline → Draft")
    page.wait_for_url(re.compile(r"/draft\?session_id="))
    expect(page.get_by_text("Generated · v1")).to_be_visible(timeout=30_000)
    draft = Sessions(db, ensure_local_user(db).id).get(sid).current_draft
    assert draft is not None
    first_line = draft.markdown.splitlines()[0].lstrip("# ").strip()
    shot(page, "4-draft")
    page.reload()
    idle(page)
    expect(page.get_by_role("textbox", name="Draft (Markdown)")).to_have_value(draft.markdown)

    click(page, "Continue → Outputs")
    page.wait_for_url(re.compile(r"/outputs\?session_id="))
    expect(page.get_by_role("tab", name="X/Twitter thread")).to_be_visible(timeout=30_000)
    reload_and_see(page, "LinkedIn post")

    click(page, "Generate image")
    thumb = page.locator("img[src*='/app/static/images/']").first
    expect(thumb).to_be_visible()
    shot(page, "5-outputs-image")
    src = thumb.get_attribute("src")
    assert src.endswith(".thumb.webp")
    answer = page.request.get(app_url + src if src.startswith("/") else src)
    assert answer.status == 200 and answer.headers["content-type"] == "image/webp"
    with db.as_user(ensure_local_user(db).id) as conn:
        image = conn.execute("select public_url from generated_images where session_id = %s", [sid]).fetchone()
    full = page.request.get(app_url + image["public_url"])
    assert full.status == 200 and full.headers["content-type"] == "image/png" and full.body()[:8] == b"\x89PNG\r\n\x1a\n"

    session = Sessions(db, ensure_local_user(db).id).get(sid)

    # A fresh page (new browser context: no cookies, no session state) opened from the link.
    fresh_context = browser.new_context(viewport={"width": 1400, "height": 1000})
    fresh = fresh_context.new_page()
    fresh.goto(f"{app_url}/outputs?session_id={sid}")
    idle(fresh)
    expect(fresh.get_by_role("tab", name="X/Twitter thread")).to_be_visible()
    expect(fresh.locator("img[src*='/app/static/images/']").first).to_be_visible()
    fresh.goto(f"{app_url}/draft?session_id={sid}")
    idle(fresh)
    expect(fresh.get_by_role("textbox", name="Draft (Markdown)")).to_have_value(draft.markdown)
    assert first_line
    shot(fresh, "6-fresh-page-draft")
    fresh_context.close()

    # History lists the session with its thumbnail; the detail shows the image full size; the Gallery too.
    page.goto(f"{app_url}/history")
    idle(page)
    expect(page.get_by_text(session.title).first).to_be_visible()
    expect(page.locator(f"img[src='{src}']")).to_be_visible()  # the session's one session, its first thumbnail
    shot(page, "8-history")
    page.get_by_role("link", name="Open").first.click()
    page.wait_for_url(re.compile(r"/session\?session_id="))
    idle(page)
    expect(page.get_by_role("heading", name=session.title)).to_be_visible()
    page.get_by_role("button", name="View").first.click()
    dialog = page.get_by_role("dialog")
    full_image = dialog.locator("img[src$='.png']")
    expect(full_image).to_be_visible()
    assert full_image.get_attribute("src").endswith(image["public_url"])
    assert dialog.locator("img").evaluate("img => img.naturalWidth") > 512  # the full image, not the thumbnail
    shot(page, "9-session-full-size")
    page.goto(f"{app_url}/gallery")
    idle(page)
    expect(page.locator(f"img[src='{src}']")).to_be_visible()
    shot(page, "10-gallery")

    # Deleting an image asks first; "Keep it" keeps it, "Delete image" removes the row and its files.
    page.get_by_role("button", name="Delete").first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("This cannot be undone", exact=False)).to_be_visible()
    shot(page, "11-gallery-delete-confirm")
    dialog.get_by_role("button", name="Keep it").click()
    idle(page)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_test_id("stMainBlockContainer").locator(f"img[src='{src}']")).to_be_visible()
    page.get_by_role("button", name="Delete").first.click()
    page.get_by_role("dialog").get_by_role("button", name="Delete image").click()
    idle(page)
    expect(page.get_by_text("No images yet")).to_be_visible()
    with db.admin() as conn:
        assert conn.execute("select count(*) as n from generated_images").fetchone()["n"] == 0


def test_a_bad_link_shows_the_friendly_message(page: Page, app_url):
    page.goto(f"{app_url}/research?session_id=not-a-session")
    idle(page)
    expect(page.get_by_text("This session was not found")).to_be_visible()
    expect(page.get_by_role("link", name="Start a new session")).to_be_visible()
    assert "Traceback" not in page.content()
    shot(page, "7-bad-link")


def test_html_in_notes_is_shown_as_text_never_run(page: Page, app_url):
    notes = "<b>bold claim</b> and <script>window.__pwned = true</script>\n- <img src=x onerror=\"window.__pwned=true\">\n- pricing pages that convert"
    start_session(page, app_url, notes)
    page.get_by_text("Brain dump").first.click()  # open the expander with the saved notes
    expect(page.get_by_text("<b>bold claim</b>", exact=False).first).to_be_visible()
    assert page.evaluate("() => window.__pwned === undefined")
    assert page.locator("main b", has_text="bold claim").count() == 0


def test_a_second_app_server_shows_the_same_session(page: Page, app_url, db_url, tmp_path, db):
    from tests.server import running_app

    start_session(page, app_url, BRAIN_DUMP)
    sid = session_id_of(page)
    with running_app({"DATABASE_URL": db_url, "CONTENT_DATA_DIR": str(tmp_path / "second")}) as second:
        page.goto(f"{second}/create?session_id={sid}")
        idle(page)
        expect(page.get_by_text("Pick the theme to develop")).to_be_visible()
        themes = Sessions(db, ensure_local_user(db).id).get(sid).brain_dump.themes
        for theme in themes:
            expect(page.get_by_text(theme.title).first).to_be_visible()


def test_notes_uploaded_as_a_file_fill_the_brain_dump(page: Page, app_url, tmp_path, db):
    notes = tmp_path / "notes.md"
    notes.write_text("# Webinar ideas\n- live Q&A beats slides\n- record every session for the newsletter\n", encoding="utf-8")
    latin1 = tmp_path / "old.txt"
    latin1.write_bytes("caf\xe9 notes".encode("latin-1"))
    page.goto(f"{app_url}/create")
    idle(page)
    page.locator("input[type=file]").set_input_files(str(latin1))
    idle(page)
    expect(page.get_by_text("“old.txt” is not UTF-8 text")).to_be_visible()
    page.locator("input[type=file]").set_input_files(str(notes))
    idle(page)
    expect(page.get_by_text("notes.md · 82 characters · added after your notes")).to_be_visible()
    click(page, "Extract themes")
    expect(page.get_by_text("Pick the theme to develop")).to_be_visible()
    assert Sessions(db, ensure_local_user(db).id).get(session_id_of(page)).brain_dump.raw_content == notes.read_text(
        encoding="utf-8")
