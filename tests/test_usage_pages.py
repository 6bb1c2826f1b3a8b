"""The Usage page and the per-step usage captions in AppTest, on the embedded PostgreSQL."""

import json
from datetime import datetime, timezone

import pyarrow

from streamlit.testing.v1 import AppTest

from bench.statements import count_statements
from lib.config import load_config
from lib.db import get_database
from lib.generate.models import Usage
from lib.session import Sessions
from tests.helpers import APP, make_user, open_page, texts, through
from tests.test_usage import MINI, THEME, at, offline_session, seed

PAGE = "app_pages/usage.py"


def usage_page(app, zone="UTC", dates=None):
    app.context["timezone"] = zone
    if dates:
        app.query_params["date"] = dates
    return open_page(app, PAGE)


def rows(app):
    return {(r["Week of"], r["Model"]): r for r in app.dataframe[0].value.to_dict("records")}


def charts(app):
    return app.get("vega_lite_chart")


def test_the_table_shows_each_week_and_model_as_its_counts_are_known(app, db, user):
    seed(db, user)
    offline_session(db, user)
    seed(db, make_user(db, "mallory@example.com"), title="mallory's")  # never counted here
    usage_page(app)
    table = rows(app)
    assert set(table) == {("2026-11-16", MINI), ("2026-11-16", "llama3"), ("2026-11-09", "offline")}
    mini = table[("2026-11-16", MINI)]
    assert (mini["Generations"], mini["Prompt tokens"], mini["Completion tokens"], mini["Total tokens"]) == \
        (3, "300 + unknown", "≈ 550", "≈ 850 + unknown")  # the streamed draft's prompt is not known
    assert mini["Cost (USD)"] == "≥ $0.0027" and mini["Last"] == "2026-11-17 12:00"
    llama = table[("2026-11-16", "llama3")]
    assert (llama["Total tokens"], llama["Prompt tokens"], llama["Cost (USD)"]) == ("unknown", "unknown", "—")
    offline = table[("2026-11-09", "offline")]
    assert (offline["Generations"], offline["Total tokens"], offline["Cost (USD)"]) == (2, "offline (no tokens)", "—")
    assert {m.label: m.value for m in app.metric} == {"Tokens": "≈ 850 + unknown", "Generations": "6",
                                                      "Cost (USD)": "≥ $0.0027"}
    assert len(charts(app)) == 1
    assert "checked 2026-11-26" in texts(app) and "gpt-5.4-mini $0.75 in / $4.5 out" in texts(app)


def test_the_chart_stacks_known_tokens_per_week_by_model(app, db, user):
    seed(db, user)
    sessions = Sessions(db, user)
    sid = sessions.create("more notes").id
    sessions.save_research(sid, THEME, [], model_used="gpt-5.4-nano",
                           usage=Usage(prompt_tokens=70, completion_tokens=30, total_tokens=100))
    at(db, "content_research", sid, datetime(2026, 11, 18, 8, tzinfo=timezone.utc))
    usage_page(app)
    (chart,) = charts(app)
    spec = json.loads(chart.proto.spec)
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["y"]["stack"] is True
    assert (spec["encoding"]["x"]["field"], spec["encoding"]["y"]["field"], spec["encoding"]["color"]["field"]) == \
        ("Week of", "Tokens", "Model")
    (dataset,) = chart.proto.datasets
    drawn = pyarrow.ipc.open_stream(dataset.data.data).read_all().to_pylist()
    # llama3's tokens are unknown: nothing to draw, never a 0 bar
    assert drawn == [{"Week of": "2026-11-16", "Model": MINI, "Tokens": 850},
                     {"Week of": "2026-11-16", "Model": "gpt-5.4-nano", "Tokens": 100}]


def test_another_users_usage_never_shows(app, db):
    seed(db, make_user(db, "mallory@example.com"), title="mallory's")
    usage_page(app)
    assert not app.dataframe and not charts(app)
    assert "No generations yet" in app.info[0].value


def test_dates_are_whole_days_in_the_viewers_time_zone(app, db, user):
    seed(db, user, stamp=datetime(2026, 11, 22, 23, 30, tzinfo=timezone.utc))  # Monday 12:30 in Auckland
    offline_session(db, user)  # 2026-11-10
    usage_page(app, "Pacific/Auckland", ["2026-11-23", "2026-11-23"])
    assert set(rows(app)) == {("2026-11-23", MINI), ("2026-11-23", "llama3")}
    assert rows(app)[("2026-11-23", MINI)]["Last"] == "2026-11-23 12:30"
    fresh = AppTest.from_file(APP, default_timeout=60)
    usage_page(fresh, "UTC", ["2026-11-23", "2026-11-23"])
    assert "No generations between these dates" in fresh.info[0].value


def test_the_page_runs_the_same_statements_however_many_generations(app, db, user):
    seed(db, user)
    usage_page(app)
    app_db = get_database(load_config())  # the database the app's pages use (process-wide)

    def statements():
        with count_statements(app_db) as n:
            app.run()
        assert not app.exception
        return n[0]

    small = statements()
    for month in range(1, 13):
        for _ in range(3):
            seed(db, user, stamp=datetime(2026, month, 5, tzinfo=timezone.utc))
    offline_session(db, user)
    large = statements()
    assert len(rows(app)) == 2 * 13 + 1  # mini and llama3 in 13 weeks, and the offline week
    assert small == large == 2  # the per-user setup, then the one statement of the page


def test_the_sidebar_links_to_usage(app):
    open_page(app, "app_pages/home.py")
    assert "Usage" in {link.label for link in app.sidebar.page_link}


def test_each_step_says_what_its_current_version_used(app, pipeline, db, user):
    sid = through(pipeline, "outputs")
    open_page(app, "app_pages/draft.py", sid)
    assert "Tokens: offline (no tokens)" in texts(app)
    sessions = Sessions(db, user)
    session = sessions.get(sid)
    sessions.save_research(sid, session.selected_theme, session.current_research.items, model_used=MINI,
                           usage=Usage(prompt_tokens=200, completion_tokens=100, total_tokens=300))
    sessions.keep_research_items(sid, [])  # an edit of it: the tokens are still the generation's
    open_page(app, "app_pages/research.py", sid)
    assert "Tokens: 300 (gpt-5.4-mini) · cost ≈ $0.0006" in texts(app)
    sessions.save_outline_options(sid, session.current_outline.options, model_used="llama3",
                                  usage=Usage(completion_tokens=40, total_tokens=40, estimated=True))
    open_page(app, "app_pages/outline.py", sid)
    assert "Tokens: ≈ 40 + unknown (llama3) · cost —" in texts(app)
    open_page(app, "app_pages/create.py", sid)
    assert "Tokens: offline (no tokens)" in texts(app)


def _captions_script(db, user_id, detail_id, page_ids):
    """What the session detail page and a History page add: one statement each."""
    from types import SimpleNamespace

    from lib.ui.usage import session_usage_caption, sessions_usage, usage_caption

    ctx = SimpleNamespace(db=db, user=SimpleNamespace(id=user_id))
    session_usage_caption(ctx, detail_id)  # the session detail page
    usage = sessions_usage(ctx, page_ids)  # a History page: once, before its cards
    for sid in page_ids:
        usage_caption(usage.get(sid))  # each card (the page passes container=body)


def test_the_session_and_history_captions(db, user):
    known, offline, empty = seed(db, user), offline_session(db, user), Sessions(db, user).create("notes").id
    theirs = seed(db, make_user(db, "mallory@example.com"), title="mallory's")
    with count_statements(db) as n:
        shown = AppTest.from_function(_captions_script, args=(db, user, known, [known, offline, empty, theirs])).run()
    assert not shown.exception and n[0] == 4
    assert [c.value for c in shown.caption] == [
        ":material/data_usage: Tokens: ≈ 850 + unknown (gpt-5.4-mini, llama3) · cost ≥ $0.0027",
        ":material/data_usage: Tokens: ≈ 850 + unknown (gpt-5.4-mini, llama3) · cost ≥ $0.0027",
        ":material/data_usage: Tokens: offline (no tokens)",
    ]  # nothing for a session with no generation yet, nor for another user's
