"""Generation jobs, timed: how soon a worker picks a job up, and how soon a draft's checkpoint is seen.

- job_pickup_ms_p50: a job queued (its row written, handed to procrastinate) → a worker has started it, by
  the database's own clock (`started_at - created_at`), with the in-process worker the app runs.
- draft_visible_lag_ms_p50: a draft checkpoint written (`updated_at`) → another reader, polling every second
  as the live status panel does, sees that text; measured as the age of new text when a poll first sees it.
"""

from __future__ import annotations

import statistics
import threading
import time
import uuid

from lib.config import load_config
from lib.db import Database, get_database
from lib.generate import DraftStream
from lib.generate.offline import OfflineGenerator
from lib.jobs import queue
from lib.jobs.store import Jobs
from lib.jobs.worker import InProcessWorker
from lib.pipeline import Pipeline
from lib.session import Sessions

NOTES = "Pricing pages that convert\n- show the price early\n- one plan highlighted\n- answer objections near the button"
PANEL_POLL_S = 1.0  # lib/ui/jobs.py polls the job every second


def pickup_ms(db: Database, user: uuid.UUID, runs: int) -> list[float]:
    jobs, sessions = Jobs(db, user), Sessions(db, user)
    worker = InProcessWorker(load_config(), concurrency=1).start()
    try:
        times = []
        for _ in range(runs):
            sid = sessions.create(NOTES).id
            job, _ = jobs.submit(sid, "themes")
            while (done := jobs.get(job.id)).active:
                time.sleep(0.01)
            times.append((done.started_at - done.created_at).total_seconds() * 1000)
        return times
    finally:
        worker.stop()
        queue.close(db.url)


def visible_lag_ms(db: Database, user: uuid.UUID, seconds: float = 8.0) -> list[float]:
    sessions = Sessions(db, user)
    pipeline = Pipeline(sessions, OfflineGenerator())
    sid = sessions.create(NOTES).id
    pieces = [f"Sentence {n} of a draft that streams while someone watches. " for n in range(int(seconds * 10))]

    def produce(stream: DraftStream):
        for piece in pieces:
            time.sleep(0.1)
            yield piece

    writer = threading.Thread(target=pipeline.write_draft, args=(sid, DraftStream(produce, model_used="bench")))
    writer.start()
    lags, seen = [], None
    while writer.is_alive():
        time.sleep(PANEL_POLL_S)
        with db.as_user(user) as conn:
            row = conn.execute("select markdown, extract(epoch from clock_timestamp() - updated_at) * 1000 as age"
                               " from public.content_drafts where session_id = %s order by version desc limit 1",
                               [sid]).fetchone()
        if row is not None and row["markdown"] != seen:
            seen = row["markdown"]
            lags.append(float(row["age"]))
    writer.join()
    return lags


def measure_jobs(database_url: str, user: uuid.UUID, runs: int, log) -> dict:
    db = get_database(load_config())
    pickups = pickup_ms(db, user, runs)
    lags = visible_lag_ms(db, user)
    out = {"job_pickup_ms_p50": round(statistics.median(pickups), 1),
           "draft_visible_lag_ms_p50": round(statistics.median(lags), 1)}
    log(f"job pickup: {out['job_pickup_ms_p50']} ms p50 of {len(pickups)} jobs (max {max(pickups):.0f} ms); "
        f"draft checkpoint visible to a reader polling every {PANEL_POLL_S:.0f} s: "
        f"{out['draft_visible_lag_ms_p50']} ms p50 of {len(lags)} polls (max {max(lags):.0f} ms)")
    return out
