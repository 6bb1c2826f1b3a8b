"""Images as files under the data dir, served by the running app at `/app/static/images/`.

`serve.py` mounts this folder on the app's own server, so a row's `public_url`
is a same-origin URL the browser (and `st.image`) loads directly.
"""

from __future__ import annotations

import errno
import os
import uuid
from pathlib import Path

from lib.errors import StorageError
from lib.storage.base import ImageStore, StoredObject, check_path

URL_PREFIX = "/app/static/images"


def _fsync_dir(folder: Path) -> None:
    """Make the new name itself durable (a crash right after must not lose the link)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_error(exc: OSError, root: Path) -> StorageError:
    """What went wrong writing an image file, in words that say what to do."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageError("The disk is full: the image could not be saved.",
                            fix=f"Free some space on the disk that holds {root}, then generate the image again.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StorageError("The image folder is not writable: the image could not be saved.",
                            fix=f"Give the app write permission on {root} (or set CONTENT_DATA_DIR to a writable "
                                "folder), then generate the image again.")
    return StorageError(f"Could not write the image file ({exc.strerror or exc}).",
                        fix=f"Check that {root} exists, is writable and has free space.")


def images_root(data_dir: Path) -> Path:
    return data_dir / "images"


class LocalImageStore(ImageStore):
    name = "local"

    def __init__(self, root: Path, url_prefix: str = URL_PREFIX):
        self.root = Path(root).resolve()
        self.url_prefix = url_prefix.rstrip("/")

    def _file(self, path: str) -> Path:
        target = (self.root / check_path(path)).resolve()
        if not target.is_relative_to(self.root):  # a symlink inside the root could still point out
            raise StorageError(f"Refused the storage path {path!r}: it leads outside the image folder.",
                               fix="Use paths of the form user_id/session_id/file.png.")
        return target

    def put(self, path: str, data: bytes, content_type: str) -> StoredObject:
        """Write to a temporary name, fsync, then link it into place: the file is whole or absent, never truncated,
        and an existing file is never overwritten (like an upload without upsert)."""
        target = self._file(path)
        temp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(temp, "xb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.link(temp, target)  # atomic, and fails if the name is taken
            _fsync_dir(target.parent)
        except FileExistsError:
            raise StorageError(f"An image already exists at {path}.", fix="Generate the image again; it gets a new name.") from None
        except OSError as exc:
            raise _write_error(exc, self.root) from exc
        finally:
            try:
                temp.unlink(missing_ok=True)  # no leftovers, whatever happened
            except OSError:
                pass  # its folder could not be made: there is no temporary file
        return StoredObject(path=path, public_url=self.url(path), size=len(data), content_type=content_type)

    def delete(self, paths: list[str]) -> None:
        for path in paths:
            target = self._file(path)
            try:
                target.unlink(missing_ok=True)
            except OSError as exc:
                raise StorageError(f"Could not delete {path} ({exc.strerror or exc}).",
                                   fix=f"Check the permissions of {self.root}.") from exc
            # Tidy empty session/user folders; stop at the root.
            parent = target.parent
            while parent != self.root and parent.is_relative_to(self.root):
                try:
                    os.rmdir(parent)
                except OSError:
                    break
                parent = parent.parent

    def exists(self, path: str) -> bool:
        return self._file(path).is_file()

    def url(self, path: str) -> str:
        return f"{self.url_prefix}/{check_path(path)}"

    def urls(self, paths: list[str]) -> dict[str, str]:
        # Same-origin URLs need no request; a file that is gone is left out, so only its own tile says so.
        return {path: self.url(path) for path in paths if self.exists(path)}

    def read(self, path: str) -> bytes:
        try:
            return self._file(path).read_bytes()
        except FileNotFoundError:
            raise StorageError(f"The image file {path} is missing.", fix="Regenerate the image.") from None
