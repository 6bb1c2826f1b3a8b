"""History: every session, newest activity first; search, filter, open, resume."""

import streamlit as st

from lib.export import user_archive
from lib.history import HistoryFilter, history_page
from lib.session import STATUSES
from lib.ui.clock import local_time, user_zone
from lib.ui.context import app_context
from lib.ui.shown_errors import shown_errors
from lib.ui.nav import link, resume_key, step_indicator
from lib.ui.pager import current_cursor, pager
from lib.ui.rename import rename_control
from lib.ui.url_state import date_range
from lib.ui.usage import sessions_usage, usage_caption
from lib.wording import plural

ctx = app_context()
title, export = st.columns([4, 1], vertical_alignment="center")
title.title("History")
export.download_button("Export everything", lambda: user_archive(ctx.sessions, ctx.images),
                       file_name="content-studio-export.zip", mime="application/zip", icon=":material/folder_zip:",
                       help="Every session (Markdown and images) and every standalone image, as one ZIP.")

# Each filter's key is its URL parameter, so a reload or a shared link keeps it.
query_col, status_col, date_col = st.columns([3, 2, 2])
query = query_col.text_input("Search", key="q", bind="query-params",
                             placeholder="Words from a title, brain dump or draft")
statuses = status_col.multiselect("Status", STATUSES, key="status", bind="query-params",
                                  format_func=lambda s: s.replace("_", " "))
dates = date_range(date_col, "Last activity between")
flt = HistoryFilter(query=query, statuses=tuple(statuses),
                    date_from=dates[0] if len(dates) > 0 else None, date_to=dates[1] if len(dates) > 1 else None, zone=user_zone())

with shown_errors(stop=True):
    page = history_page(ctx.db, ctx.user.id, flt, current_cursor("history-pages", flt))

if not page.rows:
    st.info("No sessions match." if query or statuses or dates else "No sessions yet: start one on Create.",
            icon=":material/search_off:")
    link("create", label="Start a new session", icon=":material/add:")
    st.stop()

# Local URLs are served as they are; a private Supabase bucket signs the page's thumbnails in one request.
thumbs = [r.thumbnail_path for r in page.rows if r.thumbnail_path]
signed: dict[str, str] = {}
local = ctx.config.image_store == "local"
if thumbs and not local:
    with shown_errors():
        signed = ctx.images.store.urls(thumbs)
usage = sessions_usage(ctx, [r.id for r in page.rows])  # every card's tokens in one statement
for row in page.rows:
    with st.container(border=True):
        thumb, body, actions = st.columns([1, 4, 1.3], vertical_alignment="center")
        if row.thumbnail_url and local and not ctx.images.store.exists(row.thumbnail_path):
            thumb.caption(":material/broken_image: Image file missing")
        elif row.thumbnail_url:
            thumb.image(signed.get(row.thumbnail_path, row.thumbnail_url), width="stretch")
        else:
            thumb.caption("No image")
        body.markdown(f"**{row.title}**")
        body.caption(f"{step_indicator(row.status)} · {plural(row.output_count, 'output')} · "
                     f"{plural(row.image_count, 'image')} · last activity {local_time(row.updated_at):%Y-%m-%d %H:%M} · "
                     f"started {local_time(row.created_at):%Y-%m-%d}")
        usage_caption(usage.get(row.id), body)
        with actions:
            link("session", row.id, label="Open", icon=":material/folder_open:")
            link(resume_key(row.status), row.id, label="Resume", icon=":material/play_arrow:")
            rename_control(ctx.sessions, row.id, row.title, key=f"history-{row.id}")

pager("history-pages", page.next_cursor)
