"""Image stores, registered in one place and chosen by `CONTENT_IMAGE_STORE`."""

from __future__ import annotations

import uuid

from lib.config import Config
from lib.errors import AuthError, StorageError
from lib.storage.base import BUCKET, STANDALONE, ImageStore, StoredObject, check_path, object_path
from lib.storage.local import LocalImageStore, images_root

__all__ = ["BUCKET", "STANDALONE", "ImageStore", "StoredObject", "check_path", "object_path", "image_store",
           "worker_store", "LocalImageStore", "images_root"]


def image_store(config: Config, access_token: str | None = None) -> ImageStore:
    """The store for this configuration. The Supabase store acts with the signed-in user's token."""
    if config.image_store == "supabase":
        from lib.storage.supabase import SupabaseImageStore  # only Supabase mode needs it

        if not access_token:
            raise AuthError("Storing images in Supabase needs a signed-in user.", fix="Sign in again.")
        return SupabaseImageStore(config.supabase_url, config.supabase_anon_key, access_token, private=config.private_bucket)
    return LocalImageStore(images_root(config.data_dir))


def worker_store(config: Config, user_id) -> ImageStore:
    """The store a worker uses for one job's user. A worker has no user token: with Supabase it uses the
    service-role key, held to that user's folder so a job can never write or delete anywhere else."""
    if config.image_store == "supabase":
        from lib.storage.supabase import SupabaseImageStore

        if not config.supabase_service_key:
            raise AuthError("A worker cannot store images in Supabase without SUPABASE_SERVICE_ROLE_KEY.",
                            fix="Set SUPABASE_SERVICE_ROLE_KEY for the workers, or make images from the page "
                                "(leave it unset on the app servers too).")
        store = SupabaseImageStore(config.supabase_url, config.supabase_service_key, config.supabase_service_key,
                                   private=config.private_bucket)
        return UserFolderStore(store, user_id)
    return LocalImageStore(images_root(config.data_dir))


class UserFolderStore(ImageStore):
    """Another store, limited to one user's folder (`{user_id}/…`): what storage policies do for a user's token."""

    def __init__(self, store: ImageStore, user_id):
        self.store, self.name = store, store.name
        self.prefix = f"{uuid.UUID(str(user_id))}/"

    def _own(self, path: str) -> str:
        if not check_path(path).startswith(self.prefix):
            raise StorageError("Refused a storage path outside this user's folder.",
                               fix="Images are stored under the folder named by their owner's id.")
        return path

    def put(self, path, data, content_type):
        return self.store.put(self._own(path), data, content_type)

    def delete(self, paths):
        self.store.delete([self._own(p) for p in paths])

    def url(self, path):
        return self.store.url(self._own(path))

    def urls(self, paths):
        return self.store.urls([self._own(p) for p in paths])

    def exists(self, path):
        return self.store.exists(self._own(path))

    def read(self, path):
        return self.store.read(self._own(path))
