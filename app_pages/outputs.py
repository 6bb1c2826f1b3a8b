"""Outputs: the draft repurposed per platform, and images; without a session, standalone images."""

import streamlit as st

from lib.generate import OUTPUT_FORMAT_LABELS, OUTPUT_FORMATS
from lib.image_prompt import image_prompt
from lib.ui.context import app_context
from lib.ui.session_url import session_id_param
from lib.ui.shown_errors import shown_errors
from lib.ui.editing import Edit, edited_note, editor_id, listed_versions
from lib.ui.image_grid import image_form, image_grid
from lib.ui.image_jobs import image_jobs
from lib.ui.nav import link
from lib.ui.usage import step_usage_caption
from lib.ui.output_cards import output_card
from lib.ui.steps import confirm_regenerate, generate, running, step_page

OUTPUTS_IMAGES = 12
ctx = app_context()
st.title("Outputs")

if session_id_param() is None:
    st.caption("No session is open: images made here are standalone. Open a session to repurpose its draft.")
    images = ctx.images
    if image_form(images, key="standalone"):
        st.rerun()
    st.subheader("Standalone images")
    image_jobs(ctx, key="standalone-jobs")
    with shown_errors():
        image_grid(images, images.standalone(), key="standalone")
    st.stop()

session = step_page(ctx, "outputs", title=False)

sessions = ctx.sessions
current = session.current_outputs
edits = {kind: Edit(f"out-{session.id}-{kind}", current[kind]) for kind in OUTPUT_FORMATS if kind in current}


def reset_editors() -> None:
    for edit in edits.values():
        edit.reset()


if running(ctx, session, "outputs", saved_note="Your draft and earlier outputs are saved.", then=reset_editors):
    st.stop()


formats = st.multiselect("Formats", OUTPUT_FORMATS, default=[f for f in OUTPUT_FORMATS if f not in current]
                         or list(OUTPUT_FORMATS), format_func=OUTPUT_FORMAT_LABELS.get, key=f"formats-{session.id}")
label = "Regenerate outputs" if any(f in current for f in formats) else "Generate outputs"
confirm_regenerate(label, edited_note({OUTPUT_FORMAT_LABELS[f]: current.get(f) for f in formats}),
                   lambda: generate(ctx, session.id, "outputs", formats=formats),
                   key=f"generate-outputs-{session.id}", help="Earlier versions are kept.", primary=not current)

if edits:  # each format once, in the one order every screen and the export use
    tabs = st.tabs([OUTPUT_FORMAT_LABELS.get(kind, kind) for kind in edits])
    for tab, (kind, edit) in zip(tabs, edits.items()):
        with tab:
            output_card(kind, current[kind], edit, key=f"out-{session.id}-{kind}",
                        save=lambda text, base, editor, kind=kind: sessions.edit_output(session.id, kind, text,
                                                                                        base=base, editor=editor),
                        versions=session.output_versions(kind),
                        restore=lambda n, kind=kind: sessions.restore(session.id, "output", n, editor=editor_id(),
                                                                      output_type=kind),
                        listed=listed_versions(sessions, session, "output", kind))
            step_usage_caption(session.output_versions(kind))

st.divider()
st.subheader("Images")
images = ctx.images
if image_form(images, session_id=session.id, prompt=image_prompt(session), key=f"img-{session.id}"):
    st.rerun()
image_jobs(ctx, session.id, key=f"img-jobs-{session.id}")
with shown_errors():
    # The newest few: a rerun (every output edit) costs the same at 5 or 500 images; the rest are in the Gallery.
    newest = images.for_session(session.id, limit=OUTPUTS_IMAGES + 1)
    image_grid(images, newest[:OUTPUTS_IMAGES], key=f"grid-{session.id}")
    if len(newest) > OUTPUTS_IMAGES:
        st.caption(f"The newest {OUTPUTS_IMAGES} are shown here.")
        link("session", session.id, label="See all of this session's images", icon=":material/photo_library:")
