"""Job rows: started, joined, read and finished as the user (RLS), so no user sees or touches another's."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg.types.json import Jsonb

from lib.db import Database
from lib.errors import AppError, InputError, SessionNotFound
from lib.generate.models import Usage
from lib.ids import parse_id
from lib.jobs import queue

STEPS = ("themes", "research", "outlines", "draft", "outputs", "image")
ACTIVE = ("queued", "running")


@dataclass(frozen=True)
class Job:
    id: uuid.UUID
    user_id: uuid.UUID
    session_id: uuid.UUID | None  # None: a standalone image
    step: str
    options: dict
    base_version: int | None
    state: str
    cancel_requested: bool
    error: str | None
    usage: dict
    result_version: int | None
    attempts: int
    queue_job_id: int | None
    created_at: datetime
    started_at: datetime | None
    heartbeat_at: datetime | None
    finished_at: datetime | None
    note: str | None = None  # what it waits on now (a provider's rate limit)
    dismissed: bool = False  # a failed image the user has read about

    @property
    def active(self) -> bool:
        return self.state in ACTIVE


_COLUMNS = ("id, user_id, session_id, step, options, base_version, state, cancel_requested, error, usage, "
            "result_version, attempts, queue_job_id, created_at, started_at, heartbeat_at, finished_at, note, dismissed")


class Jobs:
    """One user's jobs."""

    def __init__(self, db: Database, user_id: uuid.UUID | str):
        self.db = db
        self.user_id = uuid.UUID(str(user_id))

    def start(self, session_id: object, step: str, options: dict[str, Any] | None = None,
              base_version: int | None = None, *, limit: int | None = None) -> tuple[Job, bool]:
        """A new queued job, or the one already queued or running for this session and step (a second click,
        a second tab). Returns the job and whether it is new. `limit`: most active jobs this user may have.

        Images are started per picture: the same request (`options["request"]`) joins, another runs beside it;
        an image may have no session (a standalone one)."""
        if step not in STEPS:
            raise InputError(f"Unknown step {step!r}.", fix=f"Use one of {', '.join(STEPS)}.")
        options = options or {}
        image = step == "image"
        sid = None if image and session_id is None else parse_id(session_id, lambda: SessionNotFound(session_id))
        if image and not options.get("request"):
            raise InputError("An image job needs its request.", fix="Start images with Images.request(...).")
        with self.db.as_user(self.user_id) as conn:
            # The session row's lock orders two starts of one session; RLS makes another user's not found.
            if sid is not None and conn.execute("select 1 from public.content_sessions where id = %s for update",
                                                [sid]).fetchone() is None:
                raise SessionNotFound(session_id)
            active = conn.execute("select step, session_id, options ->> 'request' as request from public.content_jobs"
                                  " where state in ('queued', 'running')").fetchall()
            joining = any((r["request"] == options["request"]) if image else (r["step"] == step and r["session_id"] == sid)
                          for r in active)
            if limit is not None and not joining and len(active) >= limit:
                raise InputError(f"You already have {len(active)} generations running (the limit is {limit}).",
                                 fix="Wait for one to finish, or stop one, then start this again.")
            conflict = "(user_id, (options ->> 'request')) where state in ('queued', 'running') and step = 'image'" \
                if image else "(session_id, step) where state in ('queued', 'running') and step <> 'image'"
            row = conn.execute(
                f"insert into public.content_jobs (user_id, session_id, step, options, base_version)"
                f" values (%s, %s, %s, %s, %s) on conflict {conflict} do nothing returning {_COLUMNS}",
                [self.user_id, sid, step, Jsonb(options), base_version]).fetchone()
            if row is not None:
                return Job(**row), True
            where, params = ("step = 'image' and options ->> 'request' = %s", [options["request"]]) if image \
                else ("session_id = %s and step = %s", [sid, step])
            row = conn.execute(f"select {_COLUMNS} from public.content_jobs where {where}"
                               " and state in ('queued', 'running')", params).fetchone()
        return Job(**row), False

    def submit(self, session_id: object, step: str, options: dict[str, Any] | None = None, *,
               limit: int | None = None) -> tuple[Job, bool]:
        """Start the job (or join the active one) and, when it is new, hand it to the queue."""
        job, new = self.start(session_id, step, options, limit=limit)
        if new:
            try:
                self.attach(job.id, queue.enqueue(self.db.url, job.id, self.user_id))
            except Exception as exc:  # the row says so, and Retry starts it again
                self.finish(job.id, "failed", error="The job could not be queued. Press Retry.")
                raise AppError("The generation could not be queued.", fix="Try again in a moment.") from exc
        return job, new

    def get(self, job_id: object) -> Job | None:
        with self.db.as_user(self.user_id) as conn:
            row = conn.execute(f"select {_COLUMNS} from public.content_jobs where id = %s",
                               [parse_id(job_id, lambda: SessionNotFound(job_id))]).fetchone()
        return Job(**row) if row else None

    def latest(self, session_id: object, step: str) -> Job | None:
        """The newest job of this step for the session (what its page shows)."""
        with self.db.as_user(self.user_id) as conn:
            row = conn.execute(f"select {_COLUMNS} from public.content_jobs where session_id = %s and step = %s"
                               " order by created_at desc limit 1",
                               [parse_id(session_id, lambda: SessionNotFound(session_id)), step]).fetchone()
        return Job(**row) if row else None

    def active(self, session_id: object) -> list[Job]:
        """The session's queued and running jobs, oldest first."""
        with self.db.as_user(self.user_id) as conn:
            rows = conn.execute(f"select {_COLUMNS} from public.content_jobs where session_id = %s"
                                " and state in ('queued', 'running') order by created_at",
                                [parse_id(session_id, lambda: SessionNotFound(session_id))]).fetchall()
        return [Job(**row) for row in rows]

    def images(self, session_id: object = None, *, everywhere: bool = False, limit: int = 20) -> list[Job]:
        """Image jobs to show: running ones and failed ones not yet dismissed, oldest first. For one session,
        for standalone images (no session), or `everywhere` (the Gallery)."""
        where, params = ("true", []) if everywhere else ("session_id is null", []) if session_id is None else \
            ("session_id = %s", [parse_id(session_id, lambda: SessionNotFound(session_id))])
        with self.db.as_user(self.user_id) as conn:
            rows = conn.execute(f"select {_COLUMNS} from (select {_COLUMNS} from public.content_jobs"
                                f" where step = 'image' and {where} and (state in ('queued', 'running')"
                                " or (state = 'failed' and not dismissed)) order by created_at desc limit %s) newest"
                                " order by created_at", [*params, limit]).fetchall()
        return [Job(**row) for row in rows]

    def dismiss(self, job_id: object) -> None:
        with self.db.as_user(self.user_id) as conn:
            conn.execute("update public.content_jobs set dismissed = true where id = %s and state <> 'running'",
                         [parse_id(job_id, lambda: SessionNotFound(job_id))])

    def attach(self, job_id: uuid.UUID, queue_job_id: int) -> None:
        with self.db.as_user(self.user_id) as conn:
            conn.execute("update public.content_jobs set queue_job_id = %s where id = %s", [queue_job_id, job_id])

    def cancel(self, job_id: object) -> Job | None:
        """A queued job is cancelled at once; a running one stops at its next checkpoint."""
        with self.db.as_user(self.user_id) as conn:
            row = conn.execute(
                "update public.content_jobs set cancel_requested = true,"
                " state = case when state = 'queued' then 'cancelled' else state end,"
                " finished_at = case when state = 'queued' then now() else finished_at end"
                f" where id = %s and state in ('queued', 'running') returning {_COLUMNS}",
                [parse_id(job_id, lambda: SessionNotFound(job_id))]).fetchone()
        return Job(**row) if row else None

    # -- the worker's side ---------------------------------------------------------------------------------
    def begin(self, job_id: uuid.UUID) -> Job | None:
        """Running now (again, after a worker died): None when it was cancelled or is already finished."""
        with self.db.as_user(self.user_id) as conn:
            row = conn.execute(
                "update public.content_jobs set state = 'running', attempts = attempts + 1,"
                " started_at = coalesce(started_at, now()), heartbeat_at = now()"
                f" where id = %s and state in ('queued', 'running') and not cancel_requested returning {_COLUMNS}",
                [job_id]).fetchone()
        return Job(**row) if row else None

    def beat(self, job_id: uuid.UUID, result_version: int | None = None) -> bool:
        """The worker is alive (and the draft's partial version, if any). False: the user asked to cancel."""
        with self.db.as_user(self.user_id) as conn:
            row = conn.execute(
                "update public.content_jobs set heartbeat_at = now(),"
                " result_version = coalesce(%s, result_version) where id = %s returning cancel_requested",
                [result_version, job_id]).fetchone()
        return row is not None and not row["cancel_requested"]

    def note(self, job_id: uuid.UUID, text: str | None) -> None:
        with self.db.as_user(self.user_id) as conn:
            conn.execute("update public.content_jobs set note = %s, heartbeat_at = now() where id = %s", [text, job_id])

    def finish(self, job_id: uuid.UUID, state: str, *, error: str | None = None, usage: Usage | None = None,
               result_version: int | None = None, note: str | None = None, retry: dict | None = None) -> None:
        """How the job ended; `note`: what its page should say about the result; `retry`: the options a Retry
        uses instead of the job's own (the output formats that failed). A finished job also marks its session changed at the same instant, so a page whose
        copy of the session is older than `finished_at` knows to read it again (lib/ui/steps._watch)."""
        with self.db.as_user(self.user_id) as conn:
            if state == "done":
                conn.execute("update public.content_sessions set updated_at = now()"
                             " where id = (select session_id from public.content_jobs where id = %s)", [job_id])
            conn.execute(
                "update public.content_jobs set state = %s, error = %s, usage = %s, finished_at = now(), note = %s,"
                " result_version = coalesce(%s, result_version), options = options || %s where id = %s",
                [state, error, Jsonb(usage.model_dump() if usage else {}), note, result_version,
                 Jsonb({"retry": retry} if retry else {}), job_id])
