"""Editors that save what the user types the moment Streamlit receives it.

A widget's change (a text area losing focus or Ctrl+Enter, a tick, a pick)
runs a callback before the page's script, which saves through the session
hook with the version the screen showed as its base (`lib.versions`). So a
button clicked right after typing, a sidebar link, a reload: the edit is
already in Postgres. This tab's widget state holds only what the browser
sent and the base it was loaded from; the database holds the text.

Each tab is one editor (`editor_id`): its own edits update its own version
in place, anything else starts a new version, and a save that finds a newer
version keeps both and says so.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any, Callable

import streamlit as st

from lib.errors import AppError, DatabaseError
from lib.ui.clock import local_time
from lib.ui.shown_errors import shown_errors
from lib.session_data import Versioned
from lib.versions import Base, SaveResult

log = logging.getLogger(__name__)


def editor_id() -> uuid.UUID:
    """This browser tab: a new one (or a reload) is another editor."""
    return st.session_state.setdefault("editor_id", uuid.uuid4())


@dataclass
class _State:
    base: Base
    epoch: int = 0
    saved: SaveResult | None = None
    error: str | None = None
    values: Any = None  # a snapshot some editors keep (the outline's options as last saved here)
    # The last save that found a newer version: what this tab showed then, and the version its text became.
    # Kept until dismissed (or a fresh view), so a save right after it cannot hide the news.
    conflict_from: int | None = None
    conflict_version: int | None = None
    # The save that failed (a database blip): "Save again" runs it with what the widgets hold then.
    retry: Callable[[Base, uuid.UUID], SaveResult] | None = None


class Edit:
    """One editor on one page: its widget keys, the version it is based on, its last save."""

    def __init__(self, name: str, head: Versioned):
        self.name = name
        self.head = head
        self._state_key = f"{name}:edit"
        if self._state_key not in st.session_state:
            st.session_state[self._state_key] = _State(head.base)

    @property
    def state(self) -> _State:
        return st.session_state[self._state_key]

    def key(self, part: str) -> str:
        return f"{self.name}@{self.state.epoch}:{part}"

    def load(self, values: dict[str, Any], *, snapshot: Any = None) -> bool:
        """Show the newest saved version when this tab has no widget state for it (first view, after a reset).

        `values` are the widgets' values by part; the first part's widget is always on the page. Returns True
        when the widgets were (re)loaded.
        """
        first = self.key(next(iter(values)))
        if first in st.session_state:
            return False
        for part, value in values.items():
            st.session_state[self.key(part)] = value
        self.state.base, self.state.saved, self.state.error, self.state.retry = self.head.base, None, None, None
        self.state.conflict_from = self.state.conflict_version = None
        self.state.values = snapshot
        return True

    def value(self, part: str, default: Any) -> Any:
        """A widget that may have been dropped (not shown in the last run) comes back with `default`."""
        return st.session_state.setdefault(self.key(part), default)

    def reset(self) -> None:
        """After this tab regenerated or restored: the widgets show the new newest version on the next run."""
        self.state.epoch += 1

    def commit(self, write: Callable[[Base, uuid.UUID], SaveResult]) -> SaveResult:
        """Save with this editor's base now (errors are the caller's to show)."""
        result = write(self.state.base, editor_id())
        if result.conflict:
            self.state.conflict_from, self.state.conflict_version = self.state.base.version, result.version
        self.state.base, self.state.saved, self.state.error, self.state.retry = result.base, result, None, None
        return result

    def save(self, write: Callable[[Base, uuid.UUID], SaveResult]) -> None:
        """A widget callback: save with this editor's base; remember the result (or the reason it failed)."""
        try:
            self.commit(write)
        except DatabaseError as exc:  # the database is away for a moment: the same save works later
            self.state.error, self.state.retry = f"Your last change is not saved yet. {exc}", write
        except AppError as exc:  # the input itself cannot be saved: it needs a change, not a retry
            self.state.error, self.state.retry = str(exc), None
        except Exception:  # a callback's exception would reach the screen with its traceback
            log.exception("saving %s failed", self.name)
            self.state.error, self.state.retry = ("Your last change could not be saved. It is still on this "
                                                  "screen; try again in a moment."), write

    def _dismiss_conflict(self) -> None:
        self.state.conflict_from = self.state.conflict_version = None

    def status(self, noun: str = "version", extra: str = "") -> None:
        """The saved-state line under an editor, and what changed elsewhere."""
        state, head = self.state, self.head
        if state.error and state.retry is None:
            st.error(state.error, icon=":material/error:")
        elif state.error:
            st.warning(state.error, icon=":material/cloud_off:")
            st.button("Save again", key=self.key("save-again"), on_click=self.save, args=(state.retry,),
                      icon=":material/cloud_upload:", type="primary")
        saved = state.saved
        if state.conflict_version is not None and state.conflict_version == head.version:
            st.warning(f"This {noun} was changed elsewhere (another tab or window) while you edited "
                       f"v{state.conflict_from}. Your text is kept as **v{state.conflict_version}**, the newest; "
                       "the other one is in Versions.", icon=":material/call_split:")
            st.button("Got it", key=self.key("conflict-seen"), on_click=self._dismiss_conflict)
        if head.base != state.base:
            what = (f"A newer {noun}, v{head.version}, was" if head.version != state.base.version
                    else f"v{head.version} was changed and")
            st.info(f"{what} saved elsewhere (another tab or window) at {local_time(head.updated_at):%H:%M}. This screen shows "
                    f"what v{state.base.version} held before; if you edit it, both are kept.",
                    icon=":material/sync_problem:")
            st.button(f"Show v{head.version}", key=self.key("show-newest"), on_click=self.reset,
                      icon=":material/sync:")
        elif not state.error:
            when = saved.updated_at if saved else head.updated_at
            mark = "Saved" if head.edited or saved else "Partial (cut off)" if head.source == "partial" else "Generated"
            st.caption(f":material/cloud_done: {mark} · v{head.version} · {local_time(when):%H:%M}{' · ' + extra if extra else ''}")


def edited_note(current: dict[str, Versioned | None]) -> str | None:
    """What a regenerate would put a new version over: the user's edits, by name (None when there are none)."""
    mine = [f"{name} (v{v.version})" for name, v in current.items() if v is not None and v.edited]
    if not mine:
        return None
    what = ", ".join(mine)
    return (f"{what[0].upper()}{what[1:]} {'holds' if len(mine) == 1 else 'hold'} your edits. Regenerating adds "
            "a new version on top; your edits stay in Versions and can be restored.")


def version_label(v: Versioned) -> str:
    """e.g. 'v3 · edited here · 2026-11-25 12:04' (here: in this tab). Nothing in it changes when the newest
    version is edited in place, so the version picker stays on the version the user chose."""
    if v.source == "edited":
        who = "edited here" if v.editor == editor_id() else "edited"
        if v.restored_from:
            who = f"restored from v{v.restored_from}"
        elif v.conflict:
            who += f" (from v{v.based_on}, changed elsewhere)"
    else:
        who = v.source
    return f"v{v.version} · {who} · {local_time(v.created_at):%Y-%m-%d %H:%M}"


def listed_versions(sessions, session, step: str, output_type: str | None = None) -> dict[str, Any]:
    """`version_history`'s count and loader for a page's view of a session (older versions are only listed)."""
    return {"count": session.count(step, output_type),
            "load": lambda n: sessions.version(session.id, step, n, output_type)}


def version_history(name: str, versions: list[Versioned], render: Callable[[Versioned], None],
                    restore: Callable[[int], SaveResult], *, detail: Callable[[Versioned], str] = lambda v: "",
                    then: Callable[[], None] | None = None, count: int | None = None,
                    load: Callable[[int], Versioned | None] | None = None, shown_above: bool = False) -> None:
    """Every version of a step: pick one to read it, restore it as the newest (nothing is replaced).

    `versions` may list only the newest ones, with `count` the number there are and `load(n)` reading any
    version whole (a page's view of the session holds only the newest version's text).
    `shown_above`: the page shows the newest version above (its editor), so it is not shown twice."""

    if not versions:
        return
    by_number = {v.version: v for v in versions}
    newest = versions[-1].version
    numbers = list(range(max(count or 0, newest), 0, -1)) if load else sorted(by_number, reverse=True)
    # Labels made here, in the run: a label reads this tab's editor id from the session state.
    labels = {n: version_label(by_number[n]) if n in by_number else f"v{n} · older" for n in numbers}
    if st.session_state.get(f"{name}:newest") != newest:  # a new version (regenerated, edited): show it
        st.session_state[f"{name}:newest"] = st.session_state[f"{name}:history"] = newest
    pick = st.selectbox("Version", numbers, key=f"{name}:history", format_func=labels.__getitem__)
    if pick != newest and st.button(f"Restore v{pick} as the newest", key=f"{name}:restore-{pick}",
                                    icon=":material/restore:", help="A new version with this content; nothing is replaced."):
        with shown_errors():
            saved = restore(pick)
            if then:
                then()
            st.toast(f"v{pick} restored as v{saved.version}", icon=":material/restore:")
            st.rerun()
    if shown_above and pick == newest:
        st.caption("The newest version is the one shown above; pick an earlier one to read it.")
        return
    shown = by_number.get(pick)
    if (shown is None or not shown.loaded) and load is not None:
        with shown_errors(stop=False):
            shown = load(pick)
    if shown is None:
        return
    st.caption(" · ".join(p for p in ["newest" if pick == newest else "", detail(shown), shown.model_used or ""] if p))
    render(shown)
