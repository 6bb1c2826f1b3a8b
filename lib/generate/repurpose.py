"""Posts from a finished draft (the offline provider's outputs): whole publishable sentences of the draft, in each
platform's shape and within its limits; the outline and the draft themselves are composed in `compose`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from pydantic import BaseModel

from lib.generate import platform_limits as limits
from lib.generate.markdown_draft import parse_markdown
from lib.generate.base import GenerationOptions
from lib.generate.models import (
    BlogSEOContent,
    InstagramCaptionContent,
    LinkedInPostContent,
    NewsletterContent,
    XThreadContent,
)
from lib.generate.analysis import Analysis
from lib.generate.text import (
    PROSE,
    collapse,
    ends_sentence,
    kind_of,
    lowercase_words,
    scripts_of,
    split_sentences,
)

from lib.generate.compose import (
    CALLS_TO_ACTION, CLOSINGS, NEWSLETTER_CTAS, ROADMAP, sentence, the, tone_of, topic_case,
)



def _keyphrases(analysis: Analysis, limit: int) -> list[str]:
    """Topic phrases for hashtags and keywords: the subject, then the noun phrases the text comes back to (two or
    three words before one: "#SubjectLines" says more than "#Issue"), then phrases said once."""
    found, subject = analysis.subject, []
    if found is not None and found.mentions >= 2:
        subject = [found.display]
    elif found is not None and found.titled and found.clear:
        subject = [found.phrase]  # said once, named by its heading: "#RemoteWork", not "#Remote"
    seen: set[str] = {found.key} if subject else set()
    ranked: list[tuple[int, str]] = []
    for phrase in analysis.facets():
        if len(phrase.key) > 3 or set(phrase.key) & seen or any(ch.isdigit() for ch in phrase.display):
            continue
        once = len(phrase.units) < 2
        if len(phrase.key) == 1 and once:
            continue  # a lone word must recur to stand for the text
        seen.update(phrase.key)
        ranked.append((2 if once else int(len(phrase.key) == 1), phrase.display))
    main = {analysis.main_script}
    ranked.sort(key=lambda r: (not scripts_of(r[1]) <= main, r[0]))  # the text's main script first
    return (subject + [display for _, display in ranked])[:limit]


@dataclass
class _Draft:
    """A draft read for repurposing: publishable sentences only, by part; the closing by paragraph."""

    title: str
    intro: list[str]
    body: list[tuple[str, list[str]]]
    closing: list[str]

    def leads(self) -> list[str]:
        return [sentences[0] for _, sentences in self.body if sentences]

    def sentences(self) -> list[str]:
        return self.intro + [s for _, ss in self.body for s in ss] + [s for p in self.closing for s in split_sentences(p)]


_ROADMAP = re.compile("^" + re.escape(ROADMAP).replace(re.escape("{list}"), ".+") + "$")


def _read_draft(markdown: str) -> _Draft:
    parsed = parse_markdown(markdown)  # a sentence marked "(verify)" is a fact to check: it is left out below
    lower = lowercase_words(markdown)

    def keep(paragraph: str) -> list[str]:
        out = []
        for text in split_sentences(paragraph):
            if kind_of(text, lower) == PROSE and not _ROADMAP.match(text):
                out.append(text if ends_sentence(text) else sentence(text))
        return out

    sections = [(h, [s for p in paras for s in keep(p)], paras) for h, paras in parsed.sections]
    sections = [section for section in sections if section[1]]
    closes = sections and (len(sections) > 1 or sections[-1][0] in CLOSINGS.values())
    body, closing = (sections[:-1], sections[-1]) if closes else (sections, None)
    closing_paragraphs = [" ".join(keep(p)) for p in closing[2]] if closing else []
    return _Draft(collapse(parsed.title), [s for p in parsed.intro for s in keep(p)], [(h, ss) for h, ss, _ in body],
                  [p for p in closing_paragraphs if p])


class _Picker:
    """Sentences for one output: none twice, and every script of the draft represented."""

    def __init__(self, draft: _Draft):
        self.draft = draft
        self.used: set[str] = set()

    def take(self, text: str | None) -> str | None:
        key = collapse(text or "").casefold()
        if not key or key in self.used:
            return None
        self.used.add(key)
        return text

    def missing_scripts(self, chosen: list[str], fits: Callable[[str], bool] = lambda s: True) -> list[str]:
        """Sentences of the draft in a script none of `chosen` is written in (one per script)."""
        have = set().union(*(scripts_of(s) for s in chosen)) if chosen else set()
        extra = []
        closing = {collapse(s).casefold() for p in self.draft.closing for s in split_sentences(p)}
        for text in self.draft.sentences():
            if collapse(text).casefold() in closing:
                continue  # the call to action has its own place
            new = scripts_of(text) - have
            if new and fits(text) and self.take(text):
                extra.append(text)
                have |= new
        return extra


def _short(sentences: list[str], limit: int) -> str | None:
    return next((s for s in sentences if len(s) <= limit), None)


def output(fmt: str, markdown: str, analyse: Callable[[str], Analysis], options: GenerationOptions) -> BaseModel:
    """One repurposed output from a Markdown draft, within its platform's limits, ending on a whole sentence."""
    draft = _read_draft(markdown)
    title = draft.title
    prose = "\n".join(draft.intro + [s for _, ss in draft.body for s in ss])
    # Hashtags and keywords come from what the draft says (its title read as the heading), not from its closing.
    analysis = analyse(f"{title}\n{prose}\n" if prose else title)
    topic = _draft_topic(draft, analysis)
    tone = tone_of(options)
    cta = draft.closing[-1] if draft.closing else CALLS_TO_ACTION[tone].replace("{x}", topic)
    phrases = _keyphrases(analysis, 8)
    pick = _Picker(draft)
    pick.take(cta)
    hook = pick.take(next(iter(draft.intro), None) or next(iter(draft.leads()), None) or "")

    if fmt == "linkedin_post":
        tags = " ".join(t for t in (limits.hashtag(p) for p in phrases[:3]) if t)
        second = pick.take(next(iter(draft.intro[1:2]), None))
        lines = [f"→ {s}" for s in (pick.take(s) for s in draft.leads()) if s]
        lines += [f"→ {s}" for s in pick.missing_scripts([hook or "", second or "", *lines])]
        parts = [hook, second, "\n".join(lines), cta, tags]
        return limits.enforce(fmt, LinkedInPostContent(text=_fit_parts(parts, 2, limits.LIMITS["linkedin_post"]["max_chars"])))
    if fmt == "x_thread":
        room = limits.X_LIMIT - len(" 99/99")
        fits = lambda s: limits.x_length(s) <= room  # noqa: E731
        posts = [limits.fit_words(f"{title} 🧵", room)]
        if hook and fits(hook):
            posts.append(hook)
        for _heading, sentences in draft.body:
            text = pick.take(_short([s for s in sentences if fits(s)], room))
            if text:
                posts.append(text)
        posts += pick.missing_scripts(posts, fits)
        posts = posts[: limits.LIMITS["x_thread"]["max_posts"] - 1] + [cta]
        return limits.enforce(fmt, XThreadContent(posts=list(dict.fromkeys(p for p in posts if p))))
    if fmt == "newsletter":
        parts = [" ".join(s for s in [hook, *(pick.take(s) for s in draft.intro[1:2])] if s)]
        chosen: list[str] = [hook or ""]
        for heading, sentences in draft.body:
            kept = [s for s in (pick.take(s) for s in sentences[:3]) if s]
            chosen += kept
            if kept:
                parts.append(f"### {heading}\n\n" + " ".join(kept))
        extra = pick.missing_scripts(chosen)
        if extra:
            parts.append(" ".join(extra))
        parts.append(f"---\n\n{NEWSLETTER_CTAS[tone].replace('{x}', topic)}")
        preview = _short(draft.intro + draft.leads(), limits.LIMITS["newsletter"]["preview_max"]) or hook or title
        return limits.enforce(fmt, NewsletterContent(subject=title, preview=preview,
                                                     body_markdown="\n\n".join(p for p in parts if p)))
    if fmt == "instagram_caption":
        hook_chars = limits.LIMITS["instagram_caption"]["hook_chars"]
        first = hook if hook and len(hook) <= hook_chars else limits.fit_words(title, hook_chars)
        lines = [f"• {s}" for s in (pick.take(s) for s in draft.leads()[:5]) if s]
        lines += [f"• {s}" for s in pick.missing_scripts([first, *lines])]
        tags = [limits.hashtag(p) for p in phrases[:8]]
        room = limits.LIMITS["instagram_caption"]["max_chars"] - len(" ".join(tags)) - 2
        caption = _fit_parts([first, "\n".join(lines), cta], 1, room)
        return limits.enforce(fmt, InstagramCaptionContent(caption=caption, hashtags=phrases[:8]))
    if fmt == "blog_seo":
        meta = _meta_description(draft)
        # A keyword in each other script the draft is written in, room kept for them.
        others = sorted(set().union(*(scripts_of(s) for s in draft.sentences())) - {analysis.main_script})
        keywords = [p.casefold() for p in phrases[: max(3, min(5, limits.LIMITS["blog_seo"]["keywords_max"] - len(others)))]]
        for script in others:
            if script not in set().union(*(scripts_of(k) for k in keywords)):
                word = next((p.display for p in analysis.facets() if script in scripts_of(p.display)), None)
                if word:
                    keywords.append(word)
        return limits.enforce(fmt, BlogSEOContent(title=title, meta_description=meta, slug=title, keywords=keywords))
    raise ValueError(fmt)


def _template_match(templates, text: str) -> str | None:
    """What fills {x} in the first of `templates` that `text` reads as, if any."""
    for template in templates:
        pattern = re.escape(template).replace(re.escape("{n}"), r"\d+")
        pattern = pattern.replace(re.escape("{x}"), "(.+?)").replace(re.escape("{X}"), "(.+?)")
        match = re.fullmatch(pattern, text)
        if match:
            return match.group(1)
    return None


# The outline titles a draft starts with, what they are about as {x} ("3 lessons about remote work").
_DRAFT_TITLES = ("{n} lessons about {x}", "One lesson about {x}", "{X}: what goes wrong and what works",
                 "Myths and realities of {x}", "{X}, step by step")


def _draft_topic(draft: _Draft, analysis: Analysis) -> str:
    """What a draft is about, as a noun phrase that reads mid-sentence with its article ("the newsletter launch",
    "remote work"): the topic its own call to action names, else its title's, else the subject of its title."""
    closing = draft.closing[-1] if draft.closing else ""
    topic = _template_match(CALLS_TO_ACTION.values(), closing)
    if topic is None:
        topic = _template_match(_DRAFT_TITLES, draft.title)
        topic = the(topic_case(topic, analysis)) if topic else None
    if topic is None and analysis.subject is not None:
        topic = the(topic_case(analysis.subject.name or analysis.subject.phrase, analysis))
    return topic or draft.title


def _fit_parts(parts: list[str | None], lines_at: int, limit: int) -> str:
    """Blocks joined by blank lines; while too long, drop the last line of the block at `lines_at`."""
    parts = list(parts)
    while True:
        text = "\n\n".join(p for p in parts if p)
        lines = (parts[lines_at] or "").split("\n") if parts[lines_at] else []
        if len(text) <= limit or not lines:
            return text
        parts[lines_at] = "\n".join(lines[:-1])


def _meta_description(draft: _Draft) -> str:
    """Whole sentences of the introduction within 160 characters, else the first sentence of the draft that fits."""
    limit = limits.LIMITS["blog_seo"]["meta_description_max"]
    meta = ""
    for text in draft.intro:
        candidate = f"{meta} {text}".strip()
        if len(candidate) > limit:
            break
        meta = candidate
    if meta:
        return meta
    short = _short(draft.sentences(), limit)
    if short:
        return short
    first = (draft.intro or draft.leads() or [draft.title])[0]
    clause = limits.fit_words(re.split(r"[,;:—–]\s", first)[0], limit - 1).rstrip(".,;:!?")
    return clause + "."
