"""Typed results of every generator step.

Every result serialises with `model_dump(mode="json")` (it is stored as jsonb)
and validates back from that dump. Results carry `model_used` and `usage`.
The `*Content` classes hold only what a model writes; they double as the JSON
schemas the OpenAI provider asks for (ids and metadata are ours to add).
"""

from __future__ import annotations

import hashlib
import re
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, computed_field, model_validator

OFFLINE_MODEL = "offline"


def short_id(*parts: str) -> str:
    """A stable 12-hex-digit id from text parts (same text, same id)."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def count_words(text: str) -> int:
    return len(re.findall(r"\w+", text))


class Usage(BaseModel):
    """Tokens one call consumed (zeros for the offline provider)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    # The server reported no usage (llama-cpp-python ignores stream_options): completion tokens are counted
    # from the stream's pieces and the prompt's are unknown, never claimed as 0.
    estimated: bool = False

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
            estimated=self.estimated or other.estimated,
        )


class GeneratedMeta(BaseModel):
    """Fields every generated result carries."""

    model_used: str
    usage: Usage = Field(default_factory=Usage)
    # What the page should say about this result: fewer items than asked for, what the offline generator did.
    notice: str | None = None


# --- themes -----------------------------------------------------------------


class ThemeContent(BaseModel):
    title: str
    summary: str
    angle: str
    key_points: list[str]


class Theme(ThemeContent):
    id: str = ""

    @model_validator(mode="after")
    def _stable_id(self) -> "Theme":
        if not self.id:
            self.id = short_id("theme", self.title, self.summary)
        return self


class ThemeSetContent(BaseModel):
    themes: list[ThemeContent]


class ThemeSet(GeneratedMeta):
    themes: list[Theme]


# --- research ---------------------------------------------------------------

ResearchKind = Literal["insight", "fact", "counterpoint", "question", "source"]
RESEARCH_KINDS: tuple[str, ...] = ("insight", "fact", "counterpoint", "question", "source")
RESEARCH_KIND_LABELS = {
    "insight": "Key insights",
    "fact": "Facts and statistics",
    "counterpoint": "Counterpoints",
    "question": "Open questions",
    "source": "Sources",
}


class ResearchItem(BaseModel):
    """One research finding. Facts without a source are flagged `verify`."""

    id: str = ""
    kind: ResearchKind
    text: str
    source: str | None = None
    verify: bool = False

    @model_validator(mode="after")
    def _defaults(self) -> "ResearchItem":
        if not self.id:
            self.id = short_id("research", self.kind, self.text)
        if "verify" not in self.model_fields_set and self.kind == "fact":
            self.verify = not (self.source or "").strip()
        return self


class FactContent(BaseModel):
    text: str
    source: str | None


class SourceContent(BaseModel):
    title: str
    url: str | None


class ResearchContent(BaseModel):
    insights: list[str]
    facts: list[FactContent]
    counterpoints: list[str]
    open_questions: list[str]
    sources: list[SourceContent]


class Research(GeneratedMeta):
    theme_id: str
    theme_title: str
    items: list[ResearchItem]


# --- outlines ---------------------------------------------------------------


class OutlineSection(BaseModel):
    heading: str
    points: list[str]


class OutlineContent(BaseModel):
    structure: str
    title: str
    hook: str
    sections: list[OutlineSection]
    call_to_action: str


class Outline(OutlineContent):
    id: str = ""

    @model_validator(mode="after")
    def _stable_id(self) -> "Outline":
        if not self.id:
            self.id = short_id("outline", self.structure, self.title)
        return self


class OutlineSetContent(BaseModel):
    outlines: list[OutlineContent]


class OutlineSet(GeneratedMeta):
    outlines: list[Outline]


# --- draft ------------------------------------------------------------------


class Draft(GeneratedMeta):
    markdown: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def word_count(self) -> int:
        return count_words(self.markdown)


# --- outputs ----------------------------------------------------------------

OUTPUT_FORMATS: tuple[str, ...] = ("linkedin_post", "x_thread", "newsletter", "instagram_caption", "blog_seo")
OUTPUT_FORMAT_LABELS = {
    "linkedin_post": "LinkedIn post",
    "x_thread": "X/Twitter thread",
    "newsletter": "Newsletter",
    "instagram_caption": "Instagram caption",
    "blog_seo": "Blog SEO",
}


class LinkedInPostContent(BaseModel):
    text: str


class XThreadContent(BaseModel):
    posts: list[str]


class NewsletterContent(BaseModel):
    subject: str
    preview: str
    body_markdown: str


class InstagramCaptionContent(BaseModel):
    caption: str
    hashtags: list[str]


class BlogSEOContent(BaseModel):
    title: str
    meta_description: str
    slug: str
    keywords: list[str]


class LinkedInPost(LinkedInPostContent, GeneratedMeta):
    format: Literal["linkedin_post"] = "linkedin_post"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def content(self) -> str:
        return self.text


class XThread(XThreadContent, GeneratedMeta):
    format: Literal["x_thread"] = "x_thread"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def content(self) -> str:
        return "\n\n".join(self.posts)


class Newsletter(NewsletterContent, GeneratedMeta):
    format: Literal["newsletter"] = "newsletter"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def content(self) -> str:
        return f"Subject: {self.subject}\nPreview: {self.preview}\n\n{self.body_markdown}"


class InstagramCaption(InstagramCaptionContent, GeneratedMeta):
    format: Literal["instagram_caption"] = "instagram_caption"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def content(self) -> str:
        tags = " ".join(self.hashtags)
        return f"{self.caption}\n\n{tags}" if tags else self.caption


class BlogSEO(BlogSEOContent, GeneratedMeta):
    format: Literal["blog_seo"] = "blog_seo"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def content(self) -> str:
        return (
            f"Title: {self.title}\nMeta description: {self.meta_description}\n"
            f"Slug: {self.slug}\nKeywords: {', '.join(self.keywords)}"
        )


Output = Annotated[
    Union[LinkedInPost, XThread, Newsletter, InstagramCaption, BlogSEO],
    Field(discriminator="format"),
]
OutputAdapter: TypeAdapter[Any] = TypeAdapter(Output)
"""`OutputAdapter.validate_python(stored_dict)` turns a stored output back into its model."""

OUTPUT_CONTENT_MODELS: dict[str, type[BaseModel]] = {
    "linkedin_post": LinkedInPostContent,
    "x_thread": XThreadContent,
    "newsletter": NewsletterContent,
    "instagram_caption": InstagramCaptionContent,
    "blog_seo": BlogSEOContent,
}
OUTPUT_MODELS: dict[str, type[BaseModel]] = {
    "linkedin_post": LinkedInPost,
    "x_thread": XThread,
    "newsletter": Newsletter,
    "instagram_caption": InstagramCaption,
    "blog_seo": BlogSEO,
}


# --- images -----------------------------------------------------------------


class ImageResult(GeneratedMeta):
    """A generated PNG at exactly the requested aspect ratio.

    `png_bytes` serialises as base64 in JSON mode; to store the row's metadata
    without the image use `model_dump(mode="json", exclude={"png_bytes"})`.
    """

    model_config = ConfigDict(ser_json_bytes="base64", val_json_bytes="base64")

    png_bytes: bytes = Field(repr=False)
    width: int
    height: int
    mime_type: str = "image/png"
    aspect_ratio: str
    prompt: str
    negative_prompt: str = ""
    metadata: dict[str, Any] = Field(default_factory=dict)

    @property
    def file_size(self) -> int:
        return len(self.png_bytes)
