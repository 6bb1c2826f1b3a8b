"""Thumbnails: WebP, longest side at most 512 px, the image's own ratio, small."""

import io

import pytest
from PIL import Image

from lib.errors import InputError
from lib.generate.offline import OfflineGenerator
from lib.thumbnails import make_thumbnail

RATIOS = ["1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3"]


@pytest.mark.parametrize("ratio", RATIOS)
def test_thumbnail_of_each_ratio(ratio):
    image = OfflineGenerator().image("a lighthouse at dusk, long exposure", aspect_ratio=ratio)
    thumb = make_thumbnail(image.png_bytes)
    with Image.open(io.BytesIO(thumb.data)) as decoded:
        assert decoded.format == "WEBP"
        assert decoded.size == (thumb.width, thumb.height)
    assert max(thumb.width, thumb.height) == 512
    assert abs(thumb.width / thumb.height - image.width / image.height) < 0.01
    assert len(thumb.data) <= 40 * 1024
    assert len(thumb.data) < image.file_size


def test_a_noisy_photo_still_fits_the_budget():
    noisy = Image.effect_noise((1536, 1024), 120).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "PNG")
    thumb = make_thumbnail(out.getvalue())
    assert max(thumb.width, thumb.height) <= 512
    assert abs(thumb.width / thumb.height - 1.5) < 0.01
    assert len(thumb.data) <= 40 * 1024


def test_small_images_are_not_enlarged():
    out = io.BytesIO()
    Image.new("RGB", (100, 50), "teal").save(out, "PNG")
    assert (make_thumbnail(out.getvalue()).width, make_thumbnail(out.getvalue()).height) == (100, 50)


def test_broken_bytes_give_a_clear_error():
    with pytest.raises(InputError, match="could not be read"):
        make_thumbnail(b"not an image")
