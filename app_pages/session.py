"""Session detail: every saved step, its images, resume, export, delete."""

import streamlit as st

from lib.export import session_markdown, session_zip, slug
from lib.generate import OUTPUT_FORMAT_LABELS, OUTPUT_FORMATS
from lib.ui import version_views as views
from lib.ui.editing import editor_id, version_history
from lib.ui.clock import local_time
from lib.ui.context import app_context, app_origin
from lib.ui.session_url import require_session
from lib.ui.shown_errors import shown_errors
from lib.ui.image_grid import image_grid
from lib.ui.image_jobs import image_jobs
from lib.ui.nav import go, link, resume_key, step_indicator
from lib.ui.rename import rename_control
from lib.ui.usage import session_usage_caption

ctx = app_context()
session = require_session(ctx.sessions)
images = ctx.images
with shown_errors(stop=True):
    session_images = images.for_session(session.id)

title, rename = st.columns([5, 1], vertical_alignment="center")
title.title(session.title)
with rename:
    rename_control(ctx.sessions, session.id, session.title, key=f"detail-{session.id}")
st.caption(f"{step_indicator(session.status)} · started {local_time(session.created_at):%Y-%m-%d %H:%M} · "
           f"last activity {local_time(session.updated_at):%Y-%m-%d %H:%M}")
session_usage_caption(ctx, session.id)


@st.dialog("Delete this session?")
def confirm_delete() -> None:
    st.warning(f"Delete “{session.title}”, every step and its {len(session_images)} images? This cannot be undone.")
    yes, no = st.columns(2)
    if yes.button("Yes, delete it", type="primary"):
        with shown_errors(stop=True):
            images.delete_session(session.id)
        st.toast("Session deleted", icon=":material/delete:")
        go("history")
    if no.button("Keep it"):
        st.rerun()


resume, md, zipped, delete = st.columns(4)
with resume:
    link(resume_key(session.status), session.id, label="Resume", icon=":material/play_arrow:")
md.download_button("Export Markdown", session_markdown(session, session_images, base_url=app_origin()),
                   file_name=f"{slug(session.title)}.md",
                   mime="text/markdown", icon=":material/description:")
zipped.download_button("Export ZIP", lambda: session_zip(session, session_images, images.image_bytes),
                       file_name=f"{slug(session.title)}.zip", mime="application/zip", icon=":material/folder_zip:")
if delete.button("Delete session", icon=":material/delete:"):
    confirm_delete()

sessions = ctx.sessions


def step(label: str, icon: str, name: str, versions, render, detail, *, output_type=None, expanded=False) -> None:
    """One step of the session: every version, readable, and restorable as the newest."""
    if not versions:
        return
    with st.expander(f"{label} · {len(versions)} version{'s' if len(versions) != 1 else ''}", icon=icon,
                     expanded=expanded):
        version_history(f"detail-{name}-{session.id}", versions, render,
                        lambda n: sessions.restore(session.id, name if not output_type else "output", n,
                                                   editor=editor_id(), output_type=output_type),
                        detail=detail)


step("Brain dump", ":material/edit_note:", "brain_dump", session.brain_dumps, views.brain_dump, views.brain_dump_detail)
if session.selected_theme:
    st.markdown(f"**Theme:** {session.selected_theme.title} · {session.selected_theme.summary}")
step("Research", ":material/travel_explore:", "research", session.research, views.research, views.research_detail)
step("Outline", ":material/format_list_numbered:", "outline", session.outlines, views.outline, views.outline_detail)
step("Draft", ":material/article:", "draft", session.drafts, views.draft, views.draft_detail, expanded=True)
for kind in OUTPUT_FORMATS:
    step(OUTPUT_FORMAT_LABELS[kind], ":material/share:", f"output-{kind}", session.output_versions(kind), views.output,
         views.output_detail, output_type=kind)

st.subheader(f"Images ({len(session_images)})")
image_jobs(ctx, session.id, key=f"detail-jobs-{session.id}")
image_grid(images, session_images, key=f"detail-{session.id}")
