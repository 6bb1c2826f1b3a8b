"""Research: findings for the chosen theme; the user keeps what they want."""

import streamlit as st

from lib.generate import RESEARCH_KIND_LABELS, RESEARCH_KINDS
from lib.ui.context import app_context
from lib.ui.steps import needs, next_button, step_button, step_page

ctx = app_context()
session = step_page(ctx, "Research")
if not session.selected_theme:
    needs("create", "Pick a theme on Create first.", session.id)

st.caption(f"Theme: {session.selected_theme.get('summary', '')}")

research = session.current_research
if research is None:
    step_button("Generate research", ":material/travel_explore:", "Researching…", "Research saved",
                lambda: ctx.pipeline.research(session.id), saved_note="Your theme is saved; try again when ready.")
    st.stop()

if research.theme.get("id") != session.selected_theme.get("id"):
    st.warning(f"This research was made for the earlier theme “{research.theme.get('title', '')}”; the session's "
               f"theme is now “{session.selected_theme['title']}”.", icon=":material/swap_horiz:")
    step_button("Generate research for the new theme", ":material/travel_explore:", "Researching…", "Research saved",
                lambda: ctx.pipeline.research(session.id), saved_note="The earlier research is still saved.")
st.caption(f"Version {research.version} of {len(session.research)} · {research.model_used or ''} · "
           "untick what you do not want to use in the outline.")
kept = set(research.kept_item_ids)
chosen: list[str] = []
for kind in RESEARCH_KINDS:
    items = [i for i in research.items if i.get("kind") == kind]
    if not items:
        continue
    st.markdown(f"**{RESEARCH_KIND_LABELS[kind]}**")
    for item in items:
        flag = " ⚠️ _verify_" if item.get("verify") else ""
        source = f" — {item['source']}" if item.get("source") else ""
        if st.checkbox(f"{item['text']}{source}{flag}", value=item["id"] in kept,
                       key=f"keep-{session.id}-{research.version}-{item['id']}"):
            chosen.append(item["id"])

left, right = st.columns(2)
with left:
    next_button("Keep selection → Outline", "outline", session.id, lambda: ctx.pipeline.keep_and_continue(session.id, chosen))
with right:
    step_button("Regenerate research", ":material/refresh:", "Researching…", "New research version saved",
                lambda: ctx.pipeline.research(session.id), saved_note="The earlier research is still saved.",
                primary=False, help="The current version is kept.")
