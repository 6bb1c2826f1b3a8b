"""Gallery: every image of the user, standalone ones included; thumbnails, filters, full size on demand."""

from collections import Counter

import streamlit as st

from lib.gallery import STANDALONE, GalleryFilter, gallery_choices, gallery_page
from lib.ui.clock import user_zone
from lib.ui.context import app_context
from lib.ui.shown_errors import shown_errors
from lib.ui.image_grid import image_grid
from lib.ui.pager import current_cursor, pager
from lib.ui.url_state import date_range

ctx = app_context()
st.title("Gallery")

with shown_errors(stop=True):
    choices = gallery_choices(ctx.db, ctx.user.id)
# The URL holds the label shown, so two sessions with one title are told apart.
repeated = Counter(title for _, title in choices.sessions)
titles = {str(sid): title if repeated[title] == 1 else f"{title} · {str(sid)[:8]}" for sid, title in choices.sessions}
# Each filter's key is its URL parameter, so a reload or a shared link keeps it; an unknown value is dropped.
cols = st.columns([3, 2, 1.2, 2])
session = cols[0].selectbox("Session", [None, STANDALONE, *titles], key="session", bind="query-params",
                            format_func=lambda v: "All images" if v is None else "Standalone only" if v == STANDALONE
                            else titles[v])
model = cols[1].selectbox("Model", [None, *choices.models], key="model", bind="query-params",
                          format_func=lambda v: v or "Any model")
ratio = cols[2].selectbox("Ratio", [None, *choices.aspect_ratios], key="ratio", bind="query-params",
                          format_func=lambda v: v or "Any")
dates = date_range(cols[3], "Made between")
flt = GalleryFilter(session=session, model=model, aspect_ratio=ratio,
                    date_from=dates[0] if len(dates) > 0 else None, date_to=dates[1] if len(dates) > 1 else None, zone=user_zone())

with shown_errors(stop=True):
    page = gallery_page(ctx.db, ctx.user.id, flt, current_cursor("gallery-pages", flt))
    images = ctx.images
if not page.images:
    st.info("No images match." if any([session, model, ratio, dates]) else
            "No images yet: make one on Outputs, with or without a session.", icon=":material/image_not_supported:")
    st.stop()
image_grid(images, page.images, key="gallery")
pager("gallery-pages", page.next_cursor)
