"""How many statements a unit of work sends: `make bench` reports it, and tests hold a page to a fixed number."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator
from unittest import mock

from lib.db import Database


class _Counted:
    """A unit's connection that counts what goes through `execute`."""

    def __init__(self, conn, counter: list[int]):
        self._conn, self._counter = conn, counter

    def execute(self, *args, **kwargs):
        self._counter[0] += 1
        return self._conn.execute(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._conn, name)


@contextmanager
def count_statements(db: Database) -> Iterator[list[int]]:
    """`with count_statements(db) as n: ...` then `n[0]` is how many statements `db.as_user` units ran
    (the per-user setup counts as one)."""
    counter = [0]
    as_user = db.as_user

    @contextmanager
    def counted(user_id):
        with as_user(user_id) as conn:
            counter[0] += 1  # the setup as_user sent before handing the connection over
            yield _Counted(conn, counter)

    with mock.patch.object(db, "as_user", counted):
        yield counter


def rerun_statements(app) -> int:
    """How many statements one rerun of an AppTest `app` sends on the app's own database (process-wide, from
    its settings), per-user setups included; the rerun must not fail."""
    from lib.config import load_config
    from lib.db import get_database

    with count_statements(get_database(load_config())) as n:
        app.run()
    if app.exception:
        raise AssertionError(app.exception)
    return n[0]
