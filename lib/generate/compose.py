"""Offline composition: outlines, drafts and repurposed outputs from the user's own sentences.

Structure words ("The problem", "Step 2") and calls to action are templates;
every point, paragraph and post body is text from the brain dump or the draft.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

from pydantic import BaseModel

from lib.generate import platform_limits as limits
from lib.generate.markdown_draft import parse_markdown
from lib.generate.base import GenerationOptions
from lib.generate.models import (
    BlogSEOContent,
    InstagramCaptionContent,
    LinkedInPostContent,
    NewsletterContent,
    Outline,
    OutlineSection,
    ResearchItem,
    Theme,
    XThreadContent,
)
from lib.generate.text import (
    Analysis,
    capitalise,
    collapse,
    has_fact,
    shorten,
    split_sentences,
    terms_of,
    tokenize,
    urls_in,
)

CALLS_TO_ACTION = {
    "professional": "What has worked for your team with {x}? Share your experience in the comments.",
    "friendly": "How do you handle {x}? I'd love to hear your take.",
    "casual": "Your turn: what's your take on {x}?",
    "bold": "Pick one idea about {x} from this piece and act on it this week.",
    "educational": "Try one of these ideas about {x} this week and note what changes.",
    "inspirational": "Start with one small step on {x} today.",
}
CLOSINGS = {"professional": "Next steps", "friendly": "Over to you", "casual": "Your turn", "bold": "Now act",
            "educational": "Practice", "inspirational": "Where to start"}


def _tone(options: GenerationOptions) -> str:
    return options.tone.casefold() if options.tone.casefold() in CALLS_TO_ACTION else "professional"


def theme_phrase(analysis: Analysis, theme: Theme) -> str:
    """The keyphrase a theme is about: the best known phrase inside its title, else the title."""
    phrase = analysis.key_phrase(theme.title)
    if phrase is None:
        for point in theme.key_points:
            phrase = analysis.key_phrase(point)
            if phrase is not None:
                break
    return phrase.display if phrase is not None else theme.title


_TERMINAL = ".!?。！？؟।"
_LOWER_AFTER_STOP = re.compile(r"(?<=[a-z0-9)]\. )([a-z])")


def sentence(text: str, marker: str = "") -> str:
    """A point as a sentence of prose: capitalised, ending in punctuation, `marker` before the stop."""
    text = collapse(text).rstrip("…").rstrip(" ,;:—–-")
    if not text:
        return text
    text = _LOWER_AFTER_STOP.sub(lambda m: m.group(1).upper(), capitalise(text))
    stop = ""
    if text[-1] in _TERMINAL:
        cut = len(text.rstrip(_TERMINAL))
        text, stop = text[:cut], text[cut:]
    return f"{text}{' ' + marker if marker else ''}{stop or '.'}"


def _heading_for(analysis: Analysis, text: str, avoid: set[str]) -> str:
    """A short heading for one point: its best phrase not yet used (updates `avoid`)."""
    phrase = analysis.key_phrase(text, avoid)
    if phrase is None:
        return shorten(text, 6, 60)
    avoid.update(phrase.key)
    return capitalise(phrase.display)


# --- outlines ---------------------------------------------------------------


def outlines(analysis: Analysis, theme: Theme, items: list[ResearchItem], options: GenerationOptions) -> list[Outline]:
    x = theme_phrase(analysis, theme)
    cta = CALLS_TO_ACTION[_tone(options)].replace("{x}", x)
    kinds = {k: [i.text for i in items if i.kind == k] for k in ("insight", "fact", "counterpoint", "question")}
    insights = kinds["insight"] or list(theme.key_points)
    facts, counter = kinds["fact"], kinds["counterpoint"]
    # Questions we wrote ourselves ("What is the source…") are notes for the writer, not content.
    questions = [q for q in kinds["question"] if _full_text(analysis, q)[1] is not None]
    body = list(dict.fromkeys(insights + facts))
    hook = questions[0] if questions else facts[0] if facts else theme.summary
    avoid = set(t.norm for t in tokenize(x))

    half = (len(insights) + 1) // 2
    problem = _sections(
        [
            (f"The problem with {x}", counter[:3] or insights[:1]),
            ("Why it happens", insights[:half] if counter else insights[1:half + 1]),
            ("What works instead", insights[half:half + 3] if counter else insights[half + 1:half + 4]),
            ("The evidence", facts[:3]),
        ]
    )
    result = [Outline(structure="problem-solution", title=f"{capitalise(x)}: what goes wrong and what works",
                      hook=hook, sections=problem, call_to_action=cta)]

    listed = body[:7]
    used_headings = set(avoid)
    result.append(
        Outline(
            structure="listicle",
            title=f"{len(listed)} lessons about {x}" if len(listed) > 1 else f"One lesson about {x}",
            hook=theme.summary if hook != theme.summary else (facts or insights)[0],
            sections=[
                OutlineSection(heading=f"{n}. {_heading_for(analysis, point, used_headings)}", points=[point])
                for n, point in enumerate(listed, 1)
            ],
            call_to_action=cta,
        )
    )
    if len(body) + len(counter) >= 3:
        used_headings = set(avoid)
        if counter:
            pairs = list(zip(counter, insights))[:4] or [(counter[0], theme.summary)]
            steps = [(f"Myth or reality: {_heading_for(analysis, c, used_headings)}", [c, r]) for c, r in pairs]
            structure, title = "myth-vs-reality", f"Myths and realities of {x}"
        else:
            steps = [(f"Step {n}: {_heading_for(analysis, p, used_headings)}", [p]) for n, p in enumerate(body[:5], 1)]
            structure, title = "how-to", f"How to approach {x}, step by step"
        steps.append(("Open questions", questions[:3]))
        result.append(Outline(structure=structure, title=title, hook=theme.summary, sections=_sections(steps), call_to_action=cta))
    return result


def _sections(pairs: list[tuple[str, list[str]]]) -> list[OutlineSection]:
    """Sections in order, each point used once, empty sections dropped."""
    seen: set[str] = set()
    sections = []
    for heading, points in pairs:
        fresh = [p for p in points if p.casefold() not in seen]
        seen.update(p.casefold() for p in fresh)
        if fresh:
            sections.append(OutlineSection(heading=heading, points=fresh))
    return sections


# --- draft ------------------------------------------------------------------


def _full_text(analysis: Analysis, point: str) -> tuple[str, int | None]:
    """The whole input sentence a (possibly shortened) point came from."""
    head = collapse(point).rstrip("…").casefold()
    if not head:
        return point, None
    for unit in analysis.units:
        if unit.text.casefold().startswith(head):
            return unit.text, unit.index
    return point, None


def draft_chunks(
    analysis: Analysis, theme: Theme, items: list[ResearchItem], outline: Outline, options: GenerationOptions
) -> Iterator[str]:
    """The draft, section by section: outline points first, then related sentences up to the length asked."""
    verify = {collapse(i.text).rstrip("…").casefold() for i in items if i.kind == "fact" and i.verify}
    sections = [s for s in outline.sections if s.points] or [OutlineSection(heading=theme.title, points=theme.key_points)]
    reserved = {i for s in sections for p in s.points if (i := _full_text(analysis, p)[1]) is not None}
    hook_text, hook_index = _full_text(analysis, outline.hook)
    repeated = hook_index in reserved or any(collapse(outline.hook).casefold() == p.casefold() for s in sections for p in s.points)
    written_units = {hook_index} if hook_index is not None and not repeated else set()
    written_text = set() if repeated else {collapse(hook_text).casefold()}

    def prose(text: str) -> str:
        unsourced = collapse(text).rstrip("…").casefold() in verify or (_is_unsourced_fact(text) and not text.rstrip().endswith("?"))
        return sentence(text, VERIFY_MARK if unsourced else "")

    head = f"# {outline.title}\n\n" + ("" if repeated else f"{prose(hook_text)}\n\n")
    written = len(head.split())
    yield head
    for number, section in enumerate(sections):
        budget = max(40, (options.draft_words - written) // (len(sections) - number))
        lines = []
        for point in section.points:
            text, index = _full_text(analysis, point)
            key = collapse(text).casefold()
            if index in written_units or key in written_text:
                continue
            written_text.add(key)
            if index is not None:
                written_units.add(index)
            lines.append(prose(text))
        if not lines:
            continue
        words = sum(len(line.split()) for line in lines)
        query = set(terms_of(tokenize(" ".join([section.heading, *section.points]))))
        for unit in analysis.related(query, limit=12, exclude=written_units | reserved, minimum=0.05):
            if words >= budget or written + words >= options.draft_words:
                break
            written_units.add(unit.index)
            line = prose(unit.text)
            lines.append(line)
            words += len(line.split())
        paragraphs = [" ".join(lines[i : i + 3]) for i in range(0, len(lines), 3)]
        chunk = f"## {section.heading}\n\n" + "".join(f"{p}\n\n" for p in paragraphs)
        written += len(chunk.split())
        yield chunk
    yield f"## {CLOSINGS[_tone(options)]}\n\n{sentence(outline.call_to_action)}\n"


def _is_unsourced_fact(text: str) -> bool:
    return has_fact(text) and not urls_in(text)


# --- outputs ----------------------------------------------------------------


def _keyphrases(analysis: Analysis, limit: int) -> list[str]:
    seen, out = set(), []
    for phrase in analysis.ranked:
        if phrase.score <= 0 or set(phrase.key) & seen or len(phrase.key) > 3:
            continue
        if len(phrase.key) == 1 and len(phrase.units) < 2:
            continue  # a lone word must recur to stand for the text
        seen.update(phrase.key)
        out.append(phrase.display)
        if len(out) >= limit:
            break
    return out


VERIFY_MARK = "*(verify)*"


def strip_markers(markdown: str) -> str:
    """The draft without the (verify) reminders (for keyphrases, hashtags, keywords, meta descriptions)."""
    return re.sub(r"\s?\*?\(verify\)\*?", "", markdown)


def _clean(text: str) -> str:
    return collapse(text.replace(VERIFY_MARK, "(verify)"))


def output(fmt: str, markdown: str, analyse: Callable[[str], Analysis], options: GenerationOptions) -> BaseModel:
    """One repurposed output from a Markdown draft, within its platform's limits."""
    draft = parse_markdown(markdown)
    title = _clean(draft.title)
    sections = [(h, [_clean(p) for p in paras]) for h, paras in draft.sections if paras]
    closes = sections and (len(sections) > 1 or sections[-1][0] in CLOSINGS.values())
    body, closing = (sections[:-1], sections[-1]) if closes else (sections, None)
    intro = [_clean(p) for p in draft.intro]
    firsts = [(h, split_sentences(paras[0])[0]) for h, paras in body if split_sentences(paras[0])]
    if intro and split_sentences(intro[0]):
        hook = split_sentences(intro[0])[0]
    elif firsts:
        hook, firsts = firsts[0][1], firsts[1:]
    else:
        hook = ""
    cta = closing[1][0] if closing else CALLS_TO_ACTION[_tone(options)].replace("{x}", title)
    # Hashtags and keywords come from what the draft says, not from its headings or closing.
    prose = strip_markers("\n".join(intro + [p for _, paras in body for p in paras]))
    phrases = _keyphrases(analyse(prose or title), 8)

    if fmt == "linkedin_post":
        tags = " ".join(t for t in (limits.hashtag(p) for p in phrases[:3]) if t)
        lines = [f"→ {s}" for _, s in firsts]
        while True:
            text = "\n\n".join(part for part in [title, hook, "\n".join(lines), cta, tags] if part)
            if len(text) <= limits.LIMITS["linkedin_post"]["max_chars"] or not lines:
                break
            lines.pop()
        return limits.enforce(fmt, LinkedInPostContent(text=text))
    if fmt == "x_thread":
        posts = [f"{title} 🧵", hook] + [f"{h}: {s}" for h, s in firsts] + [cta]
        return limits.enforce(fmt, XThreadContent(posts=list(dict.fromkeys(p for p in posts if p))))
    if fmt == "newsletter":
        parts = [" ".join(split_sentences(p)[:2]) for p in intro[:1]]
        for heading, paras in body:
            parts.append(f"### {heading}\n\n" + " ".join(split_sentences(paras[0])[:3]))
        parts.append(f"---\n\n{cta}")
        return limits.enforce(fmt, NewsletterContent(subject=title, preview=hook or title, body_markdown="\n\n".join(parts)))
    if fmt == "instagram_caption":
        hook_line = limits.fit_text(title, limits.LIMITS["instagram_caption"]["hook_chars"])
        lines = [f"• {s}" for _, s in firsts[:5]]
        caption = "\n\n".join(part for part in [hook_line, hook, "\n".join(lines), cta] if part)
        return limits.enforce(fmt, InstagramCaptionContent(caption=caption, hashtags=phrases[:8]))
    if fmt == "blog_seo":
        meta = strip_markers(" ".join(split_sentences(intro[0])[:2]) if intro else hook or title)
        return limits.enforce(
            fmt,
            BlogSEOContent(title=title, meta_description=collapse(meta), slug=title, keywords=[p.casefold() for p in phrases[:5]]),
        )
    raise ValueError(fmt)
