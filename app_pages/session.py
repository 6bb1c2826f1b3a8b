"""Session detail: every saved step, its images, resume, export, delete."""

import streamlit as st

from lib.export import session_markdown, session_zip, slug
from lib.generate import OUTPUT_FORMAT_LABELS, OUTPUT_FORMATS
from lib.ui import version_views as views
from lib.ui.editing import editor_id, listed_versions, version_history
from lib.ui.clock import local_time
from lib.ui.context import app_context, app_origin
from lib.ui.session_url import require_session
from lib.ui.shown_errors import shown_errors
from lib.ui.image_grid import image_grid
from lib.ui.image_jobs import image_jobs
from lib.ui.nav import go, link, resume_key, step_indicator
from lib.ui.pager import current_cursor, pager
from lib.ui.rename import rename_control
from lib.ui.usage import session_usage_caption
from lib.wording import plural

ctx = app_context()
session = require_session(ctx.sessions)
images = ctx.images
IMAGES_PAGE = 24  # a rerun costs the same at 5 or 500 images: one page of them, counted in SQL
cursor = current_cursor(f"detail-images-{session.id}", None)
with shown_errors(stop=True):
    page_images = images.for_session(session.id, IMAGES_PAGE + 1, after=cursor)
    image_count = images.count_for_session(session.id)

title, rename = st.columns([5, 1], vertical_alignment="center")
title.title(session.title)
with rename:
    rename_control(ctx.sessions, session.id, session.title, key=f"detail-{session.id}")
st.caption(f"{step_indicator(session.status)} · started {local_time(session.created_at):%Y-%m-%d %H:%M} · "
           f"last activity {local_time(session.updated_at):%Y-%m-%d %H:%M}")
session_usage_caption(ctx, session.id)


@st.dialog("Delete this session?")
def confirm_delete() -> None:
    st.warning(f"Delete “{session.title}”, every step and its {plural(image_count, 'image')}? This cannot be undone.")
    yes, no = st.columns(2)
    if yes.button("Yes, delete it", type="primary"):
        with shown_errors(stop=True):
            images.delete_session(session.id)
        st.toast("Session deleted", icon=":material/delete:")
        go("history")
    if no.button("Keep it"):
        st.rerun()


resume, md, zipped, delete = st.columns(4, vertical_alignment="center")
with resume:
    link(resume_key(session.status), session.id, label="Resume", icon=":material/play_arrow:")
# Made when clicked (every image of the session), not on every rerun.
origin = app_origin()
md.download_button("Export Markdown", lambda: session_markdown(session, images.for_session(session.id), base_url=origin),
                   file_name=f"{slug(session.title)}.md",
                   mime="text/markdown", icon=":material/description:")
zipped.download_button("Export ZIP", lambda: session_zip(session, images.for_session(session.id), images.image_bytes),
                       file_name=f"{slug(session.title)}.zip", mime="application/zip", icon=":material/folder_zip:")
if delete.button("Delete session", icon=":material/delete:"):
    confirm_delete()

sessions = ctx.sessions


def step(label: str, icon: str, name: str, versions, render, detail, *, output_type=None, expanded=False) -> None:
    """One step of the session: every version, readable, and restorable as the newest."""
    if not versions:
        return
    kind = name if not output_type else "output"
    with st.expander(f"{label} · {plural(session.count(kind, output_type), 'version')}", icon=icon, expanded=expanded):
        version_history(f"detail-{name}-{session.id}", versions, render,
                        lambda n: sessions.restore(session.id, kind, n, editor=editor_id(), output_type=output_type),
                        detail=detail, **listed_versions(sessions, session, kind, output_type))


step("Brain dump", ":material/edit_note:", "brain_dump", session.brain_dumps, views.brain_dump, views.brain_dump_detail)
if session.selected_theme:
    st.markdown(f"**Theme:** {session.selected_theme.title} · {session.selected_theme.summary}")
step("Research", ":material/travel_explore:", "research", session.research, views.research, views.research_detail)
step("Outline", ":material/format_list_numbered:", "outline", session.outlines, views.outline, views.outline_detail)
step("Draft", ":material/article:", "draft", session.drafts, views.draft, views.draft_detail, expanded=True)
for kind in OUTPUT_FORMATS:
    step(OUTPUT_FORMAT_LABELS[kind], ":material/share:", f"output-{kind}", session.output_versions(kind), views.output,
         views.output_detail, output_type=kind)

st.subheader(f"Images ({image_count:,})")
image_jobs(ctx, session.id, key=f"detail-jobs-{session.id}")
image_grid(images, page_images[:IMAGES_PAGE], key=f"detail-{session.id}")
if image_count > IMAGES_PAGE:
    pager(f"detail-images-{session.id}",
          images.cursor_of(page_images[IMAGES_PAGE - 1]) if len(page_images) > IMAGES_PAGE else None)
