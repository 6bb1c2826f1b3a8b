"""The research selection is the source of truth: what the user unticked never reaches a later step.

Research items are drawn from the brain dump, so leaving an item out of the
research list is not enough: the generator also reads the notes, the theme's
summary and the chosen outline. Each of those is given to the generator with
the unticked items' sentences taken out.
"""

from __future__ import annotations

import re

from lib.generate.models import Outline, Theme

_SENTENCE_END = r"[^.!?\n]*[.!?]?"
_TRAILING = "….!?:;, "


def _pattern(text: str) -> re.Pattern | None:
    """The sentence an item came from: its words in order (any spacing), to the end of that sentence."""
    words = re.findall(r"\w+|[^\w\s]", text.rstrip(_TRAILING).strip())
    if not words:
        return None
    return re.compile(r"[ \t]*" + r"\s*".join(re.escape(w) for w in words) + _SENTENCE_END, re.IGNORECASE)


def _patterns(dropped: list[str]) -> list[re.Pattern]:
    return [p for p in (_pattern(t) for t in dropped) if p is not None]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def mentions(text: str, dropped: list[str]) -> bool:
    """True when `text` contains an unticked item, or is a shortened copy of one ("Standups waste 30 min…")."""
    if any(p.search(text) for p in _patterns(dropped)):
        return True
    words = _words(text)
    return len(words) >= 4 and any(_words(d)[: len(words)] == words for d in dropped)


def without(text: str, dropped: list[str]) -> str:
    """`text` with every sentence an unticked item came from removed."""
    for pattern in _patterns(dropped):
        text = pattern.sub("", text)
    return text


def theme_without(theme: Theme, dropped: list[str]) -> Theme:
    points = [p for p in theme.key_points if not mentions(p, dropped)]
    summary = theme.summary if not mentions(theme.summary, dropped) else theme.title
    return theme.model_copy(update={"key_points": points, "summary": summary})


def outline_without(outline: Outline, dropped: list[str]) -> Outline:
    """The chosen outline without points (or a hook) that came from unticked items; empty sections go."""
    sections = []
    for section in outline.sections:
        points = [p for p in section.points if not mentions(p, dropped)]
        if points:
            sections.append(section.model_copy(update={"points": points}))
    hook = outline.hook if not mentions(outline.hook, dropped) else outline.title
    return outline.model_copy(update={"sections": sections, "hook": hook})
