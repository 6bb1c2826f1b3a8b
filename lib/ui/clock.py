"""Times as the user reads them: in the browser's timezone, not the server's."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st


def user_zone() -> tzinfo | None:
    """The browser's zone (its offset if the name is unknown here); None (the server's) before the browser says."""
    if name := st.context.timezone:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    offset = st.context.timezone_offset
    return None if offset is None else timezone(-timedelta(minutes=offset))


def local_time(moment: datetime) -> datetime:
    return moment.astimezone(user_zone())
