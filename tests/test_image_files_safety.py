"""Image files are written whole or not at all, and deleted only after their rows."""

import errno
import os

import pytest

from lib.errors import DatabaseError, StorageError
from lib.generate.offline import OfflineGenerator
from lib.images import Images
from lib.spool import Spool
from lib.storage import LocalImageStore
from tests.helpers import block_uploads

PATH = "6f1c1e0a-1d2b-4c59-9a53-1f0b7c3e2a10/standalone/a.png"


@pytest.fixture
def store(tmp_path):
    return LocalImageStore(tmp_path / "images")


def files_under(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_a_write_is_whole_and_leaves_no_temporary_file(store):
    stored = store.put(PATH, b"\x89PNG whole", "image/png")
    assert store.read(PATH) == b"\x89PNG whole" and stored.size == 10
    assert files_under(store.root) == [PATH]


@pytest.mark.parametrize("code,says", [
    (errno.ENOSPC, "The disk is full: the image could not be saved. Free some space on the disk that holds"),
    (errno.EACCES, "The image folder is not writable: the image could not be saved. Give the app write permission"),
    (errno.EIO, "Could not write the image file"),
])
def test_a_failing_write_leaves_nothing_behind_and_says_why(store, monkeypatch, code, says):
    def fail(fd):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", fail)  # the data was written, but it could not be made durable
    with pytest.raises(StorageError) as caught:
        store.put(PATH, b"\x89PNG half", "image/png")
    assert str(caught.value).startswith(says)
    assert "already exists" not in str(caught.value)
    assert files_under(store.root) == []  # no truncated file, no temporary file


def test_an_existing_file_is_never_overwritten(store):
    store.put(PATH, b"first", "image/png")
    with pytest.raises(StorageError, match="An image already exists"):
        store.put(PATH, b"second", "image/png")
    assert store.read(PATH) == b"first" and files_under(store.root) == [PATH]


@pytest.fixture
def images(db, user_a, tmp_path):
    return Images(db, user_a, LocalImageStore(tmp_path / "images"), Spool(tmp_path / "spool"), OfflineGenerator())


def count_rows(db) -> int:
    with db.admin() as conn:
        return conn.execute("select count(*) as n from generated_images").fetchone()["n"]


def test_a_file_that_cannot_be_removed_does_not_keep_the_row(images, db, monkeypatch):
    record = images.generate("A lighthouse at dusk", aspect_ratio="1:1")

    def refuse(paths):
        raise StorageError("Could not delete the file.", fix="Check the permissions.")

    monkeypatch.setattr(images.store, "delete", refuse)
    images.delete(record.id)  # the user's delete succeeds; the file is left for a sweep
    assert count_rows(db) == 0
    assert (images.store.root / record.storage_path).exists()


def test_a_row_that_cannot_be_deleted_keeps_its_files(images, db, monkeypatch):
    record = images.generate("A lighthouse at dusk", aspect_ratio="1:1")

    def down(user_id):
        raise DatabaseError("The database did not answer.", fix="Try again in a moment.")

    monkeypatch.setattr(images, "get", lambda image_id: record)  # found; then the database fails
    monkeypatch.setattr(images.db, "as_user", down)
    with pytest.raises(DatabaseError):
        images.delete(record.id)
    monkeypatch.undo()
    assert count_rows(db) == 1
    assert images.image_bytes(images.get(record.id))[:4] == b"\x89PNG"  # the row still has its file


# --- a missing file breaks only itself -------------------------------------------------------------------


def test_a_missing_thumbnail_leaves_every_other_tile(images):
    kept = images.generate("A lighthouse at dusk", aspect_ratio="1:1")
    lost = images.generate("A harbour at dawn", aspect_ratio="1:1")
    (images.store.root / lost.thumbnail["path"]).unlink()
    (images.store.root / lost.storage_path).unlink()
    sources = images.thumbnail_sources([kept, lost])
    assert sources == {kept.id: kept.thumbnail["public_url"], lost.id: None}
    assert images.missing(lost) and not images.missing(kept)


def test_a_missing_spooled_copy_leaves_every_other_tile(images, user_a):
    block_uploads(images, user_a)  # uploads fail: the images are kept in the spool
    kept = images.generate("A lighthouse at dusk", aspect_ratio="1:1")
    lost = images.generate("A harbour at dawn", aspect_ratio="1:1")
    assert not kept.uploaded and not lost.uploaded
    for name in (f"{lost.id}.png", f"{lost.id}.thumb.webp"):
        (images.spool.root / str(user_a) / name).unlink()
    sources = images.thumbnail_sources([kept, lost])
    assert sources[lost.id] is None and sources[kept.id][:4] == b"RIFF"  # the kept one's WebP bytes
    assert images.missing(lost) and not images.missing(kept)


def test_the_zip_export_builds_with_a_note_of_what_is_missing(images, db, user_a):
    import io
    import zipfile

    from lib.export import session_zip
    from lib.session import Sessions

    session = Sessions(db, user_a).create("Notes on lighthouses")
    kept = images.generate("A lighthouse at dusk", aspect_ratio="1:1", session_id=session.id)
    lost = images.generate("A harbour at dawn", aspect_ratio="1:1", session_id=session.id)
    (images.store.root / lost.storage_path).unlink()
    archive = zipfile.ZipFile(io.BytesIO(session_zip(session, [kept, lost], images.image_bytes)))
    names = archive.namelist()
    assert f"images/{kept.file_name}" in names and f"images/{lost.file_name}" not in names
    note = archive.read("MISSING.txt").decode()
    assert f"images/{lost.file_name}" in note and "A harbour at dawn" in note
    assert archive.read(f"images/{kept.file_name}") == images.image_bytes(kept)
