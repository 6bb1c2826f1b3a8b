"""How failures reach the screen: an AppError as its message, a database blip as one calm notice with a retry,
anything else as a short apology. Never a traceback."""

from __future__ import annotations

import itertools
import logging
from contextlib import contextmanager
from typing import Iterator

import streamlit as st

from lib.errors import AppError, DatabaseError, DatabaseRestarted

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
