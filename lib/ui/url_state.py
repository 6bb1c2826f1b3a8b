"""The date-range filter of History and Gallery, bound to the URL like their other filters (`bind="query-params"`).

Streamlit drops a link's whole range when one date is out of bounds, and keeps a reversed one; here the odd
dates of a link (9999-12-31, 0001-01-01, not a date) are left out with a note and the rest put in order.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

# Dates a filter can mean; a link with others is not an error, only ignored.
EARLIEST, LATEST = date(1970, 1, 1), date(2999, 12, 31)
NOTE_KEY = "url-dates-note"


def _kept(values: list[str]) -> list[str]:
    """At most two dates, in order; unreadable or out-of-range ones are dropped with a note."""
    dates = []
    for value in values[:2]:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            day = None
        if day is None or not EARLIEST <= day <= LATEST:
            st.session_state[NOTE_KEY] = (f"The link's date “{value[:20]}” was left out: use a date between "
                                          f"{EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}.")
            continue
        dates.append(day)
    return [day.isoformat() for day in sorted(dates)]


def date_range(container, label: str, *, key: str = "date") -> tuple[date, ...]:
    """A date range whose key is its URL parameter; a link's odd dates are cleaned before the widget reads them."""
    if key not in st.session_state:  # the widget's first run: it will take its value from the link
        raw = st.query_params.get_all(key)
        if (kept := _kept(raw)) != raw:
            if kept:
                st.query_params[key] = kept
            else:
                del st.query_params[key]
            st.rerun()  # the widget seeds from the URL a run starts with
    dates = container.date_input(label, value=(), key=key, bind="query-params", min_value=EARLIEST,
                                 max_value=LATEST)
    if note := st.session_state.pop(NOTE_KEY, None):
        container.caption(f":material/event_busy: {note}")
    return dates
