"""History, session detail and Gallery pages in AppTest, on the embedded PostgreSQL and real image files."""

import pytest
from streamlit.testing.v1 import AppTest

from lib.generate.offline import OfflineGenerator
from lib.images import Images
from lib.pipeline import Pipeline
from lib.session import Sessions
from lib.spool import Spool
from lib.storage import LocalImageStore
from tests.helpers import APP, make_user, open_page





@pytest.fixture
def images(db, user, data_dir):
    # The same store and spool the app uses for this data dir.
    return Images(db, user, LocalImageStore(data_dir / "images"), Spool(data_dir / "spool"), OfflineGenerator())


@pytest.fixture
def finished(db, user, images):
    pipeline = Pipeline(Sessions(db, user), OfflineGenerator())
    sid = pipeline.start("Notes on a zeppelin museum visit\n- the hangar is huge\n- guided tours every hour").id
    pipeline.choose_theme(sid, pipeline.extract_themes(sid).themes[0].id)
    pipeline.research(sid)
    pipeline.outlines(sid)
    pipeline.choose_outline(sid, 0)
    pipeline.write_draft(sid)
    pipeline.outputs(sid, ["linkedin_post"])
    image = images.generate("A zeppelin in its hangar", aspect_ratio="16:9", session_id=sid)
    return pipeline.sessions.get(sid), image



def image_urls(app):
    return [url for element in app.image for url in element.value]


def test_history_lists_the_session_with_its_thumbnail(app, finished, db, user):
    session, image = finished
    Sessions(db, user).create("A second, imageless session")
    open_page(app, "app_pages/history.py")
    titles = [m.value for m in app.markdown if m.value.startswith("**")]
    assert titles == ["**A second, imageless session**", f"**{session.title}**"]
    assert image_urls(app) == [image.thumbnail["public_url"]]
    assert any("1 output · 1 image · " in c.value for c in app.caption)
    links = {(link.value, link.proto.query_string) for link in app.page_link}
    assert ("Open", f"session_id={session.id}") in links and ("Resume", f"session_id={session.id}") in links


def test_history_search_narrows_the_list(app, finished, db, user):
    session, _ = finished
    Sessions(db, user).create("Budget planning for next year")
    open_page(app, "app_pages/history.py")
    app.text_input(key="q").input("zeppelin").run()
    assert [m.value for m in app.markdown if m.value.startswith("**")] == [f"**{session.title}**"]
    app.text_input(key="q").input("nonexistentword").run()
    assert "No sessions match" in app.info[0].value


def test_history_hides_other_users(app, db):
    Sessions(db, make_user(db, "mallory@example.com")).create("Mallory's notes")
    open_page(app, "app_pages/history.py")
    assert "No sessions yet" in app.info[0].value


def test_session_detail_shows_every_step_and_its_images(app, finished):
    session, image = finished
    open_page(app, "app_pages/session.py", session.id)
    assert app.title[0].value == session.title
    expanders = [e.label for e in app.expander]
    for label in ("Brain dump · 1 version", "Research · 1 version", "Outline · 2 versions", "Draft · 1 version",
                  "LinkedIn post · 1 version"):
        assert label in expanders, (label, expanders)
    assert any(session.selected_theme.title in m.value for m in app.markdown)
    assert image_urls(app) == [image.thumbnail["public_url"]]
    assert {"Export Markdown", "Export ZIP"} <= {b.label for b in app.download_button}


def test_deleting_a_session_asks_first(app, finished, db, images):
    session, image = finished
    open_page(app, "app_pages/session.py", session.id)
    next(b for b in app.button if b.label == "Delete session").click().run()
    assert "This cannot be undone" in app.warning[0].value
    assert {"Yes, delete it", "Keep it"} <= {b.label for b in app.button}
    with db.admin() as conn:  # asking deletes nothing (confirming, in the dialog, is walked in tests/e2e)
        assert conn.execute("select count(*) as n from content_sessions").fetchone()["n"] == 1
    assert (images.store.root / image.storage_path).exists()


def test_session_detail_with_a_bad_id(app):
    open_page(app, "app_pages/session.py", "nope")
    assert "This session was not found" in app.warning[0].value


def test_gallery_shows_every_image_and_filters_standalone(app, finished, images):
    _, in_session = finished
    standalone = images.generate("A lone kite", aspect_ratio="1:1")
    open_page(app, "app_pages/gallery.py")
    assert image_urls(app) == [standalone.thumbnail["public_url"], in_session.thumbnail["public_url"]]
    app.selectbox(key="session").set_value("standalone").run()
    assert image_urls(app) == [standalone.thumbnail["public_url"]]


def test_gallery_offers_retry_for_a_failed_upload(app, images, user, db):
    images.store.root.mkdir(parents=True, exist_ok=True)
    (images.store.root / str(user)).write_text("in the way")
    pending = images.generate("Upload will fail")
    open_page(app, "app_pages/gallery.py")
    assert "Upload failed" in app.warning[0].value
    (images.store.root / str(user)).unlink()
    next(b for b in app.button if b.label == "Retry upload").click().run()
    assert images.get(pending.id).uploaded


def test_history_filters_live_in_the_url(app, finished, db, user):
    session, _ = finished
    Sessions(db, user).create("Budget planning for next year")
    open_page(app, "app_pages/history.py")
    assert app.text_input(key="q").proto.query_param_key == "q"  # the browser writes it (tests/e2e)
    # A reload (a new browser session) with that URL shows the same filtered list.
    fresh = AppTest.from_file(APP, default_timeout=60)
    fresh.query_params["q"] = "zeppelin"
    open_page(fresh, "app_pages/history.py")
    assert fresh.text_input(key="q").value == "zeppelin"
    assert [m.value for m in fresh.markdown if m.value.startswith("**")] == [f"**{session.title}**"]


def test_gallery_filters_live_in_the_url(app, finished, images):
    images.generate("A lone kite", aspect_ratio="1:1")
    open_page(app, "app_pages/gallery.py")
    assert {box.proto.query_param_key for box in app.main.selectbox} == {"session", "model", "ratio"}
    fresh = AppTest.from_file(APP, default_timeout=60)
    fresh.query_params["ratio"] = "1:1"
    fresh.query_params["model"] = "no-such-model"  # an unknown value is ignored, not an error
    open_page(fresh, "app_pages/gallery.py")
    assert fresh.selectbox(key="ratio").value == "1:1" and fresh.selectbox(key="model").value is None
    assert len(image_urls(fresh)) == 1


def test_deleting_an_image_asks_first(app, finished, db, images):
    session, image = finished
    open_page(app, "app_pages/gallery.py")
    next(b for b in app.button if b.label == "Delete").click().run()
    assert any("cannot be undone" in m.value for m in app.markdown)
    assert {"Delete image", "Keep it"} <= {b.label for b in app.button}
    with db.admin() as conn:  # asking deletes nothing (the dialog's own buttons are walked in tests/e2e)
        assert conn.execute("select count(*) as n from generated_images").fetchone()["n"] == 1
    assert (images.store.root / image.storage_path).exists()


@pytest.mark.parametrize("page", ["app_pages/history.py", "app_pages/gallery.py"])
@pytest.mark.parametrize("dates,kept", [
    (["9999-12-31"], []), (["0001-01-01", "2026-01-31"], ["2026-01-31"]), (["not-a-date"], []),
    (["2026-03-01", "2026-01-01"], ["2026-01-01", "2026-03-01"]),  # reversed: put in order
    (["1975-06-01", "2990-01-01"], ["1975-06-01", "2990-01-01"]),  # far, but within what a filter can mean
])
def test_odd_dates_in_the_link_are_ignored_or_ordered_never_an_error(app, page, dates, kept):
    app.query_params["date"] = dates
    app.switch_page(page).run()
    assert not app.exception and not app.error, (app.exception, [e.value for e in app.error])
    assert [d.isoformat() for d in app.date_input[0].value] == kept
    shown = app.query_params.get("date", [])
    assert (shown if isinstance(shown, list) else [shown]) == kept  # the link now says what the filter is
    if len(kept) < len(dates):
        assert any("was left out" in c.value for c in app.caption)


def test_an_image_whose_files_are_missing_says_so_on_its_tile(app, finished, images):
    session, image = finished
    (images.store.root / image.storage_path).unlink()
    (images.store.root / image.thumbnail["path"]).unlink()
    for page in ("app_pages/gallery.py", "app_pages/session.py"):
        open_page(app, page, session.id if page.endswith("session.py") else None)
        assert any("file is missing from storage" in w.value for w in app.warning), page
        assert "Delete" in [b.label for b in app.button]  # the entry can still be removed
    open_page(app, "app_pages/history.py")
    assert any("Image file missing" in c.value for c in app.caption) and not image_urls(app)
