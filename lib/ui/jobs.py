"""Generation jobs on a page: start one (or join the one running), and show it live from its row: progress,
the draft growing as it streams, Cancel, and Retry after a failure. Any tab and any app server sees the same,
because all of it is read from the database."""

from __future__ import annotations

from typing import Callable

import streamlit as st

from lib.jobs.store import Job
from lib.ui.clock import local_time

WORDS = {  # step → (while it runs, when it is done)
    "themes": ("Extracting themes…", "Themes found"),
    "research": ("Researching…", "Research saved"),
    "outlines": ("Outlining…", "Outline options saved"),
    "draft": ("Writing the draft…", "Draft saved"),
    "outputs": ("Repurposing the draft…", "Outputs saved"),
}


def start_job(ctx, session_id, step: str, **extra) -> Job:
    """Queue `step` for the session with this run's generation options, or join the job already running."""
    return ctx.jobs.submit(session_id, step, {**ctx.options.model_dump(), **extra}, limit=ctx.config.jobs_per_user)[0]


def job_status(ctx, session_id, step: str, *, saved_note: str = "", then: Callable[[], None] | None = None) -> Job | None:
    """The newest job of `step` for the session, shown while it runs (live) or after it failed; None when
    there is none. `then` runs when a job this page watched has finished (before the page reruns)."""
    job = ctx.jobs.latest(session_id, step)
    if job is None:
        return None
    if job.active:
        _live(ctx, job.id, step, then)
    elif job.state == "done" and job.note:  # what the result lacks, or what offline generation did
        st.caption(f":material/info: {job.note}")
    elif job.state == "failed":
        running, _ = WORDS[step]
        kept = f"What was written is saved as version {job.result_version} (partial). " if step == "draft" and \
            job.result_version else ""
        with st.status(f"{running.rstrip('…')} failed", state="error", expanded=True):
            st.error(f"{job.error} {kept}{saved_note}".strip(), icon=":material/error:")
            if st.button("Retry", key=f"retry-{job.id}", icon=":material/refresh:", type="primary"):
                with_errors(lambda: start_job(ctx, session_id, step, **_extra(job)))
                st.rerun()
    return job


JOB_PAGE = {"themes": "create", "research": "research", "outlines": "outline", "draft": "draft", "outputs": "outputs"}


@st.fragment(run_every=2.0)
def auto_run_banner(ctx, session_id, here: str) -> None:
    """While "Auto-run the rest" goes on, every step page says where it is, links there, and can stop it."""
    from lib.ui.nav import link

    job = next((j for j in ctx.jobs.active(session_id) if j.options.get("auto")), None)
    if job is None:  # the chain ended (or was stopped): the page shows where it got to
        st.rerun(scope="app")
    with st.container(border=True):
        st.markdown(f":material/fast_forward: **Auto-run:** {WORDS[job.step][0]}")
        left, right = st.columns(2)
        if JOB_PAGE[job.step] != here:
            with left:
                link(JOB_PAGE[job.step], session_id, label="Watch it", icon=":material/visibility:")
        right.button("Stop auto-run", key=f"stop-auto-{job.id}", icon=":material/stop:",
                     on_click=ctx.jobs.cancel, args=(job.id,))


def _extra(job: Job) -> dict:
    """What a Retry starts: the job's own choices, or what the job said to retry (only the formats that failed)."""
    return {k: v for k, v in {**job.options, **job.options.get("retry", {})}.items() if k in ("formats", "auto")}


def with_errors(action: Callable[[], object]) -> None:
    from lib.ui.shown_errors import shown_errors

    with shown_errors(stop=True):
        action()


@st.fragment(run_every=1.0)
def _live(ctx, job_id, step: str, then: Callable[[], None] | None) -> None:
    job = ctx.jobs.get(job_id)
    if job is None or not job.active:
        if then is not None:
            then()
        st.rerun(scope="app")  # the result (or the failure) is the whole page's to show
    running, _ = WORDS[step]
    box = running_panel(running)
    since = local_time(job.started_at or job.created_at)
    box.caption(("Waiting for a free worker" if job.state == "queued" else f"Running since {since:%H:%M:%S}")
                + " · it goes on if you leave this page or close the tab.")
    if job.note:
        box.caption(f":material/hourglass_top: {job.note}")
    if step == "draft" and job.result_version:
        text = ctx.sessions.draft_text(job.session_id, job.result_version)
        if text:
            box.markdown(text)
            box.caption(f"{len(text.split()):,} words so far")
    if job.cancel_requested:
        box.caption("Stopping…")
    else:
        box.button("Stop", key=f"cancel-{job.id}", icon=":material/stop:", on_click=ctx.jobs.cancel, args=(job.id,))


def running_panel(label: str):
    """A status panel that keeps its spinner: used as a `with` block, st.status marks itself complete on exit,
    which would show a tick beside work that is still going. Write into it with its methods instead."""
    return st.status(label, state="running", expanded=True)
