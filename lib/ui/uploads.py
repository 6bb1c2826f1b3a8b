"""Uploaded notes join what the user typed; they never replace it.

The files stay in the uploader (the typed text is never rewritten, so nothing the browser has not sent
yet can be overwritten) and are added after the typed notes when the session is created.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class UploadedNotes:
    name: str
    text: str


def read_uploads(files) -> list[UploadedNotes]:
    """The files' text; a file that is not UTF-8 is named in an error and left out."""
    notes = []
    for file in files or []:
        try:
            notes.append(UploadedNotes(file.name, file.getvalue().decode("utf-8")))
        except UnicodeDecodeError:
            st.error(f"“{file.name}” is not UTF-8 text. Save it as UTF-8 (.txt or .md) and upload it again; "
                     "your typed notes are unchanged.", icon=":material/error:")
    return notes


def with_uploads(typed: str, uploads: list[UploadedNotes]) -> str:
    """The brain dump: what was typed, then each uploaded file's text."""
    added = [u.text.strip("\n") for u in uploads if u.text.strip()]
    if not added:
        return typed  # exactly as typed
    parts = ([typed.rstrip("\n")] if typed.strip() else []) + added
    return "\n\n".join(parts) + "\n"


def show_uploads(uploads: list[UploadedNotes]) -> None:
    for upload in uploads:
        with st.expander(f"{upload.name} · {len(upload.text):,} characters · added after your notes",
                         icon=":material/upload_file:"):
            st.text(upload.text)
