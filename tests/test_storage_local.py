"""The local image store: real files under its root, nothing outside it."""

import uuid

import pytest

from lib.errors import StorageError
from lib.storage import LocalImageStore, check_path, object_path

UID, SID = uuid.uuid4(), uuid.uuid4()


@pytest.fixture
def store(tmp_path):
    return LocalImageStore(tmp_path / "images")


def test_put_writes_the_file_and_gives_a_served_url(store):
    path = object_path(UID, SID, "a.png")
    stored = store.put(path, b"\x89PNG data", "image/png")
    assert stored.path == f"{UID}/{SID}/a.png"
    assert stored.public_url == f"/app/static/images/{UID}/{SID}/a.png"
    assert stored.size == 9 and store.read(path) == b"\x89PNG data"
    assert (store.root / path).read_bytes() == b"\x89PNG data"


def test_standalone_images_go_to_the_standalone_folder(store):
    assert object_path(UID, None, "a.png") == f"{UID}/standalone/a.png"


def test_put_never_overwrites(store):
    path = object_path(UID, SID, "a.png")
    store.put(path, b"first", "image/png")
    with pytest.raises(StorageError, match="already exists"):
        store.put(path, b"second", "image/png")
    assert store.read(path) == b"first"


@pytest.mark.parametrize("bad", ["../escape.png", f"{UID}/../../etc/passwd", "/etc/passwd", f"{UID}//a.png",
                                 f"{UID}/a\\..\\b.png", "", f"{UID}/.hidden", f"{UID}/a..png"])
def test_paths_that_could_escape_the_root_are_refused(store, bad):
    with pytest.raises(StorageError, match="Refused the storage path"):
        store.put(bad, b"x", "image/png")
    assert not any(store.root.parent.rglob("*.png"))


def test_a_symlink_inside_the_root_cannot_lead_outside(store, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    store.root.mkdir(parents=True)
    (store.root / "link").symlink_to(outside)
    with pytest.raises(StorageError, match="leads outside the image folder"):
        store.put("link/a.png", b"x", "image/png")
    assert list(outside.iterdir()) == []


def test_delete_removes_files_and_empty_folders(store):
    a, b = object_path(UID, SID, "a.png"), object_path(UID, SID, "a.thumb.webp")
    store.put(a, b"a", "image/png")
    store.put(b, b"b", "image/webp")
    store.delete([a, b, object_path(UID, SID, "gone.png")])  # already gone: not an error
    assert not (store.root / str(UID)).exists()
    assert store.root.exists()


def test_a_write_that_fails_says_what_to_check(store):
    store.root.mkdir(parents=True)
    (store.root / str(UID)).write_text("a file where a folder should be")
    with pytest.raises(StorageError, match="Could not write the image file"):
        store.put(object_path(UID, SID, "a.png"), b"x", "image/png")


def test_check_path_accepts_plain_paths():
    assert check_path(f"{UID}/standalone/{UID}.thumb.webp") == f"{UID}/standalone/{UID}.thumb.webp"
