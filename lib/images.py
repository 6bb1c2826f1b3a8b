"""The image pipeline: generate -> thumbnail -> store -> `generated_images` row.

No image is lost: when the store refuses an upload, the image and its
thumbnail stay in the local spool, the row is written with `storage_path`
NULL and the error in `metadata`, and `retry_upload` later completes that
same row. Deleting an image or a session removes its stored objects too.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import psycopg
from pydantic import BaseModel, ConfigDict

from lib.db import Database
from lib.errors import DatabaseError, NotFoundError, SessionNotFound, StorageError
from lib.generate.models import ImageResult
from lib.ids import parse_id
from lib.paging import decode_cursor, encode_cursor
from lib.session import Sessions, parse_session_id
from lib.spool import Spool
from lib.storage.base import ImageStore, object_path
from lib.thumbnails import make_thumbnail

IMAGE_COLUMNS = ("id, user_id, session_id, storage_path, public_url, prompt, negative_prompt, model_used, aspect_ratio,"
            " width, height, file_size, mime_type, metadata, created_at")

log = logging.getLogger(__name__)


class ImageNotFound(NotFoundError):
    def __init__(self):
        super().__init__("This image was not found.", fix="Open the Gallery to see the images you have.")


def parse_image_id(value: object) -> uuid.UUID:
    return parse_id(value, ImageNotFound)


@dataclass(frozen=True)
class ImageRecord:
    id: uuid.UUID
    user_id: uuid.UUID
    session_id: uuid.UUID | None
    storage_path: str | None
    public_url: str | None
    prompt: str
    negative_prompt: str | None
    model_used: str
    aspect_ratio: str
    width: int | None
    height: int | None
    file_size: int | None
    mime_type: str
    metadata: dict
    created_at: datetime

    @property
    def uploaded(self) -> bool:
        return self.storage_path is not None

    @property
    def thumbnail(self) -> dict:
        return self.metadata.get("thumbnail") or {}

    @property
    def upload_error(self) -> str | None:
        return (self.metadata.get("upload_error") or {}).get("message")

    @property
    def object_paths(self) -> list[str]:
        return [p for p in (self.metadata.get("object_path"), self.thumbnail.get("path")) if p]

    @property
    def file_name(self) -> str:
        return f"{self.id}.png"


class ImageRequest(BaseModel):
    """What an image job makes: the form's fields (or the image regenerated). Two starts of the same request
    while one is running (a double click, a second tab) join one job through `key`."""

    model_config = ConfigDict(frozen=True)

    prompt: str
    negative_prompt: str = ""
    model: str | None = None
    aspect_ratio: str = "16:9"
    session_id: uuid.UUID | None = None
    regenerate_of: uuid.UUID | None = None

    @property
    def key(self) -> str:
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()

    def job_options(self) -> dict[str, Any]:
        """The job row's options: the request, its key, and the id the image will have (a rerun finds it)."""
        return {**self.model_dump(mode="json", exclude={"session_id"}), "request": self.key,
                "image_id": str(uuid.uuid4())}

    @classmethod
    def from_job(cls, session_id: uuid.UUID | None, options: dict) -> "ImageRequest":
        return cls(session_id=session_id, **{k: v for k, v in options.items() if k in cls.model_fields})

    def arguments(self) -> dict[str, Any]:
        """`Images.generate`'s keyword arguments."""
        return self.model_dump(exclude={"regenerate_of"})


def _names(image_id: uuid.UUID) -> tuple[str, str]:
    return f"{image_id}.png", f"{image_id}.thumb.webp"


class Images:
    """One user's images. Rows go through RLS as that user; bytes through `store` (or the spool)."""

    def __init__(self, db: Database, user_id: uuid.UUID | str, store: ImageStore, spool: Spool, generator=None):
        self.db = db
        self.user_id = uuid.UUID(str(user_id))
        self.store = store
        self.spool = spool
        self.generator = generator

    # -- making ---------------------------------------------------------------
    def generate(self, prompt: str, negative_prompt: str = "", model: str | None = None,
                 aspect_ratio: str = "16:9", session_id: object = None, *, image_id: uuid.UUID | None = None
                 ) -> ImageRecord:
        """Make, store and record one image. With `image_id` (a job's), a second run finds the first's row."""
        sid = parse_session_id(session_id) if session_id else None
        if image_id is not None and (made := self._find(image_id)) is not None:
            return made
        if sid is not None:
            self._check_session(sid)  # before spending a generation on a session that is not ours
        result = self.generator.image(prompt, negative_prompt, model, aspect_ratio)
        return self.save(result, sid, image_id=image_id)

    def request(self, prompt: str, negative_prompt: str = "", model: str | None = None, aspect_ratio: str = "16:9",
                session_id: object = None, *, regenerate_of: uuid.UUID | None = None) -> "ImageRequest":
        """An image job's options, checked now so a bad prompt is said at once and never queued."""
        self.generator.check_image(prompt, aspect_ratio)
        sid = parse_session_id(session_id) if session_id else None
        if sid is not None:
            self._check_session(sid)
        return ImageRequest(prompt=prompt.strip(), negative_prompt=(negative_prompt or "").strip(), model=model,
                            aspect_ratio=aspect_ratio, session_id=sid, regenerate_of=regenerate_of)

    def regenerate_request(self, image_id: object) -> "ImageRequest":
        """Same prompt, negative prompt, model and ratio: a new image, kept beside this one."""
        old = self.get(image_id)
        return self.request(old.prompt, old.negative_prompt or "", self._model_for(old), old.aspect_ratio,
                            old.session_id, regenerate_of=old.id)

    def regenerate(self, image_id: object) -> ImageRecord:
        """`regenerate_request`, made here and now (the page does it when images are not jobs)."""
        return self.generate(**self.regenerate_request(image_id).arguments())

    def _model_for(self, old: ImageRecord) -> str | None:
        return old.model_used if old.model_used in getattr(self.generator, "image_choices", ()) else None

    def save(self, result: ImageResult, session_id: uuid.UUID | None = None, *,
             image_id: uuid.UUID | None = None) -> ImageRecord:
        image_id = image_id or uuid.uuid4()
        name, thumb_name = _names(image_id)
        path = object_path(self.user_id, session_id, name)
        thumb = make_thumbnail(result.png_bytes)
        metadata: dict[str, Any] = {
            "object_path": path,
            "thumbnail": {"path": object_path(self.user_id, session_id, thumb_name), "width": thumb.width,
                          "height": thumb.height, "file_size": len(thumb.data), "mime_type": thumb.mime_type},
            "usage": result.usage.model_dump(mode="json"),
            "generator": result.metadata,
            "store": self.store.name,
        }
        storage_path = public_url = None
        try:
            storage_path, public_url, metadata["thumbnail"]["public_url"] = self._upload(
                path, result.png_bytes, metadata["thumbnail"]["path"], thumb.data)
        except StorageError as exc:
            self.spool.keep(self.user_id, name, result.png_bytes)
            self.spool.keep(self.user_id, thumb_name, thumb.data)
            metadata["upload_error"] = {"message": str(exc), "at": _now(), "attempts": 1}
        row = {
            "id": image_id, "user_id": self.user_id, "session_id": session_id, "storage_path": storage_path,
            "public_url": public_url, "prompt": result.prompt, "negative_prompt": result.negative_prompt or None,
            "model_used": result.model_used, "aspect_ratio": result.aspect_ratio, "width": result.width,
            "height": result.height, "file_size": result.file_size, "mime_type": result.mime_type,
            "metadata": psycopg.types.json.Jsonb(metadata),
        }
        try:
            with self.db.as_user(self.user_id) as conn:
                saved = conn.execute(
                    f"insert into public.generated_images ({', '.join(row)}) values ({', '.join(['%s'] * len(row))})"
                    f" returning {IMAGE_COLUMNS}", list(row.values())).fetchone()
        except (psycopg.Error, DatabaseError) as exc:
            if storage_path:  # no row points at them: don't leave orphans behind
                self._quietly_delete([path, metadata["thumbnail"]["path"]])
            if isinstance(exc, psycopg.errors.InsufficientPrivilege):
                raise SessionNotFound(session_id) from exc
            raise DatabaseError("The image was made but could not be saved.", fix="Try generating it again.") from exc
        return ImageRecord(**saved)

    def retry_upload(self, image_id: object) -> ImageRecord:
        """Upload a spooled image and complete its row (the same row: no duplicates)."""
        record = self.get(image_id)
        if record.uploaded:
            return record
        name, thumb_name = _names(record.id)
        data, thumb_data = self.spool.read(self.user_id, name), self.spool.read(self.user_id, thumb_name)
        path, thumb_path = record.metadata["object_path"], record.thumbnail["path"]
        metadata = dict(record.metadata)
        try:
            self._quietly_delete([path, thumb_path])  # leftovers of an earlier half-done attempt
            storage_path, public_url, thumb_url = self._upload(path, data, thumb_path, thumb_data)
        except StorageError as exc:
            attempts = (metadata.get("upload_error") or {}).get("attempts", 1) + 1
            metadata["upload_error"] = {"message": str(exc), "at": _now(), "attempts": attempts}
            self._update(record.id, "metadata = %s", [psycopg.types.json.Jsonb(metadata)])
            raise
        metadata.pop("upload_error", None)
        metadata["thumbnail"] = {**record.thumbnail, "public_url": thumb_url}
        metadata["uploaded_on_retry_at"] = _now()
        self._update(record.id, "storage_path = %s, public_url = %s, metadata = %s",
                     [storage_path, public_url, psycopg.types.json.Jsonb(metadata)])
        self.spool.discard(self.user_id, name)
        self.spool.discard(self.user_id, thumb_name)
        return self.get(record.id)

    # -- reading --------------------------------------------------------------
    def _find(self, image_id: uuid.UUID) -> ImageRecord | None:
        try:
            return self.get(image_id)
        except ImageNotFound:
            return None

    def get(self, image_id: object) -> ImageRecord:
        iid = parse_image_id(image_id)
        with self.db.as_user(self.user_id) as conn:
            row = conn.execute(f"select {IMAGE_COLUMNS} from public.generated_images where id = %s", [iid]).fetchone()
        if row is None:
            raise ImageNotFound()
        return ImageRecord(**row)

    def for_session(self, session_id: object, limit: int | None = None, *, after: str | None = None
                    ) -> list[ImageRecord]:
        """The session's images, newest first (only the newest `limit` when given; `after`: a page's cursor,
        from `cursor_of`, to start after that image)."""
        sid = parse_session_id(session_id)
        stamp, last = decode_cursor(after)
        with self.db.as_user(self.user_id) as conn:
            rows = conn.execute(f"select {IMAGE_COLUMNS} from public.generated_images where session_id = %s"
                                " and (%s::timestamptz is null or (created_at, id) < (%s, %s))"
                                " order by created_at desc, id desc limit %s", [sid, stamp, stamp, last, limit]).fetchall()
        return [ImageRecord(**r) for r in rows]

    @staticmethod
    def cursor_of(record: ImageRecord) -> str:
        return encode_cursor(record.created_at, record.id)

    def count_for_session(self, session_id: object) -> int:
        with self.db.as_user(self.user_id) as conn:
            return conn.execute("select count(*) as n from public.generated_images where session_id = %s",
                                [parse_session_id(session_id)]).fetchone()["n"]

    def standalone(self, limit: int = 50) -> list[ImageRecord]:
        with self.db.as_user(self.user_id) as conn:
            rows = conn.execute(f"select {IMAGE_COLUMNS} from public.generated_images where session_id is null"
                                " order by created_at desc, id desc limit %s", [limit]).fetchall()
        return [ImageRecord(**r) for r in rows]

    def thumbnail_sources(self, records: list[ImageRecord]) -> dict[uuid.UUID, str | bytes | None]:
        """Thumbnails for a whole grid, their URLs as the store gives them (a private bucket signs them together).

        None for an image whose file is missing: that tile says so, and every other tile still shows.
        """
        urls = self.store.urls([r.thumbnail["path"] for r in records if r.uploaded])
        sources: dict[uuid.UUID, str | bytes | None] = {}
        for r in records:
            if r.uploaded:
                sources[r.id] = urls.get(r.thumbnail["path"])
            else:
                name = _names(r.id)[1]
                sources[r.id] = self.spool.read(self.user_id, name) if self.spool.has(self.user_id, name) else None
        return sources

    def missing(self, record: ImageRecord) -> bool:
        """The full image's file is known to be gone (from the local store or the spool)."""
        if record.uploaded:
            return self.store.exists(record.storage_path) is False
        return not self.spool.has(self.user_id, _names(record.id)[0])

    def full_source(self, record: ImageRecord) -> str | bytes:
        if record.uploaded:
            return self.store.url(record.storage_path)
        return self.spool.read(self.user_id, _names(record.id)[0])

    def image_bytes(self, record: ImageRecord) -> bytes:
        """The full image (for downloads and exports), from the store or the spool."""
        if record.uploaded:
            return self.store.read(record.storage_path)
        return self.spool.read(self.user_id, _names(record.id)[0])

    # -- removing -------------------------------------------------------------
    # Rows first, files after the commit: a file without a row can be swept later, a row without its file
    # cannot be repaired. A file that cannot be removed is logged, not shown: the image is gone for the user.
    def delete(self, image_id: object) -> None:
        record = self.get(image_id)
        with self.db.as_user(self.user_id) as conn:
            conn.execute("delete from public.generated_images where id = %s", [record.id])
        self._remove_files_after_commit([record])

    def delete_session(self, session_id: object) -> None:
        """The session with its rows (`Sessions.delete`), then its images' stored objects."""
        records = self.for_session(session_id)
        Sessions(self.db, self.user_id).delete(session_id)
        self._remove_files_after_commit(records)

    # -- helpers --------------------------------------------------------------
    def _upload(self, path: str, data: bytes, thumb_path: str, thumb_data: bytes) -> tuple[str, str, str]:
        image = self.store.put(path, data, "image/png")
        try:
            thumb = self.store.put(thumb_path, thumb_data, "image/webp")
        except StorageError:
            self._quietly_delete([path])  # both or neither: the retry uploads the pair again
            raise
        return image.path, image.public_url, thumb.public_url

    def _remove_files(self, records: list[ImageRecord]) -> None:
        paths = [p for r in records if r.uploaded for p in r.object_paths]
        if paths:
            self.store.delete(paths)
        for record in records:
            for name in _names(record.id):
                self.spool.discard(self.user_id, name)

    def _remove_files_after_commit(self, records: list[ImageRecord]) -> None:
        try:
            self._remove_files(records)
        except StorageError as exc:
            log.warning("image rows deleted, but their files stay until swept: %s", exc)

    def _quietly_delete(self, paths: list[str]) -> None:
        try:
            self.store.delete(paths)
        except StorageError:
            pass  # best effort: the caller is already handling a failure

    def _check_session(self, sid: uuid.UUID) -> None:
        with self.db.as_user(self.user_id) as conn:
            if conn.execute("select 1 from public.content_sessions where id = %s", [sid]).fetchone() is None:
                raise SessionNotFound(sid)

    def _update(self, image_id: uuid.UUID, assignments: str, params: list) -> None:
        with self.db.as_user(self.user_id) as conn:
            conn.execute(f"update public.generated_images set {assignments} where id = %s", [*params, image_id])


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
