"""Shared fixtures: one real embedded PostgreSQL per test run, a fresh database per test.

The schema is migrated once into a template database; each test gets a copy
(`create database ... template`, a few milliseconds), so tests never see each
other's rows.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

from lib.db import Database
from tests.helpers import APP, PgServer, make_user, start_server

# Tests must never pick up a developer's real settings.
for _name in ("DATABASE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL", "SUPABASE_URL", "SUPABASE_ANON_KEY",
              "CONTENT_GENERATOR", "CONTENT_IMAGE_STORE"):
    os.environ.pop(_name, None)


@pytest.fixture(scope="session")
def pg() -> PgServer:
    # Not under pytest's tmp dir: a concurrent pytest run may prune that while this server runs.
    folder = Path(tempfile.mkdtemp(prefix="content-studio-pg-"))
    server = start_server(folder / "data")
    yield server
    server.server.cleanup()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def template_db(pg) -> str:
    name = pg.create_database()
    db = Database(pg.url(name), pool_size=2)
    db.migrate()
    db.close()
    return name


@pytest.fixture
def db_url(pg, template_db) -> str:
    name = pg.create_database(template=template_db)
    yield pg.url(name)
    pg.drop_database(name)


@pytest.fixture
def db(db_url) -> Database:
    database = Database(db_url, pool_size=4)
    database.use_runtime(database.create_runtime_role())  # as the app runs: units of work on the runtime role
    yield database
    database.close()


@pytest.fixture
def blank_db_url(pg) -> str:
    """An empty database: nothing migrated, no compat objects."""
    name = pg.create_database()
    yield pg.url(name)
    pg.drop_database(name)


@pytest.fixture
def user_a(db) -> uuid.UUID:
    return make_user(db, "alice@example.com")


@pytest.fixture
def user_b(db) -> uuid.UUID:
    return make_user(db, "bob@example.com")


@pytest.fixture(autouse=True)
def _fresh_sign_in_stores():
    """The process-wide handoff codes and token rotations (lib/auth_cookie.py) start empty in every test:
    tests reuse the same made-up refresh tokens, which real ones never are."""
    from lib.auth_cookie import handoffs, rotations

    handoffs.clear()
    rotations.clear()
    yield


# --- the app in Streamlit's AppTest -----------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def app_worker(monkeypatch, db_url, data_dir):
    """The generation worker that serve.py's lifespan starts beside the app (a test may stop it early)."""
    from lib.config import load_config
    from lib.jobs import queue
    from lib.jobs.worker import InProcessWorker

    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("CONTENT_DATA_DIR", str(data_dir))
    worker = InProcessWorker(load_config(), concurrency=2).start()
    yield worker
    worker.stop()
    queue.close(db_url)


@pytest.fixture
def app(app_worker):
    """The whole app (streamlit_app.py) on this test's database and data dir, local user, offline generator."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(APP, default_timeout=60)


@pytest.fixture
def user(db) -> uuid.UUID:
    """The app's local user (what the app signs in as on the embedded default)."""
    from lib.auth import ensure_local_user

    return ensure_local_user(db).id


@pytest.fixture
def pipeline(db, user):
    """The pipeline as the app's local user, offline generator."""
    from lib.generate.offline import OfflineGenerator
    from lib.pipeline import Pipeline
    from lib.session import Sessions

    return Pipeline(Sessions(db, user), OfflineGenerator())


@pytest.fixture
def router():
    """The Supabase HTTP API, mocked at the HTTP level: every request must match a route the test set."""
    import respx

    with respx.mock(assert_all_mocked=True, assert_all_called=False) as mock:
        yield mock
