"""Previous/next buttons over keyset cursors; the cursor stack is view state, reset when filters change."""

from __future__ import annotations

import streamlit as st


def current_cursor(key: str, filters: object) -> str | None:
    state = st.session_state.setdefault(key, {"filters": None, "stack": [None]})
    if state["filters"] != filters:  # new filters: back to the first page
        state.update(filters=filters, stack=[None])
    return state["stack"][-1]


def pager(key: str, next_cursor: str | None) -> None:
    stack = st.session_state[key]["stack"]
    left, middle, right = st.columns([1, 2, 1])
    # Callbacks move the stack before the rerun the click starts, so one run shows the new page.
    left.button("← Newer", key=f"{key}-prev", disabled=len(stack) == 1, on_click=stack.pop)
    middle.caption(f"Page {len(stack)}")
    right.button("Older →", key=f"{key}-next", disabled=next_cursor is None, on_click=stack.append,
                 args=(next_cursor,))
