"""The local image route (lib/image_route.py): images only, right types, nosniff on every answer."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
import io
import uuid
from pathlib import Path

import pytest
from PIL import Image
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from lib.image_route import IMMUTABLE, ImageFiles
from lib.storage.local import URL_PREFIX

USER, SESSION, IMAGE = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
FOLDER = f"{USER}/{SESSION}"


def image_bytes(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 40, 90)).save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def root(tmp_path) -> Path:
    """An image folder with what the app writes plus what it never writes, and a secret outside it."""
    images = tmp_path / "images"
    folder = images / FOLDER
    folder.mkdir(parents=True)
    (folder / f"{IMAGE}.png").write_bytes(image_bytes("PNG"))
    (folder / f"{IMAGE}.thumb.webp").write_bytes(image_bytes("WEBP"))
    (folder / "page.html").write_text("<script>alert(document.cookie)</script>")
    (folder / "notes.txt").write_text("not an image")
    (folder / "sneaky.html.png.txt").write_text("<script>alert(1)</script>")
    (tmp_path / "secret.png").write_bytes(image_bytes("PNG"))
    (folder / "escape.png").symlink_to(tmp_path / "secret.png")   # leads out of the folder
    (folder / "disguised.png").symlink_to(folder / "page.html")   # an image name for an html file
    return images


@pytest.fixture
def client(root) -> TestClient:
    return TestClient(ImageFiles(directory=root))


def assert_nosniff(answer) -> None:
    assert answer.headers["x-content-type-options"] == "nosniff", (answer.status_code, answer.headers)


@pytest.mark.parametrize("name,content_type,fmt", [
    (f"{IMAGE}.png", "image/png", "PNG"),
    (f"{IMAGE}.thumb.webp", "image/webp", "WEBP"),
])
def test_images_are_served_with_their_type_nosniff_and_long_caching(client, root, name, content_type, fmt):
    answer = client.get(f"/{FOLDER}/{name}")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == content_type
    assert answer.content == (root / FOLDER / name).read_bytes()
    assert Image.open(io.BytesIO(answer.content)).format == fmt
    assert answer.headers["cache-control"] == IMMUTABLE
    assert_nosniff(answer)


def test_head_answers_like_get_without_a_body(client):
    answer = client.head(f"/{FOLDER}/{IMAGE}.png")
    assert answer.status_code == 200 and answer.content == b""
    assert answer.headers["content-type"] == "image/png"
    assert_nosniff(answer)


def test_a_revalidation_answers_304_with_nosniff(client):
    first = client.get(f"/{FOLDER}/{IMAGE}.png")
    answer = client.get(f"/{FOLDER}/{IMAGE}.png", headers={"if-none-match": first.headers["etag"]})
    assert answer.status_code == 304
    assert answer.headers["cache-control"] == IMMUTABLE
    assert_nosniff(answer)


@pytest.mark.parametrize("name", ["page.html", "notes.txt", "sneaky.html.png.txt", "disguised.png", "escape.png"])
def test_anything_but_an_image_we_write_is_404(client, name):
    answer = client.get(f"/{FOLDER}/{name}")
    assert answer.status_code == 404
    assert "<script>" not in answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.headers["cache-control"] == "no-store"
    assert_nosniff(answer)


@pytest.mark.parametrize("path", [
    f"/{FOLDER}/missing.png",
    f"/{FOLDER}",
    f"/{FOLDER}/",
    "/",
    f"/{FOLDER}/.hidden.png",
    f"/{FOLDER}/{IMAGE}.PNG",
    f"/{FOLDER}/{IMAGE}.jpg",
])
def test_missing_files_folders_and_other_names_are_404(client, path):
    answer = client.get(path)
    assert answer.status_code == 404
    assert_nosniff(answer)


@pytest.mark.parametrize("path", [
    f"/{FOLDER}/%2e%2e/%2e%2e/%2e%2e/secret.png",      # percent-encoded: not normalised by the client
    f"/{FOLDER}/..%2f..%2f..%2fsecret.png",
    f"/{USER}/%2e%2e/{FOLDER}/{IMAGE}.png",            # even when it would land on a real image
])
def test_dot_dot_is_refused(client, root, path):
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer.content != (root.parent / "secret.png").read_bytes()
    assert_nosniff(answer)


def raw_get(app, path: str) -> tuple[int, dict[str, str]]:
    """One GET with exactly this (decoded) path: no client in between to normalise `..` away."""
    messages, requested = [], []

    async def receive():
        if not requested:
            requested.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(2)  # a file response listens for a disconnect while it sends: hang up only later
        return {"type": "http.disconnect"}

    async def send(message):
        messages.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "root_path": "",
             "query_string": b"", "headers": [], "http_version": "1.1", "scheme": "http",
             "server": ("test", 80), "client": ("test", 1)}
    # In a thread of its own: the browser tests' Playwright keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, asyncio.wait_for(app(scope, receive, send), timeout=20)).result()
    start = messages[0]
    return start["status"], {k.decode().lower(): v.decode() for k, v in start["headers"]}


@pytest.mark.parametrize("path", [
    f"/{FOLDER}/../../../secret.png",
    f"/{USER}/../{FOLDER}/{IMAGE}.png",
    f"/{FOLDER}/./{IMAGE}.png",
    f"//{FOLDER}/{IMAGE}.png",
])
def test_dot_segments_are_refused_on_the_raw_path(root, path):
    status, headers = raw_get(ImageFiles(directory=root), path)
    assert status == 404 and headers["x-content-type-options"] == "nosniff"


def test_the_raw_path_serves_a_plain_image_path(root):
    status, headers = raw_get(ImageFiles(directory=root), f"/{FOLDER}/{IMAGE}.png")
    assert status == 200 and headers["content-type"] == "image/png"


def test_only_get_and_head(client):
    answer = client.post(f"/{FOLDER}/{IMAGE}.png")
    assert answer.status_code == 405 and answer.headers["allow"] == "GET, HEAD"
    assert_nosniff(answer)


def test_mounted_like_serve_py_the_404s_keep_their_headers(root):
    client = TestClient(Starlette(routes=[Mount(URL_PREFIX, ImageFiles(directory=root))]))
    ok = client.get(f"{URL_PREFIX}/{FOLDER}/{IMAGE}.png")
    assert ok.status_code == 200 and ok.headers["content-type"] == "image/png"
    assert_nosniff(ok)
    for name in ("page.html", "notes.txt", "missing.png"):
        answer = client.get(f"{URL_PREFIX}/{FOLDER}/{name}")
        assert answer.status_code == 404
        assert_nosniff(answer)


def test_the_folder_must_exist(tmp_path):
    with pytest.raises(RuntimeError, match="does not exist"):
        ImageFiles(directory=tmp_path / "nowhere")
