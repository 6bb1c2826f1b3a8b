"""Outline: two or three structures; the user picks one and may edit it."""

import streamlit as st

from lib.generate import Outline
from lib.outline_text import edited_outline, sections_to_text
from lib.ui.context import app_context
from lib.ui.steps import needs, next_button, step_button, step_page

ctx = app_context()
session = step_page(ctx, "Outline")
if not session.selected_theme:
    needs("create", "Pick a theme on Create first.", session.id)
if not session.current_research:
    needs("research", "Generate the research first: the outline is built from the items you keep.", session.id)

current = session.current_outline
if current is None:
    step_button("Generate outline options", ":material/format_list_numbered:", "Outlining…", "Outline options saved",
                lambda: ctx.pipeline.outlines(session.id), saved_note="Your research is saved; try again when ready.")
    st.stop()

options = [Outline.model_validate(o) for o in current.options]
labels = [f"{i + 1}. {o.title} ({o.structure})" for i, o in enumerate(options)]
default = current.chosen_index if current.chosen_index is not None else 0
index = st.radio("Outline options", range(len(options)), index=default, format_func=labels.__getitem__,
                 key=f"outline-pick-{session.id}-{current.version}")
base = options[index]
# The saved, possibly edited copy is what the user sees for the option they chose.
shown = Outline.model_validate(current.chosen_outline) if index == current.chosen_index and current.chosen_outline else base

key = f"{session.id}-{current.version}-{index}"
with st.container(border=True):
    title = st.text_input("Title", shown.title, key=f"title-{key}")
    hook = st.text_area("Hook", shown.hook, key=f"hook-{key}", height=80)
    sections = st.text_area("Sections (## heading, - point)", sections_to_text(shown), key=f"sections-{key}", height=260)
    cta = st.text_input("Call to action", shown.call_to_action, key=f"cta-{key}")

left, right = st.columns(2)


def choose() -> None:
    edited = edited_outline(base, title=title, hook=hook, sections_text=sections, call_to_action=cta)
    ctx.pipeline.choose_outline(session.id, index, edited if edited != base else None)


with left:
    next_button("Use this outline → Draft", "draft", session.id, choose)
with right:
    step_button("Regenerate outlines", ":material/refresh:", "Outlining…", "New outline options saved",
                lambda: ctx.pipeline.outlines(session.id), saved_note="The earlier outlines are still saved.",
                primary=False, help="The current options are kept as a version.")
