"""Row-level security: the database itself refuses user B anything of user A's.

These tests use raw SQL as user B (not the session hook), so what they prove
is the database's refusal, not the app's good manners.
"""

import uuid

import psycopg
import pytest

from lib.generate.models import Outline, ResearchItem, Theme
from lib.session import Sessions

CHILD_TABLES = ["content_brain_dumps", "content_research", "content_outlines", "content_drafts", "content_outputs"]
ALL_TABLES = ["content_sessions", *CHILD_TABLES, "generated_images"]


@pytest.fixture
def a_data(db, user_a):
    """User A's session with every step filled, one image row and one stored object."""
    sessions = Sessions(db, user_a)
    sid = sessions.create("Alice's private notes").id
    theme = Theme(title="T", summary="S", angle="A", key_points=[])
    sessions.save_themes(sid, [theme])
    sessions.save_research(sid, theme, [ResearchItem(id="r1", kind="insight", text="x")])
    sessions.save_outline_options(sid, [Outline(structure="S", title="O", hook="H", sections=[], call_to_action="C")])
    sessions.save_draft(sid, "secret draft")
    sessions.save_output(sid, "linkedin", "secret post")
    with db.as_user(user_a) as conn:
        image_id = conn.execute(
            "insert into generated_images (user_id, session_id, storage_path, public_url, prompt, model_used)"
            " values (%s, %s, %s, 'http://x/a.png', 'a prompt', 'offline') returning id",
            [user_a, sid, f"{user_a}/{sid}/a.png"],
        ).fetchone()["id"]
        conn.execute(
            "insert into storage.objects (bucket_id, name) values ('generated-images', %s)", [f"{user_a}/{sid}/a.png"]
        )
    return {"session_id": sid, "image_id": image_id}


def count(conn, table: str) -> int:
    return conn.execute(f"select count(*) as n from {table}").fetchone()["n"]


def test_a_sees_all_of_their_own_rows(db, user_a, a_data):
    with db.as_user(user_a) as conn:
        assert {t: count(conn, t) for t in ALL_TABLES} == {t: 1 for t in ALL_TABLES}


@pytest.mark.parametrize("table", ALL_TABLES)
def test_b_cannot_select_a_rows(db, user_b, a_data, table):
    with db.as_user(user_b) as conn:
        assert count(conn, table) == 0


@pytest.mark.parametrize("table,column,value", [
    ("content_sessions", "title", "'hijacked'"),
    ("content_brain_dumps", "raw_content", "'hijacked'"),
    ("content_research", "items", "'[]'::jsonb"),
    ("content_outlines", "options", "'[]'::jsonb"),
    ("content_drafts", "markdown", "'hijacked'"),
    ("content_outputs", "content", "'hijacked'"),
    ("generated_images", "prompt", "'hijacked'"),
])
def test_b_cannot_update_or_delete_a_rows(db, user_a, user_b, a_data, table, column, value):
    with db.as_user(user_b) as conn:
        assert conn.execute(f"update {table} set {column} = {value}").rowcount == 0
        assert conn.execute(f"delete from {table}").rowcount == 0
    with db.admin() as conn:  # as the owner: everything of A's is still there, unchanged
        assert count(conn, table) == 1
        assert conn.execute(f"select count(*) as n from {table} where {column} = {value}").fetchone()["n"] == 0


def test_b_cannot_insert_a_session_carrying_a_user_id(db, user_a, user_b):
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        with db.as_user(user_b) as conn:
            conn.execute("insert into content_sessions (user_id, title) values (%s, 'forged')", [user_a])


@pytest.mark.parametrize("table,columns,values", [
    ("content_brain_dumps", "raw_content", "'forged'"),
    ("content_research", "theme, items", "'{}'::jsonb, '[]'::jsonb"),
    ("content_outlines", "options", "'[]'::jsonb"),
    ("content_drafts", "version, markdown", "99, 'forged'"),
    ("content_outputs", "output_type, content", "'linkedin', 'forged'"),
])
def test_b_cannot_insert_rows_into_a_session(db, user_b, a_data, table, columns, values):
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        with db.as_user(user_b) as conn:
            conn.execute(f"insert into {table} (session_id, {columns}) values (%s, {values})", [a_data["session_id"]])


def test_b_cannot_insert_an_image_carrying_a_user_id(db, user_a, user_b):
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        with db.as_user(user_b) as conn:
            conn.execute("insert into generated_images (user_id, prompt, model_used) values (%s, 'p', 'offline')", [user_a])


def test_b_cannot_attach_their_image_to_a_session(db, user_b, a_data):
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        with db.as_user(user_b) as conn:
            conn.execute(
                "insert into generated_images (user_id, session_id, prompt, model_used) values (%s, %s, 'p', 'offline')",
                [user_b, a_data["session_id"]],
            )


def test_b_cannot_move_their_image_into_a_session(db, user_b, a_data):
    with db.as_user(user_b) as conn:
        own = conn.execute(
            "insert into generated_images (user_id, prompt, model_used) values (%s, 'p', 'offline') returning id", [user_b]
        ).fetchone()["id"]
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        with db.as_user(user_b) as conn:
            conn.execute("update generated_images set session_id = %s where id = %s", [a_data["session_id"], own])


def test_b_cannot_store_an_object_in_a_folder(db, user_a, user_b):
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        with db.as_user(user_b) as conn:
            conn.execute("insert into storage.objects (bucket_id, name) values ('generated-images', %s)",
                         [f"{user_a}/standalone/{uuid.uuid4()}.png"])


def test_b_can_neither_list_nor_delete_a_stored_object(db, user_b, a_data):
    with db.as_user(user_b) as conn:
        assert count(conn, "storage.objects") == 0  # a public bucket serves files by URL; listing is own folder only
        assert conn.execute("delete from storage.objects").rowcount == 0
    with db.admin() as conn:
        assert count(conn, "storage.objects") == 1


def test_b_may_store_objects_in_their_own_folder(db, user_b):
    with db.as_user(user_b) as conn:
        conn.execute("insert into storage.objects (bucket_id, name) values ('generated-images', %s)",
                     [f"{user_b}/standalone/{uuid.uuid4()}.png"])
        assert conn.execute("delete from storage.objects").rowcount == 1


def test_with_no_signed_in_user_nothing_is_visible(db, a_data):
    with db.as_user(uuid.UUID(int=0)) as conn:  # a user id that is nobody's
        assert {t: count(conn, t) for t in ALL_TABLES} == {t: 0 for t in ALL_TABLES}
    with db.admin() as conn:
        conn.execute("set local role anon")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select * from content_sessions")


def test_the_hook_gives_b_nothing_of_a(db, user_b, a_data):
    assert Sessions(db, user_b).recent() == []
