"""The History and Gallery pages send as many statements for a user with many sessions and images as for a
user with one: counted on the app's own database while AppTest reruns each page (statements, never timings)."""

import pytest

from bench.statements import rerun_statements
from lib.session import Sessions
from tests.helpers import open_page
from tests.test_history import add_images


def grow(db, user, n):
    sessions = Sessions(db, user)
    for i in range(n):
        sid = sessions.create(f"session {i} about lighthouses").id
        sessions.save_draft(sid, "a draft about lighthouses and harbours")
        sessions.save_output(sid, "linkedin_post", "a post")
        sessions.save_output(sid, "x_thread", "a thread")
        add_images(db, user, sid, 4)
    add_images(db, user, None, 10)  # standalone ones too


@pytest.mark.parametrize("page,query", [("app_pages/history.py", None), ("app_pages/history.py", "lighthouses"),
                                        ("app_pages/gallery.py", None)])
def test_a_page_sends_the_same_statements_at_any_size(app, db, user, page, query):
    grow(db, user, 1)
    if query:
        app.query_params["q"] = query
    open_page(app, page)
    small = rerun_statements(app)
    grow(db, user, 45)  # 46 sessions (more than two History pages), 194 images
    large = rerun_statements(app)
    assert small == large, (small, large)
    if "history" in page:  # a full page of cards (20), a full grid of tiles (24, one caption each: the prompt)
        assert len([m for m in app.markdown if m.value.startswith("**")]) == 20
    else:
        assert len([c for c in app.caption if c.value == "a prompt"]) == 24
