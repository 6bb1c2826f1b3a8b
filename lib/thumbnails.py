"""Small WebP copies of images for grids: longest side at most 512 px, a few dozen KB."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image

from lib.errors import InputError

MAX_SIDE = 512
TARGET_BYTES = 40 * 1024
MIME_TYPE = "image/webp"


@dataclass(frozen=True)
class Thumbnail:
    data: bytes
    width: int
    height: int
    mime_type: str = MIME_TYPE


def make_thumbnail(image_bytes: bytes, max_side: int = MAX_SIDE, target_bytes: int = TARGET_BYTES) -> Thumbnail:
    """Shrink (never enlarge) keeping the aspect ratio; lower the quality, then the size, until it fits `target_bytes`."""
    try:
        with Image.open(io.BytesIO(image_bytes)) as source:
            image = source.convert("RGB")
    except Exception as exc:  # Pillow raises several types for broken data
        raise InputError("The generated image could not be read.", fix="Generate it again.") from exc
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    while True:
        for quality in (80, 65, 50, 35):
            out = io.BytesIO()
            image.save(out, "WEBP", quality=quality, method=4)
            data = out.getvalue()
            if len(data) <= target_bytes:
                return Thumbnail(data=data, width=image.width, height=image.height)
        if max(image.size) <= 64:  # noise this dense is not an image worth more effort
            return Thumbnail(data=data, width=image.width, height=image.height)
        # Pure noise does not compress: only fewer pixels help.
        image = image.resize((max(1, int(image.width * 0.85)), max(1, int(image.height * 0.85))), Image.Resampling.LANCZOS)
