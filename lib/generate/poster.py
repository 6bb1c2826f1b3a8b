"""The offline image provider's picture: the prompt's own words set as a typographic poster, at exactly the
requested aspect ratio (the sizes and PNG writing shared with the OpenAI provider are in `imaging`)."""

from __future__ import annotations

import colorsys
import hashlib
import math
import random
import re
import secrets
import unicodedata
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont, features

from lib.generate.imaging import exact_size, to_png_bytes

# The offline "image model" sets the prompt's own words as a typographic poster: the words wrapped and sized
# to fit, in a palette taken from them (colour words such as "red" or "dusk" set the hue; other words set it
# by their hash), with readable contrast. The seed chooses the variation: layout, shapes, harmony and shade.

# Hue (0-1) of colour words and of things with a colour; "dark"/"light" words set the shade.
COLOUR_WORDS = {
    "red": 0.0, "crimson": 0.97, "scarlet": 0.99, "fire": 0.03, "sunset": 0.05, "autumn": 0.06, "orange": 0.07,
    "brown": 0.07, "coffee": 0.07, "bakery": 0.08, "bread": 0.09, "dawn": 0.09, "amber": 0.1, "sand": 0.11,
    "gold": 0.12, "golden": 0.12, "summer": 0.13, "sun": 0.13, "yellow": 0.15, "lemon": 0.16, "lime": 0.22,
    "spring": 0.3, "green": 0.33, "hills": 0.3, "grass": 0.3, "forest": 0.36, "plant": 0.35, "mint": 0.42,
    "teal": 0.48, "turquoise": 0.47, "cyan": 0.5, "sea": 0.54, "ocean": 0.56, "water": 0.55, "sky": 0.57,
    "winter": 0.58, "ice": 0.53, "blue": 0.6, "navy": 0.63, "night": 0.65, "midnight": 0.66, "indigo": 0.68,
    "dusk": 0.7, "purple": 0.75, "lavender": 0.75, "violet": 0.77, "magenta": 0.85, "pink": 0.92, "rose": 0.95,
}
DARK_WORDS = frozenset("dark night midnight dusk moody noir shadow shadows black evening neon".split())
LIGHT_WORDS = frozenset("light bright morning pastel calm white airy soft minimal clean dawn".split())
GREY_WORDS = frozenset("grey gray black white monochrome silver concrete".split())
# Fonts looked up by file name in the system's font folders when Pillow's own font lacks a script's letters.
_FALLBACK_FONTS = ("DejaVuSans-Bold.ttf", "DejaVuSans.ttf", "NotoSans-Bold.ttf", "NotoSans-Regular.ttf",
                   "NotoSansArabic-Bold.ttf", "NotoSansHebrew-Bold.ttf", "NotoSansCJK-Bold.ttc", "NotoSansCJK-Regular.ttc",
                   "NotoSansJP-Bold.otf", "DroidSansFallbackFull.ttf", "wqy-microhei.ttc", "FreeSansBold.ttf",
                   "FreeSans.ttf", "Arial Unicode.ttf", "arialuni.ttf")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f\uac00-\ud7af]")
_CLAUSE_END = re.compile(r"[,;:!?](?=\s|$)|\.(?=\s|$)|[。、，،\n]|\s[—–-]\s")
_LAYOUTS = ("centre", "left", "frame", "card")
_WORD = re.compile(r"\S+")


def _hsv(hue: float, sat: float, val: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(hue % 1.0, max(0.0, min(1.0, sat)), max(0.0, min(1.0, val)))
    return int(r * 255), int(g * 255), int(b * 255)


def _prompt_words(prompt: str) -> list[str]:
    return [w.casefold() for w in re.findall(r"[^\W_]+", prompt)]


def poster_palette(prompt: str, rng: random.Random) -> dict[str, tuple[int, int, int] | bool]:
    """Background, second background, accents, and whether the poster is dark: from the prompt's words, then the seed."""
    words = _prompt_words(prompt)
    hues = [COLOUR_WORDS[w] for w in words if w in COLOUR_WORDS]
    if hues:
        base = hues[0]
    else:  # no colour named: the words themselves pick the hue, so the same words keep their colours
        content = sorted(set(w for w in words if len(w) > 3)) or words or [prompt]
        base = int(hashlib.sha256(" ".join(content).encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF
    dark = any(w in DARK_WORDS for w in words)
    light = any(w in LIGHT_WORDS for w in words)
    if not dark and not light:
        dark = rng.random() < 0.5
    sat = 0.12 if any(w in GREY_WORDS for w in words) else rng.uniform(0.45, 0.8)
    base = (base + rng.uniform(-0.035, 0.035)) % 1.0
    second = hues[1] if len(hues) > 1 else base + rng.choice((0.08, -0.08, 0.5, 0.33, -0.33))
    if dark:
        bg, bg2 = _hsv(base, sat, rng.uniform(0.16, 0.26)), _hsv(base + 0.04, sat * 0.9, rng.uniform(0.3, 0.42))
        accents = [_hsv(second, min(1, sat + 0.1), rng.uniform(0.55, 0.8)), _hsv(base, sat * 0.8, rng.uniform(0.45, 0.6))]
    else:
        bg, bg2 = _hsv(base, sat * 0.35, rng.uniform(0.9, 0.97)), _hsv(base + 0.04, sat * 0.5, rng.uniform(0.78, 0.88))
        accents = [_hsv(second, sat, rng.uniform(0.6, 0.85)), _hsv(base, sat, rng.uniform(0.55, 0.75))]
    return {"bg": bg, "bg2": bg2, "accent": accents[0], "accent2": accents[1], "dark": dark}


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = rgb[:3]
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


_FONTS: dict[tuple[str, int], ImageFont.FreeTypeFont | ImageFont.ImageFont | None] = {}
_GLYPHS: dict[tuple[str, str], bool] = {}


def _font(name: str, size: int):
    """Pillow's own scalable font ("default"), or a system font found by file name; None when absent."""
    key = (name, size)
    if key not in _FONTS:
        try:
            _FONTS[key] = ImageFont.load_default(size=size) if name == "default" else ImageFont.truetype(name, size)
        except OSError:
            _FONTS[key] = None
    return _FONTS[key]


def _draws(name: str, ch: str) -> bool:
    """Whether font `name` has a glyph for `ch` (it does not draw the font's 'missing' box)."""
    key = (name, ch)
    if key not in _GLYPHS:
        font = _font(name, 24)
        if font is None:
            _GLYPHS[key] = False
        else:
            def ink(text: str) -> bytes:
                canvas = Image.new("L", (48, 48))
                ImageDraw.Draw(canvas).text((4, 4), text, font=font, fill=255)
                return canvas.tobytes()
            _GLYPHS[key] = ch.isspace() or unicodedata.category(ch).startswith("M") or ink(ch) != ink("\uffff")
    return _GLYPHS[key]


def _font_for(word: str) -> str | None:
    """The first font that draws every letter of `word`: Pillow's own, else a system font; None: none does."""
    letters = [ch for ch in word if unicodedata.category(ch).startswith(("L", "N"))]
    for name in ("default", *_FALLBACK_FONTS):
        if _font(name, 24) is not None and all(_draws(name, ch) for ch in letters):
            return name
    return None


def _drawable(word: str, font: str | None) -> str:
    """`word` without the marks (dashes, quotes) its font has no glyph for, rather than a 'missing' box."""
    if font is None:
        return word
    return "".join(ch for ch in word if unicodedata.category(ch).startswith(("L", "N")) or _draws(font, ch))


def _is_rtl(word: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in word)


@dataclass
class _Word:
    text: str
    font: str | None  # None: no font draws it; shown as a bar of its length
    glue: bool = False  # continues the word before it without a space (scripts written without spaces)

    def width(self, size: int) -> float:
        if self.font is None:
            return size * (0.9 if _UNSPACED.search(self.text) else 0.55) * len(self.text)
        return _font(self.font, size).getlength(self.text)

    def space(self, size: int) -> float:
        return 0.0 if self.glue else size * 0.3


def _wrap(words: list[_Word], size: int, max_width: float) -> list[list[_Word]] | None:
    """Words in lines no wider than `max_width` at `size`; None when one word alone is wider."""
    lines: list[list[_Word]] = []
    line: list[_Word] = []
    width = 0.0
    for word in words:
        w = word.width(size)
        if w > max_width:
            return None
        if line and width + word.space(size) + w > max_width:
            lines.append(line)
            line, width = [], 0.0
        width += (word.space(size) if line else 0) + w
        line.append(word)
    if line:
        lines.append(line)
    return lines


def _fit(words: list[_Word], box: tuple[float, float], largest: int, smallest: int) -> tuple[int, list[list[_Word]]]:
    """The largest size (and its lines) at which `words` fit in `box` (width, height)."""
    for size in range(largest, smallest - 1, -2):
        lines = _wrap(words, size, box[0])
        if lines is not None and len(lines) * size * 1.18 <= box[1]:
            return size, lines
    return smallest, _wrap(words, smallest, box[0]) or [[w] for w in words]


def _poster_text(prompt: str, rng: random.Random) -> tuple[list[_Word], list[_Word]]:
    """The headline (the prompt's first phrase) and the line under it (the rest), as words with their fonts."""
    text = prompt.strip().lstrip(",.;:!?。、،—–- \n")
    cut = _CLAUSE_END.search(text)
    head_words = _pieces(text[: cut.start()] if cut else text)
    rest = _pieces(text[cut.end():]) if cut else []
    if len(head_words) > 9:
        head_words, rest = head_words[:9], head_words[9:] + rest
    upper = rng.random() < 0.5

    def words(pieces: list[tuple[str, bool]], shout: bool) -> list[_Word]:
        out = []
        for piece, glue in pieces:
            shown = piece.upper() if shout and piece.isascii() else piece
            font = _font_for(shown)
            shown = _drawable(shown, font)
            if font is not None and _is_rtl(shown) and not features.check("raqm"):
                shown = shown[::-1]  # no shaping library: at least keep right-to-left letters in reading order
            if shown.strip():
                out.append(_Word(shown, font, glue and bool(out)))
        return out

    return words(head_words, upper), words(rest[:28], False)


def _pieces(text: str) -> list[tuple[str, bool]]:
    """Words to set, as (text, glued to the one before): a run without spaces (Japanese, Chinese) in pieces of
    up to four characters, so that it can wrap."""
    out = []
    for word in _WORD.findall(text):
        if _UNSPACED.search(word) and len(word) > 4:
            out.extend((word[i : i + 4], i > 0) for i in range(0, len(word), 4))
        else:
            out.append((word, False))
    return out


def _visual_order(line: list[_Word]) -> list[_Word]:
    """Words left to right as they are seen: each run of right-to-left words reversed, and the runs too when
    the line starts right to left."""
    runs: list[list[_Word]] = []
    for word in line:
        if runs and _is_rtl(runs[-1][0].text) == _is_rtl(word.text):
            runs[-1].append(word)
        else:
            runs.append([word])
    runs = [run[::-1] if _is_rtl(run[0].text) else run for run in runs]
    if line and _is_rtl(line[0].text):
        runs = runs[::-1]
    return [w for run in runs for w in run]


def _draw_lines(draw: ImageDraw.ImageDraw, lines: list[list[_Word]], size: int, origin: tuple[float, float],
                width: float, align: str, colour: tuple[int, int, int]) -> float:
    """Draw wrapped words from `origin` (top left of the block); returns the block's height."""
    x0, y = origin
    for line in lines:
        line = _visual_order(line)
        line_width = sum(w.width(size) for w in line) + sum(w.space(size) for w in line[1:])
        x = x0 + (width - line_width) / 2 if align == "centre" else x0
        for n, word in enumerate(line):
            x += word.space(size) if n else 0
            w = word.width(size)
            if word.font is None:  # no font for its letters: a bar as long as the word, not 'missing' boxes
                draw.rounded_rectangle((x + size * 0.04, y + size * 0.3, x + w - size * 0.04, y + size * 0.85),
                                       radius=size * 0.12, fill=colour)
            else:
                draw.text((x, y), word.text, font=_font(word.font, size), fill=colour)
            x += w
        y += size * 1.18
    return len(lines) * size * 1.18


def _gradient(size: tuple[int, int], start: tuple[int, int, int], end: tuple[int, int, int], angle: float) -> Image.Image:
    width, height = size
    diagonal = int(math.hypot(width, height)) + 2
    mask = Image.linear_gradient("L").resize((diagonal, diagonal)).rotate(angle, resample=Image.Resampling.BILINEAR)
    left, top = (diagonal - width) // 2, (diagonal - height) // 2
    mask = mask.crop((left, top, left + width, top + height))
    return Image.composite(Image.new("RGB", size, end), Image.new("RGB", size, start), mask)


def _shapes(image: Image.Image, palette: dict, rng: random.Random, keep_clear: tuple[float, float, float, float]) -> None:
    """Soft shapes in the accent colours, mostly outside the text's box."""
    width, height = image.size
    short = min(width, height)
    for _ in range(rng.randint(3, 6)):
        mask = Image.new("L", image.size, 0)
        draw = ImageDraw.Draw(mask)
        radius = rng.uniform(0.12, 0.42) * short
        for _attempt in range(6):
            cx, cy = rng.uniform(-0.1, 1.1) * width, rng.uniform(-0.1, 1.1) * height
            if not (keep_clear[0] < cx < keep_clear[2] and keep_clear[1] < cy < keep_clear[3]):
                break
        kind = rng.choice(("circle", "circle", "ring", "bar"))
        alpha = rng.randint(60, 140)
        if kind == "circle":
            draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=alpha)
        elif kind == "ring":
            draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=alpha, width=max(4, int(radius * 0.12)))
        else:
            turn = rng.uniform(-0.6, 0.6)
            dx, dy = math.cos(turn) * width, math.sin(turn) * width
            draw.line((cx - dx, cy - dy, cx + dx, cy + dy), fill=alpha, width=max(6, int(radius * 0.25)))
        image.paste(palette[rng.choice(("accent", "accent2"))], (0, 0, width, height), mask)


def _pixels(image: Image.Image) -> list[tuple[int, int, int]]:
    """The colours of a 24x24 reduction of an RGB image."""
    data = image.convert("RGB").resize((24, 24)).tobytes()
    return [tuple(data[i : i + 3]) for i in range(0, len(data), 3)]


def _readable(image: Image.Image, box: tuple[int, int, int, int], palette: dict) -> tuple[int, int, int]:
    """A text colour with a contrast of at least 4.5 over the box; veils the box when neither shade reaches it."""
    region = image.crop(box)
    pixels = _pixels(region)
    inks = [(250, 250, 247), (22, 22, 26)]
    def worst(ink: tuple[int, int, int]) -> float:
        return min(contrast_ratio(ink, p) for p in pixels)
    ink = max(inks, key=worst)
    if worst(ink) < 4.5:
        veil = (0, 0, 0) if ink == inks[0] else (255, 255, 255)
        for alpha in (90, 140, 190, 230):
            layer = Image.new("RGB", region.size, veil)
            softened = Image.blend(region, layer, alpha / 255)
            if min(contrast_ratio(ink, p) for p in _pixels(softened)) >= 4.5:
                break
        image.paste(softened, box[:2])
    return ink


def render_offline_image(prompt: str, negative_prompt: str, model: str, aspect_ratio: str,
                         seed: int | None = None) -> tuple[bytes, int, int, int]:
    """A typographic poster of `prompt` at the exact ratio. Returns (png_bytes, width, height, seed).

    Same inputs and seed, same bytes; no seed: a fresh random one (a new variation each call).
    """
    if seed is None:
        seed = secrets.randbelow(2**31)
    width, height = exact_size(aspect_ratio)
    digest = hashlib.sha256("\x1f".join([prompt, negative_prompt, model, aspect_ratio, str(seed)]).encode("utf-8")).hexdigest()
    rng = random.Random(int(digest, 16))
    palette = poster_palette(prompt, rng)
    layout = rng.choice(_LAYOUTS)
    headline, subline = _poster_text(prompt, rng)
    short = min(width, height)
    margin = short * rng.uniform(0.07, 0.1)

    image = _gradient((width, height), palette["bg"], palette["bg2"], rng.uniform(0, 360))
    if layout == "left":
        box = (margin * 1.6, margin * 1.4, width * (0.72 if width > height else 0.86), height - margin * 1.4)
    elif layout == "card":
        box = (width * 0.14, height * 0.22, width * 0.86, height * 0.78)
    else:
        box = (margin * 1.5, margin * 1.5, width - margin * 1.5, height - margin * 1.5)
    _shapes(image, palette, rng, box)
    draw = ImageDraw.Draw(image)
    if layout == "frame":
        draw.rectangle((margin * 0.6, margin * 0.6, width - margin * 0.6, height - margin * 0.6),
                       outline=palette["accent"], width=max(4, int(short * 0.012)))
    if layout == "left":
        draw.rectangle((margin * 0.7, margin * 1.4, margin * 0.7 + short * 0.018, height - margin * 1.4), fill=palette["accent"])

    box_w, box_h = box[2] - box[0], box[3] - box[1]
    head_size, head_lines = _fit(headline, (box_w, box_h * (0.62 if subline else 0.9)), int(short * 0.16), max(12, int(short * 0.035)))
    sub_size, sub_lines = _fit(subline, (box_w, box_h * 0.3), min(int(head_size * 0.42), int(short * 0.05)), max(10, int(short * 0.022))) \
        if subline else (0, [])
    gap = head_size * 0.5 if sub_lines else 0
    block_h = len(head_lines) * head_size * 1.18 + gap + len(sub_lines) * sub_size * 1.18
    top = box[1] + (box_h - block_h) / (2 if layout != "left" else 1.6)
    text_box = (int(box[0]), int(max(0, top - head_size * 0.2)), int(box[2]), int(min(height, top + block_h + head_size * 0.2)))
    if layout == "card":
        pad = head_size * 0.5
        card = (text_box[0] - pad, text_box[1] - pad, text_box[2] + pad, text_box[3] + pad)
        draw.rounded_rectangle(card, radius=int(short * 0.03), fill=palette["bg"] if rng.random() < 0.5 else palette["accent2"])
    ink = _readable(image, text_box, palette)
    draw = ImageDraw.Draw(image)
    align = "left" if layout == "left" else "centre"
    used = _draw_lines(draw, head_lines, head_size, (box[0], top), box_w, align, ink)
    if sub_lines:
        _draw_lines(draw, sub_lines, sub_size, (box[0], top + used + gap), box_w, align, ink)
    png = to_png_bytes(image, {"Software": "Content Studio offline renderer", "Description": prompt})
    return png, width, height, seed
