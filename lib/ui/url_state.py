"""Filters that live in the URL as well as in widgets, so a reload or a shared link keeps them."""

from __future__ import annotations

from datetime import date
from typing import Callable

import streamlit as st


def from_url(key: str, param: str, parse: Callable[[list[str]], object]) -> None:
    """Seed a widget's state from the URL the first time the page runs in this browser session."""
    if key not in st.session_state:
        st.session_state[key] = parse(st.query_params.get_all(param))


def to_url(values: dict[str, str | list[str] | None]) -> None:
    """Write the current filters to the URL (empty ones are removed)."""
    for param, value in values.items():
        if value:
            if st.query_params.get_all(param) != (value if isinstance(value, list) else [value]):
                st.query_params[param] = value
        elif param in st.query_params:
            del st.query_params[param]


def one_of(allowed) -> Callable[[list[str]], object]:
    """A parser that keeps the URL's value only when it is one of `allowed` (anything else: no filter)."""
    return lambda values: values[0] if values and values[0] in allowed else None


# Dates a filter can mean; a link with others (9999-12-31, 0001-01-01) is not an error, only ignored.
EARLIEST, LATEST = date(1970, 1, 1), date(2999, 12, 31)
NOTE_KEY = "url-dates-note"


def dates_from(values: list[str]) -> tuple:
    """At most two dates from the URL, in order; unreadable or out-of-range ones are dropped with a note."""
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
    return tuple(sorted(dates))


def dates_note() -> None:
    """Say once that a date from the link was left out."""
    if note := st.session_state.pop(NOTE_KEY, None):
        st.caption(f":material/event_busy: {note}")


def dates_to(dates) -> list[str]:
    return [d.isoformat() for d in dates]
