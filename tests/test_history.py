"""History queries on the real database: keyset pages, full-text search, filters, RLS, constant statements."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bench.statements import count_statements
from lib.errors import InputError
from lib.generate.offline import OfflineGenerator
from lib.history import HistoryFilter, history_page
from lib.images import Images
from lib.session import Sessions
from lib.spool import Spool
from lib.storage import LocalImageStore


@pytest.fixture
def alice(db, user_a):
    return Sessions(db, user_a)


def add_images(db, user, session_id, n):
    """`n` image rows in a session (None: standalone), written as the user; no files: only the rows matter here."""
    with db.as_user(user) as conn:
        conn.execute(
            "insert into public.generated_images (user_id, session_id, storage_path, public_url, prompt, model_used,"
            " metadata) select %(user)s::uuid, %(sid)s::uuid, p || '.png', 'http://x/' || p || '.png', 'a prompt', 'offline',"
            " jsonb_build_object('thumbnail', jsonb_build_object('path', p || '.thumb.webp',"
            " 'public_url', 'http://x/' || p || '.thumb.webp'))"
            " from (select %(user)s || '/' || gen_random_uuid() as p from generate_series(1, %(n)s)) g",
            {"user": str(user), "sid": session_id, "n": n})


def all_pages(db, user, flt=None, page_size=20):
    rows, cursor = [], None
    while True:
        page = history_page(db, user, flt, cursor, page_size=page_size)
        rows += page.rows
        cursor = page.next_cursor
        if not cursor:
            return rows


def test_pages_have_no_gaps_or_duplicates_while_new_sessions_arrive(db, user_a, alice):
    before = [alice.create(f"notes number {i}").id for i in range(25)]
    first = history_page(db, user_a, page_size=10)
    assert [r.id for r in first.rows] == before[::-1][:10]
    for i in range(5):  # new sessions arrive at the top while the user pages on
        alice.create(f"late arrival {i}")
    second = history_page(db, user_a, cursor=first.next_cursor, page_size=10)
    third = history_page(db, user_a, cursor=second.next_cursor, page_size=10)
    seen = [r.id for r in first.rows + second.rows + third.rows]
    assert seen == before[::-1] and third.next_cursor is None


def test_newest_activity_first(db, user_a, alice):
    old, new = alice.create("older notes").id, alice.create("newer notes").id
    alice.save_draft(old, "touched again")
    assert [r.id for r in history_page(db, user_a).rows] == [old, new]


def test_search_finds_a_word_that_occurs_only_in_a_draft(db, user_a, alice):
    target = alice.create("notes about gardening").id
    alice.save_draft(target, "# Tomatoes\n\nThe secret is the xylophonist who waters them at dawn.")
    other = alice.create("notes about cooking").id
    alice.save_draft(other, "# Pasta\n\nSalt the water.")
    assert [r.id for r in history_page(db, user_a, HistoryFilter(query="xylophonist")).rows] == [target]
    assert [r.id for r in history_page(db, user_a, HistoryFilter(query="cooking")).rows] == [other]  # brain dump / title
    assert [r.id for r in history_page(db, user_a, HistoryFilter(query="dawns")).rows] == [target]  # stemmed like the text
    assert history_page(db, user_a, HistoryFilter(query="nothing-like-this")).rows == []


def test_search_matches_titles_and_brain_dumps(db, user_a, alice):
    a = alice.create("Quarterly planning ritual").id
    b = alice.create("random thoughts\nthe quarterly offsite was chaotic").id
    alice.rename(b, "Offsite retro")
    found = {r.id for r in history_page(db, user_a, HistoryFilter(query="quarterly")).rows}
    assert found == {a, b}


def test_status_and_date_filters(db, user_a, alice):
    drafting = alice.create("one").id
    alice.advance(drafting, "draft")
    fresh = alice.create("two").id
    old = alice.create("three").id
    with db.admin() as conn:
        conn.execute("update content_sessions set updated_at = %s where id = %s",
                     [datetime(2025, 3, 10, 12, tzinfo=timezone.utc), old])
    only_drafts = history_page(db, user_a, HistoryFilter(statuses=("draft",))).rows
    assert [r.id for r in only_drafts] == [drafting]
    march = history_page(db, user_a, HistoryFilter(date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))).rows
    assert [r.id for r in march] == [old]
    recent = history_page(db, user_a, HistoryFilter(date_from=date.today() - timedelta(days=1))).rows
    assert {r.id for r in recent} == {drafting, fresh}


def test_rows_carry_counts_and_the_first_thumbnail(db, user_a, alice, tmp_path):
    sid = alice.create("with pictures").id
    alice.save_output(sid, "linkedin_post", "one")
    alice.save_output(sid, "linkedin_post", "one, edited")
    alice.save_output(sid, "x_thread", "two")
    images = Images(db, user_a, LocalImageStore(tmp_path / "images"), Spool(tmp_path / "spool"), OfflineGenerator())
    first = images.generate("first picture", session_id=sid)
    images.generate("second picture", session_id=sid)
    row = history_page(db, user_a).rows[0]
    assert (row.output_count, row.image_count) == (2, 2)
    assert row.thumbnail_url == first.thumbnail["public_url"] and row.thumbnail_url.endswith(".thumb.webp")


def test_another_users_sessions_never_appear(db, user_a, user_b, alice):
    alice.create("alice's secret zeppelin plans")
    Sessions(db, user_b).create("bob's notes")
    assert [r.title for r in history_page(db, user_b).rows] == ["bob's notes"]
    assert history_page(db, user_b, HistoryFilter(query="zeppelin")).rows == []


def test_the_statement_count_per_page_does_not_grow_with_the_data(db, user_a, alice):
    def statements(flt=None):
        with count_statements(db) as n:
            history_page(db, user_a, flt)
        return n[0]

    alice.create("a single session")
    small = statements(), statements(HistoryFilter(query="single"))
    for i in range(60):
        sid = alice.create(f"session {i} about lighthouses").id
        alice.save_draft(sid, "draft text")
        alice.save_output(sid, "linkedin_post", "post")
        add_images(db, user_a, sid, 5)  # images grow too: 300 of them
    large = statements(), statements(HistoryFilter(query="lighthouses"))
    assert small == large == (2, 2)  # the per-user setup, then the page itself


def test_bad_cursor_and_status_are_clear_errors(db, user_a):
    with pytest.raises(InputError, match="That page link is not valid"):
        history_page(db, user_a, cursor="garbage!")
    with pytest.raises(InputError, match="Unknown status filter"):
        history_page(db, user_a, HistoryFilter(statuses=("published",)))


def test_the_page_function_returns_only_the_callers_sessions(db, user_a, user_b, alice):
    mine = alice.create("notes on ornithopters").id
    theirs = Sessions(db, user_b).create("bob also likes ornithopters").id
    call = "select public.history_page_ids(%s, '{}', null, null, null, null, 50) as h"
    with db.as_user(user_b) as conn:
        assert [r["h"] for r in conn.execute(call, ["ornithopters"])] == [theirs]
        assert [r["h"] for r in conn.execute(call, [None])] == [theirs]
        assert [r["h"] for r in conn.execute("select public.history_search_hits('ornithopters') as h")] == [theirs]
        # The documents and counts are readable only through their own user's RLS too.
        assert conn.execute("select count(*) as n from public.content_session_search").fetchone()["n"] == 1
        assert conn.execute("select count(*) as n from public.content_session_counts").fetchone()["n"] == 1
    assert mine not in {r.id for r in history_page(db, user_b, HistoryFilter(query="ornithopters")).rows}
    with db.admin() as conn:  # no signed-in user: nothing
        assert conn.execute(call, ["ornithopters"]).fetchall() == []
        assert conn.execute(call, [None]).fetchall() == []
        assert conn.execute("select count(*) as n from public.history_search_hits('ornithopters')").fetchone()["n"] == 0


def test_a_later_version_keeps_earlier_words_findable(db, user_a, alice):
    sid = alice.create("notes").id
    alice.save_draft(sid, "the first version mentions a narwhal")
    alice.save_draft(sid, "the second version does not")
    assert [r.id for r in history_page(db, user_a, HistoryFilter(query="narwhal")).rows] == [sid]
    assert [r.id for r in history_page(db, user_a, HistoryFilter(query="narwhal second")).rows] == [sid]


def test_date_filters_mean_the_user_s_days(db, user_a, alice):
    late = alice.create("written late in the evening in New York").id
    with db.admin() as conn:  # 21:30 on 10 March in New York is already 11 March in UTC
        conn.execute("update content_sessions set updated_at = %s where id = %s",
                     [datetime(2025, 3, 11, 1, 30, tzinfo=timezone.utc), late])
    march_10 = dict(date_from=date(2025, 3, 10), date_to=date(2025, 3, 10))
    assert [r.id for r in history_page(db, user_a, HistoryFilter(**march_10, zone=ZoneInfo("America/New_York"))).rows] == [late]
    assert history_page(db, user_a, HistoryFilter(**march_10, zone=timezone.utc)).rows == []
