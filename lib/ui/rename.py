"""Renaming a session, from its pages and from History: saved on Enter, never over someone else's rename."""

from __future__ import annotations

import streamlit as st

from lib.errors import AppError
from lib.session import Sessions


def _apply(sessions: Sessions, session_id, key: str) -> None:
    title, shown = st.session_state[key], st.session_state[f"{key}:shown"]
    try:
        result = sessions.rename(session_id, title, expected=shown)
    except AppError as exc:
        st.session_state[f"{key}:note"] = ("error", str(exc))
        return
    if result.applied:
        st.session_state[f"{key}:shown"] = result.title
        st.session_state[f"{key}:note"] = ("saved", f"Renamed to “{result.title}”")
    else:
        st.session_state[f"{key}:shown"] = result.title  # a second try (the button below) applies the user's title
        st.session_state[f"{key}:note"] = ("conflict", f"It was renamed elsewhere to “{result.title}” meanwhile, so "
                                                       f"“{' '.join(title.split())}” was not applied.")


def rename_control(sessions: Sessions, session_id, title: str, *, key: str) -> None:
    """A "Rename" popover with the title; Enter (or leaving the box) saves it."""
    key = f"rename-{key}"
    shown = st.session_state.get(f"{key}:shown")
    # First view, or renamed elsewhere while this box still holds the title it showed: show the new title.
    if key not in st.session_state or (shown != title and st.session_state[key] == shown):
        st.session_state[key] = title
        st.session_state[f"{key}:shown"] = title
    with st.popover("Rename", icon=":material/edit:"):
        st.text_input("Session title", key=key, max_chars=200, on_change=_apply, args=(sessions, session_id, key),
                      help="Saved when you press Enter or click elsewhere.")
        kind, text = st.session_state.get(f"{key}:note", (None, None))
        if kind == "conflict":
            st.warning(text, icon=":material/call_split:")
            st.button("Use my title", key=f"{key}:again", on_click=_apply, args=(sessions, session_id, key))
        elif kind == "error":
            st.error(text, icon=":material/error:")
    if kind == "saved":
        st.toast(text, icon=":material/check:")
        st.session_state.pop(f"{key}:note", None)
