"""Image widgets shared by Outputs, History and Gallery: the form, the thumbnail grid, the full-size view."""

from __future__ import annotations

import streamlit as st

from lib.errors import AppError
from lib.generate import ASPECT_RATIOS, DEFAULT_ASPECT_RATIO
from lib.generate.base import MAX_IMAGE_PROMPT
from lib.images import ImageRecord, Images
from lib.ui.clock import local_time
from lib.ui.context import app_context
from lib.ui.image_jobs import start_image
from lib.ui.shown_errors import shown_errors


def image_form(images: Images, *, session_id=None, prompt: str = "", key: str = "image") -> bool:
    """Prompt, negative prompt, model, ratio → an image job (or, without workers for images, the image made here).
    True when something was started or made (the caller reruns to show it); bad input is said at once."""
    generator = images.generator
    if generator.images_off:
        st.info(generator.images_off, icon=":material/hide_image:")
        return False
    with st.form(f"{key}-form", border=True):
        text = st.text_area("Prompt", prompt[:MAX_IMAGE_PROMPT], key=f"{key}-prompt", height=100,
                            max_chars=MAX_IMAGE_PROMPT)
        negative = st.text_input("Negative prompt", key=f"{key}-negative", placeholder="What to leave out")
        left, right = st.columns(2)
        model = left.selectbox("Model", generator.image_choices, key=f"{key}-model")
        ratio = right.selectbox("Aspect ratio", ASPECT_RATIOS, index=ASPECT_RATIOS.index(DEFAULT_ASPECT_RATIO),
                                key=f"{key}-ratio")
        submitted = st.form_submit_button("Generate image", type="primary", icon=":material/image:")
    if not submitted:
        return False
    ctx = app_context()
    if ctx.config.image_jobs:
        with shown_errors():
            start_image(ctx, images.request(text, negative, model, ratio, session_id))
            return True
        return False
    return _made_here(images, text, negative, model, ratio, session_id)


def _made_here(images: Images, text: str, negative: str, model: str, ratio: str, session_id) -> bool:
    """Supabase Storage without a worker key: the page makes the image with the signed-in user's token."""
    with st.status("Generating the image…") as status:
        try:
            record = images.generate(text, negative, model, ratio, session_id)
        except AppError as exc:
            status.update(label="Image generation failed", state="error", expanded=True)
            st.error(str(exc), icon=":material/error:")
            return False
        if record.uploaded:
            status.update(label="Image saved", state="complete")
        else:
            status.update(label="Image kept locally: the upload failed", state="error", expanded=True)
            st.warning(f"{record.upload_error} The image is kept on this server; use Retry upload below.")
    return True


MISSING = ("This image's file is missing from storage. Its prompt and settings are kept: use Regenerate to make a "
           "new one, or Delete to remove the entry.")


@st.dialog("Image", width="large")
def full_size(images: Images, record: ImageRecord) -> None:
    if images.missing(record):
        st.warning(MISSING, icon=":material/broken_image:")
        st.markdown(f"**Prompt:** {record.prompt}")
        return
    with shown_errors(stop=True):
        st.image(images.full_source(record), caption=f"{record.width}×{record.height} · {record.aspect_ratio}")
    st.markdown(f"**Prompt:** {record.prompt}")
    if record.negative_prompt:
        st.markdown(f"**Negative prompt:** {record.negative_prompt}")
    st.caption(f"{record.model_used} · {record.file_size or 0:,} bytes · "
               f"{local_time(record.created_at):%Y-%m-%d %H:%M}")
    st.download_button("Download PNG", lambda: images.image_bytes(record), file_name=record.file_name,
                       mime=record.mime_type, icon=":material/download:", on_click="ignore")


@st.dialog("Delete this image?")
def confirm_delete(images: Images, record: ImageRecord) -> None:
    """Deleting removes the stored files too, so it is asked first."""
    with shown_errors():
        if source := images.thumbnail_sources([record]).get(record.id):
            st.image(source, width=240)
    st.caption(record.prompt[:200] + ("…" if len(record.prompt) > 200 else ""))
    st.write("The image and its thumbnail are removed from storage. This cannot be undone; download it first "
             "if you may need it.")
    yes, no = st.columns(2)
    if yes.button("Delete image", type="primary", icon=":material/delete:"):
        with shown_errors(stop=True):
            images.delete(record.id)
        st.toast("Image deleted", icon=":material/delete:")
        st.rerun()
    if no.button("Keep it"):
        st.rerun()


TILE_WIDTH = 300  # px; the row wraps to as many tiles as fit


@st.fragment
def image_grid(images: Images, records: list[ImageRecord], *, key: str = "grid", actions: bool = True) -> None:
    """Thumbnails only; the full image loads in the dialog. Failed uploads show from the spool with a retry.

    A fragment: View or Delete reruns only the grid. What changes the images (Regenerate, Retry upload, a confirmed
    delete) reruns the page, whose counts, exports and pager show them too.
    """
    if not records:
        st.caption("No images yet.")
        return
    try:
        sources = images.thumbnail_sources(records)  # one signing request for a private bucket, not one per image
    except AppError as exc:
        st.warning(str(exc))
        sources = {}
    with st.container(horizontal=True):
        for record in records:
            with st.container(border=True, width=TILE_WIDTH):
                _tile(images, record, sources, key, actions)


def _tile(images: Images, record: ImageRecord, sources: dict, key: str, actions: bool) -> None:
    if sources.get(record.id):
        st.image(sources[record.id], width="stretch")
    elif record.id in sources:  # known to be missing: this tile says so, the others still show
        st.warning(MISSING, icon=":material/broken_image:")
    st.caption(record.prompt[:120] + ("…" if len(record.prompt) > 120 else ""))
    if not record.uploaded:
        st.warning("Upload failed; kept on this server.", icon=":material/cloud_off:")
        if st.button("Retry upload", key=f"{key}-retry-{record.id}", icon=":material/cloud_upload:"):
            with shown_errors():
                images.retry_upload(record.id)
                st.toast("Uploaded", icon=":material/check:")
                st.rerun()
    if not actions:
        return
    # Short labels side by side, the long one on its own row: nothing is cut off in a 300 px tile.
    with st.container(horizontal=True, gap="small"):
        if st.button("View", key=f"{key}-view-{record.id}", icon=":material/open_in_full:", width="stretch"):
            full_size(images, record)
        if st.button("Delete", key=f"{key}-del-{record.id}", icon=":material/delete:", width="stretch"):
            confirm_delete(images, record)
    if st.button("Regenerate", key=f"{key}-regen-{record.id}", icon=":material/refresh:", width="stretch",
                 help="The same prompt and settings: a new image, kept beside this one"):
        ctx = app_context()
        with shown_errors():
            if ctx.config.image_jobs:
                start_image(ctx, images.regenerate_request(record.id))
                st.toast("Making a new image from the same prompt…", icon=":material/refresh:")
            else:
                with st.spinner("Generating…"):
                    images.regenerate(record.id)
            st.rerun(scope="app")
