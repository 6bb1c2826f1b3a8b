"""What every page needs: configuration, the database, the signed-in user and the services.

The database is shared by the whole process (see `lib.db.get_database`);
the user is resolved per browser session; services are cheap and made per run.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import streamlit as st

from lib.auth import User, ensure_local_user, ensure_user_row
from lib.config import Config, load_config
from lib.db import Database, get_database
from lib.errors import AppError, DatabaseError, DatabaseRestarted, SessionNotFound
from lib.generate import GenerationOptions, Generator, get_generator
from lib.images import Images
from lib.pipeline import Pipeline
from lib.session import Session, Sessions
from lib.spool import Spool
from lib.storage import image_store
from lib.ui.signin import current_user

log = logging.getLogger(__name__)


@contextmanager
def shown_errors(*, stop: bool = False) -> Iterator[None]:
    """Show AppErrors as they are, anything else as a short apology; never a traceback.

    With `stop=False` the page goes on below (what the user typed stays on screen).
    """
    try:
        yield
    except DatabaseError as exc:
        database_notice(exc)
        if stop:
            st.stop()
    except AppError as exc:
        st.error(str(exc), icon=":material/error:")
        if stop:
            st.stop()
    except Exception:  # st.stop() and page switches are BaseExceptions: they pass through
        log.exception("unexpected error")
        st.error("Something went wrong on our side. Your work so far is saved; reload the page and try again.",
                 icon=":material/error:")
        if stop:
            st.stop()


_retry_keys = itertools.count()


def database_notice(exc: DatabaseError) -> None:
    """One calm message and a retry: the database is away for a moment, nothing the user made is gone."""
    restarted = isinstance(exc, DatabaseRestarted)
    st.warning(str(exc), icon=":material/database:" if restarted else ":material/cloud_off:")
    st.button("Try again", key=f"database-retry-{next(_retry_keys)}", icon=":material/refresh:", type="primary")


def friendly_errors():
    return shown_errors(stop=True)


@st.cache_resource(show_spinner=False)
def _local_user(database_url: str, _db: Database) -> User:
    # One per database, shared by every browser session: the local user is the same for everyone.
    return ensure_local_user(_db)


@st.cache_resource(show_spinner=False)
def _user_row(database_url: str, user_id: str, _db: Database, _user: User) -> bool:
    # Once per user and process: a Supabase user needs its auth.users row off Supabase (no-op on it).
    ensure_user_row(_db, _user)
    return True


@st.cache_resource(show_spinner=False)
def _generator(fingerprint: str, _config: Config) -> Generator:
    # One client (and connection pool) per configuration for the whole process; it holds no user state.
    return get_generator(_config)


def _fingerprint(config: Config) -> str:
    # The repr hides secrets, so the key enters only as a hash.
    return hashlib.sha256(f"{config!r}|{config.openai_api_key}".encode()).hexdigest()


@dataclass(frozen=True)
class AppContext:
    config: Config
    db: Database
    user: User
    access_token: str | None = None

    @property
    def sessions(self) -> Sessions:
        return Sessions(self.db, self.user.id, max_input_chars=self.config.max_input_chars)

    @property
    def generator(self) -> Generator:
        return _generator(_fingerprint(self.config), self.config)

    @property
    def options(self) -> GenerationOptions:
        return GenerationOptions(**st.session_state.get("generation_options", {}))

    @property
    def pipeline(self) -> Pipeline:
        return Pipeline(self.sessions, self.generator, self.options)

    @property
    def images(self) -> Images:
        return Images(self.db, self.user.id, image_store(self.config, self.access_token),
                      Spool(self.config.data_dir / "spool"), self.generator)


def app_context() -> AppContext:
    with friendly_errors():
        config = load_config()
        with st.spinner("Starting the database…"):
            db = get_database(config)
        signed_in = current_user(config)  # None in local mode; else the sign-in form until someone signs in
        if signed_in is None:
            return AppContext(config, db, _local_user(db.url, db))
        user, auth_session = signed_in
        _user_row(db.url, str(user.id), db, user)
        return AppContext(config, db, user, auth_session.access_token)


def session_id_param() -> str | None:
    value = st.query_params.get("session_id")
    return value if value else None


def require_session(ctx: AppContext) -> Session:
    """The session named in the URL, or a friendly message with ways out (and the page stops)."""
    from lib.ui.nav import link  # nav imports pipeline; keep this module importable on its own

    raw = session_id_param()
    try:
        if raw is None:
            raise SessionNotFound(None)
        with st.spinner("Loading the session…"):
            return ctx.sessions.get(raw)
    except SessionNotFound:
        if raw is None:
            st.info("No session is open on this page.", icon=":material/info:")
        else:
            st.warning("This session was not found. The link may be wrong, or the session was deleted or "
                       "belongs to someone else.", icon=":material/search_off:")
        link("create", label="Start a new session", icon=":material/add:")
        link("home", label="Open your recent sessions", icon=":material/history:")
        st.stop()
    except DatabaseError as exc:
        database_notice(exc)
        st.stop()
    except AppError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()
