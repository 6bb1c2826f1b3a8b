"""Pages, links that keep `session_id` in the URL, the step indicator.

Streamlit's own menu drops query parameters, so navigation is hidden and
these links carry `session_id` themselves (`query_params`, Streamlit >= 1.52).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from lib import steps
from lib.steps import PIPELINE, STATUSES


@dataclass(frozen=True)
class PageInfo:
    key: str
    path: str
    title: str
    icon: str


PAGES = {p.key: p for p in [
    PageInfo("home", "app_pages/home.py", "Home", ":material/home:"),
    *(PageInfo(step.key, f"app_pages/{step.key}.py", step.title, step.icon) for step in steps.STEPS),
    PageInfo("history", "app_pages/history.py", "History", ":material/history:"),
    PageInfo("session", "app_pages/session.py", "Session", ":material/folder_open:"),
    PageInfo("gallery", "app_pages/gallery.py", "Gallery", ":material/photo_library:"),
    PageInfo("usage", "app_pages/usage.py", "Usage", ":material/data_usage:"),
]}


def navigation() -> st.navigation:
    pages = [st.Page(p.path, title=p.title, icon=p.icon, url_path=p.key, default=p.key == "home") for p in PAGES.values()]
    return st.navigation(pages, position="hidden")


def _params(session_id) -> dict:
    return {"session_id": str(session_id)} if session_id else {}


def link(key: str, session_id=None, *, label: str | None = None, icon: str | None = None, disabled: bool = False) -> None:
    page = PAGES[key]
    st.page_link(page.path, label=label or page.title, icon=icon or page.icon, query_params=_params(session_id),
                 disabled=disabled)


def go(key: str, session_id=None) -> None:
    st.switch_page(PAGES[key].path, query_params=_params(session_id))


def resume_key(status: str) -> str:
    return steps.resume_step(status).key


def sidebar_menu(session_id=None, continue_title: str | None = None) -> None:
    """Links that keep the open session (or, with `continue_title`, the last one this tab opened); each page says
    so itself when its step is not reached yet."""
    if continue_title:
        link("session", session_id, label=f"Continue: {continue_title[:40]}", icon=":material/play_arrow:")
    link("home")
    link("history")
    link("gallery")
    link("usage")
    st.caption("Pipeline")
    for key in PIPELINE:
        label = "Outputs · images" if key == "outputs" and not session_id else None
        link(key, session_id, label=label)
    if session_id:
        link("create", None, label="New session", icon=":material/add:")


def stepper(session) -> None:
    """The session's five steps as links; done and current ones open, later ones greyed out."""
    open_steps = steps.reached(session.status)
    cols = st.columns(len(PIPELINE))
    for i, (col, key) in enumerate(zip(cols, PIPELINE)):
        mark = "✓ " if steps.done(session.status, key) else ""
        with col:
            link(key, session.id, label=f"{mark}{i + 1}. {PAGES[key].title}", disabled=key not in open_steps)


def status_label(status: str) -> str:
    return f"{STATUSES.index(status) + 1}/{len(STATUSES)} · {status.replace('_', ' ')}"


def step_indicator(status: str) -> str:
    """e.g. '●●●○○○ draft': how far along the pipeline a session is."""
    done = STATUSES.index(status) + 1
    return "●" * done + "○" * (len(STATUSES) - done) + f" {status.replace('_', ' ')}"
