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


def dates_from(values: list[str]) -> tuple:
    try:
        return tuple(date.fromisoformat(v) for v in values[:2])
    except ValueError:
        return ()


def dates_to(dates) -> list[str]:
    return [d.isoformat() for d in dates]
