"""One interface for image stores: put bytes, get a URL, delete. Paths are checked here, once."""

from __future__ import annotations

import re
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass

from lib.errors import StorageError

BUCKET = "generated-images"
STANDALONE = "standalone"
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def object_path(user_id: uuid.UUID | str, session_id: uuid.UUID | str | None, name: str) -> str:
    """`{user_id}/{session_id or 'standalone'}/{name}`: the storage policies key on the first folder."""
    return check_path(f"{uuid.UUID(str(user_id))}/{uuid.UUID(str(session_id)) if session_id else STANDALONE}/{name}")


def check_path(path: str) -> str:
    """Refuse anything that could leave the store's root: absolute, `..`, empty or odd segments."""
    segments = path.split("/") if isinstance(path, str) else []
    if not segments or any(not _SEGMENT.match(s) or s in (".", "..") or ".." in s for s in segments):
        raise StorageError(f"Refused the storage path {path!r}: it is not a plain relative path inside the store.",
                           fix="Use paths of the form user_id/session_id/file.png.")
    return path


@dataclass(frozen=True)
class StoredObject:
    path: str
    public_url: str
    size: int
    content_type: str


class ImageStore(ABC):
    """Where image bytes live. `public_url` is what the browser loads directly."""

    name: str = "base"

    @abstractmethod
    def put(self, path: str, data: bytes, content_type: str) -> StoredObject:
        """Store new bytes at `path` (never overwriting) and return where they can be loaded."""

    @abstractmethod
    def delete(self, paths: list[str]) -> None:
        """Remove objects; paths that are already gone are not an error."""

    @abstractmethod
    def url(self, path: str) -> str:
        """The URL the browser loads for `path` (a signed one for a private bucket)."""

    def urls(self, paths: list[str]) -> dict[str, str]:
        """URLs for many paths at once (a grid's page), leaving out objects known to be missing.

        Stores that sign URLs do it in one request; stores that can cheaply tell a file is gone leave it out.
        """
        return {path: self.url(path) for path in paths}

    def exists(self, path: str) -> bool | None:
        """Whether the object is there, when that is cheap to tell (None: not known without a request)."""
        return None

    @abstractmethod
    def read(self, path: str) -> bytes:
        """The stored bytes (for exports and retries)."""
