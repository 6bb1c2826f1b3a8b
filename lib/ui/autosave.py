"""Commit text boxes while the user types, not only when they click elsewhere (see assets/autosave.html).

Streamlit 1.67 has `live=` for st.text_input but nothing like it for st.text_area, and a text area's
value reaches the server only on blur or Ctrl+Enter. Closing the tab right after typing would lose
that text; this script narrows the window to about a second of typing.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

_SCRIPT = (Path(__file__).parent / "assets" / "autosave.html").read_text(encoding="utf-8")


def autosave() -> None:
    st.html(_SCRIPT, unsafe_allow_javascript=True, width="content")
