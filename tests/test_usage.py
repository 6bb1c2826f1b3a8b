"""Usage queries on the real database: sums per week and model and per session, estimated, unknown and offline
kept apart, the viewer's time zone, RLS, constant statements; and the words and prices they are shown with."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bench.statements import count_statements
from lib.generate.models import Theme, Usage
from lib.generate.offline import OfflineGenerator
from lib.pipeline import Pipeline
from lib.session import Sessions
from lib.usage import (
    PRICES, Tally, cost_text, price_of, session_usage, summary, total_text, usage_by_week, version_tally,
)
from tests.helpers import BRAIN_DUMP, make_user

MINI = "gpt-5.4-mini"
THEME = Theme(title="Remote work", summary="Async beats meetings", angle="practical", key_points=["docs"])
MONDAY = date(2026, 11, 16)


def at(db, table: str, sid, stamp: datetime, **where) -> None:
    """Move a session's rows of one table to `stamp` (what a week groups by)."""
    extra = "".join(f" and {column} = %s" for column in where)
    with db.admin() as conn:
        conn.execute(f"update public.{table} set created_at = %s where session_id = %s{extra}",
                     [stamp, sid, *where.values()])


def seed(db, user, stamp=datetime(2026, 11, 17, 12, tzinfo=timezone.utc), title="known usage") -> object:
    """One session whose generations have known usage: themes and research exact, a draft estimated, an output
    from a server that sent no usage; and an edit, which is no generation."""
    s = Sessions(db, user)
    sid = s.create(BRAIN_DUMP, title).id
    s.save_themes(sid, [THEME], model_used=MINI, usage=Usage(prompt_tokens=100, completion_tokens=50, total_tokens=150))
    s.save_research(sid, THEME, [], model_used=MINI, usage=Usage(prompt_tokens=200, completion_tokens=100, total_tokens=300))
    s.keep_research_items(sid, [])  # an edit: copies the model's name, records no usage
    s.save_draft(sid, "draft", model_used=MINI,
                 usage=Usage(completion_tokens=400, total_tokens=400, estimated=True))
    s.save_output(sid, "linkedin_post", "post", model_used="llama3", usage=Usage())
    for table in ("content_brain_dumps", "content_research", "content_drafts", "content_outputs"):
        at(db, table, sid, stamp)
    return sid


def offline_session(db, user, stamp=datetime(2026, 11, 10, 9, tzinfo=timezone.utc)) -> object:
    pipeline = Pipeline(Sessions(db, user), OfflineGenerator())
    sid = pipeline.start(BRAIN_DUMP).id
    pipeline.choose_theme(sid, pipeline.extract_themes(sid).themes[0].id)
    pipeline.research(sid)
    for table in ("content_brain_dumps", "content_research"):
        at(db, table, sid, stamp)
    return sid


def by_model(weeks):
    return {(w.week, w.tally.model): w.tally for w in weeks}


def test_weeks_sum_per_model_and_keep_estimated_unknown_and_offline_apart(db, user_a):
    seed(db, user_a)
    offline_session(db, user_a)
    weeks = by_model(usage_by_week(db, user_a, zone=ZoneInfo("UTC")))
    assert set(weeks) == {(MONDAY, MINI), (MONDAY, "llama3"), (date(2026, 11, 9), "offline")}
    mini = weeks[(MONDAY, MINI)]
    # themes + research exact, the draft estimated: its completion counted, its prompt unknown; the edit not counted
    assert (mini.calls, mini.estimated_calls, mini.unknown_calls) == (3, 1, 0)
    assert (mini.prompt_tokens, mini.completion_tokens, mini.total_tokens) == (300, 550, 850)
    assert total_text(mini) == "≈ 850 + unknown"
    llama = weeks[(MONDAY, "llama3")]
    assert (llama.calls, llama.unknown_calls, llama.total_tokens) == (1, 1, 0) and total_text(llama) == "unknown"
    offline = weeks[(date(2026, 11, 9), "offline")]
    assert offline.offline and offline.calls == 2 and total_text(offline) == "offline (no tokens)"


def test_another_users_generations_are_never_counted(db, user_a, user_b):
    seed(db, user_a)
    mine = seed(db, user_b, title="bob's")
    assert [w.tally.calls for w in usage_by_week(db, user_b)] == [3, 1]  # bob's own: mini and llama3
    assert set(session_usage(db, user_b, [mine, seed(db, user_a, title="alice again")])) == {mine}
    mallory = make_user(db, "mallory@example.com")
    assert usage_by_week(db, mallory) == [] and session_usage(db, mallory, [mine]) == {}


def test_session_totals_per_model_for_a_page_of_sessions(db, user_a):
    first, second = seed(db, user_a), offline_session(db, user_a)
    totals = session_usage(db, user_a, [first, second, "not-an-id"])
    assert [t.model for t in totals[first]] == [MINI, "llama3"]
    assert summary(totals[first]) == "Tokens: ≈ 850 + unknown (gpt-5.4-mini, llama3) · cost ≥ $0.0027"
    assert summary(totals[second]) == "Tokens: offline (no tokens)"


def test_images_count_with_their_model(db, user_a, tmp_path):
    from lib.images import Images
    from lib.spool import Spool
    from lib.storage import LocalImageStore

    sid = Sessions(db, user_a).create("notes").id
    Images(db, user_a, LocalImageStore(tmp_path / "i"), Spool(tmp_path / "s"), OfflineGenerator()).generate(
        "a kite", session_id=sid)
    assert summary(session_usage(db, user_a, [sid])[sid]) == "Tokens: offline (no tokens)"
    assert [(w.tally.model, w.tally.calls) for w in usage_by_week(db, user_a)] == [("offline", 1)]


def test_weeks_and_dates_are_the_viewers(db, user_a):
    sid = seed(db, user_a, stamp=datetime(2026, 11, 22, 23, 30, tzinfo=timezone.utc))  # Sunday night in UTC
    assert {w.week for w in usage_by_week(db, user_a, zone=ZoneInfo("UTC"))} == {MONDAY}
    auckland = ZoneInfo("Pacific/Auckland")  # already Monday 12:30 there
    assert {w.week for w in usage_by_week(db, user_a, zone=auckland)} == {date(2026, 11, 23)}
    assert usage_by_week(db, user_a, date(2026, 11, 23), date(2026, 11, 23), zone=auckland)
    assert not usage_by_week(db, user_a, date(2026, 11, 23), date(2026, 11, 23), zone=ZoneInfo("UTC"))
    # a browser that gave only its offset: +13:00 all the same
    assert {w.week for w in usage_by_week(db, user_a, zone=datetime(2026, 11, 23, tzinfo=auckland).tzinfo)} \
        == {date(2026, 11, 23)}
    assert sid


def test_statements_do_not_grow_with_the_generations(db, user_a):
    def statements():
        with count_statements(db) as n:
            usage_by_week(db, user_a, zone=ZoneInfo("Europe/Berlin"))
            usage_by_week(db, user_a, date(2026, 1, 1), date(2026, 12, 31), zone=ZoneInfo("Europe/Berlin"))
            session_usage(db, user_a, sids)
        return n[0]

    sids = [seed(db, user_a)]
    small = statements()
    sids += [seed(db, user_a, stamp=datetime(2026, 1 + i % 12, 3, tzinfo=timezone.utc)) for i in range(40)]
    sids += [offline_session(db, user_a) for _ in range(3)]
    assert statements() == small == 6  # each: the per-user setup, then one statement


def test_a_step_shows_the_generation_its_current_version_came_from(db, user_a):
    s = Sessions(db, user_a)
    sid = s.create(BRAIN_DUMP).id
    s.save_themes(sid, [THEME], model_used=MINI, usage=Usage(prompt_tokens=1000, completion_tokens=300, total_tokens=1300))
    s.save_research(sid, THEME, [], model_used=MINI, usage=Usage(prompt_tokens=10, completion_tokens=5, total_tokens=15))
    s.save_research(sid, THEME, [], model_used=MINI, usage=Usage(prompt_tokens=20, completion_tokens=8, total_tokens=28))
    s.keep_research_items(sid, [])  # v3, edited from v2
    s.restore(sid, "research", 1)  # v4, a copy of v1
    session = s.get(sid)
    assert version_tally(session.brain_dumps).total_tokens == 1300  # the themes were made on the notes' own row
    assert version_tally(session.research).total_tokens == 15
    assert version_tally(session.research[:3]).total_tokens == 28
    assert summary([version_tally(session.brain_dumps)]) == "Tokens: 1,300 (gpt-5.4-mini) · cost ≈ $0.0021"
    s.edit_brain_dump(sid, BRAIN_DUMP + "more")  # new notes, no themes yet: nothing generated for them
    assert version_tally(s.get(sid).brain_dumps) is None
    assert version_tally([]) is None


@pytest.mark.parametrize("model,price", [
    ("gpt-5.4-mini", PRICES["gpt-5.4-mini"]),
    ("gpt-5.4-mini-2026-03-17", PRICES["gpt-5.4-mini"]),  # a dated snapshot the API answers with
    ("gpt-5.4-mini-fast", None), ("llama3", None), ("offline", None), (None, None), ("gpt-image-2", None),
])
def test_prices_only_for_listed_models(model, price):
    assert price_of(model) == price


def test_cost_words():
    exact = Tally(MINI, calls=1, prompt_tokens=1_000_000, completion_tokens=1_000_000, total_tokens=2_000_000)
    assert cost_text([exact]) == "≈ $5.25"
    assert cost_text([Tally("llama3", calls=1, prompt_tokens=5, total_tokens=5)]) == "—"
    assert cost_text([Tally(MINI, calls=1, unknown_calls=1)]) == "unknown"
    assert cost_text([exact, Tally("llama3", calls=1, total_tokens=9)]) == "≥ $5.25"  # llama3's cost is not known
    assert cost_text([Tally(MINI, calls=1, prompt_tokens=10, completion_tokens=1, total_tokens=11)]) == "< $0.0001"
    assert cost_text([Tally(MINI, calls=2, estimated_calls=1, completion_tokens=1, total_tokens=1)]) == "> $0"
    assert cost_text([Tally("offline", calls=2, offline_calls=2)]) == "—"
    assert summary([]) is None and summary(None) is None
    assert summary([exact, Tally("offline", calls=3, offline_calls=3)]) == \
        "Tokens: 2,000,000 (gpt-5.4-mini) · cost ≈ $5.25 · 3 offline (no tokens)"
