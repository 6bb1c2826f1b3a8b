"""Clicking Create's "Extract themes" again while the first click is still saving makes one session.

Only a browser sends the clicks as a user does: Streamlit starts the second click's run at once (fast reruns),
with the form as the browser still shows it. The test holds the sessions table for a moment so the second click
surely comes while the first click's save is under way, which a quick double click does only sometimes.
"""

import time

from playwright.sync_api import Page, expect

from lib.auth import ensure_local_user
from lib.session import Sessions
from tests.e2e.helpers import idle, session_id_of
from tests.helpers import BRAIN_DUMP


def saves_waiting(db) -> int:
    with db.admin() as conn:
        return conn.execute("select count(*) as n from pg_stat_activity where wait_event_type = 'Lock'"
                            " and query ilike 'insert into public.content_sessions%'").fetchone()["n"]


def wait_for_saves(db, n: int) -> None:
    deadline = time.monotonic() + 30
    while saves_waiting(db) != n:
        assert time.monotonic() < deadline, f"expected {n} saves waiting, found {saves_waiting(db)}"
        time.sleep(0.05)


def test_a_second_click_while_the_first_is_saving_makes_one_session(page: Page, app_url, db):
    page.goto(f"{app_url}/create")
    idle(page)
    page.get_by_label("Brain dump").fill(BRAIN_DUMP)
    page.keyboard.press("Tab")
    idle(page)

    extract = page.get_by_role("button", name="Extract themes")
    with db.admin() as conn:
        conn.execute("lock table public.content_sessions in share row exclusive mode")
        extract.click()
        wait_for_saves(db, 1)
        extract.click()
        wait_for_saves(db, 2)
    expect(page.get_by_text("Pick the theme to develop")).to_be_visible()
    idle(page)

    sessions = Sessions(db, ensure_local_user(db).id)
    assert [str(s.id) for s in sessions.recent()] == [session_id_of(page)]
    assert sessions.get(session_id_of(page)).brain_dump.raw_content == BRAIN_DUMP
