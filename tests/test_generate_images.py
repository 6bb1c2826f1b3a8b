"""Images: exact aspect ratios, valid PNGs, supported sizes and crops (real Pillow throughout)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from lib.errors import InputError
from lib.generate import ASPECT_RATIOS
from lib.generate.imaging import (
    MODEL_SIZES,
    crop_to_ratio,
    exact_size,
    fold_negative_prompt,
    normalise_png,
    parse_ratio,
    request_size,
)
from lib.generate.offline import OfflineGenerator


def ratio_of(aspect: str) -> tuple[int, int]:
    w, h = aspect.split(":")
    return int(w), int(h)


def decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    image.verify()  # checks the chunks and CRCs
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


@pytest.mark.parametrize("aspect", ASPECT_RATIOS)
def test_offline_image_has_the_exact_ratio_and_is_a_valid_png(aspect):
    result = OfflineGenerator().image("A calm desk with a laptop and coffee, morning light", "text, watermark", None, aspect)
    rw, rh = ratio_of(aspect)
    assert result.width * rh == result.height * rw
    assert max(result.width, result.height) in (1023, 1024)
    image = decode(result.png_bytes)
    assert image.size == (result.width, result.height)
    assert image.mode == "RGB"
    assert result.mime_type == "image/png" and result.model_used == "offline"
    assert result.file_size == len(result.png_bytes)
    colours = image.resize((32, 32)).getcolors(4096)
    assert colours is not None and len(colours) > 20  # a picture, not a flat fill


def test_offline_image_is_deterministic_and_follows_its_inputs():
    gen = OfflineGenerator()  # same seed, same picture (without one, each call is a new variation)
    first = gen.image("Remote team onboarding, flat illustration", "people", None, "16:9", seed=7)
    again = gen.image("Remote team onboarding, flat illustration", "people", None, "16:9", seed=7)
    assert first.png_bytes == again.png_bytes
    assert first.metadata["seed"] == again.metadata["seed"] == 7
    others = [
        gen.image("Remote team onboarding, watercolour", "people", None, "16:9", seed=7),
        gen.image("Remote team onboarding, flat illustration", "", None, "16:9", seed=7),
        gen.image("Remote team onboarding, flat illustration", "people", "dall-e-3", "16:9", seed=7),
    ]
    assert len({first.png_bytes, *(o.png_bytes for o in others)}) == 4


def test_image_result_stores_without_its_bytes_and_round_trips_with_them():
    result = OfflineGenerator().image("Bakery at dawn", "", None, "1:1")
    row = result.model_dump(mode="json", exclude={"png_bytes"})
    assert row["width"] == row["height"] == 1024 and "png_bytes" not in row
    full = result.model_dump(mode="json")
    assert type(result).model_validate_json(result.model_dump_json()).png_bytes == result.png_bytes
    assert isinstance(full["png_bytes"], str)


def test_unknown_ratio_and_empty_prompt_are_refused():
    gen = OfflineGenerator()
    with pytest.raises(InputError, match="Pick one of"):
        gen.image("A cat", "", None, "5:4")
    with pytest.raises(InputError, match="empty"):
        gen.image("  ", "", None, "1:1")
    with pytest.raises(InputError):
        parse_ratio("16x9")


@pytest.mark.parametrize("aspect", ASPECT_RATIOS)
def test_exact_size_keeps_the_ratio(aspect):
    width, height = exact_size(aspect)
    rw, rh = ratio_of(aspect)
    assert width * rh == height * rw and max(width, height) <= 1024


def test_request_size_picks_the_closest_supported_shape():
    assert request_size("gpt-image-1", "1:1") == (1024, 1024)
    assert request_size("gpt-image-1", "16:9") == (1536, 1024)
    assert request_size("gpt-image-1", "9:16") == (1024, 1536)
    assert request_size("gpt-image-1", "3:2") == (1536, 1024)
    assert request_size("dall-e-3", "16:9") == (1792, 1024)
    assert request_size("dall-e-3", "2:3") == (1024, 1792)
    assert request_size("dall-e-3", "1:1") == (1024, 1024)


@pytest.mark.parametrize("family", sorted(MODEL_SIZES))
@pytest.mark.parametrize("aspect", ASPECT_RATIOS)
def test_every_supported_size_crops_to_every_ratio_exactly(family, aspect):
    model = {"gpt-image": "gpt-image-1"}.get(family, family)
    width, height = request_size(model, aspect)
    assert (width, height) in MODEL_SIZES[family]
    cropped = crop_to_ratio(Image.new("RGB", (width, height), "white"), aspect)
    rw, rh = ratio_of(aspect)
    assert cropped.width * rh == cropped.height * rw
    assert cropped.width <= width and cropped.height <= height
    # the crop keeps most of the picture when the shape is close
    if request_size(model, aspect)[0] / request_size(model, aspect)[1] == rw / rh:
        assert cropped.size == (width, height)


def test_normalise_png_crops_the_centre_of_a_returned_jpeg():
    image = Image.new("RGB", (1536, 1024), "navy")
    image.paste((255, 0, 0), (0, 0, 1536, 80))  # a band that the 16:9 crop must cut away
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    png, width, height, original = normalise_png(buffer.getvalue(), "16:9")
    assert original == (1536, 1024) and (width, height) == (1536, 864)
    decoded = decode(png)
    assert decoded.getpixel((768, 2))[0] < 60  # the red band is gone


def test_negative_prompt_is_folded_into_words():
    assert fold_negative_prompt("A cat", "") == "A cat"
    assert fold_negative_prompt("A cat ", " blur, text ") == "A cat\n\nAvoid: blur, text."


def test_an_image_prompt_longer_than_image_models_take_is_refused_with_its_length():
    from lib.errors import InputError
    from lib.generate.offline import OfflineGenerator

    with pytest.raises(InputError, match="The image prompt has 21,500 characters; image models take at most 4,000."):
        OfflineGenerator().image("a red kite " * 1954 + "x" * 6)
