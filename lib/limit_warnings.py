"""How an output measures against its platform: the counts shown beside each post, and where it breaks a limit.

Edited outputs are saved as the user wrote them; the counts say how close each part is to what the platform
allows, and the warnings say, in a marketer's words, where a platform would cut or refuse it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lib.generate.platform_limits import LIMITS, x_length
from lib.output_text import blog_fields, hashtags, keywords, newsletter_parts, words, x_posts
from lib.wording import plural


@dataclass(frozen=True)
class Count:
    """One measure of one output: `what` is measured (a part's name, or "" for the whole post)."""

    what: str  # "" when the unit says it: "8 / 30 hashtags"
    n: int
    limit: int | None
    unit: str  # singular: character, word, hashtag, keyword, post
    warning: str = ""  # what breaking the limit means, when it does

    @property
    def over(self) -> bool:
        return self.limit is not None and self.n > self.limit

    @property
    def amount(self) -> str:
        """e.g. "1,234 / 3,000 characters", "1 word"."""
        if self.limit is None:
            return plural(self.n, self.unit)
        return f"{self.n:,} / {plural(self.limit, self.unit)}"

    def __str__(self) -> str:
        return f"{self.what}: {self.amount}" if self.what else self.amount


def _chars(what: str, text: str, limit: int, warning: str) -> Count:
    return Count(what, len(text), limit, "character", warning.format(n=len(text), limit=limit))


def _x_thread(content: str, lim: dict[str, int]) -> list[Count]:
    posts = x_posts(content)
    per_post = lim["max_chars_per_post"]
    counts = [Count(f"Post {n}", x_length(post), per_post, "character",
                    f"Post {n} has {x_length(post)} characters as X counts them; the limit is {per_post}.")
              for n, post in enumerate(posts, 1)]
    return counts + [Count("", len(posts), lim["max_posts"], "post",
                           f"The thread has {len(posts)} posts; keep it to {lim['max_posts']}.")]


def _newsletter(content: str, lim: dict[str, int]) -> list[Count]:
    parts = newsletter_parts(content)
    counts = []
    if parts.subject is not None:
        counts.append(_chars("Subject", parts.subject, lim["subject_max"],
                             "The subject has {n} characters; most inboxes cut it after about {limit}."))
    if parts.preview is not None:
        counts.append(_chars("Preview text", parts.preview, lim["preview_max"],
                             "The preview text has {n} characters; most inboxes show about {limit}."))
    return counts + [Count("Body", words(parts.body), None, "word")]


def _instagram(content: str, lim: dict[str, int]) -> list[Count]:
    tags = len(hashtags(content))
    return [Count("", len(content), lim["max_chars"], "character",
                  f"It has {len(content):,} characters; the limit is {lim['max_chars']:,}."),
            Count("", tags, lim["max_hashtags"], "hashtag",
                  f"It has {tags} hashtags; Instagram allows {lim['max_hashtags']}.")]


def _blog_seo(content: str, lim: dict[str, int]) -> list[Count]:
    fields, counts = blog_fields(content), []
    for name, key, warning in (
            ("Title", "title_max", "The title has {n} characters; search results cut it after about {limit}."),
            ("Meta description", "meta_description_max",
             "The meta description has {n} characters; search results cut it after about {limit}."),
            ("Slug", "slug_max", "The slug has {n} characters; keep it to {limit} or fewer.")):
        if name in fields:
            counts.append(_chars(name, fields[name], lim[key], warning))
    if "Keywords" in fields:
        n = len(keywords(fields["Keywords"]))
        counts.append(Count("", n, lim["keywords_max"], "keyword",
                            f"It has {n} keywords; keep it to {lim['keywords_max']}."))
    return counts


def counts(fmt: str, content: str) -> list[Count]:
    """Every measure of an output against its platform, in reading order (an X thread: each post, then the thread)."""
    limits = LIMITS.get(fmt, {})
    if fmt == "x_thread":
        return _x_thread(content, limits)
    if fmt == "newsletter":
        return _newsletter(content, limits)
    if fmt == "instagram_caption":
        return _instagram(content, limits)
    if fmt == "blog_seo":
        return _blog_seo(content, limits)
    if "max_chars" in limits:
        return [Count("", len(content), limits["max_chars"], "character",
                      f"It has {len(content):,} characters; the limit is {limits['max_chars']:,}.")]
    return [Count("", len(content), None, "character")]


def limit_warnings(fmt: str, content: str) -> list[str]:
    """What in a user's edited text breaks the platform's limits (empty when it fits).

    An X thread's posts are its blank-line-separated blocks.
    """
    return [c.warning for c in counts(fmt, content) if c.over]
