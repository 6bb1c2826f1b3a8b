"""What the OpenAI provider asks: messages per step and strict JSON schemas from our models."""

from __future__ import annotations

import copy
import json
from typing import Any

from pydantic import BaseModel

from lib.generate.base import GenerationOptions
from lib.generate.platform_limits import LIMITS
from lib.generate.models import Outline, ResearchItem, Theme

_DROP = {"title", "default"}


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A JSON schema for Structured Outputs `strict` mode: refs inlined, every
    property required, no extra properties (what OpenAI and compatible servers accept)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return walk(copy.deepcopy(defs[node["$ref"].rsplit("/", 1)[-1]]))
        out = {}
        for key, value in node.items():
            if key in ("properties", "$defs"):  # a mapping of names to schemas: keep every name
                out[key] = {name: walk(sub) for name, sub in value.items()}
            elif key not in _DROP:
                out[key] = walk(value)
        if out.get("type") == "object":
            out["additionalProperties"] = False
            out["required"] = list(out.get("properties", {}))
        return out

    return walk(schema)


# How a server is asked for JSON, strictest first. Servers differ: OpenAI and llama.cpp's server take
# `json_schema`; llama-cpp-python answers 500 to it and takes `json_object` with a `schema`; some take neither.
JSON_MODES = ("json_schema", "json_object", "prompt")


def response_format(name: str, model: type[BaseModel], mode: str = "json_schema") -> dict[str, Any] | None:
    schema = strict_schema(model)
    if mode == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": name, "strict": True, "schema": schema}}
    if mode == "json_object":
        return {"type": "json_object", "schema": schema}
    return None


def schema_message(model: type[BaseModel]) -> dict[str, str]:
    """For servers without structured output: the schema in words the model reads."""
    return {"role": "system", "content": "Reply with only one JSON object, no prose and no code fence, matching "
            f"this JSON Schema:\n{json.dumps(strict_schema(model), ensure_ascii=False)}"}


def _style(options: GenerationOptions) -> str:
    return f"Write in {options.language}. Tone: {options.tone}."


def _notes(brain_dump: str) -> str:
    return f"Brain dump (raw notes, between the markers):\n<<<\n{brain_dump}\n>>>"


def _theme(theme: Theme) -> str:
    return "Chosen theme:\n" + json.dumps(theme.model_dump(exclude={"id"}), ensure_ascii=False, indent=1)


def _items(items: list[ResearchItem]) -> str:
    if not items:
        return "Research the user kept: none."
    lines = [f"- [{i.kind}] {i.text}" + (f" (source: {i.source})" if i.source else " (unverified)" if i.kind == "fact" else "") for i in items]
    return "Research the user kept:\n" + "\n".join(lines)


def themes_messages(brain_dump: str, options: GenerationOptions) -> list[dict[str, str]]:
    system = (
        "You are a content strategist. Find between 3 and 7 distinct themes in the user's brain dump that could "
        "each become one piece of content. For each theme give: a short title (at most 10 words), a one-line summary, "
        "the angle that makes it worth reading, and 3 to 5 key points drawn from the notes. Use only ideas that are "
        f"in the notes; do not invent facts or figures. {_style(options)} Reply with JSON only."
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": _notes(brain_dump)}]


def research_messages(brain_dump: str, theme: Theme, options: GenerationOptions) -> list[dict[str, str]]:
    system = (
        "You are a careful research assistant for a content writer. For the chosen theme list: key insights; "
        "supporting facts or statistics; counterpoints; open questions to verify; and sources. Give a fact's "
        "`source` (URL or exact citation) only when you are confident it exists, otherwise null: unsourced facts "
        "are shown to the writer as 'verify'. Never invent URLs. Sources: title and URL (or null). "
        f"3 to 6 items per list where the material allows. {_style(options)} Reply with JSON only."
    )
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": f"{_theme(theme)}\n\n{_notes(brain_dump)}"},
    ]


def outlines_messages(brain_dump: str, theme: Theme, items: list[ResearchItem], options: GenerationOptions) -> list[dict[str, str]]:
    system = (
        "You are an editor. Propose 2 or 3 outline options for one long-form article, each with a clearly different "
        "structure (for example problem-solution, listicle, narrative, how-to, myth vs reality) named in `structure`. "
        "Each outline has a title, a hook (the opening line), 3 to 6 sections with a heading and 2 to 4 points each, "
        f"and a call to action. Build on the notes and the kept research. {_style(options)} Reply with JSON only."
    )
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": f"{_theme(theme)}\n\n{_items(items)}\n\n{_notes(brain_dump)}"},
    ]


def draft_messages(
    brain_dump: str, theme: Theme, items: list[ResearchItem], outline: Outline, options: GenerationOptions
) -> list[dict[str, str]]:
    system = (
        f"You are a skilled writer. Write a long-form article of about {options.draft_words} words in Markdown. "
        "Start with '# ' and the title, then the hook as the first paragraph, then one '## ' section per outline "
        "section in order, then a short closing section with the call to action. Use the notes and the research; "
        "write '(verify)' after any figure or statistic that has no source. No preamble, no code fences: output "
        f"only the article. {_style(options)}"
    )
    outline_text = json.dumps(outline.model_dump(exclude={"id"}), ensure_ascii=False, indent=1)
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": f"Outline:\n{outline_text}\n\n{_theme(theme)}\n\n{_items(items)}\n\n{_notes(brain_dump)}"},
    ]


def continue_draft_messages(brain_dump: str, theme: Theme, items: list[ResearchItem], outline: Outline,
                            options: GenerationOptions, written: str) -> list[dict[str, str]]:
    """The draft's conversation with what was already written as the model's own answer, and a request to go on
    (an OpenAI-compatible API cannot resume a stream, but a model continues its own text well)."""
    return [*draft_messages(brain_dump, theme, items, outline, options),
            {"role": "assistant", "content": written},
            {"role": "user", "content": "Your answer above was cut off. Continue the article exactly where it stops, "
                                        "mid-sentence if need be. Do not repeat anything already written and add no "
                                        "preamble."}]


OUTPUT_BRIEFS = {
    "linkedin_post": (
        f"a LinkedIn post of at most {LIMITS['linkedin_post']['max_chars'] - 200} characters: a strong first line, "
        "short paragraphs, one idea per line, a question or call to action, then 3 hashtags on the last line"
    ),
    "x_thread": (
        "an X (Twitter) thread of 4 to 10 posts, each at most 260 characters, the first one a hook; do not number "
        "the posts (numbering is added afterwards); no hashtags except at most one in the last post"
    ),
    "newsletter": (
        f"a newsletter issue: subject line (at most {LIMITS['newsletter']['subject_max']} characters), preview text "
        f"(at most {LIMITS['newsletter']['preview_max']} characters) and a Markdown body of 250 to 450 words with a "
        "friendly opening, the key ideas under short headings and a closing call to action"
    ),
    "instagram_caption": (
        "an Instagram caption of at most 1,800 characters whose first line (at most 125 characters) is a hook, "
        "with short lines and line breaks, a call to action, and separately 5 to 10 relevant hashtags"
    ),
    "blog_seo": (
        f"blog SEO fields: a title of at most {LIMITS['blog_seo']['title_max']} characters, a meta description of 120 "
        f"to {LIMITS['blog_seo']['meta_description_max']} characters, a URL slug (lowercase words joined by hyphens) "
        "and 3 to 8 target keywords"
    ),
}


def output_messages(draft_markdown: str, fmt: str, options: GenerationOptions) -> list[dict[str, str]]:
    system = (
        f"You repurpose articles for other channels. From the article, write {OUTPUT_BRIEFS[fmt]}. Keep every claim "
        f"faithful to the article and keep any '(verify)' marks. {_style(options)} Reply with JSON only."
    )
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": f"Article (Markdown, between the markers):\n<<<\n{draft_markdown}\n>>>"},
    ]
