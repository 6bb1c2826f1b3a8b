"""What sql/015 keeps on write for History: each session's search document and its counts, whoever writes,
under RLS, and the plans the page function gets for a rare and a common word."""

import json

import psycopg
import pytest

from lib.history import HistoryFilter, history_page
from lib.session import Sessions
from tests.test_history import add_images


@pytest.fixture
def alice(db, user_a):
    return Sessions(db, user_a)


def found(db, user, query):
    return {r.id for r in history_page(db, user, HistoryFilter(query=query)).rows}


def counts(db, user, sid):
    with db.as_user(user) as conn:
        row = conn.execute("select output_count, image_count from public.content_session_counts where session_id = %s",
                           [sid]).fetchone()
    return (row["output_count"], row["image_count"]) if row else None


def test_the_document_follows_every_write_to_title_notes_and_drafts(db, user_a, alice):
    sid = alice.create("walrus notes\n- tusks").id
    assert found(db, user_a, "walrus") == found(db, user_a, "tusks") == {sid}
    alice.rename(sid, "Arctic mammals")
    assert found(db, user_a, "arctic") == {sid}
    assert found(db, user_a, "walrus") == {sid}  # still in the brain dump
    alice.edit(sid, "brain_dump", {"raw_content": "penguins only"})  # a new version of the notes
    assert found(db, user_a, "penguins") == found(db, user_a, "tusks") == {sid}  # every version is searched
    version = alice.save_draft_text(sid, "a draft being written about icebergs")
    assert found(db, user_a, "icebergs") == {sid}
    alice.save_draft_text(sid, "a draft being written about glaciers instead", version=version, source="generated")
    assert found(db, user_a, "glaciers") == {sid} and found(db, user_a, "icebergs") == set()  # a checkpoint replaces
    alice.delete(sid)
    assert found(db, user_a, "glaciers") == set()
    with db.admin() as conn:
        assert conn.execute("select count(*) as n from public.content_session_search").fetchone()["n"] == 0
        assert conn.execute("select count(*) as n from public.content_session_counts").fetchone()["n"] == 0


def test_counts_follow_outputs_and_images(db, user_a, alice):
    sid, other = alice.create("one").id, alice.create("two").id
    assert counts(db, user_a, sid) == (0, 0)
    alice.save_output(sid, "linkedin_post", "a post")
    alice.save_output(sid, "linkedin_post", "the post again")  # a second version: still one format
    alice.save_output(sid, "x_thread", "a thread")
    add_images(db, user_a, sid, 3)
    add_images(db, user_a, None, 2)  # standalone: nobody's count
    assert counts(db, user_a, sid) == (2, 3) and counts(db, user_a, other) == (0, 0)
    with db.as_user(user_a) as conn:
        moved = conn.execute("select id from public.generated_images where session_id = %s limit 1", [sid]).fetchone()["id"]
        conn.execute("update public.generated_images set session_id = %s where id = %s", [other, moved])
        conn.execute("update public.generated_images set prompt = 'edited' where session_id = %s", [sid])  # no move
        conn.execute("update public.generated_images set session_id = %s where session_id is null", [sid])
    assert counts(db, user_a, sid) == (2, 4) and counts(db, user_a, other) == (0, 1)
    with db.as_user(user_a) as conn:
        conn.execute("delete from public.generated_images where session_id = %s", [sid])
    assert counts(db, user_a, sid) == (2, 0)
    row = next(r for r in history_page(db, user_a).rows if r.id == other)
    assert (row.output_count, row.image_count) == (0, 1)


def test_deleting_a_session_leaves_the_others_counts_alone(db, user_a, alice):
    keep, gone = alice.create("keep").id, alice.create("gone").id
    for sid in (keep, gone):
        alice.save_output(sid, "newsletter", "text")
        add_images(db, user_a, sid, 2)
    alice.delete(gone)
    assert counts(db, user_a, keep) == (1, 2) and counts(db, user_a, gone) is None


def test_users_can_read_but_never_write_the_summaries(db, user_a, user_b, alice):
    sid = alice.create("alice's albatross").id
    with db.as_user(user_b) as conn:
        assert conn.execute("select count(*) as n from public.content_session_search").fetchone()["n"] == 0
        assert conn.execute("select count(*) as n from public.content_session_counts").fetchone()["n"] == 0
    for statement in ("update public.content_session_counts set image_count = 99",
                      "delete from public.content_session_search",
                      "insert into public.content_session_search (session_id, user_id, document)"
                      " values (%(sid)s, %(uid)s, to_tsvector('bogus'))"):
        for user in (user_a, user_b):  # not even the owner of the session: only the triggers write
            with pytest.raises(psycopg.errors.InsufficientPrivilege), db.as_user(user) as conn:
                conn.execute(statement, {"sid": sid, "uid": user})
    assert found(db, user_a, "albatross") == {sid} and found(db, user_b, "albatross") == set()


def test_b_never_finds_a_sessions_even_for_words_they_share(db, user_a, user_b, alice):
    bob = Sessions(db, user_b)
    a_sessions = {alice.create(f"pelican notes {i}").id for i in range(25)}
    b_session = bob.create("pelican notes of bob").id
    assert found(db, user_b, "pelican") == {b_session}
    rows, cursor = [], None
    while True:  # every page, not just the first
        page = history_page(db, user_b, HistoryFilter(query="pelican"), cursor, page_size=5)
        rows += page.rows
        if not (cursor := page.next_cursor):
            break
    assert [r.id for r in rows] == [b_session]
    assert {r.id for r in history_page(db, user_a, HistoryFilter(query="pelican"), page_size=50).rows} == a_sessions


def test_forged_claims_find_nothing(db, user_a, user_b, alice):
    alice.create("alice's cormorant")
    forged = json.dumps({"sub": str(user_a), "role": "authenticated"})  # no signature
    with db.as_user(user_b) as conn:
        conn.execute("select set_config('request.jwt.claims', %s, true)", [forged])
        assert conn.execute("select * from public.history_page_ids('cormorant', '{}', null, null, null, null, 20)"
                            ).fetchall() == []
        assert conn.execute("select * from public.history_page_ids(null, '{}', null, null, null, null, 20)"
                            ).fetchall() == []


def test_a_document_over_the_size_limit_is_cut_not_refused(db, user_a, alice):
    sid = alice.create("a very long draft").id
    # About 1.3 MB of distinct words: more than a tsvector may hold (1 MB of lexemes).
    huge = "cassowary " + " ".join(f"w{i:07d}q" for i in range(150_000)) + " emu"
    alice.save_draft(sid, huge)  # saved, not refused
    # The document keeps the first 100,000 characters of each part (the newest version first).
    assert found(db, user_a, "cassowary") == found(db, user_a, "long") == {sid}
    assert found(db, user_a, "emu") == set()


def inner_plans(db, user, sql, params) -> dict[str, str]:
    """The plans of the statements a query runs inside functions (auto_explain), as the user under RLS:
    "newest" (the newest sessions checked first), "probe" (the hits read from the index), "page" (the page)."""
    messages = []
    claims = json.dumps({"sub": str(user), "role": "authenticated", "sig": db.claims_signature(str(user))})
    with db.admin() as conn:
        conn.add_notice_handler(lambda notice: messages.append(notice.message_primary))
        conn.execute("load 'auto_explain'")
        for setting in ("log_min_duration = 0", "log_nested_statements = on", "log_level = notice"):
            conn.execute(f"set local auto_explain.{setting}")
        conn.execute("set local role authenticated")
        conn.execute("select set_config('request.jwt.claims', %s, true)", [claims])
        conn.execute(sql, params).fetchall()
    plans = {"newest": "", "probe": "", "page": ""}
    for message in messages:
        if "select array_agg(w.id" in message:
            plans["newest"] = message
        elif "select x.session_id from public.content_session_search x" in message:
            plans["probe"] = message
        elif "select s.id from public.content_sessions s" in message:
            plans["page"] = message
    return plans


def test_a_common_word_fills_the_page_from_the_newest_sessions_and_a_rare_one_from_the_index(db, user_a, user_b):
    with db.admin() as conn:  # sessions whose documents all hold one common word; a rare word in two of A's
        for user, n in ((user_a, 2500), (user_b, 200)):  # A: more hits than the function takes from the index
            conn.execute("insert into public.content_sessions (user_id, title) select %s, 'common words ' || g"
                         " from generate_series(1, %s) g", [user, n])
            conn.execute("insert into public.content_brain_dumps (session_id, raw_content)"
                         " select id, 'notes about pricing and ' || md5(id::text) from public.content_sessions"
                         " where user_id = %s", [user])
        conn.execute("update public.content_brain_dumps set raw_content = raw_content || ' kakapo'"
                     " where session_id in (select id from public.content_sessions where user_id = %s limit 2)", [user_a])
        conn.execute("analyze")
    call = "select * from public.history_page_ids(%s, '{}', null, null, null, null, 21)"
    rare, common = inner_plans(db, user_a, call, ["kakapo"]), inner_plans(db, user_a, call, ["pricing"])
    # Both first check the newest sessions, in order (no sort of every session), a few pages' worth.
    for plans in (rare, common):
        assert "idx_content_sessions_user_updated" in plans["newest"] and "Sort" not in plans["newest"], plans
    # A common word fills the page there; a rare one then takes its hits from the index, and its page is those
    # sessions by primary key.
    assert common["probe"] == common["page"] == "", common
    assert "Bitmap Index Scan on idx_content_session_search_document" in rare["probe"], rare
    assert "content_sessions_pkey" in rare["page"] and "content_session_search" not in rare["page"], rare
    assert "Seq Scan" not in "".join(rare.values()) + "".join(common.values())
    assert len(found(db, user_a, "kakapo")) == 2 and found(db, user_b, "kakapo") == set()
    assert len(history_page(db, user_a, HistoryFilter(query="pricing")).rows) == 20


def spread(n_in, n_out):
    """`n_in` herons and `n_out` egrets, the egrets spread evenly among the herons (newest first)."""
    titles = ["a heron"] * n_in
    for i in range(n_out):
        titles.insert(i * (n_in // n_out + 1), "an egret")
    return titles


# Each way the function settles a page: a word common among the newest sessions; a word with fewer hits than it
# takes from the index; a word with more hits, all older than the newest few pages (and a NOT-only query).
@pytest.mark.parametrize("titles", [spread(2100, 40), spread(30, 200), ["an egret"] * 200 + ["a heron"] * 2100],
                         ids=["common", "rare", "many-but-old"])
def test_a_search_pages_through_exactly_the_matching_sessions_newest_first(db, user_a, titles):
    with db.admin() as conn:
        conn.execute("insert into public.content_sessions (user_id, title, status, updated_at)"
                     " select %s, t, case when n %% 2 = 0 then 'draft' else 'completed' end,"
                     " now() - n * interval '1 minute' from unnest(%s::text[]) with ordinality as x(t, n)",
                     [user_a, titles])
        rows = conn.execute("select id, title, status from public.content_sessions where user_id = %s"
                            " order by updated_at desc, id desc", [user_a]).fetchall()
    herons = [r for r in rows if r["title"] == "a heron"]
    for flt, expected in ((HistoryFilter(query="heron"), herons),
                          (HistoryFilter(query="-egret"), herons),  # only a NOT term: no index can narrow it
                          (HistoryFilter(query="heron", statuses=("draft",)), [r for r in herons if r["status"] == "draft"])):
        seen, cursor = [], None
        for _ in range(3):  # three pages of 7
            page = history_page(db, user_a, flt, cursor, page_size=7)
            seen += [r.id for r in page.rows]
            cursor = page.next_cursor
        assert seen == [r["id"] for r in expected[:21]], flt
    assert history_page(db, user_a, HistoryFilter(query="the")).rows == []  # only stop words
