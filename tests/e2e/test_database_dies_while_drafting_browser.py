"""The embedded database is killed (SIGKILL) while the draft streams: the app starts it again, and what the
model wrote is in Postgres afterwards; a stream the model did not finish is a partial version, said so."""

import os
import signal
import time

import pytest
from playwright.sync_api import expect

from lib.auth import ensure_local_user
from lib.config import load_config
from lib.db import get_database, stop_embedded
from lib.generate import get_generator
from lib.pipeline import Pipeline
from lib.session import Sessions
from tests.e2e.helpers import shot
from tests.fake_openai import FakeOpenAI, StreamedAnswer
from tests.helpers import through
from tests.server import running_app

PIECES = [f"Paragraph {n} of the draft, about async writing and timezones. " for n in range(1, 31)]


@pytest.fixture
def embedded(tmp_path):
    """The embedded server, started by this test process; the app joins it (as a second app process would)."""
    config = load_config(CONTENT_DATA_DIR=str(tmp_path / "data"), CONTENT_GENERATOR="offline", DATABASE_URL="")
    db = get_database(config)
    yield config, db
    db.close()
    stop_embedded(config.data_dir)


def postmaster_pid(data_dir) -> int:
    return int((data_dir / "postgres" / "postmaster.pid").read_text().split()[0])


def test_the_database_dies_while_the_draft_streams_and_the_text_is_kept(embedded, page):
    config, db = embedded
    user = ensure_local_user(db).id
    sessions = Sessions(db, user)
    sid = through(Pipeline(sessions, get_generator(config)), "draft")
    fake = FakeOpenAI(StreamedAnswer(PIECES, delay=0.25, ending="cut")).serve()
    env = {"CONTENT_DATA_DIR": str(config.data_dir), "DATABASE_URL": "", "CONTENT_GENERATOR": "openai",
           "OPENAI_API_KEY": "local-key", "OPENAI_BASE_URL": fake.url, "OPENAI_TEXT_MODEL": "local-model"}
    try:
        with running_app(env) as url:
            page.goto(f"{url}/draft?session_id={sid}")
            page.get_by_role("button", name="Write the draft").click()
            expect(page.get_by_text("Paragraph 4 of the draft")).to_be_visible()
            killed_after = len(fake.sent)
            os.kill(postmaster_pid(config.data_dir), signal.SIGKILL)
            # the job goes on through the restart; when it ends the page shows the draft, marked partial
            expect(page.get_by_text("v1 is partial")).to_be_visible(timeout=30_000)
            shot(page, "database-died-while-drafting")

            page.reload()  # what the page shows now comes from the database the app started again
            expect(page.get_by_text("Paragraph 30 of the draft", exact=False).first).to_be_visible()
            expect(page.get_by_text("v1 is partial")).to_be_visible()
            expect(page.get_by_text("Partial (cut off) · v1")).to_be_visible()
            shot(page, "database-died-while-drafting-reloaded")
        assert 3 <= killed_after < len(PIECES)  # the kill came mid-stream
        db.pool.check()  # this process's connections went with the old server
        for attempt in range(10):
            try:
                draft = sessions.get(sid).current_draft
                break
            except Exception:
                time.sleep(0.5)
        assert draft.source == "partial"
        assert draft.markdown.strip() == "".join(PIECES).strip()  # every word streamed, before and after the kill
        assert sessions.get(sid).brain_dump.raw_content.startswith("Remote work notes")  # nothing earlier lost
        assert fake.requests[0]["body"]["stream"] is True
    finally:
        fake.close()
