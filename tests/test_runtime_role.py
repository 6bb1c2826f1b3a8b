"""Pipeline queries log in as a role that cannot leave row-level security: no superuser, no BYPASSRLS, owns nothing."""

import json

import psycopg
import pytest

from lib.config import load_config
from lib.db import RUNTIME_ROLE, get_database, stop_embedded
from lib.session import Sessions


def test_the_runtime_role_has_no_power_of_its_own(db):
    with db.admin() as conn:
        role = conn.execute("select rolsuper, rolbypassrls, rolinherit, rolcreaterole, rolcreatedb from pg_roles"
                            " where rolname = %s", [RUNTIME_ROLE]).fetchone()
        owned = conn.execute("select count(*) as n from pg_class c join pg_roles r on r.oid = c.relowner"
                             " where r.rolname = %s", [RUNTIME_ROLE]).fetchone()["n"]
        member_of = [r["rolname"] for r in conn.execute(
            "select g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid"
            " join pg_roles u on u.oid = m.member where u.rolname = %s", [RUNTIME_ROLE])]
    assert role == {"rolsuper": False, "rolbypassrls": False, "rolinherit": False, "rolcreaterole": False,
                    "rolcreatedb": False}
    assert owned == 0 and member_of == ["authenticated"]


def test_units_of_work_log_in_as_the_runtime_role(db, user_a):
    with db.as_user(user_a) as conn:
        row = conn.execute("select session_user as login, current_user as acting").fetchone()
    assert row == {"login": RUNTIME_ROLE, "acting": "authenticated"}


@pytest.mark.parametrize("escape", ["reset role", "set role none", "set local role none"])
def test_leaving_the_authenticated_role_sees_no_rows_at_all(db, user_a, user_b, escape):
    Sessions(db, user_b).create("Bob's private notes")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with db.as_user(user_a) as conn:
            conn.execute(escape)
            conn.execute("select * from public.content_sessions").fetchall()


@pytest.mark.parametrize("role", ["postgres", "service_role", "anon"])
def test_the_runtime_role_cannot_become_another_role(db, user_a, role):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with db.as_user(user_a) as conn:
            conn.execute(f"set role {role}")


def test_the_embedded_default_uses_its_runtime_role(tmp_path):
    config = load_config(CONTENT_DATA_DIR=str(tmp_path / "data"))
    try:
        db = get_database(config)
        from lib.auth import ensure_local_user

        with db.as_user(ensure_local_user(db).id) as conn:
            assert conn.execute("select session_user as u").fetchone()["u"] == RUNTIME_ROLE
        db.close()
    finally:
        stop_embedded(config.data_dir)


def forge(conn, claims: dict) -> None:
    conn.execute("select set_config('request.jwt.claims', %s, true)", [json.dumps(claims)])


def visible_titles(conn) -> set[str]:
    return {r["title"] for r in conn.execute("select title from public.content_sessions")}


def test_forged_claims_inside_a_unit_of_work_see_no_other_users_rows(db, user_a, user_b):
    Sessions(db, user_a).create("Alice's notes")
    Sessions(db, user_b).create("Bob's private notes")
    with db.as_user(user_a) as conn:
        assert visible_titles(conn) == {"Alice's notes"}
        signed_for_a = json.loads(conn.execute("select current_setting('request.jwt.claims') as c").fetchone()["c"])
        forge(conn, {"sub": str(user_b), "role": "authenticated"})  # no signature
        assert visible_titles(conn) == set()
        forge(conn, {**signed_for_a, "sub": str(user_b)})  # Alice's signature on Bob's id
        assert visible_titles(conn) == set()
        assert conn.execute("select count(*) as n from public.generated_images").fetchone()["n"] == 0
        assert conn.execute("select count(*) as n from public.history_search_hits('notes')").fetchone()["n"] == 0
    with db.as_user(user_a) as conn:  # the legacy single-claim setting is not read at all
        conn.execute("select set_config('request.jwt.claim.sub', %s, true)", [str(user_b)])
        assert visible_titles(conn) == {"Alice's notes"}


def test_forged_claims_cannot_write_as_another_user(db, user_a, user_b):
    bob = Sessions(db, user_b).create("Bob's private notes")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # RLS: the insert's user is not the caller
        with db.as_user(user_a) as conn:
            forge(conn, {"sub": str(user_b), "role": "authenticated"})
            conn.execute("insert into public.content_sessions (user_id, title) values (%s, 'planted')", [user_b])
    with db.as_user(user_a) as conn:
        forge(conn, {"sub": str(user_b), "role": "authenticated"})
        assert conn.execute("update public.content_sessions set title = 'changed' where id = %s returning id",
                            [bob.id]).fetchall() == []
    assert Sessions(db, user_b).get(bob.id).title == "Bob's private notes"


def test_the_claims_key_is_the_owners_alone(db, user_a):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        with db.as_user(user_a) as conn:
            conn.execute("select key from content_studio.claims_key")
