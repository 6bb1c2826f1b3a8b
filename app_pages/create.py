"""Create: a brain dump becomes a saved session, then themes to pick from; the notes stay editable."""

import streamlit as st

from lib.pipeline import new_create_token
from lib.ui import version_views as views
from lib.ui.context import app_context
from lib.ui.session_url import require_session, session_id_param
from lib.ui.shown_errors import shown_errors
from lib.ui.editing import Edit, editor_id, listed_versions, version_history
from lib.ui.jobs import start_job
from lib.ui.nav import go
from lib.ui.steps import next_button, require_result, running, session_header, start_research, step_button
from lib.ui.uploads import read_uploads, show_uploads, with_uploads
from lib.ui.usage import step_usage_caption

ctx = app_context()
st.title("Create")

if session_id_param() is None:
    st.caption("Paste your raw notes (or upload a .txt or .md file). They are saved as a new session before "
               "anything is generated, so nothing you type is lost.")
    # One token per brain dump: a double click finds the session the first click made.
    token = st.session_state.setdefault("create_token", new_create_token())
    files = st.file_uploader("Upload notes", type=["txt", "md"], accept_multiple_files=True, key="notes-upload",
                             help="Plain text or Markdown, UTF-8. Added after what you type, never in its place.")
    uploads = read_uploads(files)
    typed = st.text_area("Brain dump", key="brain_dump", height=300,
                         placeholder="Ideas, fragments, links, half-sentences: anything goes.")
    show_uploads(uploads)
    text = with_uploads(typed or "", uploads)
    st.caption(f"{len(text):,} / {ctx.config.max_input_chars:,} characters")
    if st.button("Extract themes", type="primary", icon=":material/auto_awesome:"):
        with shown_errors(stop=True):
            session = ctx.pipeline.start(text, create_token=token)  # saved before anything is generated
            start_job(ctx, session.id, "themes")  # joined, not doubled, by a second click
        st.session_state.pop("create_token", None)
        st.query_params["session_id"] = str(session.id)  # the URL names the session from now on
        st.rerun()
    st.stop()

session = require_session(ctx.sessions)
session_header(ctx, session, "create")
sessions = ctx.sessions
notes = session.brain_dump
edit = Edit(f"notes-{session.id}", notes)
edit.load({"text": notes.raw_content})
with st.expander(f"Brain dump · v{notes.version}", expanded=not notes.themes, icon=":material/edit_note:"):
    st.text_area("Brain dump", key=edit.key("text"), height=240, label_visibility="collapsed",
                 help="Saved as you edit, as a new version of your notes; then extract themes again.",
                 on_change=edit.save, args=(lambda base, editor: sessions.edit_brain_dump(
                     session.id, st.session_state[edit.key("text")], base=base, editor=editor),))
    edit.status("brain dump")
    if session.count("brain_dump") > 1:
        version_history(f"notes-{session.id}", session.brain_dumps, views.brain_dump,
                        lambda n: sessions.restore(session.id, "brain_dump", n, editor=editor_id()),
                        detail=views.brain_dump_detail, then=edit.reset,
                        **listed_versions(sessions, session, "brain_dump"), shown_above=True)


if notes.themes and running(ctx, session, "themes", saved_note="The earlier themes are kept.", then=edit.reset):
    st.stop()
if not notes.themes:
    earlier = next((v for v in reversed(session.brain_dumps) if v.themes), None)
    if earlier:
        st.info(f"Your notes changed since themes were extracted (v{earlier.version}). Extract themes from the new "
                "notes; the earlier themes stay in the brain dump's versions.", icon=":material/edit_note:")
    require_result(ctx, session, "themes", None, "Your brain dump is saved.")

step_usage_caption(session.brain_dumps)
st.markdown("**Pick the theme to develop**")
themes = {t.id: t for t in notes.themes}
chosen_id = session.selected_theme.id if session.selected_theme else None
ids = list(themes)
pick = st.radio("Theme", ids, index=ids.index(chosen_id) if chosen_id in ids else 0, label_visibility="collapsed",
                format_func=lambda i: themes[i].title, key=f"theme-{session.id}-{notes.version}")
theme = themes[pick]
with st.container(border=True):
    st.markdown(f"**{theme.title}** · _{theme.angle}_")
    st.write(theme.summary)
    for point in theme.key_points:
        st.markdown(f"- {point}")

left, middle, right = st.columns(3)
with left:
    next_button("Use this theme → Research", "research", session.id,
                lambda: (ctx.pipeline.choose_theme(session.id, pick), start_research(ctx, session)))
with middle:
    if st.button("Auto-run the rest", icon=":material/fast_forward:",
                 help="Research (every item kept), the first outline, the draft and every output, one after "
                      "another, each saved. Stop it at any step and take over."):
        with shown_errors(stop=True):
            ctx.pipeline.choose_theme(session.id, pick)
            start_job(ctx, session.id, "research", auto=True)
        go("research", session.id)
with right:
    step_button(ctx, session.id, "Extract themes again", ":material/refresh:", "themes", primary=False)
