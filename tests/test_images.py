"""The image pipeline on real files, real Pillow images and the embedded PostgreSQL."""

import io
import urllib.request

import pytest
from PIL import Image

from lib.errors import SessionNotFound, StorageError
from lib.generate.offline import OfflineGenerator
from lib.images import ImageNotFound, Images
from lib.session import Sessions
from lib.spool import Spool
from lib.storage import LocalImageStore
from tests.helpers import block_uploads
from tests.server import running_app


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def images(db, user_a, data_dir):
    return Images(db, user_a, LocalImageStore(data_dir / "images"), Spool(data_dir / "spool"), OfflineGenerator())


@pytest.fixture
def session_id(db, user_a):
    return Sessions(db, user_a).create("Notes for a post about lighthouses").id


def unblock_uploads(images, user_id):
    (images.store.root / str(user_id)).unlink()


def test_the_pipeline_writes_image_thumbnail_and_a_complete_row(images, user_a, session_id, db):
    record = images.generate("A lighthouse at dusk", "people, text", None, "3:2", session_id)
    path = f"{user_a}/{session_id}/{record.id}.png"
    thumb_path = f"{user_a}/{session_id}/{record.id}.thumb.webp"
    with Image.open(images.store.root / path) as full:
        assert full.format == "PNG" and full.size == (record.width, record.height)
        assert record.width * 2 == record.height * 3
    with Image.open(images.store.root / thumb_path) as thumb:
        assert thumb.format == "WEBP" and max(thumb.size) <= 512
    with db.admin() as conn:
        row = conn.execute("select * from generated_images").fetchone()
    assert row["id"] == record.id and row["user_id"] == user_a and row["session_id"] == session_id
    assert row["storage_path"] == path and row["public_url"] == f"/app/static/images/{path}"
    assert row["prompt"] == "A lighthouse at dusk" and row["negative_prompt"] == "people, text"
    assert row["model_used"].startswith("offline") and row["aspect_ratio"] == "3:2"
    assert row["file_size"] == (images.store.root / path).stat().st_size and row["mime_type"] == "image/png"
    assert row["metadata"]["thumbnail"]["path"] == thumb_path
    assert row["metadata"]["thumbnail"]["public_url"] == f"/app/static/images/{thumb_path}"
    assert row["metadata"]["thumbnail"]["file_size"] == (images.store.root / thumb_path).stat().st_size
    assert "usage" in row["metadata"] and "upload_error" not in row["metadata"]
    assert row["created_at"] is not None


def test_the_running_app_serves_the_stored_image_at_its_url(images, session_id, data_dir, db_url):
    record = images.generate("Harbour lights", aspect_ratio="16:9", session_id=session_id)
    with running_app({"CONTENT_DATA_DIR": str(data_dir), "DATABASE_URL": db_url}) as base:
        for url, kind in [(record.public_url, "image/png"), (record.thumbnail["public_url"], "image/webp")]:
            with urllib.request.urlopen(base + url, timeout=10) as answer:
                assert answer.status == 200 and answer.headers["Content-Type"] == kind
                body = answer.read()
            assert body == (images.store.root / url.removeprefix("/app/static/images/")).read_bytes()
        with urllib.request.urlopen(base + record.public_url, timeout=10) as answer:
            assert Image.open(io.BytesIO(answer.read())).size == (record.width, record.height)


def test_standalone_images_have_no_session(images, user_a):
    record = images.generate("Standalone sketch", aspect_ratio="1:1")
    assert record.session_id is None and record.storage_path == f"{user_a}/standalone/{record.id}.png"
    assert [r.id for r in images.standalone()] == [record.id]


def test_a_failed_upload_keeps_the_image_and_the_retry_completes_the_same_row(images, user_a, session_id, db, data_dir):
    block_uploads(images, user_a)
    record = images.generate("Fog over the pier", aspect_ratio="4:3", session_id=session_id)
    assert record.storage_path is None and record.public_url is None
    assert "Could not write the image file" in record.upload_error
    spooled = data_dir / "spool" / str(user_a) / f"{record.id}.png"
    assert spooled.is_file()
    assert isinstance(images.full_source(record), bytes)  # shown from the spool meanwhile
    assert Image.open(io.BytesIO(images.thumbnail_sources([record])[record.id])).format == "WEBP"

    with pytest.raises(StorageError):  # still blocked: the error is recorded, the row stays
        images.retry_upload(record.id)
    assert images.get(record.id).metadata["upload_error"]["attempts"] == 2

    unblock_uploads(images, user_a)
    kept_bytes = spooled.read_bytes()
    done = images.retry_upload(record.id)
    assert done.id == record.id and done.uploaded and "upload_error" not in done.metadata
    assert done.storage_path == f"{user_a}/{session_id}/{record.id}.png"
    assert (images.store.root / done.storage_path).read_bytes() == kept_bytes
    assert not spooled.exists()
    with db.admin() as conn:
        assert conn.execute("select count(*) as n from generated_images").fetchone()["n"] == 1
    assert images.retry_upload(record.id) == done  # a second retry changes nothing


def test_delete_removes_files_and_row(images, session_id, db):
    record = images.generate("To be deleted", session_id=session_id)
    files = [images.store.root / p for p in record.object_paths]
    assert all(f.is_file() for f in files)
    images.delete(record.id)
    assert not any(f.exists() for f in files)
    with pytest.raises(ImageNotFound):
        images.get(record.id)


def test_deleting_a_spooled_image_removes_the_spooled_files(images, user_a, data_dir):
    block_uploads(images, user_a)
    record = images.generate("Never uploaded")
    images.delete(record.id)
    assert list((data_dir / "spool" / str(user_a)).iterdir()) == []


def test_deleting_a_session_removes_its_images_rows_and_files(images, db, user_a, session_id):
    other = Sessions(db, user_a).create("Another session").id
    gone = [images.generate(f"Session image {i}", session_id=session_id) for i in range(2)]
    kept = images.generate("Other session image", session_id=other)
    images.delete_session(session_id)
    assert not any((images.store.root / p).exists() for r in gone for p in r.object_paths)
    assert (images.store.root / kept.storage_path).is_file()
    with db.admin() as conn:
        assert [r["id"] for r in conn.execute("select id from generated_images")] == [kept.id]
        assert conn.execute("select count(*) as n from content_sessions where id = %s", [session_id]).fetchone()["n"] == 0


def test_regenerate_adds_a_row_with_the_same_settings(images, session_id):
    first = images.generate("Regenerate me", "blur", None, "9:16", session_id)
    second = images.regenerate(first.id)
    assert second.id != first.id
    assert (second.prompt, second.negative_prompt, second.aspect_ratio, second.session_id) == \
        (first.prompt, first.negative_prompt, first.aspect_ratio, first.session_id)
    assert len(images.for_session(session_id)) == 2


def test_another_users_session_or_image_is_not_found(images, db, user_b, session_id, data_dir):
    record = images.generate("Alice's image", session_id=session_id)
    bob = Images(db, user_b, images.store, images.spool, OfflineGenerator())
    with pytest.raises(SessionNotFound):
        bob.generate("Bob's image", session_id=session_id)
    for call in (lambda: bob.get(record.id), lambda: bob.delete(record.id), lambda: bob.retry_upload(record.id),
                 lambda: bob.get("not-a-uuid")):
        with pytest.raises(ImageNotFound):
            call()
    with pytest.raises(SessionNotFound):
        bob.delete_session(session_id)
    assert (images.store.root / record.storage_path).is_file()
    assert not (images.store.root / str(user_b)).exists()


def test_a_session_s_newest_images_come_limited_in_sql(images, user_a):
    sid = Sessions(images.db, user_a).create("Notes with many images").id
    made = [images.generate(f"Image number {n}", session_id=sid).id for n in range(3)]
    assert [r.id for r in images.for_session(sid, limit=2)] == made[::-1][:2]
    assert len(images.for_session(sid)) == 3
