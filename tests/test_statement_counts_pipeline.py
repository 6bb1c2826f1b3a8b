"""Every pipeline page and the session page send as many statements for a session with 50 draft versions, 10
research versions and 100 images as for a fresh one (statements, never timings), and read the same bytes."""

import uuid

import pytest

from bench.statements import rerun_statements
from streamlit.testing.v1 import AppTest

from tests.helpers import APP, open_page, through
from tests.test_history import add_images


def grow(pipeline, db, user, sid):
    sessions = pipeline.sessions
    for i in range(49):
        sessions.edit_draft(sid, f"# Draft {i}\n\n" + "A paragraph of the draft. " * 100,
                            base=sessions.get(sid).current_draft.base, editor=None)
    research = sessions.get(sid).current_research
    for i in range(9):  # each tick from another tab: a new version
        sessions.keep_research_items(sid, [item.id for item in research.items[: i + 1]], editor=uuid.uuid4(),
                                     base=sessions.get(sid).current_research.base)
    add_images(db, user, sid, 100)


@pytest.mark.parametrize("page", ["app_pages/create.py", "app_pages/research.py", "app_pages/outline.py",
                                  "app_pages/draft.py", "app_pages/outputs.py", "app_pages/session.py"])
def test_a_pipeline_page_sends_the_same_statements_at_any_size(app, pipeline, db, user, page):
    sid = through(pipeline, "outputs")
    open_page(app, page, sid)
    small, light = rerun_statements(app), pipeline.sessions.view_bytes(sid)
    grow(pipeline, db, user, sid)
    session = pipeline.sessions.get(sid)
    assert (len(session.drafts), len(session.research)) == (50, 10)
    later = AppTest.from_file(APP, default_timeout=60)  # a tab opened now (the first one still shows v1 picked)
    open_page(later, page, sid)
    large = rerun_statements(later)
    assert small == large, (small, large)
    assert pipeline.sessions.view_bytes(sid) < light + 20_000  # the newest versions and 20 listed, not all 50
