"""An image is a job: it is made while the tab that asked is gone, and a fresh page finds it."""

from playwright.sync_api import expect

from lib.auth import ensure_local_user
from lib.generate.offline import OfflineGenerator
from lib.pipeline import Pipeline
from lib.session import Sessions
from tests.e2e.helpers import idle, shot
from tests.fake_openai import FakeOpenAI, StreamedAnswer
from tests.helpers import through
from tests.server import running_app


def test_an_image_asked_for_in_a_tab_that_closes_is_in_the_session_later(browser, db_url, db, tmp_path):
    user = ensure_local_user(db).id
    sid = through(Pipeline(Sessions(db, user), OfflineGenerator()), "outputs")
    fake = FakeOpenAI(StreamedAnswer([]), image_delay=3.0).serve()  # an image model takes its time
    env = {"DATABASE_URL": db_url, "CONTENT_DATA_DIR": str(tmp_path / "data"), "CONTENT_GENERATOR": "offline",
           "CONTENT_IMAGE_GENERATOR": "openai", "OPENAI_API_KEY": "local-key", "OPENAI_BASE_URL": fake.url,
           "OPENAI_IMAGE_MODEL": "gpt-image-2"}
    try:
        with running_app(env) as url:
            first = browser.new_context(viewport={"width": 1280, "height": 1000})
            tab = first.new_page()
            tab.goto(f"{url}/outputs?session_id={sid}")
            idle(tab)
            button = tab.get_by_role("button", name="Generate image")
            button.click()
            button.click()  # impatient: the same picture asked twice is one job
            expect(tab.get_by_text("Making an image…")).to_be_visible(timeout=10_000)
            shot(tab, "image-job-making")
            first.close()  # the tab goes away while the model draws

            second = browser.new_context(viewport={"width": 1280, "height": 1000})
            fresh = second.new_page()
            fresh.goto(f"{url}/session?session_id={sid}")
            thumb = fresh.locator("img[src*='/app/static/images/']").first
            expect(thumb).to_be_visible(timeout=30_000)
            expect(fresh.get_by_text("Making an image…")).to_have_count(0)
            shot(fresh, "image-job-done-in-a-fresh-page")
            second.close()
    finally:
        fake.close()
    assert [r["path"] for r in fake.requests] == ["/v1/images/generations"]  # one job, one paid request
    with db.as_user(user) as conn:
        rows = conn.execute("select model_used, width, height from generated_images where session_id = %s",
                            [sid]).fetchall()
    assert len(rows) == 1 and rows[0]["model_used"] == "gpt-image-2"
