"""The job queue is procrastinate's (PostgreSQL only: LISTEN/NOTIFY pickup, SKIP LOCKED, worker heartbeats).

Its tables live in the `procrastinate` schema (lib/db.py applies it), reached on the owner's connection with
that schema first on the search path; API roles have no grant there. Our own row per job (`content_jobs`)
is what pages read; procrastinate only hands `run_job(job_id, user_id)` to a free worker.
"""

from __future__ import annotations

import threading
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import procrastinate

from lib.db import JOB_QUEUE_SCHEMA, libpq_url

TASK = "content_studio.run_job"
QUEUE = "generation"

_lock = threading.Lock()
_deferrers: dict[str, procrastinate.App] = {}


def queue_url(database_url: str) -> str:
    """The owner's URL with the queue's schema first on the search path."""
    parts = urlsplit(libpq_url(database_url))
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    query.append(("options", f"-c search_path={JOB_QUEUE_SCHEMA}"))
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))  # libpq reads %20, not +


def _deferrer(database_url: str) -> procrastinate.App:
    with _lock:
        app = _deferrers.get(database_url)
        if app is None:
            connector = procrastinate.SyncPsycopgConnector(conninfo=queue_url(database_url), min_size=0, max_size=2)
            app = _deferrers[database_url] = procrastinate.App(connector=connector).open()
        return app


def enqueue(database_url: str, job_id: object, user_id: object) -> int:
    """Hand a job to whichever worker is free; returns the queue's id for it."""
    task = _deferrer(database_url).configure_task(TASK, queue=QUEUE)
    return task.defer(job_id=str(job_id), user_id=str(user_id))


def close(database_url: str) -> None:
    with _lock:
        app = _deferrers.pop(database_url, None)
    if app is not None:
        app.close()
