"""A worker that dies mid-draft (SIGKILL) does not lose the job: another worker runs it again within seconds,
the text written before the death is where the new run goes on from, and the job ends done. Also: app servers with their
in-process worker off leave jobs to a standalone worker (`make worker`)."""

import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest

from lib.config import load_config
from lib.db import get_database
from lib.jobs import queue, worker
from lib.jobs.store import Jobs
from lib.jobs.worker import InProcessWorker
from tests.fake_openai import FakeOpenAI, StreamedAnswer
from tests.helpers import ROOT, through

PIECES = [f"Paragraph {n} of a draft that outlives its worker. " for n in range(1, 31)]


@pytest.fixture
def slow_model(monkeypatch, db_url, tmp_path):
    fake = FakeOpenAI(StreamedAnswer(PIECES, delay=0.2)).serve()
    env = {"DATABASE_URL": db_url, "CONTENT_DATA_DIR": str(tmp_path / "data"), "CONTENT_GENERATOR": "openai",
           "OPENAI_API_KEY": "local-key", "OPENAI_BASE_URL": fake.url, "OPENAI_TEXT_MODEL": "local-model"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    yield env, fake
    fake.close()
    queue.close(db_url)


def standalone_worker(env) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "lib.jobs.worker"], cwd=ROOT, env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        deadline = time.monotonic() + 30
        while not conn.execute("select count(*) from procrastinate.procrastinate_workers").fetchone()[0]:
            assert time.monotonic() < deadline and proc.poll() is None, "the standalone worker did not start"
            time.sleep(0.1)
    return proc


def enqueue(config, user, sid, step):
    jobs = Jobs(get_database(config), user)
    job, _ = jobs.submit(sid, step, {"draft_words": 400})
    return jobs, job


def wait_for(predicate, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def test_a_killed_worker_s_draft_is_run_again_by_another_and_finishes(slow_model, pipeline, user, monkeypatch):
    env, fake = slow_model
    config = load_config()
    sid = through(pipeline, "draft")
    first = standalone_worker(env)
    try:
        jobs, job = enqueue(config, user, sid, "draft")
        wait_for(lambda: (j := jobs.get(job.id)).result_version and j, "a checkpoint of the draft")
        time.sleep(1.2)  # a second checkpoint: more text
        first.send_signal(signal.SIGKILL)
        first.wait()
    finally:
        if first.poll() is None:
            first.kill()
    written = pipeline.sessions.get(sid).current_draft
    assert written.source == "partial" and written.markdown.startswith("Paragraph 1 ")
    killed_at = time.monotonic()

    monkeypatch.setattr(worker, "STALLED_AFTER", 4.0)  # the test's patience, not the product's
    monkeypatch.setattr(worker, "RECHECK", 1.0)
    second = InProcessWorker(config, concurrency=1).start()
    try:
        done = wait_for(lambda: (j := jobs.get(job.id)).state == "done" and j, "the job's end", timeout=60)
    finally:
        second.stop()
    assert done.attempts == 2 and time.monotonic() - killed_at < 30
    # The new worker went on from the dead one's text, in that same version: nothing written is lost or redone.
    [draft] = pipeline.sessions.get(sid).drafts
    assert draft.version == written.version and draft.source == "generated"
    assert draft.markdown.startswith(written.markdown) and draft.markdown.strip() == "".join(PIECES).strip()
    assert len(fake.requests) == 2  # the dead worker's request, and the one that went on from its text
    resumed = fake.requests[1]["body"]["messages"]
    assert resumed[-2] == {"role": "assistant", "content": written.markdown}
    assert resumed[-1]["role"] == "user" and resumed[-1]["content"].startswith("Your answer above was cut off.")


def test_app_servers_without_a_worker_leave_jobs_to_a_standalone_one(slow_model, pipeline, user):
    env, fake = slow_model
    config = load_config(CONTENT_WORKER="off")
    sid = through(pipeline, "research")
    jobs, job = enqueue(config, user, sid, "research")
    time.sleep(1)
    assert jobs.get(job.id).state == "queued"  # no worker anywhere yet: it waits, it is not lost
    standalone = standalone_worker({**env, "CONTENT_GENERATOR": "offline"})
    try:
        assert wait_for(lambda: (j := jobs.get(job.id)).state == "done" and j, "the job's end").attempts == 1
    finally:
        standalone.send_signal(signal.SIGTERM)
        assert standalone.wait(timeout=30) == 0  # a clean stop on SIGTERM
    assert pipeline.sessions.get(sid).current_research is not None


def test_a_job_waiting_on_a_rate_limit_says_so_then_finishes(slow_model, pipeline, user):
    env, fake = slow_model
    fake.rate_limited, fake.retry_after = 1, 2.0
    config = load_config()
    sid = through(pipeline, "draft")
    running = InProcessWorker(config, concurrency=1).start()
    try:
        jobs, job = enqueue(config, user, sid, "draft")
        noted = wait_for(lambda: jobs.get(job.id).note, "the note on the job", timeout=20)
        assert noted == "The provider asked us to slow down (rate limit); waiting, then trying again."
        done = wait_for(lambda: (j := jobs.get(job.id)).state == "done" and j, "the job's end")
    finally:
        running.stop()
    assert done.note is None and len(fake.requests) == 2
