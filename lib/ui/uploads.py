"""Uploaded notes join what the user typed; they never replace it."""

from __future__ import annotations

import streamlit as st


def add_upload(upload_key: str, text_key: str) -> None:
    """A file uploader's callback: append the file's text to the text area (or say why it cannot)."""
    upload = st.session_state.get(upload_key)
    if upload is None:
        return
    try:
        added = upload.getvalue().decode("utf-8")
    except UnicodeDecodeError:
        st.session_state[f"{upload_key}:error"] = (f"“{upload.name}” is not UTF-8 text. Save it as UTF-8 (.txt or .md) "
                                                   "and upload it again; your typed notes are unchanged.")
        return
    typed = (st.session_state.get(text_key) or "").rstrip()
    st.session_state[text_key] = f"{typed}\n\n{added}" if typed else added
    st.session_state.pop(f"{upload_key}:error", None)
    st.session_state[f"{upload_key}:added"] = upload.name


def upload_notice(upload_key: str) -> None:
    if error := st.session_state.get(f"{upload_key}:error"):
        st.error(error, icon=":material/error:")
    elif name := st.session_state.pop(f"{upload_key}:added", None):
        st.toast(f"Added “{name}” after your notes", icon=":material/upload_file:")
