"""Platform limits and the helpers that keep every output inside them.

Both providers pass their outputs through `enforce()`, so a model that writes a
301-character post still yields a thread whose every post fits.
"""

from __future__ import annotations

import re
import unicodedata

from pydantic import BaseModel

from lib.generate.models import (
    BlogSEOContent,
    InstagramCaptionContent,
    LinkedInPostContent,
    NewsletterContent,
    XThreadContent,
)
from lib.generate.text import ABBREVIATIONS, URL_RE, collapse, split_sentences

LIMITS: dict[str, dict[str, int]] = {
    "linkedin_post": {"max_chars": 3000},
    "x_thread": {"max_chars_per_post": 280, "max_posts": 15},
    "newsletter": {"subject_max": 70, "preview_max": 140},
    "instagram_caption": {"max_chars": 2200, "max_hashtags": 30, "hook_chars": 125},
    "blog_seo": {"title_max": 60, "meta_description_max": 160, "slug_max": 60, "keywords_max": 8},
}
X_LIMIT = LIMITS["x_thread"]["max_chars_per_post"]
_X_NARROW = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
_NUMBERING = re.compile(r"^\s*(?:\(?\d{1,2}\s*/\s*\d{1,2}\)?[.:]?|\d{1,2}[.)/])\s+|\s+\(?\d{1,2}\s*/\s*\d{1,2}\)?\s*$")


def x_length(text: str) -> int:
    """Characters as X counts them (URLs 23, wide scripts and emoji 2), never less than len()."""
    weighted, last = 0, 0
    for match in URL_RE.finditer(text):
        weighted += _weigh(text[last : match.start()]) + 23
        last = match.end()
    weighted += _weigh(text[last:])
    return max(weighted, len(text))


def _weigh(text: str) -> int:
    return sum(1 if any(lo <= ord(ch) <= hi for lo, hi in _X_NARROW) else 2 for ch in text)


def split_to_fit(text: str, budget: int, measure=len) -> list[str]:
    """Cut text into pieces within `budget` at sentence, then word, then character boundaries."""
    text = collapse(text)
    if measure(text) <= budget:
        return [text] if text else []
    pieces: list[str] = []
    current = ""
    units = []
    for sentence in split_sentences(text):
        units.extend(sentence.split(" ") if measure(sentence) > budget else [sentence])
    for unit in units:
        while measure(unit) > budget:  # one word longer than the budget (scripts without spaces)
            cut = budget
            while cut > 1 and measure(unit[:cut]) > budget:
                cut -= 1
            if current:
                pieces.append(current)
                current = ""
            pieces.append(unit[:cut])
            unit = unit[cut:]
        candidate = f"{current} {unit}".strip() if current else unit
        if current and measure(candidate) > budget:
            pieces.append(current)
            candidate = unit
        current = candidate
    if current:
        pieces.append(current)
    return pieces


_SENTENCE_END = re.compile(r"[.!?。！？؟…][\"'”’)\]»」』]*(?=\s|$)")


def fit_text(text: str, limit: int, ellipsis: str = "…") -> str:
    """`text` if it fits; else its whole sentences that fit (when they keep over half of the room), never
    cut inside a parenthesis; else cut at the last paragraph or word boundary and marked with `ellipsis`."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(head) if _ends_sentence_at(text, m.start(), m.end())]
    if ends and ends[-1] > limit // 2:
        return head[: ends[-1]].rstrip()
    room = limit - len(ellipsis)
    head = text[:room]
    for mark in ("\n\n", "\n", ". ", "! ", "? ", "。", " "):
        at = head.rfind(mark)
        while at > room // 2 and head[:at].count("(") > head[:at].count(")"):
            at = head.rfind(mark, 0, at)  # not inside a parenthesis
        if at > room // 2:
            head = head[: at + (1 if mark.strip() in (".", "!", "?", "。") else 0)]
            break
    if head.count("(") > head.count(")") and head.rfind("(") > 0:
        head = head[: head.rfind("(")]  # only words outside the parenthesis were left to cut at
    return head.rstrip(" ,;:—–-") + ellipsis


def _ends_sentence_at(text: str, start: int, end: int) -> bool:
    """Whether the stop at text[start:end] ends a sentence: not inside a parenthesis, not after an
    abbreviation ("e.g."), not followed by a lower-case word."""
    before = text[:start].split()
    return (text[:end].count("(") <= text[:end].count(")") and not text[end:].lstrip()[:1].islower()
            and bool(before) and before[-1].casefold().lstrip("([") not in ABBREVIATIONS)


def fit_words(text: str, limit: int) -> str:
    """Cut at a word boundary, without a mark (titles, subjects)."""
    text = collapse(text)
    if len(text) <= limit:
        return text
    head = text[:limit]
    if " " in head[limit // 2 :]:
        head = head[: head.rfind(" ")]
    return head.rstrip(" ,;:—–-")


def slugify(text: str, max_len: int = LIMITS["blog_seo"]["slug_max"]) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    slug = re.sub(r"[^\w]+|_+", "-", plain).strip("-")
    slug = re.sub(r"-{2,}", "-", slug)
    if len(slug) > max_len:
        slug = slug[:max_len]
        if "-" in slug[max_len // 2 :]:
            slug = slug[: slug.rfind("-")]
    return slug.strip("-") or "post"


def hashtag(phrase: str) -> str:
    """"remote onboarding" -> "#RemoteOnboarding"; "" for a phrase a tag cannot spell (vowel signs of Hindi, Thai)."""
    if any(unicodedata.category(ch).startswith("M") for ch in phrase):
        return ""  # a tag keeps letters and digits only: without its vowel signs the word would be misspelt
    words = re.findall(r"[^\W_]+", phrase)
    tag = "".join(w if w.isupper() else w[:1].upper() + w[1:] for w in words)
    return f"#{tag}" if tag else ""


def number_posts(posts: list[str]) -> list[str]:
    """Strip any numbering a model added, split overlong posts, then number them i/n."""
    cleaned = [collapse(_NUMBERING.sub(" ", p)) for p in posts]
    cleaned = [p for p in cleaned if p]
    reserve = len(" 99/99")
    pieces = [piece for p in cleaned for piece in split_to_fit(p, X_LIMIT - reserve, x_length)]
    pieces = pieces[: LIMITS["x_thread"]["max_posts"]]
    total = len(pieces)
    return [f"{piece} {i}/{total}" for i, piece in enumerate(pieces, 1)]


def enforce(fmt: str, content: BaseModel) -> BaseModel:
    """Bring one output's content within the limits of its platform."""
    if isinstance(content, LinkedInPostContent):
        return LinkedInPostContent(text=fit_text(content.text, LIMITS["linkedin_post"]["max_chars"]))
    if isinstance(content, XThreadContent):
        return XThreadContent(posts=number_posts(content.posts))
    if isinstance(content, NewsletterContent):
        lim = LIMITS["newsletter"]
        return NewsletterContent(
            subject=fit_words(content.subject, lim["subject_max"]),
            preview=fit_text(collapse(content.preview), lim["preview_max"]),
            body_markdown=content.body_markdown.strip(),
        )
    if isinstance(content, InstagramCaptionContent):
        lim = LIMITS["instagram_caption"]
        tags = list(dict.fromkeys(t for t in (hashtag(h.lstrip("#")) for h in content.hashtags) if t))[: lim["max_hashtags"]]
        room = lim["max_chars"] - (len(" ".join(tags)) + 2 if tags else 0)
        return InstagramCaptionContent(caption=fit_text(content.caption, room), hashtags=tags)
    if isinstance(content, BlogSEOContent):
        lim = LIMITS["blog_seo"]
        title = fit_words(content.title, lim["title_max"])
        return BlogSEOContent(
            title=title,
            meta_description=fit_text(collapse(content.meta_description), lim["meta_description_max"]),
            slug=slugify(content.slug or title),
            keywords=list(dict.fromkeys(collapse(k) for k in content.keywords if k.strip()))[: lim["keywords_max"]],
        )
    raise ValueError(f"unknown output content for {fmt}")
