"""What every page needs, built once per run by the entry script: configuration, the database, the signed-in
user, the generation options, and the services made from them.

The database and the generator client are shared by the whole process; the user is resolved per browser
session; the services are made once per run (`cached_property`) and handed to the page through
`app_context()`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import contextvars
import dataclasses
from dataclasses import dataclass, field
from functools import cached_property

import streamlit as st

from lib.auth import User, ensure_local_user, ensure_user_row
from lib.config import Config, load_config
from lib.db import Database, get_database
from lib.generate import GenerationOptions, Generator, get_generator
from lib.images import Images
from lib.jobs.store import Jobs
from lib.pipeline import Pipeline
from lib.session import Sessions
from lib.spool import Spool
from lib.storage import image_store
from lib.ui.shown_errors import friendly_errors
from lib.ui.signin import current_user

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


@dataclass(frozen=True)
class AppContext:
    config: Config
    db: Database
    user: User
    access_token: str | None = None
    options: GenerationOptions = field(default_factory=GenerationOptions)

    @cached_property
    def sessions(self) -> Sessions:
        return Sessions(self.db, self.user.id, max_input_chars=self.config.max_input_chars)

    @cached_property
    def generator(self) -> Generator:
        return _generator(self.config.fingerprint, self.config)

    @cached_property
    def jobs(self) -> Jobs:
        return Jobs(self.db, self.user.id)

    @cached_property
    def pipeline(self) -> Pipeline:
        return Pipeline(self.sessions, self.generator, self.options)

    @cached_property
    def images(self) -> Images:
        return Images(self.db, self.user.id, image_store(self.config, self.access_token),
                      Spool(self.config.data_dir / "spool"), self.generator)


def build_context() -> AppContext:
    """The entry script's start of every run (streamlit_app.py); pages take it with `app_context()`."""
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


_this_run: contextvars.ContextVar[AppContext] = contextvars.ContextVar("app_context")


def start_run(ctx: AppContext, options: GenerationOptions) -> AppContext:
    """This run's context, with the options the sidebar shows, for the page to take."""
    ctx = dataclasses.replace(ctx, options=options)
    _this_run.set(ctx)
    return ctx


def app_context() -> AppContext:
    """The context the entry script built for this run."""
    return _this_run.get()


def app_origin() -> str | None:
    """`scheme://host:port/` as the viewer's browser reaches the app (links in exports are made absolute with it)."""
    url = st.context.url
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"
