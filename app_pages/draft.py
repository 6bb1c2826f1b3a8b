"""Draft: long-form Markdown, streamed as it is written; every edit saved as it is made, every version kept."""

import streamlit as st

from lib.wording import history_label
from lib.ui import version_views as views
from lib.ui.context import app_context
from lib.ui.editing import Edit, edited_note, editor_id, listed_versions, version_history
from lib.ui.steps import confirm_regenerate, generate, next_button, require_result, start_outputs, step_page, stop_while_running
from lib.ui.usage import step_usage_caption

ctx = app_context()
session = step_page(ctx, "draft")


draft = session.current_draft
require_result(ctx, session, "draft", draft, "Your outline and earlier drafts are saved.")
# While it is written the draft grows on the job's status panel, from its checkpoints, until the job is done.
stop_while_running(ctx, session, "draft", "Your outline and earlier drafts are saved.")
step_usage_caption(session.drafts)

edit = Edit(f"draft-{session.id}", draft)
edit.load({"text": draft.markdown})
sessions = ctx.sessions
edit_tab, preview_tab, history_tab = st.tabs(["Edit", "Preview", history_label(session.count("draft"))])
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
                    detail=views.draft_detail, then=edit.reset,
                    **listed_versions(sessions, session, "draft"), shown_above=True)

left, middle, right = st.columns(3)
with left:
    next_button("Continue → Outputs", "outputs", session.id, lambda: start_outputs(ctx, session))
with middle:
    confirm_regenerate("Regenerate draft", edited_note({"the draft": draft}),
                       lambda: (edit.reset(), generate(ctx, session.id, "draft")))
right.download_button("Download .md", text or draft.markdown, file_name=f"draft-v{draft.version}.md",
                      mime="text/markdown", icon=":material/download:")
