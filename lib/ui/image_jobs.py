"""Images being made, on the pages that show images: one tile per running image job (live from its row, in any
tab), and a failed one with its reason, Retry and Dismiss. The finished image then appears in the grid."""

from __future__ import annotations

import streamlit as st

from lib.images import ImageRequest
from lib.jobs.store import Job
from lib.ui.clock import local_time
from lib.ui.jobs import running_panel
from lib.ui.shown_errors import shown_errors


def start_image(ctx, request: ImageRequest) -> Job:
    """Queue the picture (or join the same one already being made: a double click, a second tab)."""
    return ctx.jobs.submit(request.session_id, "image", request.job_options(), limit=ctx.config.jobs_per_user)[0]


def image_jobs(ctx, session_id=None, *, everywhere: bool = False, key: str = "image-jobs") -> None:
    """Images being made for this session (None: standalone ones; `everywhere`: all of the user's)."""
    with shown_errors():
        jobs = ctx.jobs.images(session_id, everywhere=everywhere)
        running = [job.id for job in jobs if job.active]
        if running:
            _running(ctx, session_id, everywhere, tuple(running))
        for job in jobs:
            if job.state == "failed":
                _failed(ctx, job, key)


def _prompt(job: Job) -> str:
    prompt = job.options.get("prompt", "")
    return prompt[:160] + ("…" if len(prompt) > 160 else "")


@st.fragment(run_every=1.0)
def _running(ctx, session_id, everywhere: bool, watched: tuple) -> None:
    jobs = ctx.jobs.images(session_id, everywhere=everywhere)
    if tuple(job.id for job in jobs if job.active) != watched:  # one finished (or another started): show it
        st.rerun(scope="app")
    for job in jobs:
        if not job.active:
            continue
        box = running_panel("Making an image…" if job.state == "running" else "Image waiting for a free worker…")
        box.caption(_prompt(job))
        box.caption(f"Started {local_time(job.created_at):%H:%M:%S} · it goes on if you leave this page.")
        if job.note:
            box.caption(f":material/hourglass_top: {job.note}")
        if job.state == "queued":
            box.button("Stop", key=f"image-cancel-{job.id}", icon=":material/stop:",
                       on_click=ctx.jobs.cancel, args=(job.id,))


def _failed(ctx, job: Job, key: str) -> None:
    with st.container(border=True):
        st.error(f"An image could not be made: {job.error}", icon=":material/broken_image:")
        st.caption(f"Prompt: {_prompt(job)}")
        retry, dismiss = st.columns(2)
        if retry.button("Retry", key=f"{key}-retry-{job.id}", icon=":material/refresh:", type="primary"):
            with shown_errors(stop=True):
                start_image(ctx, ImageRequest.from_job(job.session_id, job.options))
                ctx.jobs.dismiss(job.id)
            st.rerun()
        dismiss.button("Dismiss", key=f"{key}-dismiss-{job.id}", icon=":material/close:",
                       on_click=ctx.jobs.dismiss, args=(job.id,))
