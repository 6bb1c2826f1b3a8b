"""Generation runs as a job: it goes on when the tab that started it closes, and any page shows it live."""

import os
import re
import signal
import subprocess
import sys
from contextlib import contextmanager

from playwright.sync_api import expect

from lib.auth import ensure_local_user
from lib.generate.offline import OfflineGenerator
from lib.pipeline import Pipeline
from lib.session import Sessions
from tests.e2e.helpers import click, idle, session_id_of, shot, start_session
from tests.fake_openai import FakeOpenAI, StreamedAnswer
from tests.helpers import BRAIN_DUMP, ROOT, through
from tests.server import running_app

PIECES = [f"Paragraph {n}: written down, decisions outlive the meeting. " for n in range(1, 25)]


@contextmanager
def drafting_app(db_url, db, tmp_path, delay: float):
    """A session at its draft step, and the app against a model that streams the draft `delay` s a piece."""
    sessions = Sessions(db, ensure_local_user(db).id)
    sid = through(Pipeline(sessions, OfflineGenerator()), "draft")
    fake = FakeOpenAI(StreamedAnswer(PIECES, delay=delay)).serve()
    env = {"DATABASE_URL": db_url, "CONTENT_DATA_DIR": str(tmp_path / "data"), "CONTENT_GENERATOR": "openai",
           "OPENAI_API_KEY": "local-key", "OPENAI_BASE_URL": fake.url, "OPENAI_TEXT_MODEL": "local-model"}
    try:
        with running_app(env) as url:
            yield url, sessions, sid, fake
    finally:
        fake.close()


def draft_tab(browser, url: str, sid) -> tuple:
    """A fresh browser context (a tab of its own) on the session's Draft page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{url}/draft?session_id={sid}")
    return context, page


def test_a_draft_started_in_a_tab_that_closes_is_complete_in_a_fresh_page(browser, db_url, db, tmp_path):
    with drafting_app(db_url, db, tmp_path, delay=0.2) as (url, sessions, sid, fake):
        first, tab = draft_tab(browser, url, sid)
        click(tab, "Write the draft")
        expect(tab.get_by_text("Writing the draft…")).to_be_visible()
        expect(tab.get_by_text("Paragraph 3:")).to_be_visible()  # the draft grows on the live panel
        shot(tab, "jobs-draft-growing")
        first.close()  # the tab goes away mid-draft
        assert len(fake.sent) < len(PIECES)

        second, fresh = draft_tab(browser, url, sid)
        expect(fresh.get_by_text("Generated · v1")).to_be_visible(timeout=30_000)
        idle(fresh)
        expect(fresh.get_by_role("textbox", name="Draft (Markdown)")).to_have_value(re.compile("Paragraph 24:"))
        shot(fresh, "jobs-draft-finished-in-a-fresh-page")
        second.close()
        draft = sessions.get(sid).current_draft
        assert draft.source == "generated" and draft.markdown.strip() == "".join(PIECES).strip()
        assert len(fake.requests) == 1  # one job, one request: nothing was started twice


def test_a_running_draft_can_be_stopped_and_keeps_what_was_written(browser, db_url, db, tmp_path):
    with drafting_app(db_url, db, tmp_path, delay=0.3) as (url, sessions, sid, fake):
        context, page = draft_tab(browser, url, sid)
        click(page, "Write the draft")
        expect(page.get_by_text("Paragraph 4:")).to_be_visible()
        page.get_by_role("button", name="Stop").click()
        expect(page.get_by_text("v1 is partial")).to_be_visible(timeout=30_000)
        shot(page, "jobs-draft-stopped")
        context.close()
        draft = sessions.get(sid).current_draft
        assert draft.source == "partial" and draft.markdown.startswith("Paragraph 1:")
        assert len(draft.markdown) < len("".join(PIECES))


def test_auto_run_takes_the_session_to_its_outputs_in_one_click(page, app_url, db):
    start_session(page, app_url, BRAIN_DUMP)
    sid = session_id_of(page)
    click(page, "Auto-run the rest")
    page.wait_for_url(re.compile(r"/research\?session_id="))
    shot(page, "jobs-auto-run-started")
    page.goto(f"{app_url}/outputs?session_id={sid}")
    expect(page.get_by_role("tab", name="LinkedIn post")).to_be_visible(timeout=60_000)
    shot(page, "jobs-auto-run-finished")
    session = Sessions(db, ensure_local_user(db).id).get(sid)
    assert session.status == "completed" and session.current_draft.source == "generated"


def test_two_app_servers_and_one_standalone_worker(browser, db_url, db, tmp_path):
    """App servers with their worker off; a job started on one is run by the worker and seen live on the other."""
    sessions = Sessions(db, ensure_local_user(db).id)
    sid = through(Pipeline(sessions, OfflineGenerator()), "draft")
    fake = FakeOpenAI(StreamedAnswer(PIECES, delay=0.2)).serve()
    env = {"DATABASE_URL": db_url, "CONTENT_DATA_DIR": str(tmp_path / "data"), "CONTENT_GENERATOR": "openai",
           "OPENAI_API_KEY": "local-key", "OPENAI_BASE_URL": fake.url, "OPENAI_TEXT_MODEL": "local-model",
           "CONTENT_WORKER": "off"}
    worker = subprocess.Popen([sys.executable, "-m", "lib.jobs.worker"], cwd=ROOT, env={**os.environ, **env},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with running_app(env) as server_a, running_app(env) as server_b:
            context_a, on_a = draft_tab(browser, server_a, sid)
            click(on_a, "Write the draft")
            context_b, on_b = draft_tab(browser, server_b, sid)
            expect(on_b.get_by_text("Writing the draft…")).to_be_visible()  # B sees A's job, live
            expect(on_b.get_by_text("Paragraph 5:")).to_be_visible()
            expect(on_b.get_by_text("Generated · v1")).to_be_visible(timeout=30_000)
            expect(on_a.get_by_text("Generated · v1")).to_be_visible(timeout=30_000)
            context_a.close()
            context_b.close()
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        fake.close()
    assert sessions.get(sid).current_draft.markdown.strip() == "".join(PIECES).strip()
    assert len(fake.requests) == 1
