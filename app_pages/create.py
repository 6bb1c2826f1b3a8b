"""Create: a brain dump becomes a saved session, then themes to pick from."""

import streamlit as st

from lib.pipeline import new_create_token
from lib.ui.context import app_context, require_session, session_id_param, shown_errors
from lib.ui.nav import stepper
from lib.ui.steps import next_button, run_step, step_button

ctx = app_context()
st.title("Create")

if session_id_param() is None:
    st.caption("Paste your raw notes (or upload a .txt or .md file). They are saved as a new session before "
               "anything is generated, so nothing you type is lost.")
    # One token per brain dump: a double click finds the session the first click made.
    token = st.session_state.setdefault("create_token", new_create_token())
    upload = st.file_uploader("Upload notes", type=["txt", "md"], help="Plain text or Markdown, UTF-8.")
    if upload is not None and st.session_state.get("uploaded_name") != upload.file_id:
        try:
            st.session_state["brain_dump"] = upload.getvalue().decode("utf-8")
            st.session_state["uploaded_name"] = upload.file_id
        except UnicodeDecodeError:
            st.error("That file is not UTF-8 text. Save it as UTF-8 (.txt or .md) and upload it again.")
    text = st.text_area("Brain dump", key="brain_dump", height=300,
                        placeholder="Ideas, fragments, links, half-sentences: anything goes.")
    st.caption(f"{len(text or ''):,} / {ctx.config.max_input_chars:,} characters")
    if st.button("Extract themes", type="primary", icon=":material/auto_awesome:"):
        with shown_errors(stop=True):
            session = ctx.pipeline.start(text, create_token=token)
        st.session_state.pop("create_token", None)
        st.query_params["session_id"] = str(session.id)  # the URL names the session from now on
        st.session_state["extract_now"] = str(session.id)
        st.rerun()
    st.stop()

session = require_session(ctx)
stepper(session)
with st.expander("Brain dump", expanded=not session.brain_dump.themes):
    st.text(session.brain_dump.raw_content)

if not session.brain_dump.themes:
    auto = st.session_state.pop("extract_now", None) == str(session.id)  # straight after "Extract themes" on the form
    clicked = st.button("Extract themes", type="primary", icon=":material/auto_awesome:")
    if (auto or clicked) and run_step("Extracting themes…", "Themes found", lambda: ctx.pipeline.extract_themes(session.id),
                                      saved_note="Your brain dump is saved; try again when ready."):
        st.rerun()
    st.stop()

st.markdown("**Pick the theme to develop**")
themes = session.brain_dump.themes
chosen_id = (session.selected_theme or {}).get("id")
ids = [t["id"] for t in themes]
pick = st.radio("Theme", ids, index=ids.index(chosen_id) if chosen_id in ids else 0, label_visibility="collapsed",
                format_func=lambda i: next(t["title"] for t in themes if t["id"] == i), key=f"theme-{session.id}")
theme = next(t for t in themes if t["id"] == pick)
with st.container(border=True):
    st.markdown(f"**{theme['title']}** · _{theme.get('angle', '')}_")
    st.write(theme.get("summary", ""))
    for point in theme.get("key_points", []):
        st.markdown(f"- {point}")

left, right = st.columns([1, 1])
with left:
    next_button("Use this theme → Research", "research", session.id, lambda: ctx.pipeline.choose_theme(session.id, pick))
with right:
    step_button("Extract themes again", ":material/refresh:", "Extracting themes…", "Themes found",
                lambda: ctx.pipeline.extract_themes(session.id), saved_note="The earlier themes are still shown.",
                primary=False)
