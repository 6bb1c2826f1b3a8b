"""Images are generation jobs: a worker makes, stores and records each one as its user; the same picture started
twice is one job; a crashed run never makes a second row; bad prompts are refused before anything is queued;
and with Supabase a worker stores only in the job's user's folder."""

import uuid

import httpx
import psycopg
import pytest

from lib.config import load_config
from lib.db import get_database
from lib.errors import InputError, SessionNotFound, StorageError
from lib.generate.offline import OfflineGenerator
from lib.images import Images
from lib.jobs import run
from lib.jobs.store import Jobs
from lib.session import Sessions
from lib.spool import Spool
from lib.storage import LocalImageStore, UserFolderStore, images_root, worker_store
from tests.helpers import ANON_KEY, BRAIN_DUMP, URL, click, open_page, texts
from tests.test_jobs import config, wait, worker  # noqa: F401 (fixtures: a job's settings and a real worker)

SERVICE_KEY = "service-role-key-for-workers-only"


def images_of(config, user) -> Images:
    return Images(get_database(config), user, LocalImageStore(images_root(config.data_dir)),
                  Spool(config.data_dir / "spool"), OfflineGenerator())


def submit(config, user, request):
    return Jobs(get_database(config), user).submit(request.session_id, "image", request.job_options())


def test_an_image_job_makes_stores_and_records_the_image_as_its_user(config, worker, user):
    sid = Sessions(get_database(config), user).create(BRAIN_DUMP).id
    images = images_of(config, user)
    job, new = submit(config, user, images.request("A lighthouse in fog", "", None, "1:1", sid))
    assert new and job.step == "image" and job.session_id == sid
    done = wait(Jobs(get_database(config), user), job.id)
    assert (done.state, done.error) == ("done", None)
    [record] = images.for_session(sid)
    assert str(record.id) == job.options["image_id"] and record.prompt == "A lighthouse in fog"
    assert (record.width, record.height) == (1024, 1024) and record.uploaded
    assert images.image_bytes(record).startswith(b"\x89PNG")


def test_a_standalone_image_is_a_job_too(config, worker, user):
    images = images_of(config, user)
    job, _ = submit(config, user, images.request("A red kite over green hills"))
    assert job.session_id is None
    assert wait(Jobs(get_database(config), user), job.id).state == "done"
    assert [r.prompt for r in images.standalone()] == ["A red kite over green hills"]


def test_the_same_picture_started_twice_is_one_job_and_another_runs_beside_it(config, user):
    images = images_of(config, user)
    sid = Sessions(get_database(config), user).create(BRAIN_DUMP).id
    first, new_first = submit(config, user, images.request("A lighthouse in fog", session_id=sid))
    second, new_second = submit(config, user, images.request("A lighthouse in fog", session_id=sid))  # a double click
    other, new_other = submit(config, user, images.request("A harbour at dawn", session_id=sid))
    assert (new_first, new_second, new_other) == (True, False, True)
    assert second.id == first.id and other.id != first.id
    with get_database(config).admin() as conn:
        assert conn.execute("select count(*) as n from procrastinate.procrastinate_jobs").fetchone()["n"] == 2


def test_a_run_again_after_a_crash_finds_the_image_the_first_run_saved(config, user):
    db = get_database(config)
    images = images_of(config, user)
    job, _ = Jobs(db, user).start(None, "image", images.request("A lighthouse in fog").job_options())
    assert run.run_job(db, config, OfflineGenerator(), job.id, user) == "done"
    with db.admin() as conn:  # as if the worker died before it could say so: a new worker runs it again
        conn.execute("update public.content_jobs set state = 'running' where id = %s", [job.id])
    assert run.run_job(db, config, OfflineGenerator(), job.id, user) == "done"
    assert [str(r.id) for r in images.standalone()] == [job.options["image_id"]]  # one row, not two


def test_a_bad_prompt_is_said_at_once_and_nothing_is_queued(config, user):
    images = images_of(config, user)
    with pytest.raises(InputError, match="The image prompt is empty"):
        images.request("   ")
    with pytest.raises(InputError, match="image models take at most 4,000"):
        images.request("x" * 4001)
    with pytest.raises(InputError, match="Aspect ratio '5:1' is not supported"):
        images.request("A kite", aspect_ratio="5:1")
    with get_database(config).admin() as conn:
        assert conn.execute("select count(*) as n from public.content_jobs").fetchone()["n"] == 0


def test_no_image_job_in_another_user_s_session(config, user, user_b):
    db = get_database(config)
    sid = Sessions(db, user).create(BRAIN_DUMP).id
    with pytest.raises(SessionNotFound):
        images_of(config, user_b).request("A kite", session_id=sid)
    options = images_of(config, user_b).request("A kite").job_options()
    with pytest.raises(SessionNotFound):
        Jobs(db, user_b).start(sid, "image", options)
    with pytest.raises(psycopg.errors.InsufficientPrivilege):  # RLS itself refuses the row
        with db.as_user(user_b) as conn:
            conn.execute("insert into public.content_jobs (user_id, session_id, step, options)"
                         " values (%s, %s, 'image', %s)", [user_b, sid, psycopg.types.json.Jsonb(options)])
    assert Jobs(db, user).images(sid) == [] and Jobs(db, user_b).images(everywhere=True) == []


def test_a_worker_stores_with_the_service_key_only_in_the_job_user_s_folder(config, user, router, monkeypatch):
    monkeypatch.setenv("SUPABASE_URL", URL)
    monkeypatch.setenv("SUPABASE_ANON_KEY", ANON_KEY)
    monkeypatch.setenv("SUPABASE_SERVICE_ROLE_KEY", SERVICE_KEY)
    supabase = load_config()
    assert supabase.image_store == "supabase" and supabase.image_jobs and SERVICE_KEY not in repr(supabase)
    upload = router.post(url__regex=rf"{URL}/storage/v1/object/generated-images/{user}/standalone/.+").mock(
        side_effect=lambda request: httpx.Response(200, json={"Key": request.url.path.split("/object/", 1)[1]}))
    db = get_database(config)
    job, _ = Jobs(db, user).start(None, "image", images_of(config, user).request("A lighthouse").job_options())

    assert run.run_job(db, supabase, OfflineGenerator(), job.id, user) == "done"
    assert upload.call_count == 2  # the image and its thumbnail, under the job's user's folder
    assert all(c.request.headers["authorization"] == f"Bearer {SERVICE_KEY}" for c in upload.calls)
    with db.as_user(user) as conn:
        assert conn.execute("select storage_path from generated_images").fetchone()["storage_path"].startswith(
            f"{user}/standalone/")
    with pytest.raises(StorageError, match="outside this user's folder"):
        worker_store(supabase, user).put(f"{uuid.uuid4()}/standalone/x.png", b"png", "image/png")
    assert isinstance(worker_store(supabase, user), UserFolderStore)


def test_without_the_service_key_supabase_images_are_made_in_the_page(monkeypatch):
    monkeypatch.setenv("SUPABASE_URL", URL)
    monkeypatch.setenv("SUPABASE_ANON_KEY", ANON_KEY)
    monkeypatch.delenv("SUPABASE_SERVICE_ROLE_KEY", raising=False)
    assert not load_config().image_jobs
    monkeypatch.setenv("CONTENT_IMAGE_STORE", "local")
    assert load_config().image_jobs


def test_the_page_shows_a_failed_image_with_retry_and_dismiss(app, monkeypatch, db, user):
    # Images from an OpenAI-compatible server that is not there: the job fails, the page says why.
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-never-shown")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("CONTENT_IMAGE_GENERATOR", "openai")
    monkeypatch.setenv("OPENAI_MAX_RETRIES", "0")
    open_page(app, "app_pages/outputs.py")
    app.text_area(key="standalone-prompt").input("A red kite over green hills")
    click(app, "Generate image")
    shown = texts(app)
    assert "An image could not be made" in shown and "A red kite over green hills" in shown
    assert "sk-test-never-shown" not in shown
    click(app, "Retry")  # fails again, as the server is still away: one failed entry, the new one
    with db.admin() as conn:
        states = [r["state"] for r in conn.execute("select state from content_jobs order by created_at")]
    assert states == ["failed", "failed"]
    assert [b.label for b in app.button].count("Retry") == 1
    click(app, "Dismiss")
    app.run()
    assert "An image could not be made" not in texts(app)
    with db.as_user(user) as conn:
        assert conn.execute("select count(*) as n from generated_images").fetchone()["n"] == 0
