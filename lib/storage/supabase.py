"""Images in Supabase Storage, acting as the signed-in user.

Every request carries the project's anon key (`apikey`) and the user's own
access token (`Authorization: Bearer ...`), so the storage policies from
`sql/009_storage_policies.sql` decide what is allowed: a public bucket serves files
by URL, and a user may list, read, write or delete only under the folder named by their own id.
One store belongs to one user's token: build a new one per signed-in user (and
after a token refresh); never share one between users.

Failures become `StorageError`s whose messages say what to do. No message ever
contains a token or a key.
"""

from __future__ import annotations

import json
import logging
import threading
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any, Callable, TypeVar

import httpx
from storage3 import SyncStorageClient
from storage3.exceptions import StorageApiError
from storage3.utils import StorageException

from lib.errors import StorageError
from lib.storage.base import BUCKET, ImageStore, StoredObject, check_path

log = logging.getLogger(__name__)

T = TypeVar("T")

# Uploads are a few MB at most; a stuck connection should fail fast enough for the spool to take over.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
CACHE_SECONDS = "3600"

POLICY_FIX = (
    "Sign out and sign in again. If it keeps happening, check that the storage policies from "
    "sql/003_image_bucket.sql and sql/009_storage_policies.sql are applied to your Supabase project (a user may write only under "
    "the folder named by their own user id)."
)


_shared: httpx.Client | None = None
_shared_lock = threading.Lock()


def shared_http_client() -> httpx.Client:
    """One connection pool for every Supabase request of the process: image stores and `SupabaseAuth`.

    Safe to share: the user's token goes in each request's headers, never in the client, and the
    client keeps no cookies, so nothing of one user's requests reaches another's.
    """
    global _shared
    with _shared_lock:
        if _shared is None or _shared.is_closed:
            _shared = httpx.Client(timeout=DEFAULT_TIMEOUT, follow_redirects=True,
                                   cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])))
        return _shared


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} bytes"


def _answer(exc: BaseException) -> tuple[int | None, str, str]:
    """(status, code, server message) of a failed storage request.

    storage3 wraps the HTTP answer; Supabase Storage sends
    `{"statusCode": "409", "error": "Duplicate", "message": "..."}` (older servers with
    HTTP 400 and the real status only in `statusCode`) or `{"code": ..., "message": ...}`.
    The body's status wins when it is a number; otherwise the HTTP status.
    """
    response: httpx.Response | None = None
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:  # storage3 chains the httpx error as cause/context
        seen.add(id(cur))
        if isinstance(cur, httpx.HTTPStatusError):
            response = cur.response
            break
        cur = cur.__cause__ or cur.__context__
    status: int | None = response.status_code if response is not None else None
    code, message = "", ""
    body: Any = None
    if response is not None:
        try:
            body = response.json()
        except (ValueError, json.JSONDecodeError):
            body = None
    if isinstance(body, dict):
        try:
            status = int(str(body.get("statusCode")))
        except (TypeError, ValueError):
            pass
        code = str(body.get("code") or body.get("error") or "")
        message = str(body.get("message") or "")
    elif isinstance(exc, StorageApiError):
        try:
            status = int(str(exc.status))
        except (TypeError, ValueError):
            pass
        code, message = str(exc.code or ""), str(exc.message or "")
    return status, code, message


class SupabaseImageStore(ImageStore):
    """Bucket `generated-images` through supabase-py's storage client, with one user's token."""

    name = "supabase"

    def __init__(
        self,
        supabase_url: str,
        anon_key: str,
        access_token: str,
        *,
        bucket: str = BUCKET,
        private: bool = False,
        signed_url_seconds: int = 3600,
        http_client: httpx.Client | None = None,
    ):
        if not supabase_url or not anon_key:
            raise _error("config", "Supabase storage needs SUPABASE_URL and SUPABASE_ANON_KEY.",
                         "Set both from your Supabase project's API settings, or CONTENT_IMAGE_STORE=local.")
        if not access_token:
            raise _error("signed_out", "Supabase storage needs a signed-in user.", "Sign in again.")
        self.supabase_url = supabase_url.rstrip("/")
        self.bucket = bucket
        self.private = private
        self.signed_url_seconds = int(signed_url_seconds)
        # storage3 sends the headers with every request, so the (shared) http client never
        # carries one user's token into another user's store. Stores are cheap: make one per run.
        self._http = http_client or shared_http_client()
        self._client = SyncStorageClient(
            f"{self.supabase_url}/storage/v1/",
            headers={"apikey": anon_key, "Authorization": f"Bearer {access_token}"},
            http_client=self._http,
        )

    def __repr__(self) -> str:  # never the token
        return f"SupabaseImageStore({self.supabase_url!r}, bucket={self.bucket!r}, private={self.private})"

    @property
    def _files(self):
        return self._client.from_(self.bucket)

    # -- the ImageStore interface ------------------------------------------------

    def put(self, path: str, data: bytes, content_type: str) -> StoredObject:
        check_path(path)
        # Content type explicit (storage3's default is text/plain); x-upsert false: never overwrite.
        options = {"content-type": content_type, "cache-control": CACHE_SECONDS, "x-upsert": "false"}
        self._call("put", path, lambda: self._files.upload(path, bytes(data), options), size=len(data))
        try:
            url = self.url(path)
        except StorageError as exc:
            # The bytes are stored; failing now would make a retry hit "already exists".
            # A private bucket's URL is signed again whenever it is shown (`url`), so keep the plain form.
            log.warning("uploaded %s but could not sign its URL: %s", path, exc.message)
            url = self._files.get_public_url(path)
        return StoredObject(path=path, public_url=url, size=len(data), content_type=content_type)

    def url(self, path: str) -> str:
        check_path(path)
        if not self.private:
            return self._files.get_public_url(path)
        signed = self._call("url", path, lambda: self._files.create_signed_url(path, self.signed_url_seconds))
        link = signed.get("signedURL") or signed.get("signedUrl")
        if not link:
            raise _error("missing", f"Supabase storage did not return a signed URL for {path}.",
                         "Check that the image exists and that the storage policies let you read it.")
        return link

    def urls(self, paths: list[str]) -> dict[str, str]:
        """A private bucket signs a whole page of paths in one request; a public one needs none."""
        paths = [check_path(p) for p in paths]
        if not self.private or not paths:
            return {path: self._files.get_public_url(path) for path in paths}
        signed = self._call("url", f"{len(paths)} images",
                            lambda: self._files.create_signed_urls(paths, self.signed_url_seconds))
        links = {item.get("path"): item.get("signedURL") or item.get("signedUrl") for item in signed}
        missing = [p for p in paths if not links.get(p)]
        if missing:
            raise _error("missing", f"Supabase storage did not sign {len(missing)} of {len(paths)} image URLs.",
                         "Check that the images exist and that the storage policies let you read them.")
        return {path: links[path] for path in paths}

    def delete(self, paths: list[str]) -> None:
        paths = [check_path(p) for p in paths]  # all checked before anything is sent
        if not paths:
            return
        self._call("delete", ", ".join(paths), lambda: self._files.remove(paths))

    def read(self, path: str) -> bytes:
        check_path(path)
        return self._call("read", path, lambda: self._files.download(path))

    # -- errors --------------------------------------------------------------------

    def _call(self, op: str, path: str, fn: Callable[[], T], *, size: int | None = None) -> T:
        try:
            return fn()
        except httpx.TimeoutException as exc:
            raise self._unavailable(op, "it did not answer in time") from exc
        except httpx.TransportError as exc:
            raise self._unavailable(op, "it could not be reached") from exc
        except (StorageApiError, httpx.HTTPStatusError) as exc:
            raise self._from_answer(op, path, exc, size) from exc
        except StorageException as exc:  # e.g. an answer without the fields we need
            log.warning("unexpected Supabase storage answer during %s: %s", op, type(exc).__name__)
            raise _error("unexpected", f"Supabase storage gave an answer we could not read while trying to {_VERB[op]} {path}.",
                         _retry_fix(op)) from exc

    def _unavailable(self, op: str, why: str) -> StorageError:
        return _error("unavailable", f"Supabase storage is unavailable: {why}.", _retry_fix(op))

    def _from_answer(self, op: str, path: str, exc: BaseException, size: int | None) -> StorageError:
        status, code, server_message = _answer(exc)
        lowered = f"{code} {server_message}".lower()
        if status == 409 or code in ("Duplicate", "ResourceAlreadyExists", "KeyAlreadyExists", "already_exists"):
            return _error("exists", f"An object with this name exists in the {self.bucket} bucket: {path}.",
                          "Nothing was overwritten. Generate the image again; it gets a new name.")
        if status == 413 or code in ("EntityTooLarge", "Payload too large"):
            what = f"The image ({_human_size(size)})" if size is not None else "The image"
            return _error(
                "too_large",
                f"{what} is larger than Supabase storage accepts for the {self.bucket} bucket.",
                "Raise the limit in the Supabase dashboard: Storage → Settings (the project's upload file size "
                f"limit) and Storage → {self.bucket} → Edit bucket (the bucket's own file size limit). "
                "The image is kept and can be retried.",
            )
        if code in ("InvalidJWT", "invalid_jwt") or "jwt" in lowered or "jws" in lowered:
            return _error("signed_out", "Supabase storage did not accept your sign-in: it has expired or is not valid.",
                          "Sign out and sign in again." + (" The image is kept and can be retried." if op == "put" else ""))
        if status in (401, 403) or "row-level security" in lowered or code in ("AccessDenied", "Unauthorized"):
            return _error("denied", f"Supabase storage did not allow you to {_VERB[op]} {path}.", POLICY_FIX)
        if status == 404 or code in ("NoSuchBucket", "NoSuchKey", "not_found"):
            if "bucket" in lowered:
                return _error("no_bucket", f"The {self.bucket} bucket does not exist in your Supabase project.",
                              "Apply sql/003_image_bucket.sql and sql/009_storage_policies.sql to the project "
                              "(see README, Supabase mode).")
            return _error("missing", f"The image {path} is not in Supabase storage.", "Regenerate the image.")
        if status is not None and status >= 500:
            return self._unavailable(op, f"it answered {status}")
        detail = f" ({server_message[:200]})" if server_message else ""
        return _error("refused", f"Supabase storage refused to {_VERB[op]} {path}: status {status}{detail}.", _retry_fix(op))


def _error(reason: str, message: str, fix: str) -> StorageError:
    """A StorageError with `.reason` (exists, too_large, signed_out, denied, no_bucket, missing,
    unavailable, refused, unexpected) so callers can tell a retryable failure from a final one."""
    error = StorageError(message, fix=fix)
    error.reason = reason
    return error


def _retry_fix(op: str) -> str:
    if op == "put":
        return "The image is kept and can be retried."
    if op == "delete":
        return "Nothing was deleted; try again in a moment."
    return "Try again in a moment."


_VERB = {"put": "upload", "url": "sign a URL for", "delete": "delete", "read": "download"}
