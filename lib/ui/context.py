"""What every page needs: configuration, the database, the signed-in user, their sessions.

The database is shared by the whole process (see `lib.db.get_database`); the
user is resolved per browser session.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import streamlit as st

from lib.auth import User, ensure_local_user
from lib.config import Config, load_config
from lib.db import Database, get_database
from lib.errors import AppError
from lib.session import Sessions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AppContext:
    config: Config
    db: Database
    user: User
    sessions: Sessions


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Show AppErrors as they are, anything else as a short apology; never a traceback."""
    try:
        yield
    except AppError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()
    except Exception:  # st.stop() and page switches are BaseExceptions: they pass through
        log.exception("unexpected error")
        st.error("Something went wrong on our side. Your work so far is saved; reload the page and try again.",
                 icon=":material/error:")
        st.stop()


@st.cache_resource(show_spinner=False)
def _local_user(database_url: str, _db: Database) -> User:
    # One per database, shared by every browser session: the local user is the same for everyone.
    return ensure_local_user(_db)


def app_context() -> AppContext:
    with friendly_errors():
        config = load_config()
        with st.spinner("Starting the database…"):
            db = get_database(config)
        user = _local_user(db.url, db)
        return AppContext(config, db, user, Sessions(db, user.id, max_input_chars=config.max_input_chars))
