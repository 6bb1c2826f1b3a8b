"""The session named in the URL (`?session_id=`), loaded for a page, or a friendly stop with ways out."""

from __future__ import annotations

import streamlit as st

from lib.errors import AppError, DatabaseError, SessionNotFound
from lib.session import Session, Sessions
from lib.ui.nav import link
from lib.ui.shown_errors import database_notice


def session_id_param() -> str | None:
    value = st.query_params.get("session_id")
    return value if value else None


def require_session(sessions: Sessions) -> Session:
    """The session named in the URL, or a friendly message with ways out (and the page stops)."""
    raw = session_id_param()
    try:
        if raw is None:
            raise SessionNotFound(None)
        with st.spinner("Loading the session…"):
            return sessions.view(raw)  # each step's newest version whole, the others listed
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
