"""Outputs: the draft repurposed per platform, and images; without a session, standalone images."""

import streamlit as st

from lib.generate import OUTPUT_FORMAT_LABELS, OUTPUT_FORMATS
from lib.generate.formats import limit_warnings
from lib.pipeline import image_prompt
from lib.ui.context import app_context, require_session, session_id_param, shown_errors
from lib.ui.image_grid import image_form, image_grid
from lib.ui.nav import stepper
from lib.ui.steps import needs, step_button

ctx = app_context()
st.title("Outputs")

if session_id_param() is None:
    st.caption("No session is open: images made here are standalone. Open a session to repurpose its draft.")
    images = ctx.images
    if image_form(images, key="standalone"):
        st.rerun()
    st.subheader("Standalone images")
    with shown_errors():
        image_grid(images, images.standalone(), key="standalone")
    st.stop()

session = require_session(ctx)
stepper(session)
if not session.current_draft:
    needs("draft", "Write the draft first: outputs are made from it.", session.id)

formats = st.multiselect("Formats", OUTPUT_FORMATS, default=[f for f in OUTPUT_FORMATS if f not in session.current_outputs]
                         or list(OUTPUT_FORMATS), format_func=OUTPUT_FORMAT_LABELS.get, key=f"formats-{session.id}")
step_button("Generate outputs", ":material/auto_awesome:", "Repurposing the draft…", "Outputs saved",
            lambda: ctx.pipeline.outputs(session.id, formats), saved_note="Your draft and earlier outputs are saved.")

outputs = {kind: session.current_outputs[kind] for kind in OUTPUT_FORMATS if kind in session.current_outputs}
if outputs:
    tabs = st.tabs([OUTPUT_FORMAT_LABELS.get(t, t) for t in outputs])
    for tab, (kind, out) in zip(tabs, outputs.items()):
        with tab:
            st.caption(f"Version {out.version} · {len(out.content):,} characters"
                       f"{' · edited' if out.metadata.get('edited') else ''}")
            text = st.text_area("Edit", out.content, height=260, key=f"out-{session.id}-{kind}-{out.version}")
            for warning in limit_warnings(kind, text):
                st.warning(warning, icon=":material/straighten:")
            left, right = st.columns(2)
            if left.button("Save edit", key=f"save-{kind}", icon=":material/save:", disabled=text == out.content):
                with shown_errors():
                    ctx.pipeline.edit_output(session.id, kind, text)
                    st.rerun()
            right.download_button("Download", out.content, file_name=f"{kind}.txt", key=f"dl-{kind}",
                                  icon=":material/download:")
            st.code(out.content, language=None, wrap_lines=True)  # its copy button copies the text

st.divider()
st.subheader("Images")
images = ctx.images
if image_form(images, session_id=session.id, prompt=image_prompt(session), key=f"img-{session.id}"):
    st.rerun()
with shown_errors():
    image_grid(images, images.for_session(session.id), key=f"grid-{session.id}")
