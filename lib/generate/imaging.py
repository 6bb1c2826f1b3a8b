"""Pillow code shared by the image providers: aspect ratios, sizes, crops, PNGs.

Both providers return images at *exactly* the requested ratio
(`width * rh == height * rw`): the OpenAI provider asks for the closest size the
model supports and crops the centre; the offline provider draws at the exact
size from the start.
"""

from __future__ import annotations

import io
import math
from math import gcd

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from lib.errors import GeneratorBadOutput, InputError

ASPECT_RATIOS: tuple[str, ...] = ("1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3")
DEFAULT_ASPECT_RATIO = "16:9"
LONG_SIDE = 1024

# Sizes each model family accepts (width, height).
MODEL_SIZES: dict[str, tuple[tuple[int, int], ...]] = {
    "gpt-image": ((1024, 1024), (1536, 1024), (1024, 1536)),
    "dall-e-3": ((1024, 1024), (1792, 1024), (1024, 1792)),
    "dall-e-2": ((1024, 1024),),
}


def parse_ratio(aspect_ratio: str) -> tuple[int, int]:
    """'16:9' -> (16, 9). Unknown ratios raise InputError."""
    text = str(aspect_ratio or "").strip()
    if text not in ASPECT_RATIOS:
        raise InputError(
            f"Aspect ratio {text!r} is not supported.",
            fix=f"Pick one of {', '.join(ASPECT_RATIOS)}.",
        )
    w, h = (int(part) for part in text.split(":"))
    g = gcd(w, h)
    return w // g, h // g


def exact_size(aspect_ratio: str, long_side: int = LONG_SIDE) -> tuple[int, int]:
    """The largest size with exactly this ratio whose long side is at most `long_side`."""
    rw, rh = parse_ratio(aspect_ratio)
    unit = long_side // max(rw, rh)
    return rw * unit, rh * unit


def has_ratio(width: int, height: int, aspect_ratio: str) -> bool:
    rw, rh = parse_ratio(aspect_ratio)
    return width * rh == height * rw


def model_family(model: str) -> str:
    name = model.lower()
    if name.startswith("dall-e-3"):
        return "dall-e-3"
    if name.startswith("dall-e-2"):
        return "dall-e-2"
    return "gpt-image"


def request_size(model: str, aspect_ratio: str) -> tuple[int, int]:
    """The supported size of `model` that needs the smallest crop to reach the ratio."""
    rw, rh = parse_ratio(aspect_ratio)
    target = math.log(rw / rh)
    sizes = MODEL_SIZES[model_family(model)]
    return min(sizes, key=lambda s: (abs(math.log(s[0] / s[1]) - target), -s[0] * s[1]))


def crop_box(width: int, height: int, aspect_ratio: str) -> tuple[int, int, int, int]:
    """Centred box of the largest exact-ratio area inside width x height."""
    rw, rh = parse_ratio(aspect_ratio)
    unit = min(width // rw, height // rh)
    if unit < 1:
        raise InputError(f"An image of {width}x{height} is too small for {aspect_ratio}.")
    cw, ch = rw * unit, rh * unit
    left, top = (width - cw) // 2, (height - ch) // 2
    return left, top, left + cw, top + ch


def crop_to_ratio(image: Image.Image, aspect_ratio: str) -> Image.Image:
    box = crop_box(image.width, image.height, aspect_ratio)
    if box == (0, 0, image.width, image.height):
        return image
    return image.crop(box)


def to_png_bytes(image: Image.Image, text: dict[str, str] | None = None) -> bytes:
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    info = PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value[:2000])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def normalise_png(data: bytes, aspect_ratio: str) -> tuple[bytes, int, int, tuple[int, int]]:
    """Decode any image the provider returned, crop it to the exact ratio, re-encode as PNG.

    Returns (png_bytes, width, height, (original_width, original_height)).
    """
    try:
        with Image.open(io.BytesIO(data)) as decoded:
            decoded.load()
            original = decoded.size
            image = crop_to_ratio(decoded.copy(), aspect_ratio)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise GeneratorBadOutput(
            "The image service returned data that is not a readable image.",
            fix="Try again; if it keeps happening, pick another image model.",
        ) from exc
    return to_png_bytes(image), image.width, image.height, original


def fold_negative_prompt(prompt: str, negative_prompt: str | None) -> str:
    """Image APIs have no negative prompt: say it in words."""
    prompt = prompt.strip()
    negative = (negative_prompt or "").strip()
    if not negative:
        return prompt
    return f"{prompt}\n\nAvoid: {negative}."
