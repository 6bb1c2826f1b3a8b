"""Shared pieces of the pipeline pages: generate-with-progress, the 'previous step first' notice."""

from __future__ import annotations

from typing import Callable

import streamlit as st

from lib import steps
from lib.ui.session_url import require_session
from lib.ui.shown_errors import shown_errors
from lib.jobs.store import Job
from lib.ui.jobs import auto_run_banner, job_status, start_job
from lib.ui.nav import go, link, stepper
from lib.ui.rename import rename_control


def generate(ctx, session_id, step: str, **extra) -> None:
    """Start (or join) the step's job and rerun: the page then shows it running, from its row."""
    with shown_errors(stop=True):
        start_job(ctx, session_id, step, **extra)
    st.rerun()


def step_button(ctx, session_id, label: str, icon: str, step: str, *, primary: bool = True,
                help: str | None = None, **extra) -> None:
    """A button that starts one generation as a job; it runs on a worker whatever this tab does next."""
    if st.button(label, type="primary" if primary else "secondary", icon=icon, help=help):
        generate(ctx, session_id, step, **extra)


# A step's first generation: its button.
START = {
    "themes": ("Extract themes", ":material/auto_awesome:"),
    "research": ("Generate research", ":material/travel_explore:"),
    "outlines": ("Generate outline options", ":material/format_list_numbered:"),
    "draft": ("Write the draft", ":material/edit:"),
}


def require_result(ctx, session, step: str, current, saved_note: str) -> None:
    """No result of `step` yet: show its job, or its failure, or the button that starts it; the page stops."""
    if current is None:
        label, icon = START[step]
        first_run(ctx, session, label, icon, step, saved_note=saved_note)
        st.stop()


def stop_while_running(ctx, session, step: str, saved_note: str, edit=None) -> None:
    """While `step` regenerates, the page shows only its job; when it ends, the editor shows the new version."""
    if running(ctx, session, step, saved_note=saved_note, then=edit.reset if edit is not None else None):
        st.stop()


def first_run(ctx, session, label: str, icon: str, step: str, *, saved_note: str = "", **extra) -> None:
    """Before a step has a result: its job running, or its failure with Retry, or the button that starts it."""
    job = _watch(ctx, session, step, saved_note, None)
    if job is None or job.state in ("done", "cancelled"):
        step_button(ctx, session.id, label, icon, step, **extra)


def start_research(ctx, session) -> None:
    """One click per step: moving on from a theme starts its research, unless research for it exists."""
    current = ctx.sessions.get(session.id)
    research = current.current_research
    if research is None or research.theme.id != current.selected_theme.id:
        start_job(ctx, session.id, "research")


def start_outlines(ctx, session) -> None:
    """Moving on from research opens Outline and starts its options, unless options exist already."""
    ctx.pipeline.complete(session.id, "research")
    if session.current_outline is None:
        start_job(ctx, session.id, "outlines")


def start_draft(ctx, session, commit: Callable[[], object]) -> None:
    """Moving on from the outline saves the pick, opens Draft and starts writing, unless a draft exists."""
    commit()
    ctx.pipeline.complete(session.id, "outline")
    if session.current_draft is None:
        start_job(ctx, session.id, "draft")


def start_outputs(ctx, session) -> None:
    """Moving on from the draft starts every output format, unless outputs exist already."""
    if not session.current_outputs:
        start_job(ctx, session.id, "outputs")


def running(ctx, session, step: str, *, saved_note: str = "", then: Callable[[], None] | None = None) -> bool:
    """Show the step's job when it runs or failed; True while it runs (the page then shows only that)."""
    job = _watch(ctx, session, step, saved_note, then)
    return job is not None and job.active


def _watch(ctx, session, step: str, saved_note: str, then) -> Job | None:
    job = job_status(ctx, session.id, step, saved_note=saved_note, then=then)
    # A job that finished after this run read the session (its finish marks the session changed at
    # `finished_at`): the page's copy is older than the database's, so run again to show the result.
    if job is not None and job.state == "done" and job.finished_at > session.updated_at:
        if then is not None:
            then()
        st.rerun()
    return job


def confirm_regenerate(label: str, edited: str | None, run: Callable[[], object], *, key: str | None = None,
                       help: str = "The current version is kept.", primary: bool = False) -> None:
    """A regenerate button that, when the current version holds the user's edits, says so and asks first."""
    flag = f"regenerate-confirmed:{key or label}"
    if st.session_state.pop(flag, False):
        run()
        return
    if st.button(label, icon=":material/refresh:", key=key, help=help, type="primary" if primary else "secondary"):
        if edited:
            _confirm(label, edited, flag)
        else:
            run()


@st.dialog("Regenerate?")
def _confirm(label: str, edited: str, flag: str) -> None:
    st.write(edited)
    go_on, cancel = st.columns(2)
    if go_on.button(label, type="primary", icon=":material/refresh:"):
        st.session_state[flag] = True
        st.rerun()
    if cancel.button("Cancel"):
        st.rerun()


def needs(session, key: str) -> None:
    """Stop with a link back when step `key` lacks what an earlier step provides (the rule: lib/steps.py)."""
    step = steps.unmet(session, key)
    if step is not None:
        st.info(step.missing, icon=":material/info:")
        link(step.back, session.id, label=f"Go to {steps.BY_KEY[step.back].title}")
        st.stop()


def next_button(label: str, target: str, session_id, save: Callable[[], object] | None = None) -> None:
    """The primary "→ next step" button: save the user's choice (a clear error stops here), then open `target`."""
    if st.button(label, type="primary", icon=":material/arrow_forward:"):
        if save is not None:
            with shown_errors(stop=True):
                save()
        go(target, session_id)


def session_header(ctx, session, here: str = "") -> None:
    """The session's title with a way to rename it, over its step links (and an auto-run's progress)."""
    title, rename = st.columns([5, 1], vertical_alignment="center")
    title.subheader(session.title)
    with rename:
        rename_control(ctx.sessions, session.id, session.title, key=str(session.id))
    stepper(session)
    if any(job.options.get("auto") for job in ctx.jobs.active(session.id)):  # polled only while one runs
        auto_run_banner(ctx, session.id, here)


def step_page(ctx, key: str, *, title: bool = True):
    """A pipeline page's top: its title, the session from the URL (or a friendly stop), the step links; then a
    stop with a link back when an earlier step is missing."""
    if title:
        st.title(steps.BY_KEY[key].title)
    session = require_session(ctx.sessions)
    session_header(ctx, session, key)
    needs(session, key)
    return session
