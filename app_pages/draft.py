"""Draft: long-form Markdown, streamed as it is written; every edit saved as it is made, every version kept."""

import streamlit as st

from lib.errors import AppError
from lib.ui import version_views as views
from lib.ui.context import app_context
from lib.ui.editing import Edit, edited_note, editor_id, version_history
from lib.ui.steps import confirm_regenerate, next_button, step_page

ctx = app_context()
session = step_page(ctx, "draft")


def write_draft(edit: Edit | None = None) -> None:
    """Stream the draft onto the page and save it when complete; on failure say so and keep what was saved."""
    with st.status("Writing the draft…", expanded=True) as status:
        stream = None
        try:
            stream = ctx.pipeline.draft_stream(session.id)
            ctx.pipeline.write_draft(session.id, stream, show=st.write_stream)
        except AppError as exc:
            status.update(label="Writing the draft failed", state="error", expanded=True)
            kept = stream.version if stream is not None else None
            note = f" What was written is saved as version {kept} (partial)." if kept else ""
            st.error(f"{exc}{note} Your outline and earlier drafts are saved; try again when ready.",
                     icon=":material/error:")
            return
        if stream.cut:
            status.update(label=f"The draft was cut off: saved as version {stream.version} (partial)", state="error",
                          expanded=True)
            st.warning("The model stopped before the end of the draft (it reached its length limit, or the answer "
                       f"was cut off). What it wrote is saved as version {stream.version}, marked partial. Edit it, or "
                       "regenerate with a shorter length in Generation options.", icon=":material/content_cut:")
            return
        status.update(label=f"Draft saved as version {stream.version}", state="complete", expanded=False)
    if edit is not None:
        edit.reset()
    st.rerun()


draft = session.current_draft
if draft is None:
    if st.button("Write the draft", type="primary", icon=":material/edit:"):
        write_draft()
    st.stop()

edit = Edit(f"draft-{session.id}", draft)
edit.load({"text": draft.markdown})
sessions = ctx.sessions
edit_tab, preview_tab, history_tab = st.tabs(["Edit", "Preview", f"Versions ({len(session.drafts)})"])
with edit_tab:
    if draft.source == "partial":
        st.warning(f"v{draft.version} is partial: the model stopped before the end of the draft (its length limit, "
                   "or the connection was cut). Finish it here, or regenerate it.", icon=":material/content_cut:")
    text = st.text_area("Draft (Markdown)", height=480, key=edit.key("text"),
                        help="Saved as you edit: when you click elsewhere, or press Ctrl+Enter.",
                        on_change=edit.save, args=(lambda base, editor: sessions.edit_draft(
                            session.id, st.session_state[edit.key("text")], base=base, editor=editor),))
    edit.status("draft", f"{len((text or '').split()):,} words{' · ' + draft.model_used if draft.model_used else ''}")
with preview_tab:
    st.markdown(text)
with history_tab:
    version_history(f"draft-{session.id}", session.drafts, views.draft,
                    lambda n: sessions.restore(session.id, "draft", n, editor=editor_id()),
                    detail=views.draft_detail, then=edit.reset)

left, middle, right = st.columns(3)
with left:
    next_button("Continue → Outputs", "outputs", session.id)
with middle:
    confirm_regenerate("Regenerate draft", edited_note({"the draft": draft}), lambda: write_draft(edit))
right.download_button("Download .md", text or draft.markdown, file_name=f"draft-v{draft.version}.md",
                      mime="text/markdown", icon=":material/download:")
