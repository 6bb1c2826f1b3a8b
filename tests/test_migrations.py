"""Migrating a blank database gives the whole schema; migrating again changes nothing."""

import threading
from pathlib import Path

import pytest

from lib.db import Database, migrations
from lib.errors import DatabaseError

TABLES = [
    "content_sessions", "content_brain_dumps", "content_research", "content_outlines",
    "content_drafts", "content_outputs", "generated_images",
]

# The original plan's generated_images, column for column: (name, type, nullable, default contains)
IMAGE_COLUMNS = [
    ("id", "uuid", "NO", "gen_random_uuid()"),
    ("user_id", "uuid", "NO", None),
    ("session_id", "uuid", "YES", None),
    ("storage_path", "text", "YES", None),
    ("public_url", "text", "YES", None),
    ("prompt", "text", "NO", None),
    ("negative_prompt", "text", "YES", None),
    ("model_used", "text", "NO", None),
    ("aspect_ratio", "text", "YES", "'16:9'"),
    ("width", "integer", "YES", None),
    ("height", "integer", "YES", None),
    ("file_size", "integer", "YES", None),
    ("mime_type", "text", "YES", "'image/png'"),
    ("metadata", "jsonb", "YES", "'{}'"),
    ("created_at", "timestamp with time zone", "YES", "now()"),
]

SNAPSHOT = {
    "columns": """select table_schema, table_name, column_name, data_type, is_nullable, column_default
                  from information_schema.columns where table_schema in ('public', 'auth', 'storage', 'content_studio')
                  order by 1, 2, column_name""",
    "indexes": "select schemaname, indexname, indexdef from pg_indexes where schemaname in ('public', 'storage') order by 1, 2",
    "policies": "select schemaname, tablename, policyname, cmd, roles::text, qual, with_check from pg_policies order by 1, 2, 3",
    "grants": """select table_schema, table_name, grantee, privilege_type from information_schema.role_table_grants
                 where table_schema in ('public', 'storage') order by 1, 2, 3, 4""",
    "functions": """select n.nspname, p.proname, md5(p.prosrc) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
                    where n.nspname in ('public', 'auth', 'storage') order by 1, 2""",
    "buckets": "select id, name, public from storage.buckets order by id",
    "migrations": "select name, checksum from content_studio.schema_migrations order by name",
}


def snapshot(db: Database) -> dict:
    with db.admin() as conn:
        return {key: conn.execute(query).fetchall() for key, query in SNAPSHOT.items()}


@pytest.fixture
def blank(blank_db_url):
    db = Database(blank_db_url, pool_size=3)
    yield db
    db.close()


def test_migrating_a_blank_database_applies_every_file_in_order(blank):
    applied = blank.migrate()
    assert applied == [m.name for m in migrations()]
    assert applied == sorted(applied) and len(applied) >= 3


def test_every_table_exists_with_rls_on(blank):
    blank.migrate()
    with blank.admin() as conn:
        rows = conn.execute(
            "select relname, relrowsecurity from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r'"
        ).fetchall()
    rls = {r["relname"]: r["relrowsecurity"] for r in rows}
    assert set(TABLES) <= set(rls)
    assert all(rls[t] for t in TABLES)


def test_generated_images_has_exactly_the_original_plan_columns(blank):
    blank.migrate()
    with blank.admin() as conn:
        rows = conn.execute(
            "select column_name, data_type, is_nullable, column_default from information_schema.columns"
            " where table_schema = 'public' and table_name = 'generated_images' order by ordinal_position"
        ).fetchall()
    assert [(r["column_name"], r["data_type"], r["is_nullable"]) for r in rows] == [c[:3] for c in IMAGE_COLUMNS]
    for row, (_, _, _, default) in zip(rows, IMAGE_COLUMNS):
        if default:
            assert default in row["column_default"]


def test_image_foreign_keys_keep_images_when_a_session_goes(blank):
    blank.migrate()
    with blank.admin() as conn:
        rows = conn.execute(
            """select kcu.column_name, rc.delete_rule from information_schema.referential_constraints rc
               join information_schema.key_column_usage kcu on kcu.constraint_name = rc.constraint_name
               where kcu.table_name = 'generated_images'""").fetchall()
    assert {r["column_name"]: r["delete_rule"] for r in rows} == {"session_id": "SET NULL", "user_id": "CASCADE"}


def test_indexes_for_the_screens_lookups(blank):
    blank.migrate()
    with blank.admin() as conn:
        defs = {r["indexname"]: r["indexdef"] for r in conn.execute(
            "select indexname, indexdef from pg_indexes where schemaname = 'public'").fetchall()}
    assert "(user_id, updated_at DESC, id DESC)" in defs["idx_content_sessions_user_updated"]
    assert "(session_id)" in defs["idx_generated_images_session"]
    assert "(user_id)" in defs["idx_generated_images_user"]
    for table in ("content_research", "content_outlines", "content_drafts", "content_outputs"):
        assert any(f"ON public.{table}" in d and "(session_id" in d for d in defs.values()), table
    assert any("ON public.content_brain_dumps" in d and "UNIQUE" in d and "(session_id, version)" in d for d in defs.values())


def test_policies_cover_every_command_on_every_table(blank):
    blank.migrate()
    with blank.admin() as conn:
        rows = conn.execute("select tablename, cmd, roles::text as roles from pg_policies where schemaname = 'public'").fetchall()
    commands = {}
    for r in rows:
        commands.setdefault(r["tablename"], set()).add(r["cmd"])
        assert r["roles"] == "{authenticated}"
    for table in TABLES:
        assert commands[table] == {"SELECT", "INSERT", "UPDATE", "DELETE"}, table


def test_grants_to_authenticated_and_none_to_anon(blank):
    blank.migrate()
    with blank.admin() as conn:
        rows = conn.execute(
            "select table_name, grantee, privilege_type from information_schema.role_table_grants"
            " where table_schema = 'public' and grantee in ('authenticated', 'anon')").fetchall()
    granted = {(r["table_name"], r["grantee"], r["privilege_type"]) for r in rows}
    for table in TABLES:
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            assert (table, "authenticated", privilege) in granted
    assert not [g for g in granted if g[1] == "anon"]


def test_public_bucket_and_its_storage_policies(blank):
    blank.migrate()
    with blank.admin() as conn:
        bucket = conn.execute("select id, public from storage.buckets").fetchall()
        policies = {r["policyname"]: r["cmd"] for r in conn.execute(
            "select policyname, cmd from pg_policies where schemaname = 'storage' and tablename = 'objects'").fetchall()}
    assert bucket == [{"id": "generated-images", "public": True}]
    # 009 replaced 003's "Anyone can view images" (anon could list every path) with an own-folder read.
    assert policies == {"Users can view own images": "SELECT", "Users can upload own images": "INSERT",
                        "Users can delete own images": "DELETE"}


def test_migrating_again_changes_nothing(blank):
    blank.migrate()
    before = snapshot(blank)
    assert blank.migrate() == []
    assert snapshot(blank) == before


def test_two_processes_migrating_at_once_apply_each_file_once(blank_db_url):
    dbs = [Database(blank_db_url, pool_size=1) for _ in range(3)]
    results, errors = [], []
    barrier = threading.Barrier(len(dbs))

    def run(db):
        barrier.wait()
        try:
            results.append(db.migrate())
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(db,)) for db in dbs]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    for db in dbs:
        with db.admin() as conn:
            count = conn.execute("select count(*) as n from content_studio.schema_migrations").fetchone()["n"]
        db.close()
    assert errors == []
    names = [m.name for m in migrations()]
    assert sorted(results, key=len) == [[], [], names]
    assert count == len(names)


def test_a_failing_migration_changes_nothing_and_says_which(blank, tmp_path: Path):
    (tmp_path / "001_ok.sql").write_text("create table public.first_table (id int);")
    (tmp_path / "002_broken.sql").write_text("create table public.second_table (id int; -- syntax error")
    with pytest.raises(DatabaseError, match="Migration 002_broken.sql failed"):
        blank.migrate(tmp_path)
    with blank.admin() as conn:
        assert conn.execute("select to_regclass('public.first_table') as t").fetchone()["t"] is None
        assert conn.execute("select to_regclass('content_studio.schema_migrations') as t").fetchone()["t"] is None


def test_an_applied_migration_is_never_applied_twice_even_if_edited(blank, tmp_path: Path):
    script = tmp_path / "001_counter.sql"
    script.write_text("create table public.counter (n int); insert into public.counter values (1);")
    assert blank.migrate(tmp_path) == ["001_counter.sql"]
    script.write_text("insert into public.counter values (2);")
    (tmp_path / "002_more.sql").write_text("insert into public.counter values (3);")
    assert blank.migrate(tmp_path) == ["002_more.sql"]
    with blank.admin() as conn:
        assert [r["n"] for r in conn.execute("select n from public.counter order by n")] == [1, 3]
