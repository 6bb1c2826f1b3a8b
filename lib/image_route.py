"""The local image folder as an ASGI app: only the image files the app writes, never anything else.

`serve.py` mounts `ImageFiles(directory=...)` at `lib.storage.local.URL_PREFIX`.
Compared with a plain `StaticFiles`:

- only `.png` (the images) and `.webp` (their thumbnails) are served, with their
  Content-Type set here rather than guessed; any other file (an `.html` or `.txt`
  dropped in the folder) answers 404, as does any path `check_path` refuses (`..`,
  odd or hidden segments);
- every answer, 404s and 405s included, carries `X-Content-Type-Options: nosniff`;
- a found image is cacheable for a year and `immutable` (its name is a new UUID,
  the file never changes); every other answer is `no-store`.

Symlinks are not followed out of the folder (`follow_symlink=False`, as before).
"""

from __future__ import annotations

import os
from pathlib import PurePosixPath

from starlette._utils import get_route_path
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Message, Receive, Scope, Send

from lib.errors import StorageError
from lib.storage.base import check_path

# What lib/images.py writes: `{id}.png` and `{id}.thumb.webp`. Nothing else is ever served.
IMAGE_TYPES = {".png": "image/png", ".webp": "image/webp"}

IMMUTABLE = "private, max-age=31536000, immutable"
NO_STORE = "no-store"


class ImageFiles(StaticFiles):
    """`StaticFiles` limited to the image types we write, with nosniff and cache headers on every answer."""

    def __init__(self, *, directory: str | os.PathLike[str], check_dir: bool = True) -> None:
        super().__init__(directory=directory, check_dir=check_dir, html=False, follow_symlink=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)  # a websocket is closed
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Cache-Control"] = IMMUTABLE if message["status"] in (200, 206, 304) else NO_STORE
            await send(message)

        try:
            await super().__call__(scope, receive, send_with_headers)
        except HTTPException as exc:
            # StaticFiles raises its 404/405/401 for the host app to render (without our headers): answer here.
            response = PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)
            await response(scope, receive, send_with_headers)

    def get_path(self, scope: Scope) -> str:
        route_path = get_route_path(scope)
        route_path = route_path[1:] if route_path.startswith("/") else route_path  # one slash: `//x` is refused
        try:
            check_path(route_path)  # before any normalising: `a/../b` is refused, not turned into `b`
        except StorageError:
            raise HTTPException(status_code=404) from None
        if PurePosixPath(route_path).suffix not in IMAGE_TYPES:
            raise HTTPException(status_code=404)
        return super().get_path(scope)

    def file_response(self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope,
                      status_code: int = 200) -> Response:
        media_type = IMAGE_TYPES.get(PurePosixPath(os.fspath(full_path)).suffix)
        if media_type is None:  # the path's real target (a symlink within the folder) is not an image
            raise HTTPException(status_code=404)
        response = FileResponse(full_path, status_code=status_code, stat_result=stat_result, media_type=media_type)
        if self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response
