"""Home: the user's recent sessions, straight from the database."""

import streamlit as st

from lib.session import STATUSES
from lib.ui.context import app_context, friendly_errors

ctx = app_context()
st.title("Content Studio")
st.caption("Turn a brain dump into finished content: themes → research → outline → draft → outputs and images.")

with friendly_errors():
    recent = ctx.sessions.recent(limit=20)

st.subheader("Recent sessions")
if not recent:
    st.info("No sessions yet. Every session you start is saved here, step by step.", icon=":material/history:")
else:
    st.dataframe(
        [
            {
                "Title": s.title,
                "Step": f"{STATUSES.index(s.status) + 1}/{len(STATUSES)} · {s.status.replace('_', ' ')}",
                "Last activity": s.updated_at,
                "Started": s.created_at,
            }
            for s in recent
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "Last activity": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
            "Started": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
        },
    )
