"""Gallery: every image of the user, standalone ones included; thumbnails, filters, full size on demand."""

import streamlit as st

from lib.gallery import STANDALONE, GalleryFilter, gallery_choices, gallery_page
from lib.ui.context import app_context, shown_errors
from lib.ui.image_grid import image_grid
from lib.ui.pager import current_cursor, pager
from lib.ui.url_state import dates_from, dates_note, dates_to, from_url, one_of, to_url

ctx = app_context()
st.title("Gallery")

with shown_errors(stop=True):
    choices = gallery_choices(ctx.db, ctx.user.id)
titles = {str(sid): title for sid, title in choices.sessions}
session_options = [None, STANDALONE, *titles]
from_url("gallery-session", "session", one_of(session_options))
from_url("gallery-model", "model", one_of(choices.models))
from_url("gallery-ratio", "ratio", one_of(choices.aspect_ratios))
from_url("gallery-dates", "date", dates_from)
cols = st.columns([3, 2, 1.2, 2])
session = cols[0].selectbox("Session", session_options, key="gallery-session",
                            format_func=lambda v: "All images" if v is None else "Standalone only" if v == STANDALONE
                            else titles[v])
model = cols[1].selectbox("Model", [None, *choices.models], key="gallery-model", format_func=lambda v: v or "Any model")
ratio = cols[2].selectbox("Ratio", [None, *choices.aspect_ratios], key="gallery-ratio", format_func=lambda v: v or "Any")
dates = cols[3].date_input("Made between", key="gallery-dates")
dates_note()
to_url({"session": session, "model": model, "ratio": ratio, "date": dates_to(dates)})
flt = GalleryFilter(session=session, model=model, aspect_ratio=ratio,
                    date_from=dates[0] if len(dates) > 0 else None, date_to=dates[1] if len(dates) > 1 else None)

with shown_errors(stop=True):
    page = gallery_page(ctx.db, ctx.user.id, flt, current_cursor("gallery-pages", flt))
    images = ctx.images
if not page.images:
    st.info("No images match." if any([session, model, ratio, dates]) else
            "No images yet: make one on Outputs, with or without a session.", icon=":material/image_not_supported:")
    st.stop()
image_grid(images, page.images, columns=3, key="gallery")
pager("gallery-pages", page.next_cursor)
