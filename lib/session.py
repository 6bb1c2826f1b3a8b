"""The session hook: the one way pages create, load and save a content session.

Every method is one user-scoped transaction (RLS applies), every save first
touches the session's `updated_at`, which also proves the session exists and
is the caller's; otherwise the caller gets `SessionNotFound`, the same for a
malformed id, an unknown one and another user's.
"""

from __future__ import annotations

import uuid
from typing import Any, Iterable

import psycopg
from psycopg.types.json import Jsonb
from pydantic import TypeAdapter

from lib.db import Database
from lib.errors import InputError, SessionNotFound
from lib.ids import parse_id
from lib.generate.models import Outline, ResearchItem, Theme, count_words
from lib.steps import STATUSES
from lib.session_data import RenameResult, Session, SessionSummary
from lib.session_load import LOAD, ONE_VERSION, SESSION, STEP_TYPES, VIEW_LOAD
from lib.versions import Base, SaveResult, save_edit, version_row

DEFAULT_TITLE = "Untitled session"


def parse_session_id(value: object) -> uuid.UUID:
    return parse_id(value, lambda: SessionNotFound(value))


def _plain(value: Any) -> Any:
    """Pydantic models, lists of them and plain JSON all become plain JSON."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _json(value: Any) -> Jsonb:
    return Jsonb(_plain(value))


# What the hook stores is validated as the type it is loaded as, so a load never meets data it cannot read.
_THEMES, _ITEMS, _OUTLINES = TypeAdapter(list[Theme]), TypeAdapter(list[ResearchItem]), TypeAdapter(list[Outline])


def provisional_title(raw_content: str, limit: int = 60) -> str:
    """Until a theme is chosen, a session is named by the first words of its brain dump."""
    first = next((line.strip(" #*-\t") for line in raw_content.splitlines() if line.strip(" #*-\t")), "")
    if not first:
        return DEFAULT_TITLE
    return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


class Sessions:
    """The sessions of one user. All reads and writes go through RLS as that user."""

    def __init__(self, db: Database, user_id: uuid.UUID | str, *, max_input_chars: int = 200_000):
        self.db = db
        self.user_id = uuid.UUID(str(user_id))
        self.max_input_chars = max_input_chars

    # -- reading ---------------------------------------------------------
    def get(self, session_id: object) -> Session:
        """The whole session: every version of every step (the pipeline and exports read this)."""
        return self._load(LOAD, session_id)

    def view(self, session_id: object) -> Session:
        """The session as a page shows it: each step's newest version whole, the rest listed (`HISTORY` of them,
        their text read by `version` when one is picked), and how many versions each step has."""
        return self._load(VIEW_LOAD, session_id)

    def _load(self, sql: str, session_id: object) -> Session:
        with self.db.as_user(self.user_id) as conn:
            row = conn.execute(sql, [parse_session_id(session_id)]).fetchone()
        if row is None:
            raise SessionNotFound(session_id)
        return SESSION.validate_python(row)

    def view_bytes(self, session_id: object, *, whole: bool = False) -> int:
        """How many bytes one page load reads (`view`; `whole`: `get`), as JSON text: the bench's figure."""
        with self.db.as_user(self.user_id) as conn:
            row = conn.execute(f"select octet_length(row_to_json(v)::text) as n from ({LOAD if whole else VIEW_LOAD}) v",
                               [parse_session_id(session_id)]).fetchone()
        return row["n"] if row else 0

    def version(self, session_id: object, step: str, version: int, output_type: str | None = None):
        """One version of a step, whole (what a version picker shows); None when there is no such version."""
        sid = parse_session_id(session_id)
        params = [version, *([output_type] if step == "output" else []), sid]
        with self.db.as_user(self.user_id) as conn:
            row = conn.execute(ONE_VERSION[step], params).fetchone()
        found = row["versions"] if row else []
        return TypeAdapter(STEP_TYPES[step]).validate_python(found[0]) if found else None

    def title_of(self, session_id: object) -> str | None:
        """A session's title alone (None when it is gone or not this user's)."""
        with self.db.as_user(self.user_id) as conn:
            row = conn.execute("select title from public.content_sessions where id = %s",
                               [parse_session_id(session_id)]).fetchone()
        return row["title"] if row else None

    def draft_text(self, session_id: object, version: int) -> str | None:
        """One draft version's text (a job's draft as it grows), without loading the whole session."""
        with self.db.as_user(self.user_id) as conn:
            row = conn.execute("select markdown from public.content_drafts where session_id = %s and version = %s",
                               [parse_session_id(session_id), version]).fetchone()
        return row["markdown"] if row else None

    def every_id(self) -> list[uuid.UUID]:
        """The ids of all of this user's sessions, oldest first (for an export of everything)."""
        with self.db.as_user(self.user_id) as conn:
            return [r["id"] for r in conn.execute(
                "select id from public.content_sessions order by created_at, id").fetchall()]

    def recent(self, limit: int = 20) -> list[SessionSummary]:
        with self.db.as_user(self.user_id) as conn:
            rows = conn.execute(
                "select id, title, status, created_at, updated_at from public.content_sessions"
                " order by updated_at desc, id desc limit %s",
                [limit],
            ).fetchall()
        return [SessionSummary(**r) for r in rows]

    # -- writing ---------------------------------------------------------
    def clean_brain_dump(self, raw_content: str | None) -> str:
        text = (raw_content or "").replace("\x00", "")  # PostgreSQL text cannot hold NUL
        if not text.strip():
            raise InputError("The brain dump is empty.", fix="Paste or upload your notes, then try again.")
        if len(text) > self.max_input_chars:
            raise InputError(
                f"The brain dump has {len(text):,} characters; the limit is {self.max_input_chars:,}.",
                fix="Split it into smaller sessions (an admin can raise the limit: CONTENT_MAX_INPUT_CHARS).",
            )
        return text

    def create(self, raw_content: str, title: str | None = None, *, create_token: object = None) -> Session:
        """The session and its brain dump, in one transaction: both exist or neither.

        With a `create_token`, creating twice with the same token (a double click)
        returns the first session instead of making a second one.
        """
        text = self.clean_brain_dump(raw_content)
        token = uuid.UUID(str(create_token)) if create_token else None
        with self.db.as_user(self.user_id) as conn:
            row = conn.execute(
                "insert into public.content_sessions (user_id, title, status, create_token) values (%s, %s, 'brain_dump', %s)"
                " on conflict (user_id, create_token) where create_token is not null do nothing returning id",
                [self.user_id, (title or provisional_title(text))[:200], token],
            ).fetchone()
            if row is None:  # this token already made a session: that one is the answer
                sid = conn.execute(
                    "select id from public.content_sessions where user_id = %s and create_token = %s", [self.user_id, token]
                ).fetchone()["id"]
            else:
                sid = row["id"]
                conn.execute("insert into public.content_brain_dumps (session_id, raw_content, source) values (%s, %s, 'edited')",
                             [sid, text])
        return self.get(sid)

    def _touch(self, conn: psycopg.Connection, session_id: object) -> uuid.UUID:
        """Mark activity and lock the row (so version numbers never collide); or not found."""
        sid = parse_session_id(session_id)
        row = conn.execute("update public.content_sessions set updated_at = now() where id = %s returning id",
                           [sid]).fetchone()
        if row is None:
            raise SessionNotFound(session_id)
        return sid

    def advance(self, session_id: object, status: str) -> None:
        """Move the status forward to `status` (never back). Only `Pipeline.complete` calls this (lib/steps.py)."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        sid = parse_session_id(session_id)
        with self.db.as_user(self.user_id) as conn:
            row = conn.execute(
                "update public.content_sessions set updated_at = now(),"
                " status = case when array_position(%(statuses)s::text[], %(status)s::text)"
                "   > array_position(%(statuses)s::text[], status) then %(status)s::text else status end"
                " where id = %(sid)s returning id",
                {"sid": sid, "status": status, "statuses": list(STATUSES)},
            ).fetchone()
        if row is None:
            raise SessionNotFound(session_id)

    def rename(self, session_id: object, title: str, *, expected: str | None = None) -> RenameResult:
        """A title the user gives; with `expected` (the title their screen showed) only if nobody renamed it since."""
        title = " ".join((title or "").split())[:200] or DEFAULT_TITLE
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id)
            row = conn.execute(
                "update public.content_sessions set title = %s, title_edited = true"
                " where id = %s and (%s::text is null or title = %s) returning title",
                [title, sid, expected, expected],
            ).fetchone()
            if row is None:
                current = conn.execute("select title from public.content_sessions where id = %s", [sid]).fetchone()
                return RenameResult(False, current["title"])
        return RenameResult(True, title)

    # -- user edits: compare-and-set against the version the screen showed (lib.versions) ---------
    def edit(self, session_id: object, step: str, values: dict, *, base: Base | None = None,
             editor: uuid.UUID | None = None, output_type: str | None = None) -> SaveResult:
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id)
            return save_edit(conn, step, sid, values, base=base, editor=editor, output_type=output_type)

    def restore(self, session_id: object, step: str, version: int, *, editor: uuid.UUID | None = None,
                output_type: str | None = None) -> SaveResult:
        """An older version's content as the newest version (nothing in between is touched)."""
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id)
            values = {k: _json(v) if isinstance(v, (dict, list)) else v
                      for k, v in version_row(conn, step, sid, version, output_type).items()}
            if step == "brain_dump":
                values["raw_content"] = self.clean_brain_dump(values["raw_content"])
            return save_edit(conn, step, sid, values, base=None, editor=editor, output_type=output_type,
                             restored_from=version)

    def edit_brain_dump(self, session_id: object, raw_content: str, **kw) -> SaveResult:
        """Corrected notes: a new brain dump version without themes (the earlier ones keep theirs)."""
        return self.edit(session_id, "brain_dump", {"raw_content": self.clean_brain_dump(raw_content)}, **kw)

    def keep_research_items(self, session_id: object, kept_item_ids: Iterable[str], **kw) -> SaveResult:
        """Which research items the user keeps: only these reach the outline, the draft and the outputs."""
        return self.edit(session_id, "research", {"kept_item_ids": _json(list(dict.fromkeys(kept_item_ids)))}, **kw)

    def edit_outline(self, session_id: object, options: Iterable[Outline], index: int, **kw) -> SaveResult:
        """The outline options as the user edited them, and the one they chose."""
        options = _OUTLINES.validate_python(_plain(list(options)))
        if not 0 <= index < len(options):
            raise InputError("That outline option does not exist.", fix="Pick one of the options listed.")
        return self.edit(session_id, "outline", {"options": _json(options), "chosen_index": index,
                                                 "chosen_outline": _json(options[index])}, **kw)

    def choose_outline(self, session_id: object, index: int, *, edited: Outline | None = None, **kw) -> SaveResult:
        """Pick one of the current options (`edited`: the user's changed copy of it)."""
        current = self.get(session_id).current_outline
        if current is None:
            raise InputError("There is no outline to choose from yet.", fix="Generate the outline options first.")
        options = list(current.options)
        if edited is not None and 0 <= index < len(options):
            options[index] = edited
        kw.setdefault("base", current.base)
        return self.edit_outline(session_id, options, index, **kw)

    def edit_draft(self, session_id: object, markdown: str, **kw) -> SaveResult:
        if not (markdown or "").strip():
            raise InputError("The draft is empty.", fix="Write something, or restore a version from Versions.")
        return self.edit(session_id, "draft", {"markdown": markdown, "word_count": count_words(markdown)}, **kw)

    def edit_output(self, session_id: object, output_type: str, content: str, **kw) -> SaveResult:
        if not (content or "").strip():
            raise InputError("The output is empty.", fix="Write something, or restore a version from Versions.")
        return self.edit(session_id, "output", {"content": content, "metadata": _json({"edited": True})},
                         output_type=output_type, **kw)

    # -- what the generator makes: always a new version ---------------------------------------
    def save_themes(self, session_id: object, themes: Iterable[Theme], *, model_used: str | None = None,
                    usage: Any = None) -> int:
        """Themes for the current notes; when those already have themes, the same notes become a new version."""
        values = {"themes": _json(_THEMES.validate_python(_plain(list(themes)))), "model_used": model_used, "usage": _json(usage or {})}
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id)
            row = conn.execute(
                "update public.content_brain_dumps b set themes = %(themes)s, model_used = %(model_used)s,"
                " usage = %(usage)s, updated_at = now(), revision = revision + 1"
                " where b.session_id = %(sid)s and b.themes = '[]'::jsonb"
                " and b.version = (select max(version) from public.content_brain_dumps h where h.session_id = %(sid)s)"
                " returning version", {**values, "sid": sid}).fetchone()
            if row is not None:
                return row["version"]
            return conn.execute(
                "insert into public.content_brain_dumps (session_id, version, raw_content, themes, model_used, usage, source)"
                " select session_id, version + 1, raw_content, %(themes)s, %(model_used)s, %(usage)s, 'generated'"
                " from public.content_brain_dumps where session_id = %(sid)s order by version desc limit 1"
                " returning version", {**values, "sid": sid}).fetchone()["version"]

    def choose_theme(self, session_id: object, theme: Theme) -> None:
        """The chosen theme names the session, unless the user named it."""
        theme = Theme.model_validate(_plain(theme))
        title = theme.title.strip()[:200] or DEFAULT_TITLE
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id)
            conn.execute(
                "update public.content_sessions set selected_theme = %s,"
                " title = case when title_edited then title else %s end where id = %s", [_json(theme), title, sid]
            )

    def save_research(
        self, session_id: object, theme: Theme, items: Iterable[ResearchItem], *, kept_item_ids: Iterable[str] | None = None,
        model_used: str | None = None, usage: Any = None,
    ) -> int:
        """A new research version (earlier ones are kept). All items are kept unless told otherwise."""
        items = _ITEMS.validate_python(_plain(list(items)))
        kept = list(kept_item_ids) if kept_item_ids is not None else [i.id for i in items]
        theme = Theme.model_validate(_plain(theme))
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id)
            return self._insert_version(conn, "content_research", sid, {
                "theme": _json(theme), "items": _json(items), "kept_item_ids": _json(kept),
                "model_used": model_used, "usage": _json(usage or {})})

    def save_outline_options(self, session_id: object, options: Iterable[Outline], *, model_used: str | None = None,
                             usage: Any = None) -> int:
        options = _OUTLINES.validate_python(_plain(list(options)))
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id)
            return self._insert_version(conn, "content_outlines", sid, {
                "options": _json(options), "model_used": model_used, "usage": _json(usage or {})})

    def save_draft(
        self, session_id: object, markdown: str, *, source: str = "generated", model_used: str | None = None, usage: Any = None
    ) -> int:
        """A generated (or partial) draft, as a new version; returns its number."""
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id)
            return self._insert_version(conn, "content_drafts", sid, {
                "markdown": markdown, "word_count": count_words(markdown), "source": source,
                "model_used": model_used, "usage": _json(usage or {})})

    def save_draft_text(
        self, session_id: object, markdown: str, *, version: int | None = None, source: str = "partial",
        model_used: str | None = None, usage: Any = None,
    ) -> int:
        """A draft being written: the first call makes a new version, later ones (with its `version`) update that
        same version, until the last one says whether it ended `generated` or `partial`."""
        if version is None:
            return self.save_draft(session_id, markdown, source=source, model_used=model_used, usage=usage)
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id)
            row = conn.execute(
                "update public.content_drafts set markdown = %s, word_count = %s, source = %s, model_used = %s,"
                " usage = %s, revision = revision + 1, updated_at = now()"
                " where session_id = %s and version = %s and source = 'partial' and editor is null returning version",
                [markdown, count_words(markdown), source, model_used, _json(usage or {}), sid, version]).fetchone()
        if row is None:
            raise InputError(f"Draft version {version} is no longer being written.", fix="Write the draft again.")
        return row["version"]

    def save_output(
        self, session_id: object, output_type: str, content: str, *, metadata: Any = None,
        model_used: str | None = None, usage: Any = None,
    ) -> int:
        """A new generated version of one output format (LinkedIn post, X thread, ...); returns its number."""
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id)
            return self._insert_version(conn, "content_outputs", sid, {
                "content": content, "metadata": _json(metadata or {}), "model_used": model_used,
                "usage": _json(usage or {})}, output_type=output_type)

    def delete(self, session_id: object) -> None:
        """The session, its steps and its image rows, in one transaction; `Images.delete_session` also removes
        the image files, after this commits."""
        sid = parse_session_id(session_id)
        with self.db.as_user(self.user_id) as conn:
            # Image rows would outlive the session as standalone ones (`on delete set null`): remove them first.
            conn.execute("delete from public.generated_images where session_id = %s", [sid])
            if conn.execute("delete from public.content_sessions where id = %s returning id", [sid]).fetchone() is None:
                raise SessionNotFound(session_id)  # rolls back: nothing was ours to delete

    @staticmethod
    def _insert_version(conn, table: str, sid: uuid.UUID, values: dict, output_type: str | None = None) -> int:
        """Insert the next version of a step. The session row is locked by `_touch`, so numbers never collide."""
        # `table` and the column names are this module's own constants, never user input.
        scope = {"output_type": output_type} if output_type else {}
        columns = ["session_id", *scope, "version", *values]
        where = "session_id = %s" + (" and output_type = %s" if output_type else "")
        return conn.execute(
            f"insert into public.{table} ({', '.join(columns)})"
            f" select %s, {'%s, ' * len(scope)}coalesce(max(version), 0) + 1, {', '.join(['%s'] * len(values))}"
            f" from public.{table} where {where} returning version",
            [sid, *scope.values(), *values.values(), sid, *scope.values()],
        ).fetchone()["version"]
