"""Generation jobs on real PostgreSQL with a real procrastinate worker: they run as their user, join instead of
doubling, can be cancelled, and survive the worker that ran them."""

import time
import uuid

import psycopg
import pytest

from lib.config import load_config
from lib.db import get_database
from lib.errors import InputError, SessionNotFound
from lib.jobs import queue
from lib.jobs.store import Jobs
from lib.jobs.worker import InProcessWorker
from lib.session import Sessions
from tests.helpers import BRAIN_DUMP, through


@pytest.fixture
def config(db_url, tmp_path, monkeypatch):
    # The environment, not overrides: a worker reads the settings for each job itself.
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("CONTENT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CONTENT_GENERATOR", "offline")
    return load_config()


@pytest.fixture
def worker(config):
    running = InProcessWorker(config, concurrency=2).start()
    yield running
    running.stop()
    queue.close(get_database(config).url)


def start(config, user, session_id, step, **options):
    jobs = Jobs(get_database(config), user)
    return jobs.submit(session_id, step, options)


def wait(jobs: Jobs, job_id, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = jobs.get(job_id)
        if not job.active:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still {jobs.get(job_id).state} after {timeout} s")


def test_a_themes_job_runs_as_its_user_and_saves_through_the_hook(config, worker, user):
    sessions = Sessions(get_database(config), user)
    sid = sessions.create(BRAIN_DUMP).id
    job, new = start(config, user, sid, "themes")
    assert new and job.state == "queued"
    done = wait(Jobs(get_database(config), user), job.id)
    assert (done.state, done.error, done.attempts) == ("done", None, 1)
    assert len(sessions.get(sid).brain_dump.themes) >= 3
    assert done.started_at is not None and done.finished_at >= done.started_at


def test_the_whole_pipeline_runs_as_jobs(config, worker, pipeline, user):
    sid = through(pipeline, "research")
    jobs = Jobs(get_database(config), user)
    for step in ("research", "outlines"):
        assert wait(jobs, start(config, user, sid, step)[0].id).state == "done"
    pipeline.choose_outline(sid, 0)
    draft = wait(jobs, start(config, user, sid, "draft", draft_words=400)[0].id)
    assert draft.state == "done" and draft.result_version == 1
    outputs = wait(jobs, start(config, user, sid, "outputs", formats=["linkedin_post", "x_thread"])[0].id)
    session = pipeline.sessions.get(sid)
    assert outputs.state == "done" and set(session.current_outputs) == {"linkedin_post", "x_thread"}
    assert session.current_draft.source == "generated" and session.status == "completed"


def test_a_second_start_joins_the_job_already_there(config, user):
    sid = Sessions(get_database(config), user).create(BRAIN_DUMP).id
    first, new_first = start(config, user, sid, "themes")
    second, new_second = start(config, user, sid, "themes")  # a double click, or another tab
    assert (new_first, new_second) == (True, False) and second.id == first.id
    with get_database(config).admin() as conn:
        assert conn.execute("select count(*) as n from procrastinate.procrastinate_jobs").fetchone()["n"] == 1


def test_a_queued_job_can_be_cancelled_and_then_never_runs(config, user):
    db = get_database(config)
    sid = Sessions(db, user).create(BRAIN_DUMP).id
    job, _ = start(config, user, sid, "themes")
    jobs = Jobs(db, user)
    assert jobs.cancel(job.id).state == "cancelled"
    running = InProcessWorker(config, concurrency=1).start()
    try:
        time.sleep(1.5)
    finally:
        running.stop()
    assert jobs.get(job.id).state == "cancelled" and Sessions(db, user).get(sid).brain_dump.themes == []


def test_no_job_can_be_started_in_another_user_s_session(config, user, user_b):
    db = get_database(config)
    sid = Sessions(db, user).create(BRAIN_DUMP).id
    with pytest.raises(SessionNotFound):
        Jobs(db, user_b).start(sid, "themes")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # RLS itself refuses the row
        with db.as_user(user_b) as conn:
            conn.execute("insert into public.content_jobs (user_id, session_id, step) values (%s, %s, 'themes')",
                         [user_b, sid])
    assert Jobs(db, user_b).get(uuid.uuid4()) is None


def test_a_user_s_running_jobs_are_capped_and_a_join_is_never_refused(config, user):
    db = get_database(config)
    sessions = Sessions(db, user)
    jobs = Jobs(db, user)
    first, second, third = (sessions.create(f"{BRAIN_DUMP} {n}").id for n in range(3))
    jobs.start(first, "themes", limit=2)
    jobs.start(second, "themes", limit=2)
    with pytest.raises(InputError, match="You already have 2 generations running"):
        jobs.start(third, "themes", limit=2)
    assert jobs.start(first, "themes", limit=2)[1] is False  # joining the running one is always fine


def test_auto_run_takes_a_chosen_theme_through_every_step(config, worker, pipeline, user):
    sid = through(pipeline, "research")
    db = get_database(config)
    Jobs(db, user).submit(sid, "research", {"auto": True, "draft_words": 400})
    deadline = time.monotonic() + 60
    while (session := pipeline.sessions.get(sid)).status != "completed":
        assert time.monotonic() < deadline, f"auto-run stopped at {session.status}"
        time.sleep(0.2)
    assert session.current_outline.chosen_index == 0 and session.current_draft.source == "generated"
    assert len(session.current_outputs) == 5
    with db.as_user(user) as conn:
        steps = [r["step"] for r in conn.execute("select step from content_jobs order by created_at")]
    assert steps == ["research", "outlines", "draft", "outputs"]


def test_stopping_an_auto_run_stops_the_chain(config, pipeline, user):
    sid = through(pipeline, "research")
    db = get_database(config)
    jobs = Jobs(db, user)
    job, _ = start(config, user, sid, "research", auto=True)
    jobs.cancel(job.id)  # stopped before a worker took it
    running = InProcessWorker(config, concurrency=1).start()
    try:
        time.sleep(1.5)
    finally:
        running.stop()
    with db.as_user(user) as conn:
        assert [r["state"] for r in conn.execute("select state from content_jobs")] == ["cancelled"]
    assert pipeline.sessions.get(sid).current_research is None
