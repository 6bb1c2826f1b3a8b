"""The one interface every generator provider implements, and its options.

Public methods here check the inputs once for every provider (empty brain dump,
unknown format or aspect ratio) and then call the provider's `_step` method.
"""

from __future__ import annotations

import contextvars

from abc import ABC, abstractmethod
from typing import Callable, ClassVar, Iterator, Sequence

from pydantic import BaseModel, ConfigDict, Field, field_validator

from lib.errors import InputError
from lib.generate.imaging import ASPECT_RATIOS, DEFAULT_ASPECT_RATIO, parse_ratio
from lib.generate.models import (
    OUTPUT_FORMATS,
    Draft,
    ImageResult,
    Outline,
    OutlineSet,
    Research,
    ResearchItem,
    Theme,
    ThemeSet,
    Usage,
)
from lib.generate.text import collapse

TONES: tuple[str, ...] = ("professional", "friendly", "casual", "bold", "educational", "inspirational")
LANGUAGES: tuple[str, ...] = (
    "English", "Spanish", "French", "German", "Portuguese", "Italian", "Dutch",
    "Polish", "Japanese", "Chinese", "Korean", "Hindi", "Arabic",
)
DRAFT_WORDS_MIN, DRAFT_WORDS_MAX = 150, 4000


# Who to tell when the provider asks us to wait (HTTP 429) and the client backs off before trying again: a job
# sets it so its page can say "waiting on the provider" instead of looking stuck.
provider_waiting: contextvars.ContextVar[Callable[[str], None] | None] = contextvars.ContextVar(
    "provider_waiting", default=None)


# Whether the job still wants its answer: a job sets it, and a provider streaming an answer asks about every
# second; False (the user pressed Stop) closes the stream, which also makes a local server stop generating.
keep_going: contextvars.ContextVar[Callable[[], bool] | None] = contextvars.ContextVar("keep_going", default=None)


MAX_IMAGE_PROMPT = 4000  # what the strictest image model (dall-e-3) accepts


class GenerationOptions(BaseModel):
    """What users ask such tools for: output language, tone, draft length.

    The offline provider cannot translate: it keeps the brain dump's own
    language and uses `tone` only for its connecting phrases.
    """

    model_config = ConfigDict(frozen=True)

    language: str = "English"
    tone: str = "professional"
    draft_words: int = Field(800, ge=DRAFT_WORDS_MIN, le=DRAFT_WORDS_MAX)

    @field_validator("language", "tone")
    @classmethod
    def _short_text(cls, value: str) -> str:
        value = collapse(str(value))
        if not value or len(value) > 40:
            raise ValueError("must be 1 to 40 characters")
        return value


class DraftStream:
    """An iterable of Markdown chunks; `.text`, `.model_used` and `.usage` once exhausted.

    Providers pass a `producer(stream)` generator function; it may update
    `stream.model_used` and `stream.usage` while it runs. Works with
    `st.write_stream(stream)`; `result()` drains it and returns a `Draft`.
    """

    def __init__(self, producer: Callable[["DraftStream"], Iterator[str]], *, model_used: str, start: str = ""):
        self.model_used = model_used
        self.usage = Usage()
        self.done = False
        self.resumed = bool(start)  # it goes on from `start`, what an earlier run wrote before it stopped
        # Why the model stopped, when the provider says: "stop", "length" (its token limit), or "incomplete"
        # (the stream ended with no reason at all). None: the provider does not report one (offline).
        self.finish_reason: str | None = None
        self.version: int | None = None  # the draft version this stream is saved in, once checkpointed
        self._parts: list[str] = [start] if start else []
        self._iterator = producer(self)

    def __iter__(self) -> "DraftStream":
        return self

    def __next__(self) -> str:
        if self.done:
            raise StopIteration
        try:
            chunk = next(self._iterator)
        except StopIteration:
            self.done = True
            raise
        self._parts.append(chunk)
        return chunk

    @property
    def text(self) -> str:
        return "".join(self._parts)

    @property
    def cut(self) -> bool:
        """The draft ended before the model finished it: kept as partial, never as a complete draft."""
        return self.finish_reason in ("length", "incomplete")

    def result(self) -> Draft:
        for _ in self:
            pass
        return Draft(markdown=self.text.strip() + "\n", model_used=self.model_used, usage=self.usage)


def _require_text(value: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"The {what} is empty.", fix=f"Write or paste the {what} first.")
    return value


def _options(options: GenerationOptions | None) -> GenerationOptions:
    return options if options is not None else GenerationOptions()


class Generator(ABC):
    """Text and image generation for every pipeline step."""

    name: ClassVar[str]
    offline: ClassVar[bool] = False
    text_model: str
    image_model: str
    image_models: tuple[str, ...]

    # --- public API: validate, then delegate ---------------------------------

    def themes(self, brain_dump: str, options: GenerationOptions | None = None) -> ThemeSet:
        return self._themes(_require_text(brain_dump, "brain dump"), _options(options))

    def research(self, brain_dump: str, theme: Theme, options: GenerationOptions | None = None) -> Research:
        return self._research(_require_text(brain_dump, "brain dump"), theme, _options(options))

    def outlines(
        self,
        brain_dump: str,
        theme: Theme,
        research_items: Sequence[ResearchItem],
        options: GenerationOptions | None = None,
    ) -> OutlineSet:
        return self._outlines(_require_text(brain_dump, "brain dump"), theme, list(research_items), _options(options))

    def draft_stream(
        self,
        brain_dump: str,
        theme: Theme,
        research_items: Sequence[ResearchItem],
        outline: Outline,
        options: GenerationOptions | None = None,
        resume_from: str = "",
    ) -> DraftStream:
        """The draft as it streams. With `resume_from` (what an earlier run wrote before its worker died), the
        stream starts with that text and goes on from where it stops."""
        args = (_require_text(brain_dump, "brain dump"), theme, list(research_items), outline, _options(options))
        if resume_from.strip():
            return self._continue_draft(*args, resume_from)
        return self._draft_stream(*args)

    def _continue_draft(self, brain_dump: str, theme: Theme, research_items: list[ResearchItem], outline: Outline,
                        options: GenerationOptions, written: str) -> DraftStream:
        """Go on after `written`. This default suits providers that write the same draft from the same input
        (offline): it writes it again and passes on only what comes after `written`."""
        again = self._draft_stream(brain_dump, theme, research_items, outline, options)

        def produce(stream: DraftStream):
            seen = ""
            for chunk in again:
                if len(seen) >= len(written):
                    yield chunk
                    continue
                seen += chunk
                if len(seen) > len(written):
                    # the same text again: only its new part; another text (the input changed): a new paragraph
                    yield seen[len(written):] if seen.startswith(written) else "\n\n" + seen[len(seen) - len(chunk):]
            stream.usage, stream.finish_reason = again.usage, again.finish_reason

        return DraftStream(produce, model_used=again.model_used, start=written)

    def draft(
        self,
        brain_dump: str,
        theme: Theme,
        research_items: Sequence[ResearchItem],
        outline: Outline,
        options: GenerationOptions | None = None,
    ) -> Draft:
        return self.draft_stream(brain_dump, theme, research_items, outline, options).result()

    def output(self, draft_markdown: str, fmt: str, options: GenerationOptions | None = None):
        if fmt not in OUTPUT_FORMATS:
            raise InputError(f"Unknown output format {fmt!r}.", fix=f"Use one of {', '.join(OUTPUT_FORMATS)}.")
        return self._output(_require_text(draft_markdown, "draft"), fmt, _options(options))

    # Who makes images when it is not this provider (CONTENT_IMAGE_GENERATOR), or why there are none.
    images_from: "Generator | None" = None
    images_off: str | None = None

    @property
    def image_choices(self) -> tuple[str, ...]:
        """The image models the form offers (none when images are off)."""
        if self.images_off:
            return ()
        return self.images_from.image_models if self.images_from is not None else self.image_models

    def image(
        self,
        prompt: str,
        negative_prompt: str = "",
        model: str | None = None,
        aspect_ratio: str = DEFAULT_ASPECT_RATIO,
        seed: int | None = None,
    ) -> ImageResult:
        """One image. `seed` picks a variation where the provider can (offline: same seed, same picture); without
        one the offline provider picks a fresh seed, so each call is a new variation, and reports it in
        `metadata["seed"]`. Providers without seeds ignore it."""
        self.check_image(prompt, aspect_ratio)
        if self.images_from is not None:
            return self.images_from.image(prompt, negative_prompt, model, aspect_ratio, seed)
        return self._image(prompt.strip(), (negative_prompt or "").strip(), model or self.image_model, aspect_ratio, seed)

    def check_image(self, prompt: str, aspect_ratio: str) -> None:
        """What `image` refuses before anything is spent (so a page can say it at once, before queueing a job)."""
        if self.images_off:
            raise InputError(self.images_off, fix="Set CONTENT_IMAGE_GENERATOR=offline (or openai with a key).")
        if len(prompt or "") > MAX_IMAGE_PROMPT:
            raise InputError(f"The image prompt has {len(prompt):,} characters; image models take at most "
                             f"{MAX_IMAGE_PROMPT:,}.", fix="Shorten it to the picture you want: subject, style, mood.")
        _require_text(prompt, "image prompt")
        parse_ratio(aspect_ratio)

    # --- provider hooks --------------------------------------------------------

    @abstractmethod
    def _themes(self, brain_dump: str, options: GenerationOptions) -> ThemeSet: ...

    @abstractmethod
    def _research(self, brain_dump: str, theme: Theme, options: GenerationOptions) -> Research: ...

    @abstractmethod
    def _outlines(self, brain_dump: str, theme: Theme, research_items: list[ResearchItem], options: GenerationOptions) -> OutlineSet: ...

    @abstractmethod
    def _draft_stream(
        self, brain_dump: str, theme: Theme, research_items: list[ResearchItem], outline: Outline, options: GenerationOptions
    ) -> DraftStream: ...

    @abstractmethod
    def _output(self, draft_markdown: str, fmt: str, options: GenerationOptions): ...

    @abstractmethod
    def _image(self, prompt: str, negative_prompt: str, model: str, aspect_ratio: str, seed: int | None = None) -> ImageResult: ...


__all__ = [
    "ASPECT_RATIOS",
    "DraftStream",
    "GenerationOptions",
    "Generator",
    "LANGUAGES",
    "TONES",
]
