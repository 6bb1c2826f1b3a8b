"""Generators: one interface (`Generator`), providers registered in one place.

    from lib.generate import get_generator
    gen = get_generator(config)            # config.generator: "openai" or "offline"
    themes = gen.themes(brain_dump, GenerationOptions(tone="friendly"))

`config.generator` is resolved by lib/config.py: `CONTENT_GENERATOR` when set,
else `openai` when `OPENAI_API_KEY` is set, else `offline`.
"""

from __future__ import annotations

from typing import Any, Callable

from lib.errors import ConfigError
from lib.generate.base import LANGUAGES, TONES, DraftStream, GenerationOptions, Generator
from lib.generate.platform_limits import LIMITS
from lib.generate.imaging import ASPECT_RATIOS, DEFAULT_ASPECT_RATIO
from lib.generate.models import (
    OFFLINE_MODEL,
    OUTPUT_FORMAT_LABELS,
    OUTPUT_FORMATS,
    RESEARCH_KIND_LABELS,
    RESEARCH_KINDS,
    BlogSEO,
    Draft,
    ImageResult,
    InstagramCaption,
    LinkedInPost,
    Newsletter,
    Outline,
    OutlineSection,
    OutlineSet,
    Output,
    OutputAdapter,
    Research,
    ResearchItem,
    Theme,
    ThemeSet,
    Usage,
    XThread,
)

Factory = Callable[..., Generator]
_REGISTRY: dict[str, Factory] = {}


def register(name: str, factory: Factory) -> None:
    """Add a provider: `factory(config, **kwargs) -> Generator`."""
    _REGISTRY[name] = factory


def providers() -> list[str]:
    return sorted(_REGISTRY)


def get_generator(config: Any = None, **kwargs: Any) -> Generator:
    """The generator `config.generator` names (config defaults to `load_config()`).

    Keyword arguments go to the provider (e.g. `http_client=` for openai).
    """
    if config is None:
        from lib.config import load_config

        config = load_config()
    name = getattr(config, "generator", None) or "offline"
    factory = _REGISTRY.get(name)
    if factory is None:
        raise ConfigError(
            f"Unknown generator {name!r}.",
            fix=f"Set CONTENT_GENERATOR to one of {', '.join(providers())}, or leave it unset.",
        )
    generator = factory(config, **kwargs)
    images = getattr(config, "image_generator", None) or name
    if images == "none":
        generator.images_off = "Images are turned off on this server (CONTENT_IMAGE_GENERATOR=none)."
    elif images != name:
        generator.images_from = _REGISTRY[images](config, **kwargs)
    return generator


def _offline(config: Any = None, **_: Any) -> Generator:
    from lib.generate.offline import OfflineGenerator

    return OfflineGenerator()


def _openai(config: Any, **kwargs: Any) -> Generator:
    from lib.generate.openai_provider import OpenAIGenerator

    return OpenAIGenerator.from_config(config, **kwargs)


register("offline", _offline)
register("openai", _openai)

__all__ = [
    "ASPECT_RATIOS", "DEFAULT_ASPECT_RATIO", "LANGUAGES", "LIMITS", "OFFLINE_MODEL", "OUTPUT_FORMATS",
    "OUTPUT_FORMAT_LABELS", "RESEARCH_KINDS", "RESEARCH_KIND_LABELS", "TONES",
    "BlogSEO", "Draft", "DraftStream", "GenerationOptions", "Generator", "ImageResult", "InstagramCaption",
    "LinkedInPost", "Newsletter", "Outline", "OutlineSection", "OutlineSet", "Output", "OutputAdapter",
    "Research", "ResearchItem", "Theme", "ThemeSet", "Usage", "XThread",
    "get_generator", "providers", "register",
]
