"""Draft: long-form Markdown, streamed as it is written, saved when done; each edit a new version."""

import streamlit as st

from lib.errors import AppError
from lib.ui.context import app_context, shown_errors
from lib.ui.steps import needs, next_button, step_page

ctx = app_context()
session = step_page(ctx, "Draft")
outline = session.current_outline
if not outline or outline.chosen_outline is None:
    needs("outline", "Choose an outline first: the draft follows it.", session.id)


def write_draft() -> None:
    """Stream the draft onto the page and save it when complete; on failure say so and keep what was saved."""
    with st.status("Writing the draft…", expanded=True) as status:
        stream = None
        try:
            stream = ctx.pipeline.draft_stream(session.id)
            st.write_stream(stream)
            version = ctx.pipeline.save_generated_draft(session.id, stream)
        except AppError as exc:
            status.update(label="Writing the draft failed", state="error")
            kept = ctx.pipeline.keep_partial_draft(session.id, stream) if stream is not None else None
            note = f" What was written is saved as version {kept} (partial)." if kept else ""
            st.error(f"{exc}{note} Your outline and earlier drafts are saved; try again when ready.",
                     icon=":material/error:")
            return
        status.update(label=f"Draft saved as version {version}", state="complete", expanded=False)
    st.rerun()


draft = session.current_draft
if draft is None:
    if st.button("Write the draft", type="primary", icon=":material/edit:"):
        write_draft()
    st.stop()

versions = {d.version: d for d in session.drafts}
st.caption(f"Version {draft.version} · {draft.word_count:,} words · {draft.source}"
           f"{' · ' + draft.model_used if draft.model_used else ''}")
edit_tab, preview_tab, history_tab = st.tabs(["Edit", "Preview", f"Versions ({len(versions)})"])
with edit_tab:
    text = st.text_area("Draft (Markdown)", draft.markdown, height=480, key=f"draft-{session.id}-{draft.version}")
    if st.button("Save as new version", icon=":material/save:", disabled=text == draft.markdown):
        with shown_errors():
            version = ctx.pipeline.save_edited_draft(session.id, text)
            st.toast(f"Saved as version {version}", icon=":material/check:")
            st.rerun()
with preview_tab:
    st.markdown(text)
with history_tab:
    pick = st.selectbox("Version", sorted(versions, reverse=True), key=f"draft-version-{session.id}",
                        format_func=lambda v: f"v{v} · {versions[v].source} · {versions[v].word_count:,} words · "
                                              f"{versions[v].created_at:%Y-%m-%d %H:%M}")
    if pick != draft.version and st.button(f"Restore v{pick} as the current draft", icon=":material/restore:"):
        with shown_errors():
            version = ctx.pipeline.save_edited_draft(session.id, versions[pick].markdown)
            st.toast(f"v{pick} restored as version {version}", icon=":material/check:")
            st.rerun()
    st.markdown(versions[pick].markdown)

left, middle, right = st.columns(3)
with left:
    next_button("Continue → Outputs", "outputs", session.id)
if middle.button("Regenerate draft", icon=":material/refresh:", help="The current version is kept."):
    write_draft()
right.download_button("Download .md", draft.markdown, file_name=f"draft-v{draft.version}.md", mime="text/markdown",
                      icon=":material/download:")
