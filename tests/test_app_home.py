"""The app starts on a migrated database and its home lists the user's sessions from it."""

from streamlit.testing.v1 import AppTest

from lib.generate.models import Theme
from lib.session import Sessions
from tests.helpers import APP, open_page


def test_home_lists_recent_sessions_from_the_database(app, db, user):
    sessions = Sessions(db, user)
    older = sessions.create("Notes about <b>pricing</b> pages").id
    sessions.create("Notes about onboarding emails")
    sessions.choose_theme(older, Theme(title="Pricing pages that convert", summary="What converts", angle="practical",
                                       key_points=[]))
    sessions.advance(older, "research")  # newest activity now: what choosing the theme does (lib/steps.py)

    app.run()
    assert not app.exception
    titles = [m.value for m in app.markdown if m.value.startswith("**")]
    assert titles == ["**Pricing pages that convert**", "**Notes about onboarding emails**"]
    steps = [c.value for c in app.caption if "·" in c.value and "/6" in c.value]
    assert steps == ["2/6 · research", "1/6 · brain dump"]
    resume = [link.proto for link in app.page_link if link.value == "Resume"]
    assert resume[0].page.endswith("research") and resume[0].query_string == f"session_id={older}"
    assert resume[1].page.endswith("create")
    assert "Offline demo mode" in app.sidebar.info[0].value


def test_home_with_no_sessions_says_so(app):
    app.run()
    assert not app.exception
    assert "No sessions yet" in app.info[0].value


def test_a_broken_database_setting_shows_a_fix_not_a_traceback(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://nope")
    app = AppTest.from_file(APP, default_timeout=30).run()
    assert not app.exception
    assert app.error[0].value.startswith("DATABASE_URL must be a postgresql:// connection string.")


def test_the_sidebar_remembers_the_last_session_on_pages_without_one(app, pipeline):
    from tests.helpers import through

    sid = through(pipeline, "draft")
    open_page(app, "app_pages/draft.py", sid)
    del app.query_params["session_id"]
    app.switch_page("app_pages/history.py").run()
    links = {link.label: link.proto for link in app.sidebar.page_link}
    title = pipeline.sessions.get(sid).title
    assert f"Continue: {title[:40]}" in links
    assert links["Draft"].query_string == f"session_id={sid}"  # the step links keep it too
    pipeline.sessions.delete(sid)
    app.run()
    assert not [label for label in (link.label for link in app.sidebar.page_link) if label.startswith("Continue")]
