"""Previous/next buttons over keyset cursors; the cursor stack is view state, reset when filters change."""

from __future__ import annotations

import streamlit as st


def current_cursor(key: str, filters: object) -> str | None:
    state = st.session_state.setdefault(key, {"filters": None, "stack": [None]})
    if state["filters"] != filters:  # new filters: back to the first page
        state.update(filters=filters, stack=[None])
    return state["stack"][-1]


def pager(key: str, next_cursor: str | None) -> None:
    state = st.session_state[key]
    left, middle, right = st.columns([1, 2, 1])
    if left.button("← Newer", key=f"{key}-prev", disabled=len(state["stack"]) == 1):
        state["stack"].pop()
        st.rerun()
    middle.caption(f"Page {len(state['stack'])}")
    if right.button("Older →", key=f"{key}-next", disabled=next_cursor is None):
        state["stack"].append(next_cursor)
        st.rerun()
