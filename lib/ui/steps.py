"""Shared pieces of the pipeline pages: generate-with-progress, the 'previous step first' notice."""

from __future__ import annotations

from typing import Callable

import streamlit as st

from lib import steps
from lib.errors import AppError
from lib.ui.session_url import require_session
from lib.ui.shown_errors import shown_errors
from lib.ui.nav import go, link, stepper
from lib.ui.rename import rename_control


def run_step(label: str, done_label: str, work: Callable[[], object], *, saved_note: str) -> bool:
    """Run one generation inside st.status. On failure show why, keep everything saved so far, return False."""
    with st.status(label, expanded=True) as status:
        try:
            work()
        except AppError as exc:
            status.update(label=f"{label.rstrip('…')} failed", state="error", expanded=True)
            st.error(f"{exc} {saved_note}", icon=":material/error:")
            return False
        status.update(label=done_label, state="complete", expanded=False)
    st.toast(done_label, icon=":material/check:")
    return True


def step_button(label: str, icon: str, running: str, done: str, work: Callable[[], object], *, saved_note: str,
                primary: bool = True, help: str | None = None) -> None:
    """A button that runs one generation with progress and, when it succeeds, reruns to show the saved result."""
    if st.button(label, type="primary" if primary else "secondary", icon=icon, help=help):
        if run_step(running, done, work, saved_note=saved_note):
            st.rerun()


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


def session_header(ctx, session) -> None:
    """The session's title with a way to rename it, over its step links."""
    title, rename = st.columns([5, 1], vertical_alignment="center")
    title.subheader(session.title)
    with rename:
        rename_control(ctx.sessions, session.id, session.title, key=str(session.id))
    stepper(session)


def step_page(ctx, key: str, *, title: bool = True):
    """A pipeline page's top: its title, the session from the URL (or a friendly stop), the step links; then a
    stop with a link back when an earlier step is missing."""
    if title:
        st.title(steps.BY_KEY[key].title)
    session = require_session(ctx.sessions)
    session_header(ctx, session)
    needs(session, key)
    return session
