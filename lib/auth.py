"""Who the current user is.

With no Supabase settings the app runs for one local user, created on first
start, so the embedded default needs no sign-in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from lib.db import Database

LOCAL_USER_EMAIL = "local@content-studio.invalid"


@dataclass(frozen=True)
class User:
    id: uuid.UUID
    email: str
    local: bool = False

    @property
    def label(self) -> str:
        return "Local user" if self.local else self.email


def ensure_local_user(db: Database) -> User:
    """The local user's row in `auth.users`, made the first time. Safe when two processes start at once."""
    with db.admin() as conn:
        conn.execute("select pg_advisory_xact_lock(hashtext('content-studio:local-user'))")
        row = conn.execute("select id from auth.users where email = %s order by created_at limit 1", [LOCAL_USER_EMAIL]).fetchone()
        if row is None:
            row = conn.execute(
                "insert into auth.users (id, email) values (gen_random_uuid(), %s) returning id", [LOCAL_USER_EMAIL]
            ).fetchone()
    return User(id=row["id"], email=LOCAL_USER_EMAIL, local=True)
