"""The Supabase image store at the HTTP level: what we send to Supabase Storage and what we make of its answers.

Recorded answers (respx), shaped like Supabase Storage's: no network.
"""

from __future__ import annotations

import email
import json
import uuid

import httpx
import pytest

from lib.errors import StorageError
from lib.storage.base import object_path
from lib.storage.supabase import SupabaseImageStore

URL = "https://abcdefghijklmnopqrst.supabase.co"
ANON_KEY = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiYW5vbiJ9.anon-signature"
TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLWEiLCJyb2xlIjoiYXV0aGVudGljYXRlZCJ9.user-a-signature"
USER = uuid.UUID("6f1c1e0a-1d2b-4c59-9a53-1f0b7c3e2a10")
SESSION = uuid.UUID("0b9d6a5e-2f7e-4b1a-8e1c-5a4f3d2c1b00")
IMAGE = uuid.UUID("c3a8f0d2-9b7e-4e5f-a1d2-3b4c5d6e7f80")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
OBJECT_BASE = f"{URL}/storage/v1/object"


@pytest.fixture
def store():
    return SupabaseImageStore(URL, ANON_KEY, TOKEN)


def upload_answer(path: str) -> httpx.Response:
    return httpx.Response(200, json={"Id": str(uuid.uuid4()), "Key": f"generated-images/{path}"})


def file_part(request: httpx.Request):
    """The multipart part named `file`, parsed like a server would."""
    message = email.message_from_bytes(
        b"Content-Type: " + request.headers["content-type"].encode() + b"\r\n\r\n" + request.content
    )
    assert message.is_multipart()
    parts = {p.get_param("name", header="content-disposition"): p for p in message.get_payload()}
    return parts["file"], parts


def assert_as_the_user(request: httpx.Request) -> None:
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["apikey"] == ANON_KEY


@pytest.mark.parametrize("session_id", [SESSION, None], ids=["session", "standalone"])
def test_upload_is_a_multipart_png_post_as_the_user_without_upsert(router, store, session_id):
    path = object_path(USER, session_id, f"{IMAGE}.png")
    folder = str(SESSION) if session_id else "standalone"
    assert path == f"{USER}/{folder}/{IMAGE}.png"
    route = router.post(f"{OBJECT_BASE}/generated-images/{path}").mock(return_value=upload_answer(path))

    stored = store.put(path, PNG, "image/png")

    assert route.call_count == 1
    request = route.calls.last.request
    assert request.method == "POST"
    assert str(request.url) == f"{URL}/storage/v1/object/generated-images/{USER}/{folder}/{IMAGE}.png"
    assert_as_the_user(request)
    assert request.headers.get("x-upsert", "false") == "false"
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    part, parts = file_part(request)
    assert part.get_content_type() == "image/png"
    assert part.get_filename() == f"{IMAGE}.png"
    assert part.get_payload(decode=True) == PNG
    assert parts["cacheControl"].get_payload() == "3600"

    assert stored.path == path
    assert stored.public_url == f"{URL}/storage/v1/object/public/generated-images/{path}"
    assert stored.size == len(PNG)
    assert stored.content_type == "image/png"
    assert store.url(path) == stored.public_url  # a public URL needs no request
    assert route.call_count == 1 and len(router.calls) == 1


def test_private_bucket_gives_a_signed_url_from_the_sign_endpoint(router):
    path = object_path(USER, SESSION, f"{IMAGE}.png")
    router.post(f"{OBJECT_BASE}/generated-images/{path}").mock(return_value=upload_answer(path))
    sign = router.post(f"{OBJECT_BASE}/sign/generated-images/{path}").mock(
        return_value=httpx.Response(200, json={"signedURL": f"/object/sign/generated-images/{path}?token=signed.jwt.value"})
    )
    store = SupabaseImageStore(URL, ANON_KEY, TOKEN, private=True, signed_url_seconds=600)
    stored = store.put(path, PNG, "image/png")

    request = sign.calls.last.request
    assert_as_the_user(request)
    assert json.loads(request.content) == {"expiresIn": "600"}
    assert stored.public_url == f"{URL}/storage/v1/object/sign/generated-images/{path}?token=signed.jwt.value"


def test_private_upload_that_cannot_be_signed_is_still_stored(router):
    # The bytes are in; raising now would make the retry hit "already exists". Shown URLs are signed again later.
    path = object_path(USER, SESSION, f"{IMAGE}.png")
    upload = router.post(f"{OBJECT_BASE}/generated-images/{path}").mock(return_value=upload_answer(path))
    router.post(f"{OBJECT_BASE}/sign/generated-images/{path}").mock(side_effect=httpx.ReadTimeout("timed out"))
    stored = SupabaseImageStore(URL, ANON_KEY, TOKEN, private=True).put(path, PNG, "image/png")
    assert upload.call_count == 1
    assert stored.path == path and stored.public_url == f"{URL}/storage/v1/object/public/generated-images/{path}"


def storage_error(status: int, error: str, message: str, *, http_status: int | None = None) -> httpx.Response:
    # Supabase Storage's error body; older servers answer HTTP 400 with the real status only in `statusCode`.
    return httpx.Response(http_status or status, json={"statusCode": str(status), "error": error, "message": message})


UNAVAILABLE_PUT = "Supabase storage is unavailable: {why}. The image is kept and can be retried."


@pytest.mark.parametrize(
    "answer, expected",
    [
        (storage_error(409, "Duplicate", "The resource already exists"),
         "An object with this name exists in the generated-images bucket: {path}. "
         "Nothing was overwritten. Generate the image again; it gets a new name."),
        (storage_error(409, "Duplicate", "The resource already exists", http_status=400),
         "An object with this name exists in the generated-images bucket: {path}. "
         "Nothing was overwritten. Generate the image again; it gets a new name."),
        (storage_error(413, "Payload too large", "The object exceeded the maximum allowed size"),
         "The image (72 bytes) is larger than Supabase storage accepts for the generated-images bucket. "
         "Raise the limit in the Supabase dashboard: Storage → Settings (the project's upload file size limit) "
         "and Storage → generated-images → Edit bucket (the bucket's own file size limit). "
         "The image is kept and can be retried."),
        (httpx.Response(413, text="<html><body>413 Request Entity Too Large</body></html>"),
         "The image (72 bytes) is larger than Supabase storage accepts for the generated-images bucket. "
         "Raise the limit in the Supabase dashboard: Storage → Settings (the project's upload file size limit) "
         "and Storage → generated-images → Edit bucket (the bucket's own file size limit). "
         "The image is kept and can be retried."),
        (storage_error(403, "Unauthorized", "new row violates row-level security policy", http_status=400),
         "Supabase storage did not allow you to upload {path}. Sign out and sign in again. If it keeps happening, "
         "check that the storage policies from sql/003_image_bucket.sql and sql/009_storage_policies.sql are applied to your Supabase project "
         "(a user may write only under the folder named by their own user id)."),
        (storage_error(400, "InvalidJWT", '"exp" claim timestamp check failed'),
         "Supabase storage did not accept your sign-in: it has expired or is not valid. "
         "Sign out and sign in again. The image is kept and can be retried."),
        (storage_error(500, "Internal", "Internal Server Error"), UNAVAILABLE_PUT.format(why="it answered 500")),
        (httpx.Response(503, text="upstream connect error"), UNAVAILABLE_PUT.format(why="it answered 503")),
        (httpx.ConnectError("[Errno 111] Connection refused"), UNAVAILABLE_PUT.format(why="it could not be reached")),
        (httpx.ReadTimeout("timed out"), UNAVAILABLE_PUT.format(why="it did not answer in time")),
    ],
    ids=["409", "409-legacy-400", "413", "413-gateway", "403-policy", "expired-jwt", "500", "503", "connect", "timeout"],
)
def test_upload_failures_become_storage_errors_that_say_what_to_do(router, store, answer, expected):
    path = object_path(USER, SESSION, f"{IMAGE}.png")
    route = router.post(f"{OBJECT_BASE}/generated-images/{path}")
    if isinstance(answer, Exception):
        route.mock(side_effect=answer)
    else:
        route.mock(return_value=answer)

    with pytest.raises(StorageError) as caught:
        store.put(path, PNG, "image/png")

    assert str(caught.value) == expected.format(path=path)
    assert TOKEN not in str(caught.value) and ANON_KEY not in str(caught.value)
    assert route.call_count == 1  # no retry storm, no upsert fallback


def test_retryable_and_final_failures_can_be_told_apart(router, store):
    path = object_path(USER, SESSION, f"{IMAGE}.png")
    route = router.post(f"{OBJECT_BASE}/generated-images/{path}")
    route.mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(StorageError) as caught:
        store.put(path, PNG, "image/png")
    assert caught.value.reason == "unavailable"
    route.mock(return_value=storage_error(409, "Duplicate", "The resource already exists"))
    with pytest.raises(StorageError) as caught:
        store.put(path, PNG, "image/png")
    assert caught.value.reason == "exists"


def test_delete_sends_one_delete_with_all_prefixes(router, store):
    paths = [object_path(USER, SESSION, f"{IMAGE}.png"), object_path(USER, SESSION, f"{IMAGE}.thumb.png")]
    route = router.delete(f"{OBJECT_BASE}/generated-images").mock(
        return_value=httpx.Response(200, json=[{"name": p, "bucket_id": "generated-images"} for p in paths])
    )
    store.delete(paths)
    assert route.call_count == 1
    request = route.calls.last.request
    assert_as_the_user(request)
    assert json.loads(request.content) == {"prefixes": paths}

    store.delete([])  # nothing to delete: nothing sent
    assert route.call_count == 1


def test_delete_when_storage_is_down_says_nothing_was_deleted(router, store):
    router.delete(f"{OBJECT_BASE}/generated-images").mock(return_value=httpx.Response(502, text="Bad Gateway"))
    with pytest.raises(StorageError) as caught:
        store.delete([object_path(USER, SESSION, f"{IMAGE}.png")])
    assert str(caught.value) == "Supabase storage is unavailable: it answered 502. Nothing was deleted; try again in a moment."


def test_read_downloads_the_bytes_as_the_user(router, store):
    path = object_path(USER, None, f"{IMAGE}.png")
    route = router.get(f"{OBJECT_BASE}/generated-images/{path}").mock(
        return_value=httpx.Response(200, content=PNG, headers={"content-type": "image/png"})
    )
    assert store.read(path) == PNG
    assert_as_the_user(route.calls.last.request)


def test_read_of_a_missing_object_says_so(router, store):
    path = object_path(USER, None, f"{IMAGE}.png")
    router.get(f"{OBJECT_BASE}/generated-images/{path}").mock(
        return_value=storage_error(404, "not_found", "Object not found", http_status=400)
    )
    with pytest.raises(StorageError) as caught:
        store.read(path)
    assert str(caught.value) == f"The image {path} is not in Supabase storage. Regenerate the image."


def test_a_missing_bucket_points_at_the_migration(router, store):
    path = object_path(USER, SESSION, f"{IMAGE}.png")
    router.post(f"{OBJECT_BASE}/generated-images/{path}").mock(
        return_value=storage_error(404, "Bucket not found", "Bucket not found", http_status=400)
    )
    with pytest.raises(StorageError) as caught:
        store.put(path, PNG, "image/png")
    assert str(caught.value) == ("The generated-images bucket does not exist in your Supabase project. "
                                 "Apply sql/003_image_bucket.sql and sql/009_storage_policies.sql to the project "
                                 "(see README, Supabase mode).")


@pytest.mark.parametrize("bad", [
    f"../{USER}/standalone/{IMAGE}.png",
    f"/{USER}/standalone/{IMAGE}.png",
    f"{USER}/../../etc/passwd",
    f"{USER}/standalone/..",
    f"{USER}//{IMAGE}.png",
    "",
])
def test_unsafe_paths_are_refused_before_any_request(router, store, bad):
    for call in (lambda: store.put(bad, PNG, "image/png"), lambda: store.url(bad), lambda: store.read(bad),
                 lambda: store.delete([object_path(USER, SESSION, f"{IMAGE}.png"), bad])):
        with pytest.raises(StorageError, match="Refused the storage path"):
            call()
    assert len(router.calls) == 0


def test_each_store_sends_its_own_users_token_even_on_a_shared_connection_pool(router):
    other_token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLWIifQ.user-b-signature"
    path = object_path(USER, None, f"{IMAGE}.png")
    route = router.get(f"{OBJECT_BASE}/generated-images/{path}").mock(return_value=httpx.Response(200, content=PNG))
    with httpx.Client() as shared:
        SupabaseImageStore(URL, ANON_KEY, TOKEN, http_client=shared).read(path)
        SupabaseImageStore(URL, ANON_KEY, other_token, http_client=shared).read(path)
    sent = [c.request.headers["authorization"] for c in route.calls]
    assert sent == [f"Bearer {TOKEN}", f"Bearer {other_token}"]


def test_stores_share_one_connection_pool_that_keeps_no_cookies(router):
    path = object_path(USER, None, f"{IMAGE}.png")
    router.get(f"{OBJECT_BASE}/generated-images/{path}").mock(
        return_value=httpx.Response(200, content=PNG, headers={"set-cookie": "__cf_bm=abc; Path=/; Domain=.supabase.co"}))
    a, b = SupabaseImageStore(URL, ANON_KEY, TOKEN), SupabaseImageStore(URL, ANON_KEY, "another.user.token")
    assert a._http is b._http
    a.read(path)
    b.read(path)
    assert "cookie" not in router.calls.last.request.headers
    assert len(a._http.cookies) == 0


def test_the_store_never_shows_its_token():
    store = SupabaseImageStore(URL + "/", ANON_KEY, TOKEN)
    assert TOKEN not in repr(store) and ANON_KEY not in repr(store)
    assert store.name == "supabase"


def test_a_private_grid_is_signed_in_one_request(router):
    paths = [object_path(USER, SESSION, f"{uuid.UUID(int=i)}.thumb.webp") for i in range(1, 4)]
    sign = router.post(f"{OBJECT_BASE}/sign/generated-images").mock(return_value=httpx.Response(200, json=[
        {"path": p, "signedURL": f"/object/sign/generated-images/{p}?token=t{i}", "error": None}
        for i, p in enumerate(paths)]))
    store = SupabaseImageStore(URL, ANON_KEY, TOKEN, private=True, signed_url_seconds=900)
    urls = store.urls(paths)
    assert sign.call_count == 1 and len(router.calls) == 1
    assert_as_the_user(sign.calls.last.request)
    assert json.loads(sign.calls.last.request.content) == {"paths": paths, "expiresIn": "900"}
    assert urls == {p: f"{URL}/storage/v1/object/sign/generated-images/{p}?token=t{i}" for i, p in enumerate(paths)}


def test_a_public_grid_needs_no_request(router, store):
    paths = [object_path(USER, None, f"{IMAGE}.thumb.webp")]
    assert store.urls(paths) == {paths[0]: f"{OBJECT_BASE}/public/generated-images/{paths[0]}"}
    assert len(router.calls) == 0


def test_an_unsigned_path_in_a_batch_is_a_clear_error(router):
    paths = [object_path(USER, SESSION, f"{IMAGE}.thumb.webp")]
    router.post(f"{OBJECT_BASE}/sign/generated-images").mock(return_value=httpx.Response(200, json=[
        {"path": paths[0], "signedURL": None, "error": "Either the object does not exist or you do not have access to it"}]))
    with pytest.raises(StorageError, match="did not sign 1 of 1 image URLs"):
        SupabaseImageStore(URL, ANON_KEY, TOKEN, private=True).urls(paths)
