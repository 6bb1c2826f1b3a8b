"""Outline: two or three structures; the user picks one and may edit it (each change saved as it is made)."""

import streamlit as st

from lib.wording import history_label
from lib.generate import Outline
from lib.outline_text import edited_outline, sections_to_text
from lib.ui import version_views as views
from lib.ui.context import app_context
from lib.ui.editing import Edit, edited_note, editor_id, listed_versions, version_history
from lib.ui.steps import confirm_regenerate, generate, next_button, require_result, start_draft, step_page, stop_while_running
from lib.ui.usage import step_usage_caption

ctx = app_context()
session = step_page(ctx, "outline")

current = session.current_outline
require_result(ctx, session, "outlines", current, "Your research is saved.")
sessions = ctx.sessions
edit = Edit(f"outline-{session.id}", current)
stop_while_running(ctx, session, "outlines", "The earlier outlines are still saved.", edit)
step_usage_caption(session.outlines)
edit.load({"pick": current.chosen_index or 0}, snapshot=list(current.options))
options = list(edit.state.values or current.options)
FIELDS = ("title", "hook", "sections", "cta")


def field_values(outline: Outline) -> dict[str, str]:
    return {"title": outline.title, "hook": outline.hook, "sections": sections_to_text(outline),
            "cta": outline.call_to_action}


def save(base, editor):
    """The options as this screen shows them, with every option's fields the user edited, and the pick.

    A field typed in just before another option is picked arrives in the same run as the new pick,
    so each option's fields are applied, not only the picked one's.
    """
    edited = list(edit.state.values)
    for i, option in enumerate(options):
        fields = {f: st.session_state.get(edit.key(f"{f}-{i}")) for f in FIELDS}
        if all(v is not None for v in fields.values()):
            edited[i] = edited_outline(option, title=fields["title"], hook=fields["hook"], sections_text=fields["sections"],
                                       call_to_action=fields["cta"])
    saved = sessions.edit_outline(session.id, edited, picked(), base=base, editor=editor)
    edit.state.values = edited
    return saved


def picked() -> int:
    value = st.session_state[edit.key("pick")]
    return value if isinstance(value, int) else 0


# Labels that an edit cannot change: the radio keeps its value by label.
index = st.radio("Outline options", range(len(options)), key=edit.key("pick"), on_change=edit.save, args=(save,),
                 format_func=lambda i: f"Option {i + 1}: {options[i].structure}")
with st.container(border=True):
    shown = field_values(options[index])
    for field in FIELDS:
        edit.value(f"{field}-{index}", shown[field])
    kw = {"on_change": edit.save, "args": (save,)}
    st.text_input("Title", key=edit.key(f"title-{index}"), **kw)
    st.text_area("Hook", key=edit.key(f"hook-{index}"), height=80, **kw)
    st.text_area("Sections (## heading, - point)", key=edit.key(f"sections-{index}"), height=260, **kw)
    st.text_input("Call to action", key=edit.key(f"cta-{index}"), **kw)
edit.status("outline")

with st.expander(history_label(session.count("outline")), icon=":material/history:"):
    version_history(f"outline-{session.id}", session.outlines, views.outline,
                    lambda n: sessions.restore(session.id, "outline", n, editor=editor_id()),
                    detail=views.outline_detail, then=edit.reset,
                    **listed_versions(sessions, session, "outline"), shown_above=True)


def regenerate() -> None:
    generate(ctx, session.id, "outlines")


def use_outline() -> None:
    def commit() -> None:
        if current.chosen_index != index or current.chosen_outline is None:  # shown but never picked or edited
            edit.commit(save)

    start_draft(ctx, session, commit)


left, right = st.columns(2)
with left:
    next_button("Use this outline → Draft", "draft", session.id, use_outline)
with right:
    confirm_regenerate("Regenerate outlines", edited_note({"the outline": current}), regenerate,
                       help="The current options are kept as a version.")
