"""Pipeline queries log in as a role that cannot leave row-level security: no superuser, no BYPASSRLS, owns nothing."""

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
