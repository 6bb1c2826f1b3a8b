"""The session hook: the one way pages create, load and save a content session.

Every method is one user-scoped transaction (RLS applies), every save first
touches the session's `updated_at`, which also proves the session exists and
is the caller's; otherwise the caller gets `SessionNotFound`, the same for a
malformed id, an unknown one and another user's.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

import psycopg
from psycopg.types.json import Jsonb

from lib.db import Database
from lib.errors import InputError, SessionNotFound

STATUSES = ("brain_dump", "research", "outline", "draft", "outputs", "completed")
DEFAULT_TITLE = "Untitled session"
_WORD = re.compile(r"\w+", re.UNICODE)


def parse_session_id(value: object) -> uuid.UUID:
    """A session id from a URL or a widget; anything that is not a UUID is simply not found."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value).strip())
    except (ValueError, AttributeError, TypeError):
        raise SessionNotFound(value) from None


def word_count(markdown: str) -> int:
    return len(_WORD.findall(markdown))


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


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def provisional_title(raw_content: str, limit: int = 60) -> str:
    """Until a theme is chosen, a session is named by the first words of its brain dump."""
    first = next((line.strip(" #*-\t") for line in raw_content.splitlines() if line.strip(" #*-\t")), "")
    if not first:
        return DEFAULT_TITLE
    return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


@dataclass(frozen=True)
class BrainDump:
    raw_content: str
    themes: list[dict]
    model_used: str | None
    usage: dict


@dataclass(frozen=True)
class ResearchVersion:
    version: int
    theme: dict
    items: list[dict]
    kept_item_ids: list[str]
    model_used: str | None
    usage: dict
    created_at: datetime

    @property
    def kept_items(self) -> list[dict]:
        kept = set(self.kept_item_ids)
        return [item for item in self.items if item.get("id") in kept]


@dataclass(frozen=True)
class OutlineVersion:
    version: int
    options: list[dict]
    chosen_index: int | None
    chosen_outline: dict | None
    model_used: str | None
    usage: dict
    created_at: datetime


@dataclass(frozen=True)
class DraftVersion:
    version: int
    markdown: str
    word_count: int
    source: str
    model_used: str | None
    usage: dict
    created_at: datetime


@dataclass(frozen=True)
class Output:
    output_type: str
    version: int
    content: str
    metadata: dict
    model_used: str | None
    usage: dict
    created_at: datetime


@dataclass(frozen=True)
class Session:
    id: uuid.UUID
    user_id: uuid.UUID
    title: str
    status: str
    selected_theme: dict | None
    created_at: datetime
    updated_at: datetime
    brain_dump: BrainDump | None
    research: list[ResearchVersion] = field(default_factory=list)
    outlines: list[OutlineVersion] = field(default_factory=list)
    drafts: list[DraftVersion] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)

    @property
    def current_research(self) -> ResearchVersion | None:
        return self.research[-1] if self.research else None

    @property
    def current_outline(self) -> OutlineVersion | None:
        return self.outlines[-1] if self.outlines else None

    @property
    def current_draft(self) -> DraftVersion | None:
        return self.drafts[-1] if self.drafts else None

    @property
    def current_outputs(self) -> dict[str, Output]:
        """The newest version of each output type."""
        return {o.output_type: o for o in self.outputs}


@dataclass(frozen=True)
class SessionSummary:
    id: uuid.UUID
    title: str
    status: str
    created_at: datetime
    updated_at: datetime


_LOAD = """
select s.id, s.user_id, s.title, s.status, s.selected_theme, s.created_at, s.updated_at,
  (select jsonb_build_object('raw_content', b.raw_content, 'themes', b.themes, 'model_used', b.model_used, 'usage', b.usage)
     from public.content_brain_dumps b where b.session_id = s.id) as brain_dump,
  (select coalesce(jsonb_agg(jsonb_build_object('version', r.version, 'theme', r.theme, 'items', r.items,
          'kept_item_ids', r.kept_item_ids, 'model_used', r.model_used, 'usage', r.usage, 'created_at', r.created_at)
          order by r.version), '[]') from public.content_research r where r.session_id = s.id) as research,
  (select coalesce(jsonb_agg(jsonb_build_object('version', o.version, 'options', o.options, 'chosen_index', o.chosen_index,
          'chosen_outline', o.chosen_outline, 'model_used', o.model_used, 'usage', o.usage, 'created_at', o.created_at)
          order by o.version), '[]') from public.content_outlines o where o.session_id = s.id) as outlines,
  (select coalesce(jsonb_agg(jsonb_build_object('version', d.version, 'markdown', d.markdown, 'word_count', d.word_count,
          'source', d.source, 'model_used', d.model_used, 'usage', d.usage, 'created_at', d.created_at)
          order by d.version), '[]') from public.content_drafts d where d.session_id = s.id) as drafts,
  (select coalesce(jsonb_agg(jsonb_build_object('output_type', p.output_type, 'version', p.version, 'content', p.content,
          'metadata', p.metadata, 'model_used', p.model_used, 'usage', p.usage, 'created_at', p.created_at)
          order by p.output_type, p.version), '[]') from public.content_outputs p where p.session_id = s.id) as outputs
from public.content_sessions s
where s.id = %s
"""


def _with_times(cls, rows: list[dict]):
    return [cls(**{**row, "created_at": _time(row["created_at"])}) for row in rows]


class Sessions:
    """The sessions of one user. All reads and writes go through RLS as that user."""

    def __init__(self, db: Database, user_id: uuid.UUID | str, *, max_input_chars: int = 200_000):
        self.db = db
        self.user_id = uuid.UUID(str(user_id))
        self.max_input_chars = max_input_chars

    # -- reading ---------------------------------------------------------
    def get(self, session_id: object) -> Session:
        sid = parse_session_id(session_id)
        with self.db.as_user(self.user_id) as conn:
            row = conn.execute(_LOAD, [sid]).fetchone()
        if row is None:
            raise SessionNotFound(session_id)
        bd = row["brain_dump"]
        return Session(
            id=row["id"],
            user_id=row["user_id"],
            title=row["title"],
            status=row["status"],
            selected_theme=row["selected_theme"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            brain_dump=BrainDump(**bd) if bd else None,
            research=_with_times(ResearchVersion, row["research"]),
            outlines=_with_times(OutlineVersion, row["outlines"]),
            drafts=_with_times(DraftVersion, row["drafts"]),
            outputs=_with_times(Output, row["outputs"]),
        )

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
                fix="Split it into smaller sessions, or raise CONTENT_MAX_INPUT_CHARS.",
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
                conn.execute("insert into public.content_brain_dumps (session_id, raw_content) values (%s, %s)", [sid, text])
        return self.get(sid)

    def _touch(self, conn: psycopg.Connection, session_id: object, status: str | None = None) -> uuid.UUID:
        """Mark activity, move the status forward (never back), lock the row; or not found."""
        sid = parse_session_id(session_id)
        if status is not None and status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        row = conn.execute(
            "update public.content_sessions set updated_at = now(),"
            " status = case when array_position(%(statuses)s::text[], %(status)s::text) > array_position(%(statuses)s::text[], status)"
            "   then %(status)s::text else status end"
            " where id = %(sid)s returning id",
            {"sid": sid, "status": status, "statuses": list(STATUSES)},
        ).fetchone()
        if row is None:
            raise SessionNotFound(session_id)
        return sid

    def advance(self, session_id: object, status: str) -> None:
        with self.db.as_user(self.user_id) as conn:
            self._touch(conn, session_id, status)

    def rename(self, session_id: object, title: str) -> None:
        title = (title or "").strip()[:200] or DEFAULT_TITLE
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id)
            conn.execute("update public.content_sessions set title = %s where id = %s", [title, sid])

    def update_brain_dump(self, session_id: object, raw_content: str) -> None:
        text = self.clean_brain_dump(raw_content)
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id)
            conn.execute(
                "update public.content_brain_dumps set raw_content = %s, updated_at = now() where session_id = %s", [text, sid]
            )

    def save_themes(self, session_id: object, themes: Iterable[Any], *, model_used: str | None = None, usage: Any = None) -> None:
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id)
            conn.execute(
                "update public.content_brain_dumps set themes = %s, model_used = %s, usage = %s, updated_at = now()"
                " where session_id = %s",
                [_json(list(themes)), model_used, _json(usage or {}), sid],
            )

    def choose_theme(self, session_id: object, theme: Any) -> None:
        """The chosen theme names the session and opens the research step."""
        theme = _plain(theme)
        title = str(theme.get("title") or "").strip()[:200] or DEFAULT_TITLE
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id, "research")
            conn.execute(
                "update public.content_sessions set selected_theme = %s, title = %s where id = %s", [_json(theme), title, sid]
            )

    def save_research(
        self, session_id: object, theme: Any, items: Iterable[Any], *, kept_item_ids: Iterable[str] | None = None,
        model_used: str | None = None, usage: Any = None,
    ) -> int:
        """A new research version (earlier ones are kept). All items are kept unless told otherwise."""
        items = _plain(list(items))
        kept = list(kept_item_ids) if kept_item_ids is not None else [i["id"] for i in items if isinstance(i, dict) and "id" in i]
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id)
            return self._insert_version(conn, "content_research", sid, {
                "theme": _json(theme), "items": _json(items), "kept_item_ids": _json(kept),
                "model_used": model_used, "usage": _json(usage or {})})

    def keep_research_items(self, session_id: object, kept_item_ids: Iterable[str], *, version: int | None = None) -> None:
        """Record which research items the user keeps (latest version unless one is named)."""
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id)
            self._update_version(conn, "content_research", sid, version, "kept_item_ids = %s", [_json(list(kept_item_ids))])

    def save_outline_options(self, session_id: object, options: Iterable[Any], *, model_used: str | None = None, usage: Any = None) -> int:
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id)
            return self._insert_version(conn, "content_outlines", sid, {
                "options": _json(list(options)), "model_used": model_used, "usage": _json(usage or {})})

    def choose_outline(self, session_id: object, index: int, *, edited: Any = None, version: int | None = None) -> None:
        """Pick one of the options; `edited` is the user's changed copy of it. Opens the draft step."""
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id, "draft")
            self._update_version(
                conn, "content_outlines", sid, version,
                "chosen_index = %s, chosen_outline = coalesce(%s, options -> %s::int)",
                [index, _json(edited) if edited is not None else None, index],
            )

    def save_draft(
        self, session_id: object, markdown: str, *, source: str = "generated", model_used: str | None = None, usage: Any = None
    ) -> int:
        """Every generated or edited draft is a new version; returns its number."""
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id, "outputs")
            return self._insert_version(conn, "content_drafts", sid, {
                "markdown": markdown, "word_count": word_count(markdown), "source": source,
                "model_used": model_used, "usage": _json(usage or {})})

    def save_output(
        self, session_id: object, output_type: str, content: str, *, metadata: Any = None,
        model_used: str | None = None, usage: Any = None,
    ) -> int:
        """A new version of one output format (LinkedIn post, X thread, ...); returns its number."""
        with self.db.as_user(self.user_id) as conn:
            sid = self._touch(conn, session_id)
            return self._insert_version(conn, "content_outputs", sid, {
                "content": content, "metadata": _json(metadata or {}), "model_used": model_used,
                "usage": _json(usage or {})}, output_type=output_type)

    def delete(self, session_id: object) -> None:
        """The session and its steps. Its images stay as standalone rows until the image pipeline removes them."""
        sid = parse_session_id(session_id)
        with self.db.as_user(self.user_id) as conn:
            if conn.execute("delete from public.content_sessions where id = %s returning id", [sid]).fetchone() is None:
                raise SessionNotFound(session_id)

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

    @staticmethod
    def _update_version(conn, table: str, sid: uuid.UUID, version: int | None, assignments: str, params: list) -> None:
        # `table` and `assignments` are this module's own constants, never user input.
        row = conn.execute(
            f"update public.{table} set {assignments}, updated_at = now() where session_id = %s and version = "
            f"coalesce(%s::int, (select max(version) from public.{table} where session_id = %s)) returning version",
            [*params, sid, version, sid],
        ).fetchone()
        if row is None:
            raise InputError(f"There is no {table.removeprefix('content_')} to update yet.", fix="Generate this step first.")
