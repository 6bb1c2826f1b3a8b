"""Image stores, registered in one place and chosen by `CONTENT_IMAGE_STORE`."""

from __future__ import annotations

from lib.config import Config
from lib.errors import AuthError
from lib.storage.base import BUCKET, STANDALONE, ImageStore, StoredObject, check_path, object_path
from lib.storage.local import LocalImageStore, images_root

__all__ = ["BUCKET", "STANDALONE", "ImageStore", "StoredObject", "check_path", "object_path", "image_store",
           "LocalImageStore", "images_root"]


def image_store(config: Config, access_token: str | None = None) -> ImageStore:
    """The store for this configuration. The Supabase store acts with the signed-in user's token."""
    if config.image_store == "supabase":
        from lib.storage.supabase import SupabaseImageStore  # only Supabase mode needs it

        if not access_token:
            raise AuthError("Storing images in Supabase needs a signed-in user.", fix="Sign in again.")
        return SupabaseImageStore(config.supabase_url, config.supabase_anon_key, access_token, private=config.private_bucket)
    return LocalImageStore(images_root(config.data_dir))
