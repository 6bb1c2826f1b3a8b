"""An app started before its database (a deploy that races the database) starts its worker once the database
answers: a job queued then is run, with no restart of the app."""

import time
import uuid

from lib.db import Database
from lib.jobs import queue
from lib.jobs.store import Jobs
from lib.session import Sessions
from tests.helpers import BRAIN_DUMP, make_user
from tests.server import running_app


def test_the_worker_starts_when_the_database_comes_up(pg, template_db, tmp_path):
    name = f"late_{uuid.uuid4().hex[:8]}"
    url = pg.url(name)  # no such database yet: every connection fails, as while a database starts
    with running_app({"DATABASE_URL": url, "CONTENT_DATA_DIR": str(tmp_path / "data"),
                      "CONTENT_GENERATOR": "offline"}):
        with pg.admin() as conn:
            conn.execute(f'create database "{name}" template "{template_db}"')
        db = Database(url, pool_size=2)
        try:
            user = make_user(db)
            sid = Sessions(db, user).create(BRAIN_DUMP).id
            jobs = Jobs(db, user)
            job, _ = jobs.submit(sid, "themes")
            deadline = time.monotonic() + 40
            while jobs.get(job.id).active:
                assert time.monotonic() < deadline, "no worker ran the job"
                time.sleep(0.2)
            assert jobs.get(job.id).state == "done" and Sessions(db, user).get(sid).brain_dump.themes
        finally:
            queue.close(url)
            db.close()
