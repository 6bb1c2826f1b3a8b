"""DATABASE_URL points the app at another server; unset, the embedded default starts in the data dir."""

import psycopg
import pytest

from lib.auth import ensure_local_user
from lib.config import load_config
from lib.db import get_database, migrations, stop_embedded
from lib.session import Sessions
from tests.helpers import start_server


def test_database_url_gets_the_same_migrations(tmp_path):
    other = start_server(tmp_path / "other")
    try:
        url = other.url()
        db = get_database(load_config(DATABASE_URL=url))
        with psycopg.connect(url) as conn:
            applied = [r[0] for r in conn.execute("select name from content_studio.schema_migrations order by name")]
            tables = {r[0] for r in conn.execute("select tablename from pg_tables where schemaname = 'public'")}
        assert applied == [m.name for m in migrations()]
        assert {"content_sessions", "generated_images", "content_drafts"} <= tables
        user = ensure_local_user(db)
        sid = Sessions(db, user.id).create("notes on the other server").id
        with psycopg.connect(url) as conn:
            assert conn.execute("select raw_content from content_brain_dumps where session_id = %s", [sid]).fetchone()[0] \
                == "notes on the other server"
        db.close()
    finally:
        other.server.cleanup()


def test_embedded_default_starts_once_in_the_data_dir_and_is_reused(tmp_path):
    config = load_config(CONTENT_DATA_DIR=str(tmp_path / "data"))
    try:
        first = get_database(config)
        assert get_database(config) is first
        assert (tmp_path / "data" / "postgres" / "PG_VERSION").exists()
        # Reruns and other users find the same local user and the same rows.
        user = ensure_local_user(first)
        assert ensure_local_user(first) == user
        sid = Sessions(first, user.id).create("kept across reruns").id
        assert Sessions(get_database(config), user.id).get(sid).brain_dump.raw_content == "kept across reruns"
        first.close()
    finally:
        stop_embedded(config.data_dir)


def test_a_transaction_pooler_url_turns_prepared_statements_off(pg, db_url):
    from lib.db import Database, libpq_url, transaction_pooled

    supabase = "postgresql://postgres.ref:pw@aws-0-eu-west-1.pooler.supabase.com:6543/postgres"
    assert transaction_pooled(supabase) and not transaction_pooled(supabase.replace(":6543", ":5432"))
    assert transaction_pooled("postgresql://u:p@host:5432/db?pgbouncer=true&sslmode=require")
    assert libpq_url("postgresql://u:p@host:5432/db?pgbouncer=true&sslmode=require") == \
        "postgresql://u:p@host:5432/db?sslmode=require"
    # The embedded server, reached as a pooler would be named: every statement runs unprepared, many times over.
    marked = db_url + ("&" if "?" in db_url else "?") + "pgbouncer=true"
    db = Database(marked, pool_size=1)
    try:
        uid = ensure_local_user(db).id
        for _ in range(8):  # psycopg prepares a query after 5 runs unless prepare_threshold is None
            with db.admin() as conn:
                assert conn.prepare_threshold is None
                conn.execute("select count(*) from content_sessions where user_id = %s", [uid])
        with db.admin() as conn:
            assert conn.execute("select count(*) as n from pg_prepared_statements").fetchone()["n"] == 0
    finally:
        db.close()
    plain = Database(db_url, pool_size=1)
    try:
        for _ in range(8):
            with plain.admin() as conn:
                conn.execute("select count(*) from content_sessions where user_id = %s", [uid])
        with plain.admin() as conn:  # the same work on a direct connection is prepared: the test can tell
            assert conn.execute("select count(*) as n from pg_prepared_statements").fetchone()["n"] > 0
    finally:
        plain.close()


def test_an_embedded_server_that_cannot_start_says_to_keep_the_data(tmp_path):
    from lib.db import start_embedded
    from lib.errors import DatabaseError

    blocked = tmp_path / "data"
    blocked.write_text("a file where the data folder should be")
    with pytest.raises(DatabaseError) as caught:
        start_embedded(blocked)
    message = str(caught.value)
    assert "keep it" in message and "log" in message
    assert "delete" not in message.lower()
