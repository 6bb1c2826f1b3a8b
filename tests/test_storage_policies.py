"""The storage policies of sql/009: no listing for anon, each user reads and writes only their own folder.

A public bucket serves files by URL without any SELECT policy, so nobody needs to
list the bucket; the own-folder SELECT is what Supabase Storage checks to delete,
download and sign a user's own objects. Raw SQL on real PostgreSQL, as in test_rls.
"""

import json
import re
import uuid

import psycopg
import pytest

BUCKET = "generated-images"
INITPLAN_UID = "( SELECT auth.uid() AS uid)"  # how pg_policies prints `(select auth.uid())`
# Any "who is calling" function, wrapped in a scalar subquery (an initplan: evaluated once per statement).
CALLER = r"(?:auth\.uid|(?:public\.)?request_user_id)\(\)"
WRAPPED_CALLER = re.compile(r"\( SELECT " + CALLER + r" AS \w+\)")


def names(conn) -> set[str]:
    return {r["name"] for r in conn.execute("select name from storage.objects")}


def store(db, *paths: str, bucket: str = BUCKET) -> None:
    with db.admin() as conn:  # as the connecting role: RLS does not apply
        for path in paths:
            conn.execute("insert into storage.objects (bucket_id, name) values (%s, %s)", [bucket, path])


def stored(db) -> set[str]:
    with db.admin() as conn:
        return names(conn)


@pytest.fixture
def objects(db, user_a, user_b) -> dict[str, list[str]]:
    """Two objects of A's (one in a session folder, one standalone) and one of B's."""
    paths = {
        "a": [f"{user_a}/{uuid.uuid4()}/{uuid.uuid4()}.png", f"{user_a}/standalone/{uuid.uuid4()}.thumb.webp"],
        "b": [f"{user_b}/standalone/{uuid.uuid4()}.png"],
    }
    store(db, *paths["a"], *paths["b"])
    return paths


def test_anon_lists_nothing(db, objects):
    with db.admin() as conn:
        conn.execute("set local role anon")
        assert names(conn) == set()


def test_anon_lists_nothing_even_claiming_a_user(db, user_a, objects):
    with db.admin() as conn:
        conn.execute("set local role anon")
        conn.execute("select set_config('request.jwt.claims', %s, true)", [json.dumps({"sub": str(user_a)})])
        assert names(conn) == set()  # every policy is `to authenticated`: anon matches none


def test_anon_can_neither_store_nor_delete(db, user_a, objects):
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        with db.admin() as conn:
            conn.execute("set local role anon")
            conn.execute("insert into storage.objects (bucket_id, name) values (%s, %s)",
                         [BUCKET, f"{user_a}/standalone/{uuid.uuid4()}.png"])
    with db.admin() as conn:
        conn.execute("set local role anon")
        assert conn.execute("delete from storage.objects").rowcount == 0
    assert stored(db) == {*objects["a"], *objects["b"]}


def test_b_lists_only_their_own_objects(db, user_b, objects):
    with db.as_user(user_b) as conn:
        assert names(conn) == set(objects["b"])


def test_a_lists_only_their_own_objects(db, user_a, objects):
    with db.as_user(user_a) as conn:
        assert names(conn) == set(objects["a"])


def test_a_user_who_is_nobody_lists_nothing(db, objects):
    with db.as_user(uuid.UUID(int=0)) as conn:
        assert names(conn) == set()


def test_a_user_may_store_and_delete_in_their_own_folder(db, user_b, objects):
    path = f"{user_b}/{uuid.uuid4()}/{uuid.uuid4()}.png"
    with db.as_user(user_b) as conn:
        conn.execute("insert into storage.objects (bucket_id, name) values (%s, %s)", [BUCKET, path])
        assert path in names(conn)
    with db.as_user(user_b) as conn:
        assert conn.execute("delete from storage.objects where name = %s", [path]).rowcount == 1
    assert path not in stored(db)


def test_a_user_deletes_only_their_own_even_when_asking_for_everything(db, user_b, objects):
    with db.as_user(user_b) as conn:
        assert conn.execute("delete from storage.objects").rowcount == 1
    assert stored(db) == set(objects["a"])


@pytest.mark.parametrize("where", [
    "{a}/standalone/{new}.png",          # another user's folder
    "{a}/{b}/{new}.png",                 # another user's folder, own id further down
    "{new}.png",                         # no folder at all
    "standalone/{b}/{new}.png",          # own id, but not as the first folder
])
def test_a_user_cannot_store_outside_their_own_folder(db, user_a, user_b, where):
    path = where.format(a=user_a, b=user_b, new=uuid.uuid4())
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        with db.as_user(user_b) as conn:
            conn.execute("insert into storage.objects (bucket_id, name) values (%s, %s)", [BUCKET, path])
    assert path not in stored(db)


def test_a_user_cannot_delete_another_users_object(db, user_b, objects):
    with db.as_user(user_b) as conn:
        for path in objects["a"]:
            assert conn.execute("delete from storage.objects where name = %s", [path]).rowcount == 0
    assert stored(db) == {*objects["a"], *objects["b"]}


def test_the_policies_cover_only_the_images_bucket(db, user_b):
    with db.admin() as conn:
        conn.execute("insert into storage.buckets (id, name, public) values ('other', 'other', true)")
    path = f"{user_b}/standalone/{uuid.uuid4()}.png"
    store(db, path, bucket="other")
    with db.as_user(user_b) as conn:
        assert names(conn) == set()
        assert conn.execute("delete from storage.objects").rowcount == 0
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
        with db.as_user(user_b) as conn:
            conn.execute("insert into storage.objects (bucket_id, name) values ('other', %s)",
                         [f"{user_b}/standalone/{uuid.uuid4()}.png"])


def test_nobody_may_update_an_object(db, user_b, objects):
    """No UPDATE policy: uploads never upsert and objects are never moved."""
    with db.as_user(user_b) as conn:
        assert conn.execute("update storage.objects set metadata = '{\"x\": 1}'").rowcount == 0


def policies(db, schema: str, table: str | None = None) -> list[dict]:
    with db.admin() as conn:
        return conn.execute(
            "select tablename, policyname, cmd, roles::text as roles, qual, with_check from pg_policies"
            " where schemaname = %s and (%s::text is null or tablename = %s) order by tablename, policyname",
            [schema, table, table]).fetchall()


def test_storage_object_policies_are_for_authenticated_only(db):
    rows = policies(db, "storage", "objects")
    assert {(r["policyname"], r["cmd"]) for r in rows} == {
        ("Users can view own images", "SELECT"), ("Users can upload own images", "INSERT"),
        ("Users can delete own images", "DELETE")}
    assert [r["roles"] for r in rows] == ["{authenticated}"] * len(rows)


def test_storage_object_policies_read_the_caller_once_per_statement(db):
    for r in policies(db, "storage", "objects"):
        text = r["qual"] if r["cmd"] != "INSERT" else r["with_check"]
        assert INITPLAN_UID in text, r
        assert "auth.uid()" not in text.replace(INITPLAN_UID, ""), r  # no bare, per-row auth.uid()
        assert "bucket_id = 'generated-images'" in text and "(storage.foldername(name))[1]" in text, r


def test_no_policy_reads_the_caller_per_row_and_every_table_policy_is_for_authenticated(db):
    rows = policies(db, "public") + policies(db, "storage", "objects")
    assert rows
    for r in rows:
        assert r["roles"] == "{authenticated}", r
        for text in (r["qual"], r["with_check"]):
            assert not re.search(CALLER, WRAPPED_CALLER.sub("", text or "")), r
