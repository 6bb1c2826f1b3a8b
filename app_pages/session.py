"""Session detail: every saved step, its images, resume, export, delete."""

import streamlit as st

from lib.export import session_markdown, session_zip, slug
from lib.generate import OUTPUT_FORMAT_LABELS, RESEARCH_KIND_LABELS
from lib.ui.context import app_context, require_session, shown_errors
from lib.ui.image_grid import image_grid
from lib.ui.nav import go, link, resume_key, step_indicator

ctx = app_context()
session = require_session(ctx)
images = ctx.images
with shown_errors(stop=True):
    session_images = images.for_session(session.id)

st.title(session.title)
st.caption(f"{step_indicator(session.status)} · started {session.created_at:%Y-%m-%d %H:%M} · "
           f"last activity {session.updated_at:%Y-%m-%d %H:%M}")
resume, md, zipped, delete = st.columns(4)
with resume:
    link(resume_key(session.status), session.id, label="Resume", icon=":material/play_arrow:")
md.download_button("Export Markdown", session_markdown(session, session_images), file_name=f"{slug(session.title)}.md",
                   mime="text/markdown", icon=":material/description:")
zipped.download_button("Export ZIP", lambda: session_zip(session, session_images, images.image_bytes),
                       file_name=f"{slug(session.title)}.zip", mime="application/zip", icon=":material/folder_zip:")
confirm_key = f"confirm-delete-{session.id}"
if delete.button("Delete session", icon=":material/delete:"):
    st.session_state[confirm_key] = True
if st.session_state.get(confirm_key):
    st.warning(f"Delete “{session.title}”, every step and its {len(session_images)} images? This cannot be undone.")
    yes, no = st.columns(2)
    if yes.button("Yes, delete it", type="primary"):
        with shown_errors(stop=True):
            images.delete_session(session.id)
        st.session_state.pop(confirm_key, None)
        st.toast("Session deleted", icon=":material/delete:")
        go("history")
    if no.button("Keep it"):
        st.session_state.pop(confirm_key, None)
        st.rerun()

bd = session.brain_dump
with st.expander("Brain dump", icon=":material/edit_note:"):
    st.text(bd.raw_content if bd else "")
if bd and bd.themes:
    with st.expander(f"Themes ({len(bd.themes)})", icon=":material/category:"):
        chosen = (session.selected_theme or {}).get("id")
        for theme in bd.themes:
            st.markdown(f"- **{theme['title']}**{' ✓' if theme.get('id') == chosen else ''}: {theme.get('summary', '')}")
if session.current_research:
    kept = session.current_research.kept_items
    with st.expander(f"Research kept ({len(kept)})", icon=":material/travel_explore:"):
        for item in kept:
            st.markdown(f"- _{RESEARCH_KIND_LABELS.get(item.get('kind'), '')}_: {item['text']}"
                        f"{' ⚠️ verify' if item.get('verify') else ''}")
if session.current_outline and session.current_outline.chosen_outline:
    outline = session.current_outline.chosen_outline
    with st.expander(f"Outline: {outline['title']}", icon=":material/format_list_numbered:"):
        st.markdown(f"_Hook:_ {outline['hook']}")
        for section in outline["sections"]:
            st.markdown(f"**{section['heading']}**\n" + "\n".join(f"- {p}" for p in section["points"]))
        st.markdown(f"_Call to action:_ {outline['call_to_action']}")
if session.drafts:
    versions = {d.version: d for d in session.drafts}
    with st.expander(f"Draft ({len(versions)} versions)", icon=":material/article:", expanded=True):
        pick = st.selectbox("Version", sorted(versions, reverse=True), key=f"detail-draft-{session.id}",
                            format_func=lambda v: f"v{v} · {versions[v].source} · {versions[v].word_count:,} words")
        st.markdown(versions[pick].markdown)
if session.current_outputs:
    with st.expander(f"Outputs ({len(session.current_outputs)})", icon=":material/share:"):
        for kind, out in session.current_outputs.items():
            st.markdown(f"**{OUTPUT_FORMAT_LABELS.get(kind, kind)}** · v{out.version}")
            st.code(out.content, language=None, wrap_lines=True)

st.subheader(f"Images ({len(session_images)})")
image_grid(images, session_images, key=f"detail-{session.id}")
