"""History, Gallery and session detail in a real browser: what only the browser does (the URL a filter writes,
the buttons inside a dialog)."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from lib.auth import ensure_local_user
from lib.generate.offline import OfflineGenerator
from lib.images import Images
from lib.session import Sessions
from lib.spool import Spool
from lib.storage import LocalImageStore
from tests.e2e.helpers import idle, shot


@pytest.fixture
def stored(db, app_url, tmp_path):
    """Two sessions of the app's local user, the first with an image, in the app's own data folder."""
    user = ensure_local_user(db).id
    data = tmp_path / "data"
    images = Images(db, user, LocalImageStore(data / "images"), Spool(data / "spool"), OfflineGenerator())
    sessions = Sessions(db, user)
    zeppelin = sessions.create("Notes on a zeppelin museum visit\n- the hangar is huge")
    sessions.create("Budget planning for next year")
    image = images.generate("A zeppelin in its hangar", aspect_ratio="1:1", session_id=zeppelin.id)
    return zeppelin, image, images


def params(page: Page) -> dict:
    return parse_qs(urlparse(page.url).query)


def test_filters_write_the_url_and_a_reload_keeps_them(page: Page, app_url, stored):
    zeppelin, _, _ = stored
    page.goto(f"{app_url}/history")
    idle(page)
    page.get_by_label("Search").fill("zeppelin")
    page.keyboard.press("Enter")
    idle(page)
    expect(page.get_by_text("Budget planning")).to_have_count(0)
    assert params(page)["q"] == ["zeppelin"]
    page.reload()
    idle(page)
    expect(page.get_by_label("Search")).to_have_value("zeppelin")
    expect(page.get_by_text(zeppelin.title).first).to_be_visible()
    expect(page.get_by_text("Budget planning")).to_have_count(0)
    shot(page, "history-filtered")

    page.goto(f"{app_url}/gallery")
    idle(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Ratio").click()
    page.get_by_role("option", name="1:1").click()
    idle(page)
    assert params(page)["ratio"] == ["1:1"]


def test_odd_dates_in_the_link_leave_the_url(page: Page, app_url, stored):
    page.goto(f"{app_url}/history?date=0001-01-01&date=2026-01-31")
    idle(page)
    expect(page.get_by_text("was left out", exact=False)).to_be_visible()
    expect(page).to_have_url(re.compile(r"date=2026-01-31$"))
    page.goto(f"{app_url}/gallery?date=2026-03-01&date=2026-01-01")
    idle(page)
    expect(page).to_have_url(re.compile(r"date=2026-01-01&date=2026-03-01$"))


def test_deleting_a_session_after_confirming_removes_rows_and_files(page: Page, app_url, stored, db):
    zeppelin, image, images = stored
    page.goto(f"{app_url}/session?session_id={zeppelin.id}")
    idle(page)
    page.get_by_role("button", name="Delete session").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("This cannot be undone", exact=False)).to_be_visible()
    shot(page, "session-delete-confirm")
    dialog.get_by_role("button", name="Yes, delete it").click()
    page.wait_for_url(re.compile(r"/history"))
    idle(page)
    with db.admin() as conn:
        assert conn.execute("select count(*) as n from content_sessions").fetchone()["n"] == 1
        assert conn.execute("select count(*) as n from generated_images").fetchone()["n"] == 0
    assert not (images.store.root / image.storage_path).exists()
