"""Research: findings for the chosen theme; the user keeps what they want (each tick saved as it is made)."""

import streamlit as st

from lib.wording import history_label
from lib.generate import RESEARCH_KIND_LABELS, RESEARCH_KINDS
from lib.ui import version_views as views
from lib.ui.context import app_context
from lib.ui.editing import Edit, edited_note, editor_id, listed_versions, version_history
from lib.ui.steps import confirm_regenerate, generate, next_button, require_result, start_outlines, step_page, stop_while_running
from lib.ui.usage import step_usage_caption

ctx = app_context()
session = step_page(ctx, "research")
st.caption(f"Theme: {session.selected_theme.summary}")

research = session.current_research
require_result(ctx, session, "research", research, "Your theme is saved.")
sessions = ctx.sessions
edit = Edit(f"research-{session.id}", research)
stop_while_running(ctx, session, "research", "The earlier research is still saved.", edit)
step_usage_caption(session.research)


def regenerate() -> None:
    generate(ctx, session.id, "research")


if research.theme.id != session.selected_theme.id:
    st.warning(f"This research was made for the earlier theme “{research.theme.title}”; the session's "
               f"theme is now “{session.selected_theme.title}”.", icon=":material/swap_horiz:")
    if st.button("Generate research for the new theme", type="primary", icon=":material/travel_explore:"):
        regenerate()

# The screen's items are those of the version it was loaded from; ticks are saved against that version.
kept = set(research.kept_item_ids)
if research.items:
    edit.load({item.id: item.id in kept for item in research.items}, snapshot=research.items)
shown = edit.state.values or research.items


def save_ticks(base, editor):
    ticked = [i.id for i in shown if st.session_state.get(edit.key(i.id))]
    return sessions.keep_research_items(session.id, ticked, base=base, editor=editor)


st.caption("Untick what you do not want: only ticked items reach the outline, the draft and the outputs.")
for kind in RESEARCH_KINDS:
    of_kind = [item for item in shown if item.kind == kind]
    if not of_kind:
        continue
    st.markdown(f"**{RESEARCH_KIND_LABELS[kind]}**")
    for item in of_kind:
        flag = " ⚠️ _verify_" if item.verify else ""
        source = f" — {item.source}" if item.source else ""
        edit.value(item.id, item.id in kept)
        st.checkbox(f"{item.text}{source}{flag}", key=edit.key(item.id), on_change=edit.save, args=(save_ticks,))
edit.status("research selection")

with st.expander(history_label(session.count("research")), icon=":material/history:"):
    version_history(f"research-{session.id}", session.research,
                    views.research,
                    lambda n: sessions.restore(session.id, "research", n, editor=editor_id()),
                    detail=views.research_detail, then=edit.reset,
                    **listed_versions(sessions, session, "research"), shown_above=True)

left, right = st.columns(2)
with left:
    next_button("Keep selection → Outline", "outline", session.id, lambda: start_outlines(ctx, session))
with right:
    confirm_regenerate("Regenerate research", edited_note({"the research selection": research}), regenerate)
