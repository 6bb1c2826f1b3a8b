"""Pages read jobs from the database: two tabs (or two clicks) make one job, and a tab opened while a step
runs shows it running instead of offering to start it again."""

import pytest
from streamlit.testing.v1 import AppTest

from lib.config import load_config
from lib.jobs.worker import InProcessWorker
from tests.helpers import APP, click, open_page, settle, through


def test_two_tabs_starting_the_same_step_make_one_job(app, app_worker, pipeline, db):
    sid = through(pipeline, "research")
    app_worker.stop()  # both clicks land before any worker picks the job up
    other = AppTest.from_file(APP, default_timeout=60)
    for tab in (app, other):
        open_page(tab, "app_pages/research.py", sid)
    for tab in (app, other):
        next(b for b in tab.button if b.label == "Generate research").click().run()
    with db.admin() as conn:
        assert conn.execute("select count(*) as n from content_jobs").fetchone()["n"] == 1
        assert conn.execute("select count(*) as n from procrastinate.procrastinate_jobs").fetchone()["n"] == 1
    again = InProcessWorker(load_config(), concurrency=1).start()
    try:
        settle()
    finally:
        again.stop()
    assert len(pipeline.sessions.get(sid).research) == 1


def test_a_tab_opened_while_a_step_waits_shows_it_and_offers_no_second_start(app, app_worker, pipeline):
    sid = through(pipeline, "research")
    app_worker.stop()
    open_page(app, "app_pages/research.py", sid)
    next(b for b in app.button if b.label == "Generate research").click().run()
    fresh = open_page(AppTest.from_file(APP, default_timeout=60), "app_pages/research.py", sid)
    assert [s.label for s in fresh.status] == ["Researching…"]
    assert "Waiting for a free worker" in " ".join(c.value for c in fresh.caption)
    assert [b.label for b in fresh.button] == ["Stop"]
    click(fresh, "Stop")  # a queued job stops at once
    fresh.run()
    assert [b.label for b in fresh.button] == ["Generate research"]
    assert pipeline.sessions.get(sid).current_research is None


@pytest.mark.parametrize("page, upto, label, found", [
    ("app_pages/create.py", "create", "Extract themes", lambda s: len(s.brain_dump.themes) >= 3),
    ("app_pages/research.py", "research", "Generate research", lambda s: s.current_research is not None),
    ("app_pages/outline.py", "outline", "Generate outline options", lambda s: s.current_outline is not None),
    ("app_pages/draft.py", "draft", "Write the draft", lambda s: s.current_draft is not None),
])
def test_leaving_during_a_step_and_reopening_the_link_finds_the_result(app, pipeline, page, upto, label, found):
    sid = through(pipeline, upto)
    open_page(app, page, sid)
    next(b for b in app.button if b.label == label).click().run()  # the click, then the tab is gone
    del app
    settle()
    later = open_page(AppTest.from_file(APP, default_timeout=60), page, sid)
    assert found(pipeline.sessions.get(sid))
    assert label not in [b.label for b in later.button]  # the result is shown, not the offer to start
