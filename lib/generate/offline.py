"""The offline provider: deterministic, algorithmic, built only from the user's text.

Themes come from keyphrase clustering (`text.py`), research from the sentences
most related to a theme, outlines and drafts from those research items, and
outputs from the draft (`compose.py`). The connecting phrases are templates;
every content sentence is the user's own. It needs no network and no key.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from lib.errors import InputError
from lib.generate import compose
from lib.generate.base import DraftStream, GenerationOptions, Generator
from lib.generate.clusters import cluster
from lib.generate.imaging import render_offline_image
from lib.generate.models import (
    OFFLINE_MODEL,
    OUTPUT_MODELS,
    ImageResult,
    Outline,
    OutlineSet,
    Research,
    ResearchItem,
    Theme,
    ThemeSet,
)
from lib.generate.text import (
    Analysis,
    Unit,
    capitalise,
    has_contrast,
    has_fact,
    shorten,
    terms_of,
    tokenize,
    urls_in,
)

TITLE_TEMPLATES = (
    "The case for {x}",
    "Getting {x} right",
    "What we get wrong about {x}",
    "{X}: lessons from the field",
    "A practical guide to {x}",
    "Rethinking {x}",
    "{X}, explained",
)
ANGLE_TEMPLATES = (
    "How {x} connects to {y}",
    "{X} seen through {y}",
    "What {y} reveals about {x}",
    "From {y} to {x}: a practical view",
)
ANGLE_ALONE = ("A first-hand, practical take on {x}", "The questions {x} raises", "Why {x} deserves a closer look")
RESEARCH_LIMITS = {"insight": 6, "fact": 5, "counterpoint": 4, "question": 6, "source": 5}


@lru_cache(maxsize=16)
def analyse(text: str) -> Analysis:
    """Analysis of a text, cached: every step of a session reads the same brain dump."""
    return Analysis(text)


def fill(template: str, **values: str) -> str:
    out = template
    for key, value in values.items():
        out = out.replace("{" + key.upper() + "}", capitalise(value)).replace("{" + key + "}", value)
    return out


class OfflineGenerator(Generator):
    name = "offline"
    offline = True
    text_model = OFFLINE_MODEL
    image_model = OFFLINE_MODEL
    image_models = (OFFLINE_MODEL,)

    # --- themes ------------------------------------------------------------------

    def _themes(self, brain_dump: str, options: GenerationOptions) -> ThemeSet:
        analysis = analyse(brain_dump)
        if not analysis.content_units:
            raise InputError(
                "The brain dump has no words to find themes in.",
                fix="Add a few sentences of notes (emoji and links alone are not enough).",
            )
        themes: list[Theme] = []
        titles: set[str] = set()
        for index, group in enumerate(cluster(analysis)):
            phrase = group.phrase.display
            title = next(
                t for t in (fill(TITLE_TEMPLATES[(index + k) % len(TITLE_TEMPLATES)], x=phrase) for k in range(len(TITLE_TEMPLATES)))
                if t.casefold() not in titles
            )
            titles.add(title.casefold())
            member_ids = {u.index for u in group.members}
            second = next(iter(analysis.phrases_in(member_ids, avoid=set(group.phrase.key))), None)
            if second is not None and second.score > 0:
                angle = fill(ANGLE_TEMPLATES[index % len(ANGLE_TEMPLATES)], x=phrase, y=second.display)
            else:
                angle = fill(ANGLE_ALONE[index % len(ANGLE_ALONE)], x=phrase)
            themes.append(
                Theme(
                    title=title,
                    summary=shorten(group.members[0].text, 28),
                    angle=angle,
                    key_points=self._key_points(analysis, group.members, group.phrase.key),
                )
            )
        return ThemeSet(themes=themes, model_used=OFFLINE_MODEL)

    @staticmethod
    def _key_points(analysis: Analysis, members: list[Unit], title_words: tuple[str, ...]) -> list[str]:
        chosen = members[1:5] if len(members) >= 3 else members[:4]
        points = [shorten(u.text, 30) for u in sorted(chosen, key=lambda u: u.index)]
        if len(points) < 3:  # few sentences: name the other phrases they hold
            ids = {u.index for u in members}
            for phrase in analysis.phrases_in(ids, avoid=set(title_words)):
                if len(points) >= 3:
                    break
                if phrase.score > 0 and phrase.display.casefold() not in {p.casefold() for p in points}:
                    points.append(phrase.display)
        return points

    # --- research ----------------------------------------------------------------

    def _research(self, brain_dump: str, theme: Theme, options: GenerationOptions) -> Research:
        analysis = analyse(brain_dump)
        query = set(terms_of(tokenize(" ".join([theme.title, theme.summary, theme.angle, *theme.key_points]))))
        related = analysis.related(query, limit=24)
        buckets: dict[str, list[ResearchItem]] = {kind: [] for kind in RESEARCH_LIMITS}

        def add(kind: str, text: str, source: str | None = None) -> None:
            bucket = buckets[kind]
            if len(bucket) < RESEARCH_LIMITS[kind] and text.casefold() not in {i.text.casefold() for i in bucket}:
                bucket.append(ResearchItem(kind=kind, text=text, source=source))

        for unit in related:
            text = shorten(unit.text, 40, 300)
            links = urls_in(unit.text)
            if unit.is_question:
                add("question", text)
            elif has_fact(unit.text):
                add("fact", text, links[0] if links else None)
            elif has_contrast(unit.text):
                add("counterpoint", text)
            elif len(unit.terms) >= 2:
                add("insight", text)
        if not buckets["insight"]:
            for point in theme.key_points:
                add("insight", point)

        focus = compose.theme_phrase(analysis, theme)
        for fact in [f for f in buckets["fact"] if f.verify][:3]:
            add("question", f"What is the original source for “{shorten(fact.text, 12)}”, and is it current?")
        add("question", f"What evidence would convince a sceptical reader about {focus}?")
        if not buckets["counterpoint"]:
            add("question", f"Where does {focus} not apply, and what is the strongest case against it?")

        near = [url for unit in related for url in urls_in(unit.text)]
        for url in dict.fromkeys(near + urls_in(brain_dump)):
            parts = urlsplit(url)
            add("source", f"{parts.netloc}{parts.path}".rstrip("/"), url)

        items = [item for kind in ("insight", "fact", "counterpoint", "question", "source") for item in buckets[kind]]
        return Research(theme_id=theme.id, theme_title=theme.title, items=items, model_used=OFFLINE_MODEL)

    # --- outlines and draft -----------------------------------------------------------

    def _outlines(self, brain_dump: str, theme: Theme, research_items: list[ResearchItem], options: GenerationOptions) -> OutlineSet:
        analysis = analyse(brain_dump)
        items = research_items or self._research(brain_dump, theme, options).items
        outlines = compose.outlines(analysis, theme, items, options)
        return OutlineSet(outlines=outlines, model_used=OFFLINE_MODEL)

    def _draft_stream(
        self, brain_dump: str, theme: Theme, research_items: list[ResearchItem], outline: Outline, options: GenerationOptions
    ) -> DraftStream:
        analysis = analyse(brain_dump)

        def produce(stream: DraftStream):
            yield from compose.draft_chunks(analysis, theme, research_items, outline, options)

        return DraftStream(produce, model_used=OFFLINE_MODEL)

    # --- outputs and images -----------------------------------------------------------

    def _output(self, draft_markdown: str, fmt: str, options: GenerationOptions):
        content = compose.output(fmt, draft_markdown, analyse, options)
        return OUTPUT_MODELS[fmt](**content.model_dump(), model_used=OFFLINE_MODEL)

    def _image(self, prompt: str, negative_prompt: str, model: str, aspect_ratio: str) -> ImageResult:
        png, width, height, seed = render_offline_image(prompt, negative_prompt, model, aspect_ratio)
        return ImageResult(
            png_bytes=png,
            width=width,
            height=height,
            aspect_ratio=aspect_ratio,
            prompt=prompt,
            negative_prompt=negative_prompt,
            model_used=OFFLINE_MODEL,
            metadata={"renderer": "pillow", "seed": seed, "requested_model": model},
        )
