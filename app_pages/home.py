"""Home: start a session, or pick up a recent one where it stopped."""

import streamlit as st

from lib.ui.clock import local_time
from lib.ui.context import app_context
from lib.ui.shown_errors import shown_errors
from lib.ui.nav import link, resume_key, status_label

ctx = app_context()
st.title("Content Studio")
st.caption("Turn a brain dump into finished content: themes → research → outline → draft → outputs and images.")
link("create", label="Start a new session", icon=":material/add:")

with shown_errors(stop=True):
    recent = ctx.sessions.recent(limit=20)

st.subheader("Recent sessions")
if not recent:
    st.info("No sessions yet. Every session you start is saved here, step by step.", icon=":material/history:")
for s in recent:
    with st.container(border=True):
        title, step, when, detail, resume = st.columns([4, 2, 2, 1.3, 1.3], vertical_alignment="center")
        title.markdown(f"**{s.title}**")
        step.caption(status_label(s.status))
        when.caption(f"{local_time(s.updated_at):%Y-%m-%d %H:%M}")
        with detail:
            link("session", s.id, label="Open", icon=":material/folder_open:")
        with resume:
            link(resume_key(s.status), s.id, label="Resume", icon=":material/play_arrow:")
link("history", label="All sessions in History", icon=":material/history:")
